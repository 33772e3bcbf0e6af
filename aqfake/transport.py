"""Two ways to reach a :class:`~aqfake.app.FakeAquarium` over HTTP; both answer identically.

- In-process: :func:`mock` / :func:`install` register a ``responses`` callback for the fake's
  base URL only. No socket is opened; any other URL fails as ``responses`` makes it fail.
  ``requests`` still follows redirects and keeps cookies, because it runs unchanged above the
  mocked adapter.
- Live: :class:`LiveServer` serves the fake from a :class:`LoopbackServer`: HTTP/1.1 with
  keep-alive and ``TCP_NODELAY``, one thread per connection, IPv4 or IPv6, for other processes
  and other clients. The record/replay proxy (:mod:`aqfake.proxy`) is served by the same
  :class:`LoopbackServer`, so both read bodies (sized or chunked) and time out the same way.
  Request heads are read by :mod:`aqfake.http11` (not ``http.server``, which costs more CPU
  per request than the fake's answer); a malformed head is answered 400 (505 for another HTTP
  version) with an ``errors`` body, and the connection closed.

Both turn what they receive into a :class:`aqfake.wire.Request` and call ``fake.handle``. Both
refuse bodies over :data:`MAX_BODY_BYTES` with 413; the live server answers a malformed
``Content-Length`` or chunk size with 400 and a fault inside the fake with 500, never by
dropping the connection. A connection that sends nothing for ``read_timeout`` seconds (an idle
keep-alive, or a body that stops arriving) is closed and a partial request is dropped unanswered.
``Expect: 100-continue`` is answered ``100 Continue`` just before the body is read (not when the
body is refused anyway); any other expectation is 417. An answer that closes a connection whose
request was not read to its end is followed by a short drain of what the client still sends,
so its unread bytes do not turn the close into a reset that loses the answer.

Injected faults (:mod:`aqfake.faults`) that abort a request become what a network does: in
process, the ``requests`` exception (``ConnectionError``, ``ReadTimeout``); live, a closed or a
silent socket.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import secrets
import socket
import socketserver
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from io import BufferedReader
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import requests
import responses

from .contracts import LiveFake, Server
from .errors import server_error
from .faults import FaultAbort
from .http11 import CONTINUE, MalformedRequest, RequestHead, read_head, response_head
from .wire import Request, Response, errors_response

if TYPE_CHECKING:
    from requests import PreparedRequest


LOG = logging.getLogger("aqfake")
#: Methods the in-process transport intercepts: every method Rails knows (the app answers
#: those without a route 404, as Rails does); the live server passes any method to the app.
METHODS = (
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT",
    "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "REPORT", "SEARCH",
)  # fmt: skip
#: Seconds a live connection may stay silent (between requests, or inside one) before the
#: server closes it; what a web server in front of Rails does with slow or stalled clients.
DEFAULT_READ_TIMEOUT_SECONDS = 30.0
#: Larger request bodies are refused with 413 before the fake sees them (a web server in front
#: of Rails refuses oversized bodies as well); no client of Aquarium sends anything near this.
MAX_BODY_BYTES = 64 * 1024 * 1024
READ_CHUNK_BYTES = 1024 * 1024  # a body is read in pieces, so a lying Content-Length costs nothing
#: After refusing a request whose body is left unread, the server reads and discards what the
#: client still sends for this long (and at most this much) before closing.
LINGER_SECONDS = 1.0
LINGER_BYTES = 4 * 1024 * 1024


class BodyRefused(Exception):
    """A request body the transport will not read; carries the answer to send instead."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.response = errors_response(message, status)


def too_large(size: int) -> BodyRefused:
    """413 for a body of ``size`` bytes (or more)."""
    return BodyRefused(
        413,
        f"The request body ({size} bytes or more) exceeds the fake's limit of "
        f"{MAX_BODY_BYTES} bytes (aqfake.transport.MAX_BODY_BYTES)",
    )


# -- in-process ---------------------------------------------------------------------------------


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)


def request_from_prepared(prepared: PreparedRequest) -> tuple[Request, str]:
    """The fake's view of a ``requests`` request, and the ``scheme://host`` it was sent to."""
    parts = urlsplit(prepared.url or "")
    request = Request(
        method=(prepared.method or "GET").upper(),
        path=unquote(parts.path) or "/",
        query_string=parts.query,
        headers=dict(prepared.headers),
        body=_body_bytes(prepared.body),
    )
    return request, f"{parts.scheme}://{parts.netloc}"


def read_timeout_of(prepared: PreparedRequest) -> float | None:
    """The read timeout the client gave ``requests`` for this request (``responses`` keeps the
    adapter's arguments on the request), or None."""
    timeout = getattr(prepared, "req_kwargs", {}).get("timeout")
    if isinstance(timeout, tuple):
        timeout = timeout[-1]
    read = getattr(timeout, "read_timeout", timeout)  # a urllib3 Timeout
    return float(read) if isinstance(read, (int, float)) else None


def network_error(abort: FaultAbort, prepared: PreparedRequest) -> requests.RequestException:
    """The exception ``requests`` raises when a real network does what ``abort`` injected."""
    host = urlsplit(prepared.url or "").netloc
    if abort.kind == "timeout":
        return requests.ReadTimeout(
            f"HTTPConnectionPool(host={host!r}): Read timed out ({abort})", request=prepared
        )
    if abort.kind == "down":
        return requests.ConnectionError(
            f"HTTPConnectionPool(host={host!r}): Failed to establish a new connection: "
            f"[Errno 111] Connection refused ({abort})",
            request=prepared,
        )
    return requests.ConnectionError(
        "('Connection aborted.', RemoteDisconnected('Remote end closed connection without "
        f"response')) ({abort})",
        request=prepared,
    )


def url_pattern(base_url: str) -> re.Pattern[str]:
    """Every URL under ``base_url`` (and nothing on another host or port)."""
    return re.compile(re.escape(base_url.rstrip("/")) + r"(?:[/?#].*)?$", re.IGNORECASE)


def install(mock: responses.RequestsMock, fake: Server, base_url: str | None = None) -> None:
    """Answer every request ``mock`` sees for ``base_url`` (default: the fake's) with ``fake``."""

    def callback(prepared: PreparedRequest) -> Any:
        # (status, headers as a list so repeated Set-Cookie survive, body)
        request, origin = request_from_prepared(prepared)
        if len(request.body) > MAX_BODY_BYTES:
            response = too_large(len(request.body)).response
        else:
            try:
                response = fake.handle(request, origin, read_timeout=read_timeout_of(prepared))
            except FaultAbort as abort:
                raise network_error(abort, prepared) from None
        if request.method == "HEAD":
            length = ("Content-Length", str(len(response.body)))
            return response.status, [*response.headers, length], b""
        return response.status, list(response.headers), response.body

    base = (base_url or fake.base_url).rstrip("/")
    pattern = url_pattern(base)
    for method in METHODS:
        mock.add_callback(method, pattern, callback=callback, content_type=None)
    # Only the fake's base URL is intercepted: everything else goes to the network as usual.
    mock.add_passthru(re.compile(rf"(?!{re.escape(base)}(?:[/?#]|$))", re.IGNORECASE))


@contextmanager
def mock(fake: Server, base_url: str | None = None) -> Iterator[responses.RequestsMock]:
    """Serve ``fake`` in-process to ``requests`` inside the ``with`` block."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as requests_mock:
        install(requests_mock, fake, base_url)
        yield requests_mock


# -- live ---------------------------------------------------------------------------------

#: What a :class:`LoopbackServer` serves: a request and the server's own origin, to an answer.
Answerer = Callable[[Request, str], Response]


class _Connection(socketserver.BaseRequestHandler):
    """One keep-alive connection: read each request, let the app answer, write it in one go.

    The request head is read by :func:`aqfake.http11.read_head`; a malformed one is answered
    (400, or 505 for another HTTP version) and the connection closed. A read that times out
    or fails ends the connection without an answer, so a partial request is dropped.
    """

    server: _LoopbackHTTPServer
    request: socket.socket

    def handle(self) -> None:
        sock = self.request
        timeval = struct.pack(
            "ll", int(self.server.read_timeout), int(self.server.read_timeout % 1 * 1e6)
        )
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, timeval)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        stream = sock.makefile("rb", -1)
        try:
            while self._serve_one(stream):
                pass
        except OSError:  # a timeout, a reset, or close_connections() at stop
            pass
        finally:
            stream.close()

    def _serve_one(self, stream: BufferedReader) -> bool:
        """Answer the next request; whether to keep the connection for another."""
        try:
            head = read_head(stream)
        except MalformedRequest as bad:
            self._refuse(errors_response(bad.message, bad.status), head_only=False)
            return False
        if head is None:
            return False
        head_only = head.method == "HEAD"
        try:
            body = _read_body(stream, head, self.request)
        except BodyRefused as refused:
            # the rest of the body is unread: answer, then close the connection
            self._refuse(refused.response, head_only)
            return False
        path, query = head.path_and_query()
        request = Request(head.method, path, query, head.headers, body)
        try:
            response = self.server.answer(request, self.server.origin)
        except FaultAbort as abort:
            if abort.kind == "timeout":  # no answer: a timeout holds the socket silent first
                self.server.stopping.wait(abort.stall_seconds)
            return False
        except Exception:
            # a fault in the app itself: answer as Rails does an uncaught exception, and keep
            # the connection (and the server) alive rather than dropping it
            LOG.exception("aqfake: %s %s failed inside the fake", head.method, path)
            response = server_error(path)
        self._send(response, head_only, head.connection_header)
        return head.keep_alive

    def _send(self, response: Response, head_only: bool, connection: str | None) -> None:
        payload = response_head(response, connection)
        self.request.sendall(payload if head_only else payload + response.body)

    def _refuse(self, response: Response, head_only: bool) -> None:
        """Answer a request whose framing is lost, then close without resetting the answer:
        stop writing and drain what the client still sends for a moment, so the unread rest
        of its request does not make the kernel discard the answer with a reset."""
        sock = self.request
        self._send(response, head_only, "close")
        with suppress(OSError):
            sock.shutdown(socket.SHUT_WR)
            sock.settimeout(LINGER_SECONDS)
            deadline = time.monotonic() + LINGER_SECONDS
            drained = 0
            while drained < LINGER_BYTES and time.monotonic() < deadline:
                data = sock.recv(READ_CHUNK_BYTES)
                if not data:
                    break
                drained += len(data)


def _set_timeout(sock: socket.socket, seconds: float) -> None:
    """Time out every read and write on ``sock`` after ``seconds``. Where the kernel can do it
    (``SO_RCVTIMEO``, ``SO_SNDTIMEO`` on a blocking socket) each read is one ``recv``; Python's
    own socket timeout polls before every ``recv``, a system call more per request. A read
    that times out then returns nothing (``None`` from the buffered stream): see
    :func:`_read_exactly`."""
    if sys.platform != "win32":
        whole = int(seconds)
        timeval = struct.pack("ll", whole, int((seconds - whole) * 1_000_000))
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, timeval)
        except OSError:
            pass
        else:
            return
    sock.settimeout(seconds)


def _read_body(stream: BufferedReader, head: RequestHead, sock: socket.socket) -> bytes:
    """The request body (chunked or sized), bounded by :data:`MAX_BODY_BYTES`;
    :class:`BodyRefused` when the framing is malformed, the body too large or the client
    expects what the server cannot promise. ``100 Continue`` is sent on ``sock`` first when
    the client waits for it and a body is to be read."""
    lowered = head.lowered
    expect = lowered.get("expect")
    waits = False
    if expect is not None:
        if expect.lower() != "100-continue":
            raise BodyRefused(417, f"Expect: {expect[:40]!r} is not supported (only 100-continue)")
        waits = head.version >= (1, 1)
    if "transfer-encoding" in lowered and "chunked" in lowered["transfer-encoding"].lower():
        if waits:
            sock.sendall(CONTINUE)
        return _read_chunked(stream)
    raw = lowered.get("content-length")
    if not raw:
        return b""
    if not raw.isdigit() or not raw.isascii():
        raise BodyRefused(400, f"Content-Length must be a number of bytes, not {raw!r}")
    length = int(raw)
    if length > MAX_BODY_BYTES:
        raise too_large(length)
    if length and waits:
        sock.sendall(CONTINUE)
    return _read_exactly(stream, length)


def _read_exactly(stream: BufferedReader, length: int) -> bytes:
    parts: list[bytes] = []
    remaining = length
    while remaining > 0:
        part = stream.read(min(remaining, READ_CHUNK_BYTES))
        if part is None:  # the kernel's read timeout (see _set_timeout)
            raise TimeoutError("the client stopped sending the request body")
        if not part:
            break  # the client closed early; the app answers what arrived
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


def _read_chunked(stream: BufferedReader) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        line = stream.readline(READ_CHUNK_BYTES)
        if not line.endswith(b"\n"):  # the client stopped sending, or closed, mid-body
            raise TimeoutError("the client stopped sending the chunked request body")
        field = line.split(b";", 1)[0].strip() or b"0"
        try:
            size = int(field, 16)
        except ValueError:
            raise BodyRefused(400, f"Malformed chunk size {field[:40]!r}") from None
        if size < 0:
            raise BodyRefused(400, f"Malformed chunk size {field[:40]!r}")
        if size == 0:
            while stream.readline(READ_CHUNK_BYTES) not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(chunks)
        total += size
        if total > MAX_BODY_BYTES:
            raise too_large(total)
        chunks.append(_read_exactly(stream, size))
        stream.readline(READ_CHUNK_BYTES)


class _LoopbackHTTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False  # keep-alive connections are closed by stop(), not waited for
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], answer: Answerer, read_timeout: float) -> None:
        self.answer = answer
        self.read_timeout = read_timeout
        self.stopping = threading.Event()
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Connection)
        host, port = self.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        shown = f"[{host}]" if ":" in str(host) else str(host)
        self.origin = f"http://{shown}:{port}"

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake every idle keep-alive connection so its thread ends."""
        with self._connections_lock:
            open_now = list(self._connections)
        for connection in open_now:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps a server reachable from this machine only."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


class LoopbackServer:
    """``answer`` served over HTTP/1.1 on ``host:port`` (port 0: a free port chosen by the OS).

    Use as a context manager, or call :meth:`start` / :meth:`stop`. :attr:`url` is the base URL
    clients should use, e.g. ``http://127.0.0.1:54321`` (``http://[::1]:54321`` for IPv6).
    ``read_timeout`` is how long a connection may stay silent before it is closed.
    """

    POLL_SECONDS = 0.05  # how quickly stop() is noticed by the accept loop

    def __init__(
        self,
        answer: Answerer,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        read_timeout: float = DEFAULT_READ_TIMEOUT_SECONDS,
        name: str = "aqfake-live",
    ) -> None:
        if read_timeout <= 0:
            raise ValueError(f"read_timeout must be a positive number of seconds: {read_timeout}")
        self.answer = answer
        self.host = host
        self.port = port
        self.read_timeout = read_timeout
        self.name = name
        self._server: _LoopbackHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The server's address (``http://host:port``); only known once started."""
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} has no URL until start() is called")
        return self._server.origin

    @property
    def running(self) -> bool:
        """Whether the server is serving (started and not stopped)."""
        return self._server is not None

    def start(self) -> LoopbackServer:
        """Bind and start serving in a background thread; returns self."""
        if self._server is not None:
            return self
        server = _LoopbackHTTPServer((self.host, self.port), self.answer, self.read_timeout)
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": self.POLL_SECONDS},
            name=f"{self.name}-{server.origin}",
            daemon=True,
        )
        self._server = server
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close open connections and free the port."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = self._thread = None
        server.stopping.set()
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self._server.origin if self._server else f"{self.host}:{self.port} (stopped)"
        return f"<{type(self).__name__} {where}>"


class LiveServer(LoopbackServer):
    """``fake`` served over HTTP (see :class:`LoopbackServer`).

    Bound beyond loopback (``host="0.0.0.0"``, a LAN address), anyone who can reach the port can
    use the fake: the server logs a warning, and gives the fake a random control token if it has
    none, so ``/_aqfake/*`` (reset, journal, faults) needs :attr:`control_token`.
    """

    def __init__(
        self,
        fake: LiveFake,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        read_timeout: float = DEFAULT_READ_TIMEOUT_SECONDS,
    ) -> None:
        super().__init__(self._answer, host, port, read_timeout=read_timeout)
        self.fake = fake

    def _answer(self, request: Request, origin: str) -> Response:
        return self.fake.handle(request, origin)

    @property
    def control_token(self) -> str | None:
        """The token control requests must carry (None: not required)."""
        return self.fake.control_token

    def start(self) -> LiveServer:
        """Bind and serve; beyond loopback, warn and require a control token first."""
        if not self.running and not is_loopback(self.host):
            if self.fake.control_token is None:
                self.fake.control_token = secrets.token_urlsafe(24)
            LOG.warning(
                "aqfake: serving on %s, beyond loopback: anyone who reaches this port can read "
                "and change the fake's data; /_aqfake/* control endpoints need the control "
                "token. Bind 127.0.0.1 unless other machines must connect.",
                self.host,
            )
        super().start()
        return self

    def __enter__(self) -> LiveServer:
        return self.start()
