"""Record this repository's cassettes again: ``python tests/cassettes/record_cassettes.py``.

Starts ``aqfake serve`` with the demo lab (seed 0, timeline anchored at :data:`ANCHOR`, so the
lab is the same on any day) as a stand-in for a real Aquarium, points the recording fixtures at
it through ``AQ_URL`` / ``AQ_LOGIN`` / ``AQ_PASSWORD`` exactly as a scientist would for a real
server, and runs ``tests/cassettes/test_demo_sessions.py`` with ``--aq-record-mode=rewrite``.
The server is stopped afterwards (by the pid this script started). Two recordings differ only
in the server's port, ``Date`` headers and cookie expiry dates, none of which replay matches on.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ANCHOR = "2026-01-01"
SEED = "0"
LOGIN, PASSWORD = "neptune", "aquarium"
SERVER_START_SECONDS = 60


def start_server() -> tuple[subprocess.Popen[str], str]:
    """``aqfake serve`` on a free loopback port; its first stdout line is the URL."""
    command = [sys.executable, "-m", "aqfake", "serve", "--lab", "demo", "--seed", SEED]
    server = subprocess.Popen([*command, "--anchor", ANCHOR], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    ready, _, _ = select.select([server.stdout], [], [], SERVER_START_SECONDS)
    url = server.stdout.readline().strip() if ready else ""
    if not url.startswith("http://"):
        server.kill()
        server.wait()
        raise SystemExit(f"aqfake serve did not print its URL (got {url!r})")
    return server, url


def main(argv: list[str]) -> int:
    """Record every demo session (extra arguments go to pytest, e.g. ``-k lazy``)."""
    server, url = start_server()
    try:
        env = {**os.environ, "AQ_URL": url, "AQ_LOGIN": LOGIN, "AQ_PASSWORD": PASSWORD}
        command = [
            sys.executable,
            "-m",
            "pytest",
            str(HERE / "test_demo_sessions.py"),
            "--aq-record-mode=rewrite",
            "-p",
            "no:xdist",
            "-q",
            *argv,
        ]
        return subprocess.run(command, cwd=REPO, env=env, check=False).returncode
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
