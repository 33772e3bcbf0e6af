"""A loopback HTTP proxy in front of a cassette: record any client's traffic, or replay it.

``CassetteProxy(path, upstream="https://aquarium.example.org")`` forwards every request it
receives to ``upstream`` through ``requests`` inside :func:`aqfake.cassettes.use_cassette`, so
each exchange lands in the cassette scrubbed and audited, written atomically when the proxy
stops. A client in any process or language (a pydent script, a notebook, a Ruby tool) records
a session just by using ``proxy.url`` as its Aquarium URL. ``CassetteProxy(path)`` without an
upstream replays the cassette over HTTP and never touches the network.

What the client sees is what the server sent, adapted to a plain-HTTP loopback address:
redirects to the server point back at the proxy, and cookies lose their ``Domain`` and
``Secure`` attributes (so the client sends them back to the proxy). The client gets the real
cookies; only the cassette holds placeholders. A request that the cassette cannot answer and may
not record gets status 599 with the cassette's near-miss explanation as its body (also kept in
:attr:`CassetteProxy.misses`).

The proxy is served by :class:`aqfake.transport.LoopbackServer`, the fake's own loopback server:
request bodies may be sized or chunked, bodies over ``MAX_BODY_BYTES`` get 413, silent
connections are closed after the read timeout, and ``host`` may be an IPv6 address (``::1``).

The cassette is active through vcrpy, which intercepts HTTP clients in the whole process while
the proxy runs: its clients belong in other processes (which is what a proxy is for), as with
``aqfake record`` / ``aqfake replay``. A client in the proxy's own process would be recorded or
replayed directly by vcrpy, without passing through the proxy.
"""

from __future__ import annotations

import logging
import re
import threading
from http.cookiejar import DefaultCookiePolicy
from types import TracebackType
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from vcr.errors import CannotOverwriteExistingCassetteException

from .cassettes import use_cassette
from .transport import DEFAULT_READ_TIMEOUT_SECONDS, LoopbackServer, is_loopback
from .wire import Request, Response

LOG = logging.getLogger("aqfake")
#: Where replayed requests are addressed; the cassette answers them, nothing resolves it.
REPLAY_ORIGIN = "http://cassette.aqfake.invalid"
#: Answer to a request the cassette cannot answer (not a real HTTP status, so never confused).
MISS_STATUS = 599
UPSTREAM_TIMEOUT_SECONDS = 60
#: Headers that describe one connection or one encoding, never passed through.
HOP_BY_HOP = frozenset(
    {
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "trailers", "transfer-encoding", "upgrade", "content-length",
        "content-encoding", "host",
    }
)  # fmt: skip
_COOKIE_ATTRIBUTE = re.compile(r";\s*(?:domain=[^;]*|secure)(?=;|$)", re.IGNORECASE)
#: Characters a path keeps unescaped when the proxy sends it on (RFC 3986 ``pchar`` and ``/``).
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"{url!r} is not an absolute URL such as https://aquarium.example.org")
    return f"{parts.scheme}://{parts.netloc}"


def loopback_cookie(value: str) -> str:
    """A ``Set-Cookie`` value without ``Domain`` and ``Secure``, valid for a loopback proxy."""
    return _COOKIE_ATTRIBUTE.sub("", value)


class CassetteProxy:
    """Serve ``path`` on a loopback port, recording from ``upstream`` or replaying only.

    ``record_mode`` defaults to ``once`` with an upstream and must be ``none`` without one.
    ``password`` is registered with the scrubber (passwords in JSON bodies are scrubbed
    anyway). ``advice`` tells how to record the cassette again (shown with a request it cannot
    answer). Use as a context manager, or call :meth:`start` / :meth:`stop`; after
    :meth:`stop`, :attr:`written` is the number of interactions written, or ``None``.
    """

    def __init__(
        self,
        path: Any,
        upstream: str | None = None,
        *,
        record_mode: str | None = None,
        password: str | None = None,
        repeats: str = "last",
        host: str = "127.0.0.1",
        port: int = 0,
        advice: str = "",
        read_timeout: float = DEFAULT_READ_TIMEOUT_SECONDS,
    ) -> None:
        mode = record_mode or ("once" if upstream else "none")
        if upstream is None and mode != "none":
            raise ValueError(f"record_mode {mode!r} needs an upstream server to record from")
        self.path = path
        self.upstream = origin_of(upstream) if upstream else None
        self.upstream_base = upstream.rstrip("/") if upstream else REPLAY_ORIGIN
        self._prefix = urlsplit(self.upstream_base).path
        self.record_mode = mode
        self._context = use_cassette(
            path,
            record_mode=mode,
            password=password,
            repeats=repeats,
            advice=advice,
            on_write=self._written,
        )
        #: Interactions written to the cassette when the proxy stopped (``None``: no write).
        self.written: int | None = None
        self._server = LoopbackServer(
            self._answer, host, port, read_timeout=read_timeout, name="aqfake-proxy"
        )
        self._started = False
        self._http = requests.Session()
        self._http.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))  # keep none
        self._http.trust_env = False
        self._lock = threading.Lock()
        self._misses: list[str] = []
        self.cassette: Any = None

    # -- life cycle ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The proxy's address (``http://host:port``); only known once started."""
        if not self._server.running:
            raise RuntimeError("the proxy has no URL until start() is called")
        return self._server.url

    @property
    def misses(self) -> list[str]:
        """The near-miss explanation of every request the cassette could not answer."""
        with self._lock:
            return list(self._misses)

    def start(self) -> CassetteProxy:
        """Open the cassette and serve in a background thread; returns self."""
        if self._started:
            return self
        if not is_loopback(self._server.host):
            LOG.warning(
                "aqfake proxy: serving on %s, beyond loopback: anyone who reaches this port "
                "%s. Bind 127.0.0.1 unless other machines must connect.",
                self._server.host,
                "can use your server session" if self.upstream else "can read the cassette",
            )
        self.cassette = self._context.__enter__()
        try:
            self._server.start()
        except BaseException as exc:
            self._context.__exit__(type(exc), exc, exc.__traceback__)
            raise
        self._started = True
        return self

    def stop(
        self,
        kind: type[BaseException] | None = None,
        error: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        """Stop serving, then close the cassette (which writes what was recorded)."""
        if not self._started:
            return
        self._started = False
        self._server.stop()
        self._context.__exit__(kind, error, traceback)

    def _written(self, path: Any, interactions: int) -> None:
        self.written = interactions

    def __enter__(self) -> CassetteProxy:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop(kind, error, traceback)

    # -- one exchange ----------------------------------------------------------------------

    def _answer(self, request: Request, origin: str) -> Response:
        target = quote(request.path, safe=_PATH_SAFE)
        if request.query_string:
            target += f"?{request.query_string}"
        return self.forward(request.method, target, dict(request.headers), request.body)

    def forward(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Response:
        """Send one request on through the cassette and adapt the answer for the client.

        Exchanges are serialised: the cassette records them in the order they happened.
        """
        sent = {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP}
        try:
            with self._lock:
                response = self._http.request(
                    method,
                    self.upstream_base + target,
                    data=body or None,
                    headers=sent,
                    allow_redirects=False,
                    timeout=UPSTREAM_TIMEOUT_SECONDS,
                )
        except CannotOverwriteExistingCassetteException as exc:
            with self._lock:
                self._misses.append(str(exc))
            return _text(MISS_STATUS, str(exc))
        except requests.RequestException as exc:
            return _text(502, f"aqfake proxy: {self.upstream} did not answer: {exc}")
        answer_headers = [
            (name, self._adapt(name, value))
            for name, value in response.raw.headers.items()
            if name.lower() not in HOP_BY_HOP
        ]
        return Response(response.status_code, answer_headers, response.content)

    def _adapt(self, name: str, value: str) -> str:
        lowered = name.lower()
        if lowered == "set-cookie":
            return loopback_cookie(value)
        if lowered == "location" and self._server.running:
            parts = urlsplit(value)
            recorded_elsewhere = self.upstream is None and parts.netloc
            if recorded_elsewhere or (parts.netloc and origin_of(value) == self.upstream):
                path = parts.path
                if self._prefix and path.startswith(self._prefix):
                    path = path[len(self._prefix) :]
                rest = path + (f"?{parts.query}" if parts.query else "")
                return self._server.url + (rest or "/")
        return value


def _text(status: int, text: str) -> Response:
    return Response(status, [("Content-Type", "text/plain; charset=utf-8")], text.encode("utf-8"))
