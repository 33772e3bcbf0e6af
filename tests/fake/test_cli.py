"""The ``aqfake`` command line, run as a real subprocess."""

from __future__ import annotations

import io
import re
import select
import signal
import socket
import subprocess
import sys
import threading
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


def stderr_line(proc: subprocess.Popen, containing: str) -> str:
    """The first stderr line containing ``containing``, read in a thread (a blocking read is
    bounded by the startup limit; select() cannot see lines already buffered)."""
    found: list[str] = []

    def read() -> None:
        for line in proc.stderr:
            if containing in line:
                found.append(line)
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(STARTUP_LIMIT_SECONDS)
    if not found:
        pytest.fail(f"aqfake never printed {containing!r} on stderr")
    return found[0]


@pytest.fixture
def spawned() -> Iterator[list[subprocess.Popen]]:
    procs: list[subprocess.Popen] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_serve_injects_faults_from_the_command_line(spawned):
    proc = spawn("serve", "--lab", "empty", "--fault-seed", "3",
                 "--fault", "status,route=GET /signin,status=502,times=1",
                 "--fault", '{"kind": "drop", "route": "/nowhere"}')  # fmt: skip
    spawned.append(proc)
    url = first_line(proc).strip()
    assert requests.get(f"{url}/signin", timeout=30).status_code == 502
    assert requests.get(f"{url}/signin", timeout=30).status_code == 200
    listed = requests.get(f"{url}/_aqfake/faults", timeout=30).json()
    assert listed["seed"] == 3 and [f["kind"] for f in listed["faults"]] == ["status", "drop"]
    assert "fault status 502 #1 on GET /signin" in stderr_line(proc, "fault status")


def test_serve_refuses_a_bad_fault_with_usage(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--fault", "status,status=99"])
    assert exited.value.code == 2
    assert "status must be an HTTP status" in capsys.readouterr().err


@pytest.mark.parametrize("extra", [["--size", "small"], ["--import", "types.json"]])
def test_serve_refuses_cassettes_with_a_lab_size_or_import(capsys, extra):
    assert main(["serve", "--cassette", "recorded.yaml", *extra]) == 2
    assert "leave out --size and --import" in capsys.readouterr().err


def test_serve_prints_the_control_token_and_requires_it_when_asked(spawned):
    proc = spawn("serve", "--lab", "empty", "--require-token", "--token", "tok-123")
    spawned.append(proc)
    url = first_line(proc).strip()
    assert "control token tok-123" in stderr_line(proc, "control token")
    assert requests.get(f"{url}/_aqfake/health", timeout=30).status_code == 401
    headers = {"X-Aqfake-Token": "tok-123"}
    assert requests.get(f"{url}/_aqfake/health", headers=headers, timeout=30).ok


def test_serve_beyond_loopback_warns_and_requires_the_printed_token(spawned):
    proc = spawn("serve", "--lab", "empty", "--host", "0.0.0.0")
    spawned.append(proc)
    port = first_line(proc).strip().rsplit(":", 1)[1]
    token_line = stderr_line(proc, "control token")
    token = re.search(r"control token (\S+)", token_line).group(1)
    assert "required" in token_line and "not required" not in token_line
    assert "beyond loopback" in stderr_line(proc, "beyond loopback")
    url = f"http://127.0.0.1:{port}"
    assert requests.get(f"{url}/_aqfake/health", timeout=30).status_code == 401
    assert requests.get(f"{url}/_aqfake/health", headers={"X-Aqfake-Token": token},
                        timeout=30).ok  # fmt: skip
    assert requests.get(f"{url}/signin", timeout=30).ok, "Aquarium's own routes need no token"
