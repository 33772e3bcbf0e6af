"""Two ways to reach a :class:`~aqfake.app.FakeAquarium` over HTTP; both answer identically.

- In-process: :func:`mock` / :func:`install` register a ``responses`` callback for the fake's
  base URL only. No socket is opened; any other URL fails as ``responses`` makes it fail.
  ``requests`` still follows redirects and keeps cookies, because it runs unchanged above the
  mocked adapter.
- Live: :class:`LiveServer` serves the fake on a loopback port from a thread pool, speaking
  HTTP/1.1 with keep-alive and ``TCP_NODELAY``, for other processes and other clients.

Both turn what they receive into a :class:`aqfake.wire.Request` and call ``fake.handle``. Both
refuse bodies over :data:`MAX_BODY_BYTES` with 413; the live server answers a malformed
``Content-Length`` or chunk size with 400 and a fault inside the fake with 500, never by
dropping the connection.
"""

from __future__ import annotations

import logging
import re
import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import responses

from .contracts import Server
from .errors import server_error
from .wire import Request, Response, errors_response

if TYPE_CHECKING:
    from requests import PreparedRequest


LOG = logging.getLogger("aqfake")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
#: Larger request bodies are refused with 413 before the fake sees them (a web server in front
#: of Rails refuses oversized bodies as well); no client of Aquarium sends anything near this.
MAX_BODY_BYTES = 64 * 1024 * 1024
READ_CHUNK_BYTES = 1024 * 1024  # a body is read in pieces, so a lying Content-Length costs nothing


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
            response = fake.handle(request, origin)
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


# -- live -----------------------------------------------------------------------------------


class _ConnectionHandler(BaseHTTPRequestHandler):
    """One keep-alive connection: parse each request, let the fake answer, write it in one go."""

    protocol_version = "HTTP/1.1"
    server_version = "aqfake"
    server: _FakeHTTPServer

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the fake's journal records requests."""

    def _read_body(self) -> bytes:
        """The request body (chunked or sized), bounded by :data:`MAX_BODY_BYTES`;
        :class:`BodyRefused` when the framing is malformed or the body too large."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        raw = (self.headers.get("Content-Length") or "0").strip()
        if not raw.isdigit() or not raw.isascii():
            raise BodyRefused(400, f"Content-Length must be a number of bytes, not {raw!r}")
        length = int(raw)
        if length > MAX_BODY_BYTES:
            raise too_large(length)
        return self._read_exactly(length)

    def _read_exactly(self, length: int) -> bytes:
        parts: list[bytes] = []
        remaining = length
        while remaining > 0:
            part = self.rfile.read(min(remaining, READ_CHUNK_BYTES))
            if not part:
                break  # the client closed early; the fake answers what arrived
            parts.append(part)
            remaining -= len(part)
        return b"".join(parts)

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(READ_CHUNK_BYTES)
            field = line.split(b";", 1)[0].strip() or b"0"
            try:
                size = int(field, 16)
            except ValueError:
                raise BodyRefused(400, f"Malformed chunk size {field[:40]!r}") from None
            if size < 0:
                raise BodyRefused(400, f"Malformed chunk size {field[:40]!r}")
            if size == 0:
                while self.rfile.readline(READ_CHUNK_BYTES) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY_BYTES:
                raise too_large(total)
            chunks.append(self._read_exactly(size))
            self.rfile.readline(READ_CHUNK_BYTES)

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        try:
            body = self._read_body()
        except BodyRefused as refused:
            # the rest of the body is unread: answer, then close the connection
            self.close_connection = True
            self._write(refused.response)
            return
        request = Request(
            method=self.command,
            path=unquote(parts.path) or "/",
            query_string=parts.query,
            headers=dict(self.headers.items()),
            body=body,
        )
        try:
            response = self.server.fake.handle(request, self.server.origin)
        except Exception:
            # a fault in the fake itself: answer as Rails does an uncaught exception, and keep
            # the connection (and the server) alive rather than dropping it
            LOG.exception("aqfake: %s %s failed inside the fake", self.command, request.path)
            response = server_error(request.path)
        self._write(response)

    def _write(self, response: Response) -> None:
        head = [f"{self.protocol_version} {response.status} {response.reason}"]
        head.append(f"Date: {formatdate(usegmt=True)}")
        head.extend(f"{name}: {value}" for name, value in response.headers)
        head.append(f"Content-Length: {len(response.body)}")
        if self.close_connection:
            head.append("Connection: close")
        payload = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(payload if self.command == "HEAD" else payload + response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve


class _FakeHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # keep-alive connections are closed by stop(), not waited for

    def __init__(self, address: tuple[str, int], fake: Server) -> None:
        self.fake = fake
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _ConnectionHandler)
        host, port = self.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        shown = f"[{host}]" if ":" in str(host) else str(host)
        self.origin = f"http://{shown}:{port}"

    def server_bind(self) -> None:
        # HTTPServer.server_bind would resolve the host's FQDN (a DNS lookup); not needed here.
        socketserver.TCPServer.server_bind(self)

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


class LiveServer:
    """``fake`` served over HTTP/1.1 on ``host:port`` (port 0: a free port chosen by the OS).

    Use as a context manager, or call :meth:`start` / :meth:`stop`. :attr:`url` is the base URL
    clients should use, e.g. ``http://127.0.0.1:54321``.
    """

    POLL_SECONDS = 0.05  # how quickly stop() is noticed by the accept loop

    def __init__(self, fake: Server, host: str = "127.0.0.1", port: int = 0) -> None:
        self.fake = fake
        self.host = host
        self.port = port
        self._server: _FakeHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The server's address (``http://host:port``); only known once started."""
        if self._server is None:
            raise RuntimeError("LiveServer has no URL until start() is called")
        return self._server.origin

    @property
    def running(self) -> bool:
        """Whether the server is serving (started and not stopped)."""
        return self._server is not None

    def start(self) -> LiveServer:
        """Bind and start serving in a background thread; returns self."""
        if self._server is not None:
            return self
        server = _FakeHTTPServer((self.host, self.port), self.fake)
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": self.POLL_SECONDS},
            name=f"aqfake-live-{server.origin}",
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
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self._server.origin if self._server else f"{self.host}:{self.port} (stopped)"
        return f"<LiveServer {where}>"
