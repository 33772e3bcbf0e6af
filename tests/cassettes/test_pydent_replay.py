"""Cassettes are interchangeable: unmodified pydent replays the cassettes our client recorded.

pydent 1.0.11 runs in its own venv (``tests/e2e/pydent_env.py``), with neither vcrpy nor this
repository importable, so the cassette is served to it over loopback by
:class:`aqfake.proxy.CassetteProxy` (what ``aqfake replay`` runs). Both clients run the same
scenario against the same cassette, with no server behind it, and must see the same thing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from e2e.harness import run_pydent_script
from e2e.pydent_env import PydentIndexUnreachable, ensure_pydent_env

from aqfake.cassettes import use_cassette
from aqfake.proxy import CassetteProxy
from aqfake.pytest_plugin import recorded_login
from aqsession import AqSession

from . import demo_scenarios

HERE = Path(__file__).resolve().parent
CASSETTES = HERE.parents[1] / "cassettes" / "test_demo_sessions"

pytestmark = [pytest.mark.pydent, pytest.mark.xdist_group("pydent-replay")]


@pytest.fixture(scope="module")
def pydent_python() -> Path:
    try:
        return ensure_pydent_env().python
    except PydentIndexUnreachable as exc:
        pytest.skip(str(exc))


def _ours(path: Path) -> Any:
    with use_cassette(path, record_mode="none") as cassette:
        found = recorded_login(cassette)
        assert found is not None, f"{path} holds no login"
        login, origin = found
        session = AqSession(login, "typed-at-replay", origin)
        seen = demo_scenarios.SCENARIOS[path.stem.removeprefix("test_")](session)
    return login, json.loads(json.dumps(seen, default=str))


def _pydent(python: Path, url: str, login: str, scenario: str) -> dict[str, Any]:
    job = {"url": url, "login": login, "scenario": scenario}
    return run_pydent_script(python, HERE / "pydent_replay.py", job)


#: Scenarios whose requests differ between the two clients (each one a known, reported gap).
KNOWN_DIFFERENCES: dict[str, str] = {}


def _scenario_params() -> list[Any]:
    return [
        pytest.param(
            name,
            marks=pytest.mark.xfail(reason=KNOWN_DIFFERENCES[name], strict=True),
        )
        if name in KNOWN_DIFFERENCES
        else name
        for name in sorted(demo_scenarios.SCENARIOS)
    ]


@pytest.mark.parametrize("scenario", _scenario_params())
def test_pydent_replays_our_cassette(pydent_python: Path, scenario: str) -> None:
    path = CASSETTES / f"test_{scenario}.yaml"
    login, ours = _ours(path)
    with CassetteProxy(path) as server:
        theirs = _pydent(pydent_python, server.url, login, scenario)
        misses = server.misses
    assert not misses, "pydent asked what our client never recorded:\n" + "\n\n".join(misses)
    assert "error" not in theirs, f"pydent raised {theirs}"
    assert theirs["value"] == ours


def test_replay_proxy_reports_a_request_missing_from_the_cassette(pydent_python: Path) -> None:
    path = CASSETTES / "test_login_and_queries.yaml"
    with CassetteProxy(path) as server:
        theirs = _pydent(pydent_python, server.url, "neptune", "query_language")
        misses = server.misses
    assert "error" in theirs
    assert misses and "Closest recorded requests" in misses[0]
