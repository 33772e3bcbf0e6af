"""The proxy is served by the fake's own loopback server: chunked bodies, the body size limit,
IPv6. Its clients talk raw HTTP over sockets here (vcrpy patches HTTP clients in this process,
not sockets)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aqfake.app import FakeAquarium
from aqfake.proxy import CassetteProxy
from aqfake.transport import MAX_BODY_BYTES
from tests.network import ipv6_loopback, raw_connection

GUARD = 30  # seconds: a guard against a hung test only


def exchange(url: str, head: str, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """Send one raw request (``Connection: close``) and read the whole answer."""
    with raw_connection(url, GUARD) as raw:
        raw.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        data = b""
        while chunk := raw.recv(65536):
            data += chunk
    top, _, payload = data.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, payload


def chunked(data: bytes, size: int = 7) -> bytes:
    parts = [data[i : i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def test_a_chunked_body_is_forwarded_whole(aq_server: str, tmp_path: Path) -> None:
    login = json.dumps({"session": {"login": "neptune", "password": "aquarium"}}).encode()
    head = (
        "POST /sessions.json HTTP/1.1\nHost: x\nContent-Type: application/json\n"
        "Transfer-Encoding: chunked\nConnection: close\n"
    )
    with CassetteProxy(tmp_path / "chunked.yaml", aq_server, password="aquarium") as proxy:
        status, _, body = exchange(proxy.url, head, chunked(login))
    assert (status, json.loads(body)) == (200, {"message": "Log in successful"})
    text = (tmp_path / "chunked.yaml").read_text()
    assert "<AQ:password>" in text and 'aquarium"' not in text


def test_a_body_over_the_limit_is_refused_with_413(aq_server: str, tmp_path: Path) -> None:
    head = f"POST /json HTTP/1.1\nHost: x\nContent-Length: {MAX_BODY_BYTES + 1}\n"
    with CassetteProxy(tmp_path / "big.yaml", aq_server) as proxy:
        status, _, body = exchange(proxy.url, head)
    assert status == 413 and "exceeds the fake's limit" in json.loads(body)["errors"]
    assert not (tmp_path / "big.yaml").exists(), "nothing reached the server to record"


@pytest.mark.skipif(not ipv6_loopback(), reason="this machine has no IPv6 loopback (::1)")
def test_the_proxy_serves_on_ipv6(aq_server: str, aq_fake: FakeAquarium, tmp_path: Path) -> None:
    with CassetteProxy(tmp_path / "v6.yaml", aq_server, host="::1") as proxy:
        url = proxy.url
        status, headers, _ = exchange(url, "GET /json/current HTTP/1.1\nHost: x\n"
                                      "Connection: close\n")  # fmt: skip
    assert url.startswith("http://[::1]:")
    assert status == 302 and headers["Location"] == f"{url}/signin"
    assert [e.path for e in aq_fake.journal.entries] == ["/json/current"]


def test_a_proxy_beyond_loopback_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cassette = tmp_path / "empty.yaml"
    cassette.write_text("interactions: []\nversion: 1\n")
    with caplog.at_level("WARNING", "aqfake"), CassetteProxy(cassette, host="0.0.0.0"):
        pass
    assert "beyond loopback" in caplog.text and "can read the cassette" in caplog.text
