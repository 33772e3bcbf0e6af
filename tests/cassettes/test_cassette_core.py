"""Cassette machinery: canonical matching, indexed replay, scrubbing, audit, readable YAML."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
import urllib3.connectionpool
import vcr
import yaml
from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.request import Request

from aqfake.cassettes import (
    AqCassette,
    RequestNotInCassette,
    Scrubber,
    SecretLeakError,
    request_key,
    use_cassette,
)

TOKEN = "TYmoWfyV42AL7dSoYcgmug"
DIGEST = "pbkdf2_sha256$1000$c2FsdA==$aGFzaGhhc2hoYXNo"
PASSWORD = "correct-horse-42"

#: urllib3's connection class before any cassette patched it.
ORIGINAL_CONNECTION = urllib3.connectionpool.HTTPConnectionPool.ConnectionCls


class _Handler(BaseHTTPRequestHandler):
    leak = ""

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"null")
        if self.path == "/sessions.json":
            self.send_response(200)
            self.send_header("Set-Cookie", f"remember_token_YourLab_production={TOKEN}; path=/")
            self.send_header(
                "Set-Cookie", "_aquarium_YourLab_production_session=s3cr3tsess; path=/; HttpOnly"
            )
            data = b'{"message":"Log in successful"}'
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        elif self.path == "/json":
            user = {
                "id": 1,
                "login": "neptune",
                "password_digest": DIGEST,
                "remember_token": TOKEN,
                "key": "apikeyapikeyapikey",
                "note": self.leak,
            }
            da = {"id": 9, "key": "concentration", "parent_class": "Item", "object": "{}"}
            self._send(200, [user, da] if body.get("model") == "User" else [da])
        else:
            self._send(404, {"status": "404", "error": "Not Found"})


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def _session_traffic(url: str, password: str = PASSWORD) -> list[object]:
    http = requests.Session()
    login = http.post(
        f"{url}/sessions.json", json={"session": {"login": "neptune", "password": password}}
    )
    users = http.post(f"{url}/json", json={"model": "User", "method": "all"}).json()
    das = http.post(f"{url}/json", json={"method": "where", "model": "DataAssociation"}).json()
    return [login.json(), users, das]


def test_record_then_replay_offline_with_secrets_scrubbed(server: str, tmp_path: Path):
    path = tmp_path / "session.yaml"
    with use_cassette(path, record_mode="once", password=PASSWORD):
        recorded = _session_traffic(server)
    text = path.read_text()
    for secret in (PASSWORD, TOKEN, DIGEST, "apikeyapikeyapikey", "s3cr3tsess"):
        assert secret not in text
    assert "<AQ:password>" in text and "<AQ:remember_token>" in text
    # the data association's own "key" column is data, not a secret
    assert "concentration" in text

    with use_cassette(path, record_mode="none"):
        replayed = _session_traffic("http://anywhere.invalid", password="typed-at-replay")
    assert replayed[1][0]["login"] == "neptune"
    assert replayed[1][0]["password_digest"] == "<AQ:password_digest>"
    assert replayed[2] == recorded[2]


def test_json_key_order_never_matters(server: str, tmp_path: Path):
    path = tmp_path / "order.yaml"
    with use_cassette(path, record_mode="once"):
        requests.post(
            f"{server}/json",
            json={"model": "Item", "method": "where", "arguments": {"a": 1, "b": 2}},
        )
    body = '{"arguments": {"b": 2, "a": 1}, "method": "where", "model": "Item"}'
    with use_cassette(path, record_mode="none"):
        response = requests.post(
            "http://elsewhere.test/json", data=body, headers={"Content-Type": "application/json"}
        )
    assert response.json()[0]["key"] == "concentration"


def test_unrecorded_request_fails_with_near_misses(server: str, tmp_path: Path):
    path = tmp_path / "near.yaml"
    with use_cassette(path, record_mode="once"):
        requests.post(
            f"{server}/json", json={"model": "Sample", "method": "where", "arguments": {"id": 1}}
        )
    with (
        use_cassette(path, record_mode="none"),
        pytest.raises(CannotOverwriteExistingCassetteException) as err,
    ):
        requests.post(
            f"{server}/json", json={"model": "Sample", "method": "where", "arguments": {"id": 2}}
        )
    message = str(err.value)
    assert "$.arguments.id: request: 2, recorded: 1" in message


def test_audit_refuses_to_write_a_leaked_secret(server: str, tmp_path: Path):
    path = tmp_path / "leak.yaml"
    _Handler.leak = "your password is: " + PASSWORD
    try:
        scrubber = _NaiveScrubber(password=PASSWORD)
        with (
            pytest.raises(SecretLeakError, match=r"interaction 2 \(POST .*/json\)"),
            use_cassette(path, record_mode="once", scrubber=scrubber),
        ):
            _session_traffic(server)
    finally:
        _Handler.leak = ""
    assert not path.exists()
    assert not list(tmp_path.iterdir()), "no temporary file may be left behind"
    # the refused write took vcrpy's patches off too: later requests do not reach this cassette
    assert urllib3.connectionpool.HTTPConnectionPool.ConnectionCls is ORIGINAL_CONNECTION


class _NaiveScrubber(Scrubber):
    """A scrubber that forgets to look inside free text, to prove the audit catches it."""

    def scrub_json(self, data: object) -> object:
        if isinstance(data, str):
            return data
        return super().scrub_json(data)


def test_cassette_is_readable_yaml_that_plain_vcrpy_loads(server: str, tmp_path: Path):
    path = tmp_path / "plain.yaml"
    with use_cassette(path, record_mode="once"):
        expected = requests.post(f"{server}/json", json={"model": "Item", "method": "all"}).json()
    document = yaml.safe_load(path.read_text())
    body = document["interactions"][0]["response"]["body"]["string"]
    assert body.startswith("[\n  {")  # indented, not one escaped line
    plain = vcr.VCR(record_mode="none", match_on=["method", "path"])
    with plain.use_cassette(str(path)):
        assert requests.post(f"{server}/json", json={"anything": 1}).json() == expected


def test_repeat_policy_last_replays_the_last_response(server: str, tmp_path: Path):
    path = tmp_path / "repeat.yaml"
    with use_cassette(path, record_mode="once"):
        requests.post(f"{server}/json", json={"model": "Item"})
    with use_cassette(path, record_mode="none"):
        for _ in range(3):
            assert requests.post(f"{server}/json", json={"model": "Item"}).ok
    with use_cassette(path, record_mode="none", repeats="once"):
        requests.post(f"{server}/json", json={"model": "Item"})
        with pytest.raises(CannotOverwriteExistingCassetteException, match="already played"):
            requests.post(f"{server}/json", json={"model": "Item"})


def test_lookup_uses_the_index_not_a_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    cassette = AqCassette(str(tmp_path / "big.yaml"), match_on=[])
    for n in range(5000):
        request = Request("POST", "http://x/json", json.dumps({"model": "Sample", "id": n}), {})
        cassette.append(
            request,
            {"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": str(n)}},
        )

    def forbidden(*args: object) -> None:
        raise AssertionError("the replay compared requests one by one")

    monkeypatch.setattr("vcr.cassette.requests_match", forbidden)
    wanted = Request("POST", "http://y/json", '{"id": 4321, "model": "Sample"}', {})
    assert cassette.play_response(wanted)["body"]["string"] == "4321"


def test_request_key_is_canonical():
    a = request_key("post", "http://h:1//json/?b=2&a=1", b'{"x": [1, 2], "a": null}')
    b = request_key("POST", "https://other/json?a=1&b=2", '{"a":null,"x":[1,2]}')
    assert a == b


def test_in_list_order_of_where_criteria_never_matters():
    a = request_key("POST", "http://h/json", '{"model": "Item", "arguments": {"id": [4, 3]}}')
    b = request_key("POST", "http://h/json", '{"arguments": {"id": [3, 4]}, "model": "Item"}')
    assert a == b
    positional = request_key("POST", "http://h/json", '{"model": "Item", "id": [4, 3]}')
    assert positional != request_key("POST", "http://h/json", '{"model": "Item", "id": [3, 4]}')


#: vcrpy's own advice, which names options the plugin does not have.
VCRPY_ADVICE = ("drop_unused_requests", "readthedocs", "record_mode='")


def test_the_audit_refuses_a_request_content_length() -> None:
    leaky = {"request": {"uri": "http://h/sessions.json", "headers": {"Content-Length": ["57"]}}}
    assert any("Content-Length" in problem for problem in Scrubber().leaks(leaky))
    assert Scrubber().leaks({"request": {"uri": "http://h/json", "headers": {}}}) == []


def test_a_replay_miss_raises_our_error_with_both_sides_and_our_advice(
    aq_server: str, tmp_path: Path
) -> None:
    path = tmp_path / "near.yaml"
    asked = {"model": "Sample", "method": "where", "arguments": {"id": 1}}
    with use_cassette(path, record_mode="once"):
        requests.post(f"{aq_server}/json", json=asked)
    with (
        use_cassette(path, record_mode="none", advice="Run the recorder again."),
        pytest.raises(RequestNotInCassette) as err,
    ):
        requests.post(f"{aq_server}/json", json={**asked, "arguments": {"id": 2}})
    assert isinstance(err.value, CannotOverwriteExistingCassetteException)
    message = str(err.value)
    assert 'POST /json {"arguments":{"id":2},"method":"where","model":"Sample"}' in message
    assert "$.arguments.id: request: 2, recorded: 1" in message
    assert message.rstrip().endswith("Run the recorder again.")
    assert aq_server not in message and "127.0.0.1" not in message
    assert not [advice for advice in VCRPY_ADVICE if advice in message]
