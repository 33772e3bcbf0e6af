"""Credentials in headers, query strings and JSON fields, both directions, never reach a
cassette: once through the pytest plugin's ``aq_cassette``, once through the recording proxy."""

from __future__ import annotations

from pathlib import Path

import pytest

from aqfake.proxy import CassetteProxy
from aqfake.transport import LiveServer

from .secret_upstream import assert_scrubbed, secret_fake
from .test_plugin_cassettes import run
from .test_proxy import _start, _stop, client

INNER = """
from secret_upstream import send_secrets

def test_secrets(aq_cassette):
    import os
    assert send_secrets(os.environ["SECRET_UPSTREAM"]) == [200, 200]
"""


@pytest.fixture
def upstream() -> object:
    with LiveServer(secret_fake()) as server:
        yield server


def test_plugin_recording_scrubs_every_credential(
    pytester: pytest.Pytester, upstream: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECRET_UPSTREAM", upstream.url)
    pytester.syspathinsert(Path(__file__).parent)
    pytester.makepyfile(test_lab=INNER)
    run(pytester, "--aq-record-mode=once").assert_outcomes(passed=1)
    cassette = pytester.path / "cassettes" / "test_lab" / "test_secrets.yaml"
    text = cassette.read_text()
    assert_scrubbed(text)
    assert "Basic <AQ:proxy-authorization>" in text
    assert "<AQ:api_key>" in text and "<AQ:client_secret>" in text
    run(pytester, "--aq-record-mode=none").assert_outcomes(passed=1)  # replays as recorded


def test_proxy_recording_scrubs_every_credential(upstream: LiveServer, tmp_path: Path) -> None:
    path = tmp_path / "secrets.yaml"
    with CassetteProxy(path, upstream.url) as proxy:
        assert client(proxy.url, "secrets") == {"statuses": [200, 200]}
    assert_scrubbed(path.read_text())
    with CassetteProxy(path) as replaying:
        assert client(replaying.url, "secrets") == {"statuses": [200, 200]}
        assert replaying.misses == []


def test_aqfake_record_scrubs_every_credential(upstream: LiveServer, tmp_path: Path) -> None:
    path = tmp_path / "cli-secrets.yaml"
    recorder, url = _start("record", str(path), "--url", upstream.url)
    try:
        assert client(url, "secrets") == {"statuses": [200, 200]}
    finally:
        code, err = _stop(recorder)
    assert code == 0, err
    assert_scrubbed(path.read_text())
