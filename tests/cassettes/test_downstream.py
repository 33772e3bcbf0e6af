"""Downstream proof: a lab's own project uses the plugin from the installed wheel, no conftest.

A fresh venv gets this repository's wheel (:mod:`.downstream_env`). A separate project in tmp
records a test with ``aq_recorded_session`` against a live ``aqfake serve`` (the installed
console script) with ``--aq-record-mode=once`` and ``AQ_URL`` / ``AQ_LOGIN`` / ``AQ_PASSWORD``,
then passes again with the server stopped, no credentials and ``--aq-record-mode=none``. The
cassette must hold neither the password nor the session token. The same project also uses
``aq_session`` and ``aq_fake``.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from .downstream_env import DownstreamIndexUnreachable, fresh_venv

pytestmark = [pytest.mark.downstream, pytest.mark.xdist_group("downstream")]

LOGIN, PASSWORD = "neptune", "aquarium"
RUN_SECONDS = 300

LAB_TESTS = """
import pytest


def count_primers(session):
    primer_type = session.SampleType.find_by_name("Primer")
    return len(session.Sample.where({"sample_type_id": primer_type.id}))


def test_recorded(aq_recorded_session):
    assert count_primers(aq_recorded_session) > 0
    sample = aq_recorded_session.Sample.where({"sample_type_id": 1})[0]
    assert sample.items is not None


def test_fake_session(aq_session):
    assert count_primers(aq_session) > 0


def test_fake(aq_fake):
    assert aq_fake.store.count("samples") > 0


@pytest.mark.aq_lab("empty")
def test_empty_lab(aq_session):
    assert aq_session.SampleType.find_by_name("Primer") is None
"""


@pytest.fixture(scope="module")
def venv_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        return fresh_venv(tmp_path_factory.mktemp("downstream"))
    except DownstreamIndexUnreachable as exc:
        pytest.skip(str(exc))


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a downstream process: nothing of this repository or this pytest."""
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "AQ_URL", "AQ_LOGIN", "AQ_PASSWORD")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("PYTEST")}
    return {**env, **extra}


@pytest.fixture
def served(venv_bin: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``aqfake serve`` from the installed console script; stopped by its pid."""
    server = subprocess.Popen(
        [str(venv_bin / "aqfake"), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=clean_env(),
    )
    try:
        assert server.stdout is not None
        ready, _, _ = select.select([server.stdout], [], [], RUN_SECONDS)
        url = server.stdout.readline().strip() if ready else ""
        assert url.startswith("http://127.0.0.1:"), f"aqfake serve printed {url!r}"
        yield server, url
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=30)
        if server.stdout is not None:
            server.stdout.close()


def run_pytest(venv_bin: Path, project: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(venv_bin / "python"), "-m", "pytest", "-p", "no:cacheprovider", "-v", *args],
        capture_output=True,
        text=True,
        cwd=project,
        env=env,
        timeout=RUN_SECONDS,
        check=False,
    )
    assert done.returncode == 0, f"downstream pytest failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_downstream_project_records_then_replays_offline(
    venv_bin: Path, served: tuple[subprocess.Popen[str], str], tmp_path: Path
) -> None:
    server, url = served
    project = tmp_path / "lab-project"
    project.mkdir()
    (project / "test_lab_scripts.py").write_text(LAB_TESTS)
    with requests.Session() as http:  # the credentials a recording must not keep
        http.post(
            f"{url}/sessions.json",
            json={"session": {"login": LOGIN, "password": PASSWORD}},
            timeout=30,
        )
        secrets = [c.value for c in http.cookies if c.value]
    assert secrets

    recording = clean_env(AQ_URL=url, AQ_LOGIN=LOGIN, AQ_PASSWORD=PASSWORD)
    out = run_pytest(venv_bin, project, recording, "--aq-record-mode=once")
    assert "4 passed" in out
    assert "plugins: aqsession" in out or "aqsession-" in out
    cassette = project / "cassettes" / "test_lab_scripts" / "test_recorded.yaml"
    text = cassette.read_text()
    assert not re.search(rf"\b{PASSWORD}\b", text), "the password is in the cassette"
    for secret in secrets:
        assert secret not in text, "a session cookie value is in the cassette"
    assert "<AQ:password>" in text and "<AQ:remember_token>" in text
    assert not (project / "conftest.py").exists()

    server.terminate()
    server.wait(timeout=30)
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=5)
    out = run_pytest(venv_bin, project, clean_env(), "--aq-record-mode=none")
    assert "4 passed" in out
    assert "test_recorded PASSED" in out
