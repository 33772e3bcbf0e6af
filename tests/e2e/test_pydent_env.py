"""The pydent venv helper: reuse, and the line between "skip" (offline) and "fail" (anything else).

The failure cases run pip against loopback or an empty local index, never the network.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from .pydent_env import (
    PydentIndexUnreachable,
    PydentSetupError,
    ensure_pydent_env,
    index_unreachable,
)

pytestmark = pytest.mark.pydent


@pytest.fixture
def isolated_pip(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Make pip ignore this machine's config files, extra indexes and local wheel folders."""
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    for name in list(os.environ):
        if name.startswith("PIP_") and name != "PIP_CONFIG_FILE":
            monkeypatch.delenv(name)
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")
    return monkeypatch


def _closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_unreachable_index_is_reported_as_such(
    tmp_path: Path, isolated_pip: pytest.MonkeyPatch
) -> None:
    isolated_pip.setenv("PIP_INDEX_URL", f"http://127.0.0.1:{_closed_port()}/simple")
    isolated_pip.setenv("PIP_RETRIES", "0")
    with pytest.raises(PydentIndexUnreachable, match="cannot reach the package index"):
        ensure_pydent_env(root=tmp_path / "venv-root")
    assert not (tmp_path / "venv-root" / "ready").exists()


def test_reachable_index_without_the_package_fails_loudly(
    tmp_path: Path, isolated_pip: pytest.MonkeyPatch
) -> None:
    empty_index = tmp_path / "simple"
    empty_index.mkdir()
    isolated_pip.setenv("PIP_INDEX_URL", empty_index.as_uri())
    with pytest.raises(PydentSetupError, match=r"No matching distribution found for pydent"):
        ensure_pydent_env(root=tmp_path / "venv-root")
    assert not (tmp_path / "venv-root" / "ready").exists()


def test_build_failure_after_a_transient_retry_is_not_called_offline() -> None:
    log = (
        "WARNING: Retrying (Retry(total=1)) after connection broken by "
        "'NewConnectionError(...: Failed to establish a new connection: [Errno 111] "
        "Connection refused)': /simple/pydent/\n"
        "error: subprocess-exited-with-error\n"
        "ERROR: Failed building wheel for inflection\n"
    )
    assert not index_unreachable(log)
    assert index_unreachable(log + "ERROR: No matching distribution found for pydent==1.0.11\n")


def test_ready_venv_is_reused(pydent_python: Path) -> None:
    again = ensure_pydent_env()
    assert again.python == pydent_python
    assert again.build_seconds == 0.0


def test_concurrent_callers_build_once(tmp_path: Path, pydent_python: Path) -> None:
    """Two processes racing on an empty root: one builds under the lock, the other reuses it."""
    probe = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import pydent_env; "
        "env = pydent_env.ensure_pydent_env(root=pydent_env.Path(sys.argv[2])); "
        "print(json.dumps({'python': str(env.python), 'built': env.build_seconds > 0}))"
    )
    root = tmp_path / "shared-root"
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", probe, str(Path(__file__).parent), str(root)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = []
    for racer in racers:
        out, err = racer.communicate(timeout=600)
        assert racer.returncode == 0, err
        outcomes.append(json.loads(out))
    assert sorted(o["built"] for o in outcomes) == [False, True]
    assert {o["python"] for o in outcomes} == {str(root / "venv" / "bin" / "python")}
    assert json.loads((root / "ready").read_text())["pydent"] == "1.0.11"
