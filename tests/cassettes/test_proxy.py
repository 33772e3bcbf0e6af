"""``aqfake.proxy.CassetteProxy`` and the ``aqfake record`` / ``aqfake replay`` commands."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from aqfake.app import FakeAquarium
from aqfake.cassettes.seed import load_exchanges
from aqfake.cli import main
from aqfake.proxy import MISS_STATUS, CassetteProxy, loopback_cookie, origin_of

from .test_cassette_core import VCRPY_ADVICE

START_SECONDS = 60
CLIENT = Path(__file__).with_name("proxy_client.py")


def client(url: str, action: str, *args: str) -> dict[str, Any]:
    """Run :mod:`proxy_client` in its own process (vcrpy patches the proxy's process)."""
    done = subprocess.run(
        [sys.executable, str(CLIENT), url, action, *args],
        capture_output=True,
        text=True,
        timeout=START_SECONDS,
        check=False,
    )
    assert done.returncode == 0, f"the client failed:\n{done.stderr}"
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_records_any_client_then_replays_without_the_server(
    aq_server: str, aq_fake: FakeAquarium, tmp_path: Path
) -> None:
    path = tmp_path / "proxied.yaml"
    with CassetteProxy(path, aq_server, password="aquarium") as proxy:
        assert proxy.url != aq_server
        seen = client(proxy.url, "browse", "aquarium")
    served = len(aq_fake.journal)
    assert served >= 4 and seen["primers"]
    text = path.read_text()
    assert aq_fake.user_token("neptune") not in text
    assert not re.search(r"\baquarium\b", text)
    assert f"uri: {aq_server}/sessions.json" in text  # recorded as sent to the server
    assert text.count("uri: ") == served, "each exchange is recorded exactly once"

    with CassetteProxy(path) as replaying:
        again = client(replaying.url, "browse", "anything")
        assert replaying.misses == []
    assert again == seen
    assert len(aq_fake.journal) == served, "the replay reached the server"


def test_redirects_point_back_at_the_proxy(aq_server: str, tmp_path: Path) -> None:
    path = tmp_path / "redirect.yaml"
    with CassetteProxy(path, aq_server) as proxy:
        answer = client(proxy.url, "get", "/json/current")
        assert (answer["status"], answer["location"]) == (302, f"{proxy.url}/signin")
    with CassetteProxy(path) as replaying:
        answer = client(replaying.url, "get", "/json/current")
        assert (answer["status"], answer["location"]) == (302, f"{replaying.url}/signin")


def test_the_client_gets_real_cookies_and_the_cassette_placeholders(
    aq_server: str, aq_fake: FakeAquarium, tmp_path: Path
) -> None:
    path = tmp_path / "cookies.yaml"
    with CassetteProxy(path, aq_server) as proxy:
        seen = client(proxy.url, "cookies")
    assert seen["cookies"][aq_fake.cookie_name] == aq_fake.user_token("neptune")
    assert len(seen["cookies"]) >= 2, "each Set-Cookie arrived separately"
    assert seen["login"] == "neptune"
    assert "<AQ:remember_token>" in path.read_text()


def test_a_request_missing_from_the_cassette_gets_599_with_near_misses(
    aq_server: str, tmp_path: Path
) -> None:
    path = tmp_path / "miss.yaml"
    asked = {"model": "SampleType", "method": "find_by_name", "arguments": ["Primer"]}
    with CassetteProxy(path, aq_server) as proxy:
        assert client(proxy.url, "post", "/json", json.dumps(asked))["status"] == 302
    asked["arguments"] = ["Plasmid"]
    with CassetteProxy(path) as replaying:
        answer = client(replaying.url, "post", "/json", json.dumps(asked))
        assert answer["status"] == MISS_STATUS
        assert '$.arguments[0]: request: "Plasmid", recorded: "Primer"' in answer["text"]
        assert replaying.misses == [answer["text"]]


def test_an_unreachable_upstream_is_a_502(tmp_path: Path) -> None:
    with CassetteProxy(tmp_path / "down.yaml", "http://127.0.0.1:9") as proxy:
        answer = client(proxy.url, "get", "/signin")
    assert answer["status"] == 502
    assert "http://127.0.0.1:9 did not answer" in answer["text"]
    assert not (tmp_path / "down.yaml").exists()


def test_recording_needs_an_upstream(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="needs an upstream"):
        CassetteProxy(tmp_path / "x.yaml", record_mode="once")
    with pytest.raises(ValueError, match="not an absolute URL"):
        origin_of("aquarium.example.org")


@pytest.mark.parametrize(
    ("cookie", "expected"),
    [
        ("t=1; path=/; Domain=.lab.org; Secure; HttpOnly", "t=1; path=/; HttpOnly"),
        ("t=1; secure", "t=1"),
        ("t=secure; path=/", "t=secure; path=/"),
    ],
)
def test_loopback_cookie(cookie: str, expected: str) -> None:
    assert loopback_cookie(cookie) == expected


def _start(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "aqfake", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], START_SECONDS)
    line = process.stdout.readline().strip() if ready else ""
    if not line.startswith("http://"):
        process.kill()
        pytest.fail(f"aqfake {args[0]} printed {line!r}: {process.communicate()[1]}")
    return process, line


def _stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=START_SECONDS)
    return process.returncode, err


def test_record_and_replay_commands(aq_server: str, tmp_path: Path) -> None:
    path = tmp_path / "cli.yaml"
    env = {**os.environ, "AQ_URL": aq_server}
    recorder, url = _start("record", str(path), env=env)
    try:
        seen = client(url, "browse", "aquarium")
    finally:
        code, err = _stop(recorder)
    assert code == 0, err
    assert f"wrote {len(load_exchanges([path]))} interactions to {path}" in err

    player, url = _start("replay", str(path))
    try:
        assert client(url, "browse", "typed") == seen
        assert client(url, "post", "/json", '{"model": "Nothing"}')["status"] == MISS_STATUS
    finally:
        code, err = _stop(player)
    assert code == 1, "a request missing from the cassette makes replay exit 1"
    assert "1 request(s) were not in the cassette" in err
    assert f"aqfake record {path} --record-mode rewrite" in err
    assert "cassette.aqfake.invalid" not in err and "vcrpy" not in err


def test_record_without_a_url_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.delenv("AQ_URL", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main(["record", str(tmp_path / "x.yaml")])
    assert exit_info.value.code == 2
    assert "--url" in capsys.readouterr().err
    assert main(["replay", str(tmp_path / "missing.yaml")]) == 2


def test_replay_over_http_hides_the_internal_address(tmp_path: Path, aq_server: str) -> None:
    path = tmp_path / "proxy.yaml"
    with CassetteProxy(path, aq_server) as recording:
        client(recording.url, "browse", "aquarium")
    with CassetteProxy(path, advice="Record it with the proxy again.") as replaying:
        answer = client(replaying.url, "post", "/json", '{"model": "Nothing"}')
    assert answer["status"] == MISS_STATUS
    assert 'POST /json {"model":"Nothing"}' in answer["text"]
    assert "cassette.aqfake.invalid" not in answer["text"]
    assert "Record it with the proxy again." in answer["text"]
    assert not [advice for advice in VCRPY_ADVICE if advice in answer["text"]]


def test_record_says_when_nothing_was_written(aq_server: str, tmp_path: Path) -> None:
    path = tmp_path / "cli.yaml"
    env = {**os.environ, "AQ_URL": aq_server}
    recorder, _ = _start("record", str(path), env=env)
    code, err = _stop(recorder)
    assert code == 0, err
    assert "nothing recorded, no file written" in err
    assert not path.exists()
