"""A loopback HTTP server that answers from a cassette, for clients in other processes.

Each request is looked up in the cassette exactly as an in-process replay would look it up
(:class:`aqfake.cassettes.AqCassette`: canonical key, repeat policy), so a client in another
interpreter -- unmodified pydent in its own venv -- replays a cassette recorded by ours over
the wire. A request the cassette cannot answer gets a 599 and is remembered with vcrpy's
near-miss description, for the test to show.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.request import Request

from aqfake.cassettes import use_cassette

#: Headers the server writes itself, never copied from the recording.
HOP_HEADERS = frozenset({"content-length", "transfer-encoding", "connection", "content-encoding"})
MISS_STATUS = 599


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ReplayHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: misses are collected, not logged."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        request = Request(
            self.command, f"{self.server.origin}{self.path}", body, dict(self.headers.items())
        )
        with self.server.lock:
            cassette = self.server.cassette
            if cassette.can_play_response_for(request):
                self._write(cassette.play_response(request))
                return
            miss = str(
                CannotOverwriteExistingCassetteException(cassette=cassette, failed_request=request)
            )
            self.server.misses.append(miss)
        data = miss.encode("utf-8")
        self.send_response(MISS_STATUS, "Not In Cassette")
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _write(self, response: dict[str, Any]) -> None:
        body = (response.get("body") or {}).get("string") or b""
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        status = response["status"]
        self.send_response(int(status["code"]), status.get("message"))
        for name, values in (response.get("headers") or {}).items():
            if name.lower() in HOP_HEADERS:
                continue
            for value in values if isinstance(values, list) else [values]:
                self.send_header(name, str(value))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


class _ReplayHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, cassette: Any) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.cassette = cassette
        self.lock = threading.Lock()
        self.misses: list[str] = []
        self.origin = f"http://127.0.0.1:{self.server_address[1]}"


class CassetteServer:
    """``with CassetteServer(path) as server:`` serves ``path`` at ``server.url``."""

    def __init__(self, path: Path, repeats: str = "last") -> None:
        self._context = use_cassette(path, record_mode="none", repeats=repeats)
        self._server: _ReplayHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "the server is not running"
        return self._server.origin

    @property
    def misses(self) -> list[str]:
        """vcrpy's description of every request the cassette could not answer."""
        return list(self._server.misses) if self._server else []

    def __enter__(self) -> CassetteServer:
        cassette = self._context.__enter__()
        self._server = _ReplayHTTPServer(cassette)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._context.__exit__(kind, error, traceback)
