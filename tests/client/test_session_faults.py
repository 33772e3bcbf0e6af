"""The client under faults: timeouts, refused and reset connections, 502/503, sign-in redirects.

Each fault must give a typed aqsession error that names the request (method and URL), within
the session's timeout, never a hang or a raw KeyError / JSONDecodeError. Idempotent reads
(``POST json``) are retried a bounded number of times with a doubling pause; writes never.
Faults come from `responses` callbacks and from a small loopback server that misbehaves on
purpose (a silent server, a connection closed without an answer, a port nobody listens on).
"""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import responses

from aqsession import AqSession
from aqsession.exceptions import (
    ServerUnreachableError,
    SessionExpiredError,
    TridentRequestError,
    TridentTimeoutError,
)
from aqsession.http import AqHTTP

URL = "http://aq.test"
JSON_URL = f"{URL}/json"
QUERY = {"model": "Sample", "method": "where", "arguments": {"id": 1}}


@pytest.fixture
def stub() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(
            responses.POST,
            f"{URL}/sessions.json",
            json={},
            headers={"Set-Cookie": "remember_token_aq=tok; Path=/"},
        )
        yield mock


@pytest.fixture
def session(stub: responses.RequestsMock) -> AqSession:
    session = AqSession("neptune", "pw", URL)
    session.set_retries(2, backoff=0)
    return session


def calls_to(stub: responses.RequestsMock, url: str) -> int:
    return sum(1 for call in stub.calls if call.request.url.split("?")[0] == url)


# -- typed errors naming the request ----------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (requests.exceptions.ReadTimeout("read timed out"), TridentTimeoutError),
        (requests.exceptions.ConnectTimeout("connect timed out"), TridentTimeoutError),
        (requests.exceptions.ConnectionError("Connection refused"), ServerUnreachableError),
        (ConnectionResetError(104, "Connection reset by peer"), ServerUnreachableError),
        (requests.exceptions.ChunkedEncodingError("connection broken"), ServerUnreachableError),
    ],
)
def test_transport_faults_are_typed_and_name_the_request(stub, session, fault, error):
    stub.add(responses.POST, JSON_URL, body=fault)
    with pytest.raises(error) as info:
        session.Sample.find(1)
    assert f"POST {JSON_URL}" in str(info.value)
    assert calls_to(stub, JSON_URL) == 3  # a read: tried once and retried twice


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_on_a_read_are_retried_then_raised(stub, session, status):
    stub.add(responses.POST, JSON_URL, body="<html>Bad gateway</html>", status=status)
    with pytest.raises(TridentRequestError) as info:
        session.Sample.where({"name": "x"})
    assert info.value.status_code == status
    assert f"POST {JSON_URL}" in str(info.value)
    assert calls_to(stub, JSON_URL) == 3


def test_a_read_succeeds_when_a_retry_gets_through(stub, session):
    stub.add(responses.POST, JSON_URL, status=503, body="busy")
    stub.add(responses.POST, JSON_URL, json={"id": 1, "name": "s1"})
    assert session.Sample.find(1).name == "s1"
    assert calls_to(stub, JSON_URL) == 2
    assert session.aqhttp.num_requests == 2  # both attempts were sent


@pytest.mark.parametrize(
    ("method", "path", "call"),
    [
        ("POST", "json/save", lambda s: s.aqhttp.post("json/save", {"model": {"model": "Item"}})),
        ("POST", "json/delete", lambda s: s.aqhttp.post("json/delete", {"id": 1})),
        ("GET", "items/make/1/2", lambda s: s.utils.create_items([s.Item.new(sample_id=1,
                                                                  object_type_id=2)])),
        ("PUT", "samples/1.json", lambda s: s.aqhttp.put("samples/1.json", {"id": 1})),
    ],
)  # fmt: skip
def test_writes_are_never_retried(stub, session, method, path, call):
    url = f"{URL}/{path}"
    stub.add(method, url, status=503, body="busy")
    with pytest.raises(TridentRequestError) as info:
        call(session)
    assert info.value.status_code == 503
    assert calls_to(stub, url) == 1
    stub.replace(method, url, body=requests.exceptions.ConnectionError("reset"))
    with pytest.raises(ServerUnreachableError, match=re.escape(f"{method} {url}")):
        call(session)
    assert calls_to(stub, url) == 2


def test_a_server_error_is_not_retried(stub, session):
    stub.add(responses.POST, JSON_URL, status=500, json={"error": "boom"})
    with pytest.raises(TridentRequestError) as info:
        session.Sample.find(1)
    assert info.value.status_code == 500
    assert calls_to(stub, JSON_URL) == 1


def test_backoff_doubles_between_attempts(stub, session, monkeypatch):
    pauses: list[float] = []
    monkeypatch.setattr("aqsession.http.time.sleep", pauses.append)
    session.set_retries(3, backoff=0.01)
    stub.add(responses.POST, JSON_URL, body=requests.exceptions.ConnectionError("refused"))
    with pytest.raises(ServerUnreachableError):
        session.Sample.find(1)
    assert pauses == pytest.approx([0.01, 0.02, 0.04])
    assert calls_to(stub, JSON_URL) == 4


def test_no_retry_once_the_pause_would_pass_the_timeout(stub, session, monkeypatch):
    monkeypatch.setattr("aqsession.http.time.sleep", lambda seconds: pytest.fail("slept"))
    session.set_timeout(0.5)
    session.set_retries(5, backoff=10)
    stub.add(responses.POST, JSON_URL, status=503, body="busy")
    with pytest.raises(TridentRequestError):
        session.Sample.find(1)
    assert calls_to(stub, JSON_URL) == 1


def test_retries_can_be_turned_off(stub, session):
    session.set_retries(0)
    stub.add(responses.POST, JSON_URL, status=502, body="")
    with pytest.raises(TridentRequestError):
        session.Sample.find(1)
    assert calls_to(stub, JSON_URL) == 1


def test_retry_settings_are_validated(session):
    with pytest.raises(ValueError, match="retries"):
        session.set_retries(-1)
    with pytest.raises(ValueError, match="backoff"):
        session.set_retries(1, backoff=-0.5)


def test_derived_sessions_keep_their_own_retry_settings(session):
    child = session.with_cache()
    child.set_retries(7, backoff=0.5)
    assert (session.aqhttp.retries, child.aqhttp.retries) == (2, 7)
    assert child.with_requests_off().aqhttp.retry_backoff == 0.5


# -- sign-in redirects and unusable bodies ----------------------------------------------------


def test_signin_redirect_mid_session_is_a_session_expired_error(stub, session):
    stub.add(responses.POST, JSON_URL, status=302, headers={"Location": f"{URL}/signin"})
    stub.add(responses.GET, f"{URL}/signin", body="<html>Sign in</html>")
    with pytest.raises(SessionExpiredError) as info:
        session.Sample.find(1)
    assert isinstance(info.value, TridentRequestError)
    assert f"POST {JSON_URL}" in str(info.value)
    assert "sign-in page" in str(info.value)
    assert calls_to(stub, JSON_URL) == 1  # never retried: a new login is needed


def test_not_logged_in_header_is_a_session_expired_error(stub, session):
    stub.add(responses.GET, f"{URL}/sample_list", json={}, headers={"status": "Not-logged-in"})
    with pytest.raises(SessionExpiredError, match=re.escape(f"GET {URL}/sample_list")):
        session.aqhttp.get("sample_list")


@pytest.mark.parametrize("body", ["", "<html>oops</html>", "{truncated"])
def test_unusable_bodies_are_request_errors_not_decode_errors(stub, session, body):
    stub.add(responses.POST, JSON_URL, body=body, status=200)
    with pytest.raises(TridentRequestError, match="not JSON"):
        session.Sample.find(1)


# -- a real loopback server that misbehaves ----------------------------------------------------


class _Misbehaving(BaseHTTPRequestHandler):
    """Logs in normally; ``/json`` does what the server's ``mode`` says."""

    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read the counters instead."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path == "/sessions.json":
            self._answer(200, {}, cookie="remember_token_live=tok; Path=/")
            return
        self.server.hits += 1
        if self.server.mode == "silent":
            self.server.release.wait(10)  # longer than any client timeout here
            return
        if self.server.mode == "reset":
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        self._answer(200, [])

    def _answer(self, status: int, body: object, cookie: str | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if cookie:
            self.send_header("Set-Cookie", cookie)
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Misbehaving)
        self.mode = "ok"
        self.hits = 0
        self.release = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def live() -> Iterator[_Server]:
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()


def test_a_silent_server_times_out_instead_of_hanging(live):
    session = AqSession("neptune", "pw", live.url, timeout=0.3)
    session.set_retries(2, backoff=0)
    live.mode = "silent"
    with pytest.raises(TridentTimeoutError) as info:
        session.Sample.find(1)
    assert f"POST {live.url}/json" in str(info.value)
    assert not live.release.is_set()  # the client gave up while the server still held on
    assert live.hits == 1  # the timeout was spent: no time left for a retry


def test_a_connection_reset_by_a_real_server(live):
    session = AqSession("neptune", "pw", live.url)
    session.set_retries(1, backoff=0)
    live.mode = "reset"
    with pytest.raises(ServerUnreachableError, match=re.escape(f"POST {live.url}/json")):
        session.Sample.find(1)
    assert live.hits == 2
    with pytest.raises(ServerUnreachableError, match=re.escape(f"POST {live.url}/json/save")):
        session.aqhttp.post("json/save", {"model": {"model": "Sample"}})
    assert live.hits == 3  # the write went once


def test_a_refused_connection_after_the_server_went_away(live):
    session = AqSession("neptune", "pw", live.url)
    session.set_retries(1, backoff=0)
    live.shutdown()
    live.server_close()
    with pytest.raises(ServerUnreachableError, match=re.escape(f"POST {live.url}/json")):
        session.Sample.find(1)
    assert session.ping(1) is None


def test_login_timeout_uses_the_session_timeout(stub):
    stub.replace(
        responses.POST, f"{URL}/sessions.json", body=requests.exceptions.ReadTimeout("slow")
    )
    with pytest.raises(TridentTimeoutError, match=re.escape("sessions.json")):
        AqHTTP("neptune", "pw", URL, timeout=0.1)


@pytest.mark.parametrize(
    ("fault", "status", "error"),
    [
        (requests.exceptions.ConnectionError("refused"), 200, ServerUnreachableError),
        (requests.exceptions.ReadTimeout("slow"), 200, TridentTimeoutError),
        ("gone", 404, TridentRequestError),
    ],
)
def test_upload_downloads_fail_with_typed_errors(stub, session, fault, status, error):
    file_url = "http://files.test/uploads/1"
    stub.add(responses.POST, JSON_URL, json=[{"id": 1, "expiring_url": file_url}])
    stub.add(responses.GET, file_url, body=fault, status=status)
    upload = session.Upload.load({"id": 1, "upload_file_name": "gel.png"})
    with pytest.raises(error, match=re.escape(f"GET {file_url}")):
        upload.data  # noqa: B018 (the download is the property read)
