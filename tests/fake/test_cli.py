"""The ``aqfake`` command line, run as a real subprocess."""

from __future__ import annotations

import io
import re
import select
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from aqfake.cli import demo as main_demo
from aqfake.cli import main

STARTUP_LIMIT_SECONDS = 60  # only a guard against a hung child, not a performance check


def spawn(*args: str, command: tuple[str, ...] = (sys.executable, "-m", "aqfake")):
    return subprocess.Popen(
        [*command, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def first_line(proc: subprocess.Popen) -> str:
    ready, _, _ = select.select([proc.stdout], [], [], STARTUP_LIMIT_SECONDS)
    if not ready:
        proc.kill()
        pytest.fail(f"aqfake printed nothing; stderr: {proc.stderr.read()}")
    return proc.stdout.readline()


@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen, str]]:
    proc = spawn("serve", "--host", "127.0.0.1", "--port", "0", "--lab", "empty")
    try:
        yield proc, first_line(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_serve_prints_exactly_the_base_url_first(served):
    _, line = served
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+\n", line)
    assert not line.rstrip("\n").endswith(":0")


def test_served_fake_answers_and_signs_in(served):
    _, line = served
    url = line.strip()
    with requests.Session() as http:
        assert http.get(f"{url}/_aqfake/health", timeout=10).json()["status"] == "ok"
        login = http.post(
            f"{url}/sessions.json",
            json={"session": {"login": "neptune", "password": "aquarium"}},
            timeout=10,
        )
        assert login.json() == {"message": "Log in successful"}
        assert "remember_token_YourLab_production" in http.cookies


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_exits_cleanly_on_signals(served, sig):
    proc, _ = served
    proc.send_signal(sig)
    assert proc.wait(timeout=STARTUP_LIMIT_SECONDS) == 0
    assert "Traceback" not in proc.stderr.read()


def test_console_script_is_installed_and_serves():
    script = Path(sys.executable).with_name("aqfake")
    if not script.exists():
        pytest.skip("the aqfake console script is not installed in this environment")
    proc = spawn("serve", "--lab", "empty", command=(str(script),))
    try:
        assert first_line(proc).startswith("http://127.0.0.1:")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=STARTUP_LIMIT_SECONDS) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def test_serve_on_a_busy_port_fails_with_a_message(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port), "--lab", "empty"]) == 1
    assert f"cannot serve on 127.0.0.1:{port}" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [[], ["serve", "--lab", "nonsense"], ["serve", "--port", "x"], ["record"]]
)
def test_bad_arguments_exit_2_with_usage(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "usage: aqfake" in capsys.readouterr().err


def test_demo_runs_an_example_session_against_the_demo_lab():
    out = io.StringIO()
    assert main_demo(out) == 0
    text = out.getvalue()
    assert re.match(r"Fake Aquarium with the demo lab at http://127\.0\.0\.1:\d+\n", text)
    assert "Signed in as 'neptune'" in text
    assert re.search(r"\d+ primers, for example:", text)
    assert "1 x POST /sessions.json -> 200" in text
