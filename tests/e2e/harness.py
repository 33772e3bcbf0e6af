"""Plumbing for the pydent end-to-end tests: the served fake, scenario runs, result access."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest

SCENARIOS = Path(__file__).with_name("scenarios")
SERVER_START_SECONDS = 30
SCENARIO_SECONDS = 120
SERVE_COMMAND = ("-m", "aqfake", "serve", "--host", "127.0.0.1", "--port", "0", "--lab", "demo")


def child_env() -> dict[str, str]:
    """Environment for pydent processes: nothing of this repository's venv leaks into them.

    ``TZ=UTC`` because pydent renders AQL ``__time__`` with the local clock and the fake, like
    the real server's database, keeps UTC.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")
    }
    env["TZ"] = "UTC"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _drain(stream: IO[str]) -> None:
    """Keep reading the server's stdout so a chatty server never blocks on a full pipe."""
    for _ in stream:
        pass


@dataclass
class LiveFake:
    """A running ``aqfake serve`` subprocess and its base URL."""

    url: str
    process: subprocess.Popen[str]
    stderr_log: Path

    def control(self, path: str) -> Any:
        """GET a control endpoint of the fake (``/_aqfake/<path>``) and decode its JSON."""
        with urllib.request.urlopen(f"{self.url}/_aqfake/{path}", timeout=10) as response:
            return json.load(response)

    def journal(self) -> list[dict[str, Any]]:
        """Every request the fake has answered so far (control requests excluded)."""
        entries = self.control("journal")
        return entries["entries"] if isinstance(entries, dict) else entries

    def json_bodies(self, model: str | None = None) -> list[dict[str, Any]]:
        """Bodies of the ``POST /json`` requests in the journal, optionally for one model."""
        return [
            e["body"]
            for e in self.journal()
            if e["method"] == "POST"
            and e["path"].rstrip("/") == "/json"
            and isinstance(e.get("body"), dict)
            and (model is None or e["body"].get("model") == model)
        ]

    def stop(self) -> None:
        """Terminate the server process this fixture started (and only that one)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_fake(stderr_log: Path) -> LiveFake:
    """Start ``python -m aqfake serve`` on a free port; its first stdout line is the URL."""
    command = [sys.executable, *SERVE_COMMAND]
    with open(stderr_log, "w") as err:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    assert process.stdout is not None
    readable, _, _ = select.select([process.stdout], [], [], SERVER_START_SECONDS)
    first_line = process.stdout.readline().strip() if readable else ""
    if not first_line.startswith("http://"):
        process.kill()
        process.wait()
        raise RuntimeError(
            f"`{' '.join(command)}` did not print its base URL within "
            f"{SERVER_START_SECONDS}s; first line {first_line!r}; stderr:\n{stderr_log.read_text()}"
        )
    threading.Thread(target=_drain, args=(process.stdout,), daemon=True).start()
    return LiveFake(url=first_line.rstrip("/"), process=process, stderr_log=stderr_log)


def run_scenario(python: Path, url: str, name: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run ``scenarios/<name>.py`` under pydent's interpreter; return its per-check results."""
    return run_pydent_script(python, SCENARIOS / f"{name}.py", {"url": url, "params": params})


def run_pydent_script(python: Path, script: Path, job: dict[str, Any]) -> dict[str, Any]:
    """Run ``script`` (in its own folder) under pydent's interpreter with ``job`` as JSON on
    stdin; the JSON object it prints."""
    done = subprocess.run(
        [str(python), str(script)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=script.parent,
        timeout=SCENARIO_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(
            f"{script.name} crashed (exit {done.returncode}) before reporting:\n{done.stderr}"
        )
    try:
        results: dict[str, Any] = json.loads(done.stdout)
    except ValueError as exc:
        raise AssertionError(
            f"{script.name} printed no JSON:\n{done.stdout}\n{done.stderr}"
        ) from exc
    return results


def value(results: dict[str, Any], check: str) -> Any:
    """The value a check returned; fails with pydent's exception when it raised instead."""
    outcome = results[check]
    if "error" in outcome:
        pytest.fail(f"pydent raised in {check!r}: {outcome['error']}: {outcome['message']}")
    return outcome["value"]


def error(results: dict[str, Any], check: str) -> dict[str, str]:
    """The exception a check raised; fails when pydent returned a value instead."""
    outcome = results[check]
    if "error" not in outcome:
        pytest.fail(f"pydent returned {outcome['value']!r} in {check!r} instead of raising")
    return dict(outcome)
