"""Fixtures for driving unmodified pydent 1.0.11 against a live ``aqfake serve`` process.

- ``pydent_python``: the interpreter of the shared pydent venv (built once, see pydent_env).
- ``live_fake``: one ``python -m aqfake serve --port 0 --lab demo`` process per test module.
- ``demo_store``: the same demo lab built in this process through aqfake's Python API; it is
  the ground truth the scenario answers are compared with.
- ``scenario``: runs ``scenarios/<name>.py`` under pydent's interpreter against ``live_fake``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .harness import LiveFake, run_scenario, start_fake
from .pydent_env import PydentIndexUnreachable, ensure_pydent_env


@pytest.fixture(scope="session")
def pydent_python() -> Path:
    """The pydent venv's interpreter; skips only when the package index is unreachable."""
    try:
        return ensure_pydent_env().python
    except PydentIndexUnreachable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def live_fake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveFake]:
    """One fake Aquarium process per test module, stopped by its pid afterwards."""
    fake = start_fake(tmp_path_factory.mktemp("aqfake") / "stderr.log")
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture(scope="module")
def demo_store() -> Any:
    """The demo lab, built in-process with the same seed as the served one (ground truth)."""
    from aqfake.app import FakeAquarium

    return FakeAquarium("demo").store


@pytest.fixture(scope="module")
def scenario(
    pydent_python: Path, live_fake: LiveFake
) -> Callable[[str, dict[str, Any]], dict[str, Any]]:
    """``scenario(name, params)`` runs a script and returns its per-check outcomes."""

    def run(name: str, params: dict[str, Any]) -> dict[str, Any]:
        return run_scenario(pydent_python, live_fake.url, name, params)

    return run
