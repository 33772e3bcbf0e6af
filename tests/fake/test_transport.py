"""Both transports -- in-process (responses) and live (loopback HTTP/1.1) -- answer alike."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
import requests
from tiny_lab import NEPTUNE_TOKEN, tiny_fake

from aqfake.app import FakeAquarium
from aqfake.routing import Context, Route
from aqfake.transport import LiveServer
from aqfake.wire import Response, json_response


def echo(ctx: Context, format: str | None = None) -> Response:
    return json_response({"params": ctx.params, "user": ctx.user["login"] if ctx.user else None})


EXTRA = [Route("POST", "/echo", echo), Route("PUT", "/echo", echo)]


@pytest.fixture
def fake() -> FakeAquarium:
    return tiny_fake(routes=EXTRA)


@pytest.fixture
def live(fake: FakeAquarium) -> Iterator[LiveServer]:
    with LiveServer(fake) as server:
        yield server


def conversation(base: str) -> list[tuple]:
    """A short session touching every kind of answer; base URLs are blanked for comparison."""
    seen = []
    with requests.Session() as http:
        calls = [
            ("GET", "/signin", None),
            ("HEAD", "/signin", None),
            ("POST", "/echo", {"a": [1, None]}),  # redirected to /signin
            ("PUT", "/echo", {"a": 1}),  # Not-logged-in, 200
            ("POST", "/sessions.json", {"session": {"login": "neptune", "password": "nope"}}),
            ("POST", "/sessions.json", {"session": {"login": "neptune", "password": "aquarium"}}),
            ("POST", "/echo?x=1", {"a": [], "b": "<&>"}),
            ("GET", "/nowhere.json", None),
            ("GET", "/nowhere", None),
            ("POST", "/browser/create_samples", {"samples": []}),
            ("DELETE", "/signout", None),
        ]
        for method, path, body in calls:
            response = http.request(method, base + path, json=body)
            seen.append(
                (
                    method,
                    path,
                    response.status_code,
                    [r.status_code for r in response.history],
                    response.url.replace(base, "BASE"),
                    response.headers.get("Content-Type"),
                    response.headers.get("Status"),
                    sorted(c.split("=", 1)[0] for c in response.raw.headers.getlist("Set-Cookie")),
                    response.content.replace(base.encode(), b"BASE"),
                )
            )
    return seen


def test_in_process_and_live_give_identical_answers(fake, live):
    with fake.mock():
        in_process = conversation(fake.base_url)
    over_socket = conversation(live.url)
    assert in_process == over_socket
    assert in_process[2][2:5] == (200, [302], "BASE/signin")
    assert (
        in_process[6][-1]
        == b'{"params":{"a":null,"b":"\\u003c\\u0026\\u003e","x":"1"},"user":"neptune"}'
    )


def test_live_server_binds_a_free_loopback_port(fake):
    with LiveServer(fake) as one, LiveServer(fake, port=0) as two:
        assert one.url.startswith("http://127.0.0.1:")
        assert one.url != two.url
        assert int(one.url.rsplit(":", 1)[1]) > 0


def test_live_url_is_only_known_once_started(fake):
    server = LiveServer(fake)
    with pytest.raises(RuntimeError, match="start"):
        _ = server.url
    server.start()
    url = server.url
    server.stop()
    server.stop()  # idempotent
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/signin", timeout=5)


def read_response(stream, *, head: bool = False) -> tuple[bytes, dict[str, str], bytes]:
    """One HTTP/1.1 response from a socket stream (no body for HEAD)."""
    status = stream.readline()
    headers: dict[str, str] = {}
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, value = line.decode("latin-1").split(":", 1)
        headers[name.strip().lower()] = value.strip()
    length = 0 if head else int(headers.get("content-length", 0))
    return status, headers, stream.read(length)


def test_live_server_keeps_connections_alive(live):
    host, port = live.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        stream = sock.makefile("rb")
        answers = []
        for method in ("GET", "HEAD", "GET"):
            sock.sendall(f"{method} /signin HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            status, headers, body = read_response(stream, head=method == "HEAD")
            answers.append(
                (
                    status,
                    headers.get("connection"),
                    int(headers["content-length"]) > 0,
                    len(body) > 0,
                )
            )
    assert answers == [
        (b"HTTP/1.1 200 OK\r\n", None, True, True),
        (b"HTTP/1.1 200 OK\r\n", None, True, False),
        (b"HTTP/1.1 200 OK\r\n", None, True, True),
    ]


def test_live_server_honours_connection_close(live):
    host, port = live.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"GET /signin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        stream = sock.makefile("rb")
        _, headers, _ = read_response(stream)
        assert headers["connection"] == "close"
        assert stream.read() == b""


def test_live_server_reads_chunked_bodies(live):
    cookies = {"remember_token": NEPTUNE_TOKEN}
    chunks = iter([b'{"a": ', b'"chunked"}'])
    response = requests.post(
        live.url + "/echo",
        data=chunks,
        headers={"Content-Type": "application/json"},
        cookies=cookies,
        timeout=5,
    )
    assert response.json() == {"params": {"a": "chunked"}, "user": "neptune"}


def test_live_server_sets_tcp_nodelay(live):
    with requests.Session() as http:
        http.get(live.url + "/signin", timeout=5)
        connections = list(live._server._connections)  # the server side of the kept-alive socket
        assert connections
        assert all(c.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for c in connections)


def test_in_process_mock_only_answers_for_the_fake_base_url(fake):
    with fake.mock():
        assert requests.get(fake.base_url + "/signin").status_code == 200
        with pytest.raises(requests.ConnectionError):
            requests.get("http://aquarium.test.example/signin")
        with pytest.raises(requests.ConnectionError):
            requests.get("http://other.test/signin")


def test_in_process_mock_lets_other_urls_reach_the_network(fake, live):
    other = tiny_fake(base_url="http://other-lab.test")
    with other.mock():
        assert requests.get(live.url + "/_aqfake/health", timeout=5).json()["status"] == "ok"
        assert requests.get("http://other-lab.test/signin").status_code == 200


def test_in_process_mock_accepts_a_base_url_with_port_and_path_case():
    fake = tiny_fake(base_url="http://Lab.Test:8080/", routes=EXTRA)
    assert fake.base_url == "http://Lab.Test:8080"
    with fake.mock():
        response = requests.post("http://lab.test:8080/echo", json={})
        assert response.url == "http://lab.test:8080/signin"


def test_live_fake_can_be_served_by_the_fake_itself(fake):
    with fake.live() as server:
        assert requests.get(server.url + "/_aqfake/health", timeout=5).json()["status"] == "ok"


def test_live_server_serves_concurrent_clients(fake, live):
    errors: list[BaseException] = []

    def client(n: int) -> None:
        try:
            with requests.Session() as http:
                for _ in range(5):
                    login = http.post(
                        live.url + "/sessions.json",
                        json={"session": {"login": "neptune", "password": "aquarium"}},
                        timeout=10,
                    )
                    assert login.status_code == 200
                    echoed = http.post(live.url + "/echo", json={"n": n}, timeout=10)
                    assert echoed.json() == {"params": {"n": n}, "user": "neptune"}
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(fake.journal) == 60
