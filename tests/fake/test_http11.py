"""The live server's own HTTP/1.1 framing, over raw sockets: malformed heads get a clear 400
(505 for another HTTP version) with an ``errors`` body and a closed connection, never a hang or
a crash; well-formed ones of every shape (HTTP/1.0, pipelined, folded, repeated, 100-continue)
reach the app as the request that was sent."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Iterator
from types import SimpleNamespace
from urllib.parse import quote

import pytest

import aqfake.transport as transport
from aqfake.http11 import MAX_HEADERS, MAX_LINE_BYTES, MalformedRequest, read_head, split_target
from aqfake.transport import LoopbackServer
from aqfake.wire import Request, Response, json_response
from tests.network import ipv6_loopback, raw_connection

GUARD = 10  # seconds: only a guard against a hung test


def echo(request: Request, origin: str) -> Response:
    """The request as the app sees it, as JSON."""
    return json_response(
        {
            "method": request.method,
            "path": request.path,
            "query": request.query_string,
            "headers": dict(request.headers),
            "body": request.body.decode("latin-1"),
        }
    )


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(echo, read_timeout=5) as running:
        yield running


def connect(server: LoopbackServer) -> socket.socket:
    return raw_connection(server.url, GUARD)


def read_answer(stream: io.BufferedReader) -> tuple[bytes, dict[str, str], bytes]:
    """One answer (status line, headers by lower-cased name, body) off ``stream``."""
    status = stream.readline()
    assert status, "the server closed the connection without answering"
    headers: dict[str, str] = {}
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, value = line.decode("latin-1").split(":", 1)
        headers[name.strip().lower()] = value.strip()
    return status.rstrip(b"\r\n"), headers, stream.read(int(headers.get("content-length", 0)))


def exchange(server: LoopbackServer, data: bytes) -> tuple[int, dict[str, str], bytes, bytes]:
    """Send ``data``, read one answer and whatever follows until the server closes."""
    with connect(server) as sock:
        sock.sendall(data)
        stream = sock.makefile("rb")
        status, headers, body = read_answer(stream)
        rest = stream.read()
    return int(status.split()[1]), headers, body, rest


MALFORMED = {
    "two words (HTTP/0.9)": (b"GET /\r\n\r\n", 400, "request line"),
    "one word": (b"HELLO\r\n\r\n", 400, "request line"),
    "four words": (b"GET / x HTTP/1.1\r\n\r\n", 400, "request line"),
    "not HTTP": (b"GET / FTP/1.1\r\n\r\n", 400, "HTTP version"),
    "version not numbers": (b"GET / HTTP/x.y\r\n\r\n", 400, "HTTP version"),
    "version of three numbers": (b"GET / HTTP/1.1.1\r\n\r\n", 400, "HTTP version"),
    "HTTP/2.0": (b"GET / HTTP/2.0\r\n\r\n", 505, "not supported"),
    "HTTP/0.9": (b"GET / HTTP/0.9\r\n\r\n", 505, "not supported"),
    "header without a colon": (b"GET / HTTP/1.1\r\nHost x\r\n\r\n", 400, "header line"),
    "blank before the colon": (b"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400, "header line"),
    "empty header name": (b"GET / HTTP/1.1\r\n: x\r\n\r\n", 400, "header line"),
    "bare CR in a value": (b"GET / HTTP/1.1\r\nA: x\ry\r\n\r\n", 400, "'A: x\\ry'"),
    "fold before any header": (b"GET / HTTP/1.1\r\n folded\r\n\r\n", 400, "folded"),
    "too many headers": (
        b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: v\r\n" % n for n in range(MAX_HEADERS + 1)),
        400,
        f"more than {MAX_HEADERS} header lines",
    ),
    "too many headers, read line by line": (
        b"GET / HTTP/1.1\n" + b"".join(b"X-%d: v\n" % n for n in range(MAX_HEADERS + 1)),
        400,
        f"more than {MAX_HEADERS} header lines",
    ),
    "header without a colon, read line by line": (
        b"GET / HTTP/1.1\nHost x\n\n",
        400,
        "header line",
    ),
    "over-long request line": (
        b"GET /" + b"a" * MAX_LINE_BYTES + b" HTTP/1.1\r\n\r\n",
        400,
        "request line is longer",
    ),
    "over-long header line": (
        b"GET / HTTP/1.1\r\nX-Long: " + b"a" * MAX_LINE_BYTES + b"\r\n\r\n",
        400,
        "header line is longer",
    ),
}


@pytest.mark.parametrize(("data", "status", "words"), MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_head_is_answered_with_an_error_and_the_connection_closed(
    server: LoopbackServer, data: bytes, status: int, words: str
) -> None:
    got, headers, body, rest = exchange(server, data)
    assert got == status
    assert headers["connection"] == "close"
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert words in json.loads(body)["errors"]
    assert rest == b"", "nothing after the error: the connection was closed"


def test_the_server_keeps_serving_after_malformed_heads(server: LoopbackServer) -> None:
    for data, _, _ in MALFORMED.values():
        exchange(server, data)
    status, _, body, _ = exchange(server, b"GET /ok HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert status == 200 and json.loads(body)["path"] == "/ok"


def test_requests_pipelined_on_one_connection_are_answered_in_order(
    server: LoopbackServer,
) -> None:
    pipelined = (
        b"GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
        b"POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
        b"HEAD /three HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /four HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    with connect(server) as sock:
        sock.sendall(pipelined)
        stream = sock.makefile("rb")
        one, two = read_answer(stream), read_answer(stream)
        three_status = stream.readline()
        three: dict[str, str] = {}
        while (line := stream.readline()) != b"\r\n":
            name, value = line.decode().split(":", 1)
            three[name.lower()] = value.strip()
        four = read_answer(stream)
        assert stream.read() == b""
    assert [json.loads(a[2])["path"] for a in (one, two, four)] == ["/one", "/two", "/four"]
    assert json.loads(two[2])["body"] == "abc"
    assert three_status == b"HTTP/1.1 200 OK\r\n" and int(three["content-length"]) > 0
    assert four[1]["connection"] == "close" and "connection" not in one[1]


def test_expect_100_continue_is_answered_before_the_body_is_sent(server: LoopbackServer) -> None:
    with connect(server) as sock:
        sock.sendall(
            b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
        )
        stream = sock.makefile("rb")
        assert stream.readline() == b"HTTP/1.1 100 Continue\r\n"
        assert stream.readline() == b"\r\n"
        sock.sendall(b"hello")
        status, _, body = read_answer(stream)
    assert status == b"HTTP/1.1 200 OK" and json.loads(body)["body"] == "hello"


@pytest.mark.parametrize(
    "head", [b"POST / HTTP/1.1\r\nContent-Length: 5\r\n", b"GET / HTTP/1.1\r\n"]
)
def test_an_unknown_expectation_is_417(server: LoopbackServer, head: bytes) -> None:
    status, headers, body, _ = exchange(server, head + b"Expect: teapot\r\n\r\nhello")
    assert status == 417 and "100-continue" in json.loads(body)["errors"]
    assert headers["connection"] == "close"


def test_no_continue_for_a_request_without_a_body(server: LoopbackServer) -> None:
    status, _, body, _ = exchange(
        server, b"GET /plain HTTP/1.1\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
    )
    assert status == 200 and json.loads(body)["path"] == "/plain"


def test_an_oversized_body_with_expect_gets_413_and_no_continue(server: LoopbackServer) -> None:
    status, _, body, _ = exchange(
        server,
        b"POST / HTTP/1.1\r\nContent-Length: 99999999999\r\nExpect: 100-continue\r\n\r\n",
    )
    assert status == 413 and "exceeds" in json.loads(body)["errors"]


def test_http_1_0_closes_unless_asked_to_keep_alive(server: LoopbackServer) -> None:
    status, headers, _, rest = exchange(server, b"GET /a HTTP/1.0\r\n\r\n")
    assert (status, headers["connection"], rest) == (200, "close", b"")
    with connect(server) as sock:
        stream = sock.makefile("rb")
        for path in (b"/b", b"/c"):
            sock.sendall(b"GET " + path + b" HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
            _, kept, body = read_answer(stream)
            assert kept["connection"] == "keep-alive"
            assert json.loads(body)["path"] == path.decode()


def test_header_shapes_reach_the_app_as_sent(server: LoopbackServer) -> None:
    data = (
        b"GET /h HTTP/1.1\n"  # a bare LF line ending is read too
        b"X-Spaced:   padded value \t\n"
        b"X-Folded: first\r\n   second\r\n"
        b"Accept: a\r\naccept: b\r\n"
        b"X-Latin: caf\xe9\r\n"
        b"Connection: close\r\n\r\n"
    )
    status, _, body, _ = exchange(server, data)
    assert status == 200, body
    headers = json.loads(body)["headers"]
    assert status == 200
    assert headers == {
        "X-Spaced": "padded value",
        "X-Folded": "first second",
        "Accept": "a, b",
        "X-Latin": "caf\xe9",
        "Connection": "close",
    }


@pytest.mark.parametrize("end", [b"\r\n", b"\n"], ids=["CRLF", "LF"])
def test_as_many_headers_as_allowed_are_read(server: LoopbackServer, end: bytes) -> None:
    lines = [b"X-%d: v" % n for n in range(MAX_HEADERS - 1)] + [b"Connection: close"]
    status, _, body, _ = exchange(server, end.join([b"GET / HTTP/1.1", *lines, b"", b""]))
    assert status == 200 and len(json.loads(body)["headers"]) == MAX_HEADERS


def test_blank_lines_before_a_request_are_skipped(server: LoopbackServer) -> None:
    status, _, body, _ = exchange(
        server, b"\r\n\r\nGET /after HTTP/1.1\r\nConnection: close\r\n\r\n"
    )
    assert status == 200 and json.loads(body)["path"] == "/after"


def test_both_framings_are_read_as_chunked_and_the_connection_closed(
    server: LoopbackServer,
) -> None:
    status, headers, body, rest = exchange(
        server,
        b"POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"2\r\nok\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n",
    )
    assert (status, headers["connection"], json.loads(body)["body"]) == (200, "close", "ok")
    assert rest == b"", "the request after the body was never served"


@pytest.mark.parametrize(
    ("target", "path", "query"),
    [
        ("/samples.json", "/samples.json", ""),
        ("/a%20b/c%2Fd?x=%20y&z", "/a b/c/d", "x=%20y&z"),
        ("//evil.example/path?q", "/evil.example/path", "q"),
        ("http://lab.test:3000/abs?x=1", "/abs", "x=1"),
        ("/frag?x=1#part", "/frag", "x=1"),
        ("*", "*", ""),
        ("/", "/", ""),
    ],
)
def test_targets_are_split_and_the_path_percent_decoded(target: str, path: str, query: str) -> None:
    assert split_target(target) == (path, query)


def test_the_target_reaches_the_app_decoded(server: LoopbackServer) -> None:
    status, _, body, _ = exchange(
        server, b"GET /a%2Bb/%C3%A9?q=%C3%A9+1 HTTP/1.1\r\nConnection: close\r\n\r\n"
    )
    seen = json.loads(body)
    assert (status, seen["path"], seen["query"]) == (200, "/a+b/\xe9", "q=%C3%A9+1")


def test_answers_carry_a_date_and_the_length(server: LoopbackServer) -> None:
    _, headers, body, _ = exchange(server, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert headers["date"].endswith(" GMT") and len(headers["date"]) == 29
    assert int(headers["content-length"]) == len(body)


@pytest.mark.parametrize(
    ("name", "sent"),
    [("caf\xe9", b"caf\xe9"), ("\u2713", "\u2713".encode())],
    ids=["latin-1", "other"],
)
def test_answer_headers_are_latin_1_else_utf_8(name: str, sent: bytes) -> None:
    def answer(request: Request, origin: str) -> Response:
        return Response(200, [("X-Name", request.path.strip("/"))], b"")

    with LoopbackServer(answer) as server:
        request = b"GET /%s HTTP/1.1\r\nConnection: close\r\n\r\n" % quote(name).encode()
        _, headers, _, _ = exchange(server, request)
    assert headers["x-name"].encode("latin-1") == sent


def head_of(data: bytes) -> object:
    return read_head(io.BufferedReader(io.BytesIO(data)))


def test_a_connection_closed_before_or_inside_a_head_is_no_request() -> None:
    for data in (
        b"",
        b"\r\n",
        b"GET / HTT",
        b"GET / HTTP/1.1\r\nHost: x\r\n",
        b"GET / HTTP/1.1\r\nHo",
    ):
        assert head_of(data) is None, data


def test_read_head_refuses_what_the_server_refuses() -> None:
    with pytest.raises(MalformedRequest) as refused:
        head_of(b"GET / HTTP/3\r\n\r\n")
    assert refused.value.status == 400


@pytest.mark.skipif(not ipv6_loopback(), reason="this machine has no IPv6 loopback (::1)")
def test_the_server_answers_on_ipv6() -> None:
    with LoopbackServer(echo, host="::1") as server:
        assert server.url.startswith("http://[::1]:")
        status, _, body, _ = exchange(server, b"GET /v6 HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert status == 200 and json.loads(body)["path"] == "/v6"


HALF_SENT = {
    "head": b"GET /never HTTP/1.1\r\nHost: x\r\nX-Half: ",
    "sized body": b"POST /never HTTP/1.1\r\nContent-Length: 10\r\n\r\nhalf",
    "chunk": b"POST /never HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhe",
    "chunk size": b"POST /never HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
}


@pytest.mark.parametrize("kernel", [True, False], ids=["kernel timeouts", "python timeouts"])
@pytest.mark.parametrize("data", HALF_SENT.values(), ids=HALF_SENT.keys())
def test_a_half_sent_request_is_dropped_after_the_read_timeout(
    data: bytes, kernel: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not kernel:  # the way used where SO_RCVTIMEO is not (Windows)
        monkeypatch.setattr(transport, "sys", SimpleNamespace(platform="win32"))
    seen: list[Request] = []

    def record(request: Request, origin: str) -> Response:
        seen.append(request)
        return echo(request, origin)

    with LoopbackServer(record, read_timeout=0.2) as server:
        with connect(server) as sock:
            sock.sendall(data)
            assert sock.recv(1024) == b"", "closed unanswered"
        with connect(server) as sock:  # a whole request is still answered
            sock.sendall(b"GET /whole HTTP/1.1\r\nConnection: close\r\n\r\n")
            assert sock.recv(1024).startswith(b"HTTP/1.1 200 OK\r\n")
    assert [r.path for r in seen] == ["/whole"]
