"""A live fake is safe to leave running: readers never wait for each other and control
endpoints answer while any handler is busy, silent connections are closed, the control
endpoints need a token beyond loopback, and any HTTP method gets a Rails-shaped answer."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator

import pytest
import requests

from aqfake.app import FakeAquarium
from aqfake.routing import Auth, Context, Route
from aqfake.transport import LiveServer, is_loopback
from aqfake.wire import Response, json_response

GUARD = 30  # seconds: only a guard against a hung test, never a performance check


class Gate:
    """Handlers that hold the store (shared or exclusive) until the test lets them go."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.readers = threading.Barrier(2, timeout=GUARD)

    def hold(self, ctx: Context) -> Response:
        """A writer: holds the store exclusively until released."""
        ctx.store.count("users")
        self.entered.set()
        assert self.release.wait(GUARD)
        return json_response({"held": True})

    def meet(self, ctx: Context) -> Response:
        """A reader: returns only once another reader is inside at the same time."""
        ctx.store.rows("users")
        self.readers.wait()
        return json_response({"met": True})

    def routes(self) -> list[Route]:
        return [
            Route("POST", "/slow_write", self.hold, Auth.NONE),
            Route("GET", "/slow_read", self.meet, Auth.NONE),
        ]


@pytest.fixture
def gate() -> Gate:
    return Gate()


@pytest.fixture
def live(gate: Gate) -> Iterator[LiveServer]:
    with LiveServer(FakeAquarium("empty", routes=gate.routes())) as server:
        yield server


def in_thread(target, *args) -> tuple[threading.Thread, list]:
    out: list = []
    thread = threading.Thread(target=lambda: out.append(target(*args)), daemon=True)
    thread.start()
    return thread, out


def test_health_and_the_journal_answer_while_a_writer_holds_the_store(
    live: LiveServer, gate: Gate
) -> None:
    writer, written = in_thread(requests.post, f"{live.url}/slow_write", None, None)
    assert gate.entered.wait(GUARD)
    health = requests.get(f"{live.url}/_aqfake/health", timeout=GUARD)
    journal = requests.get(f"{live.url}/_aqfake/journal", timeout=GUARD)
    assert (health.status_code, journal.status_code) == (200, 200)
    assert writer.is_alive() and not written, "the writer was still holding the store"
    gate.release.set()
    writer.join(GUARD)
    assert written[0].json() == {"held": True}


def test_readers_hold_the_store_at_the_same_time(live: LiveServer, gate: Gate) -> None:
    # each reader waits inside its handler for the other: both finish only if neither
    # had to wait for the other's lock
    first, got_first = in_thread(requests.get, f"{live.url}/slow_read")
    second = requests.get(f"{live.url}/slow_read", timeout=GUARD)
    first.join(GUARD)
    assert second.json() == got_first[0].json() == {"met": True}


def test_a_handler_that_writes_after_reading_is_run_again_as_a_writer() -> None:
    calls: list[bool] = []

    def make(ctx: Context) -> Response:
        calls.append(ctx.store.lock.writing)
        row = ctx.store.insert("parameters", key="made", value="1")
        return json_response({"id": row["id"]})

    fake = FakeAquarium("empty", routes=[Route("GET", "/make_param", make, Auth.NONE)])
    with fake.mock():
        answer = requests.get(f"{fake.base_url}/make_param", timeout=GUARD)
    assert answer.status_code == 200
    assert calls == [False, True], "tried shared first, then run once more exclusively"
    assert [r["key"] for r in fake.store.rows("parameters")].count("made") == 1


def test_a_partial_body_is_dropped_after_the_read_timeout() -> None:
    fake = FakeAquarium("empty")
    with LiveServer(fake, read_timeout=0.2) as live:
        host, port = live.url.removeprefix("http://").rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=GUARD) as raw:
            raw.sendall(
                b"POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b'Content-Length: 100\r\n\r\n{"model":'
            )
            assert raw.recv(1024) == b"", "the server closed the connection unanswered"
        assert requests.get(f"{live.url}/_aqfake/health", timeout=GUARD).ok
    assert len(fake.journal) == 0


def test_an_idle_keep_alive_connection_is_closed_and_the_client_reconnects() -> None:
    fake = FakeAquarium("empty")
    with LiveServer(fake, read_timeout=0.2) as live, requests.Session() as http:
        assert http.get(f"{live.url}/signin", timeout=GUARD).ok
        host, port = live.url.removeprefix("http://").rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=GUARD) as idle:
            assert idle.recv(1) == b""  # an idle connection is closed by the server
        assert http.get(f"{live.url}/signin", timeout=GUARD).ok


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("::1", True), ("localhost", True), ("0.0.0.0", False),
     ("::", False), ("192.168.1.5", False), ("lab.example.org", False)],
)  # fmt: skip
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_control_endpoints_need_the_token_when_the_fake_has_one() -> None:
    fake = FakeAquarium("empty", control_token="s3cret-token")
    health = f"{fake.base_url}/_aqfake/health"
    with fake.mock():
        refused = requests.get(health, timeout=GUARD)
        wrong = requests.get(health, headers={"X-Aqfake-Token": "guess"}, timeout=GUARD)
        given = requests.get(health, headers={"X-Aqfake-Token": "s3cret-token"}, timeout=GUARD)
        bearer = requests.get(
            health, headers={"Authorization": "Bearer s3cret-token"}, timeout=GUARD
        )
        aquarium = requests.get(f"{fake.base_url}/signin", timeout=GUARD)
    assert (refused.status_code, wrong.status_code) == (401, 401)
    assert "X-Aqfake-Token" in refused.json()["errors"]
    assert (given.status_code, bearer.status_code, aquarium.status_code) == (200, 200, 200)


def test_binding_beyond_loopback_warns_and_sets_a_token(caplog: pytest.LogCaptureFixture):
    fake = FakeAquarium("empty")
    with caplog.at_level(logging.WARNING, "aqfake"), LiveServer(fake, host="0.0.0.0") as live:
        port = live.url.rsplit(":", 1)[1]
        local = f"http://127.0.0.1:{port}"
        assert live.control_token and fake.control_token == live.control_token
        assert requests.get(f"{local}/_aqfake/health", timeout=GUARD).status_code == 401
        headers = {"X-Aqfake-Token": live.control_token}
        assert requests.get(f"{local}/_aqfake/health", headers=headers, timeout=GUARD).ok
    assert "beyond loopback" in caplog.text


def raw_request(url: str, method: str, path: str = "/") -> tuple[int, str]:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=GUARD) as raw:
        raw.sendall(f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := raw.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode()


@pytest.mark.parametrize("method", ["TRACE", "PROPFIND", "MKCOL", "CONNECT"])
def test_methods_rails_knows_without_a_route_are_rails_404s(method: str) -> None:
    with LiveServer(FakeAquarium("empty")) as live:
        status, body = raw_request(live.url, method, "/")
        json_status, json_body = raw_request(live.url, method, "/things.json")
    assert status == 404 and "The page you were looking for doesn't exist" in body
    assert "Error response" not in body, "never http.server's own page"
    assert json_status == 404 and '"error":"Not Found"' in json_body


def test_methods_rails_does_not_know_are_405() -> None:
    with LiveServer(FakeAquarium("empty")) as live:
        status, body = raw_request(live.url, "BREW", "/pot")
    assert (status, body) == (405, "")


def test_in_process_any_rails_method_reaches_the_fake() -> None:
    fake = FakeAquarium("empty")
    with fake.mock():
        answer = requests.request("PROPFIND", f"{fake.base_url}/samples.json", timeout=GUARD)
    assert answer.status_code == 404 and answer.json() == {"status": "404", "error": "Not Found"}
