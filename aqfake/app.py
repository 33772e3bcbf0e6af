"""FakeAquarium: the whole fake server behind one method, :meth:`FakeAquarium.handle`.

A request goes: JSON body check (400) -> route lookup (404) -> Aquarium's before-filters
(sign-in redirect, the ``Not-logged-in`` PUT quirk, the ``up_to_date_user`` redirect) ->
handler, with the store locked (shared for queries, exclusive for writes: see
:mod:`aqfake.rwlock`) -> journal. Handlers come from every module of :mod:`aqfake.handlers` that
declares ``ROUTES``, in module-name order. Injected faults (:mod:`aqfake.faults`) are applied
before anything else; ``/_aqfake/*`` control requests are never faulted, take no request lock
and need the fake's control token when it has one.

Both transports (:mod:`aqfake.transport`) and the WSGI entry point call :meth:`handle`.
"""

from __future__ import annotations

import hmac
import importlib
import inspect
import logging
import os
import pkgutil
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, suppress
from functools import cache, lru_cache
from itertools import count
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .errors import (
    NotFound,
    bad_request,
    method_not_allowed,
    not_found,
    redirect,
    server_error,
)
from .faults import ABORTING, FaultAbort, Faults, Firing, fault_response
from .journal import DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, Journal
from .routing import Auth, Context, Route, Router
from .rwlock import UpgradeNeeded
from .store import Row, Snapshot, Store
from .wire import BadRequest, Request, Response, errors_response, json_response

if TYPE_CHECKING:
    import responses

    from .transport import LiveServer

LOG = logging.getLogger("aqfake")

HANDLER_PACKAGE = "aqfake.handlers"
CONTROL_PREFIX = "/_aqfake/"  # test-control endpoints: never authenticated, never journaled
PLAIN_TOKEN_COOKIE = "remember_token"
#: The header a control request carries the fake's control token in (``Authorization: Bearer``
#: works too).
CONTROL_TOKEN_HEADER = "X-Aqfake-Token"
#: Requests of these routes run under the store's shared lock (a handler that turns out to write
#: is run again under the exclusive one); every other route runs exclusively.
READ_FIRST = frozenset({("POST", "/json")})
READ_METHODS = frozenset({"GET", "OPTIONS"})
#: The methods Rails accepts (ActionDispatch's RFC 2616, 2518, 3253, 3648, 3744, 5323, 4791 and
#: 5789 lists); one without a route is a 404, any other method a 405.
RAILS_METHODS = frozenset(
    (
        "OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "CONNECT", "PROPFIND",
        "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "VERSION-CONTROL", "REPORT",
        "CHECKOUT", "CHECKIN", "UNCHECKOUT", "MKWORKSPACE", "UPDATE", "LABEL", "MERGE",
        "BASELINE-CONTROL", "MKACTIVITY", "ORDERPATCH", "ACL", "SEARCH", "MKCALENDAR", "PATCH",
    )
)  # fmt: skip
DEFAULT_PORTS = {"http": "80", "https": "443"}

#: ``parameters`` rows a user needs to pass ``up_to_date_user`` (protocol section 1.6).
PROFILE_KEYS_PRESENT = ("email", "phone")
PROFILE_KEYS_TRUE = ("lab_agreement", "aquarium")

LabSpec = str | Callable[[Store], object] | None


def new_remember_token() -> str:
    """A fresh token, shaped as Rails' ``SecureRandom.urlsafe_base64`` makes them."""
    return secrets.token_urlsafe(16)


def instance_tag(instance_name: str, env: str) -> str:
    """``<Instance>_<env>`` as Aquarium builds it: non-ASCII and non-alphanumerics removed."""
    ascii_name = instance_name.encode("ascii", "ignore").decode("ascii")
    return f"{re.sub(r'[^A-Za-z0-9]', '', ascii_name)}_{env}"


@lru_cache(maxsize=1)
def discover_routes() -> tuple[Route, ...]:
    """Every handler module's ``ROUTES``, in module-name order."""
    package = importlib.import_module(HANDLER_PACKAGE)
    names = sorted(info.name for info in pkgutil.iter_modules(package.__path__))
    routes: list[Route] = []
    for name in names:
        module = importlib.import_module(f"{HANDLER_PACKAGE}.{name}")
        routes.extend(getattr(module, "ROUTES", ()))
    return tuple(routes)


def reads_only(route: Route) -> bool:
    """Whether a route's requests are tried under the shared lock first: GETs (Aquarium has GET
    routes that write, such as ``/items/make``; those are run again as writers) and the query
    endpoint ``POST /json``."""
    return route.method in READ_METHODS or (route.method, route.pattern) in READ_FIRST


_SEEDS: dict[tuple[str, int, str | int | None], Snapshot] = {}
_SEEDS_LOCK = threading.Lock()


def seeded_snapshot(lab: str, seed: int = 0, size: str | int | None = None) -> Snapshot:
    """The store state of a named lab (of ``size``, for the demo lab), built once per process
    and shared (snapshots are copied on restore, so sharing is safe)."""
    key = (lab, seed, size)
    with _SEEDS_LOCK:
        snapshot = _SEEDS.get(key)
        if snapshot is None:
            from . import lab as labs  # built by aqfake.lab; imported on first use only

            scratch = Store()
            labs.build_lab(scratch, lab, seed=seed, size=size)
            snapshot = _SEEDS[key] = scratch.snapshot()
        return snapshot


@lru_cache(maxsize=256)
def _origin(base_url: str, host: str) -> str:
    """``scheme://host`` for a request: the scheme of ``base_url``, the ``Host`` header's host
    (else ``base_url``'s), the scheme's standard port left out; the same few pairs repeat for
    every request, so the answers are cached."""
    origin = urlsplit(base_url)
    scheme = origin.scheme or "http"
    host = host or origin.netloc
    default = DEFAULT_PORTS.get(scheme)
    if default and host.endswith(f":{default}"):
        host = host[: -len(default) - 1]
    return f"{scheme}://{host}"


class FakeAquarium:
    """An in-memory Aquarium server.

    ``lab`` seeds the store: a lab name known to :func:`aqfake.lab.build_lab` (``"demo"``,
    ``"empty"``), a callable that fills a :class:`Store`, or None for no rows at all. Named labs
    are built once per process and restored from a snapshot afterwards, so creating a fake is
    cheap. ``size`` grows the demo lab (``small``, ``medium`` -- the default --, ``large`` or a
    number of samples). ``require_up_to_date=False`` turns off the ``up_to_date_user`` redirect.
    ``routes`` are extra :class:`~aqfake.routing.Route` objects tried before the built-in ones
    (to serve an endpoint the fake lacks). ``control_token``, when set, is required by every
    ``/_aqfake/*`` control endpoint (see :data:`CONTROL_TOKEN_HEADER`); a live server bound
    beyond loopback sets a random one if none is given. ``journal_entries`` and
    ``journal_bytes`` bound the journal (see :class:`~aqfake.journal.Journal`).
    """

    def __init__(
        self,
        lab: LabSpec = "demo",
        *,
        seed: int = 0,
        instance_name: str = "YourLab",
        env: str = "production",
        base_url: str = "http://aquarium.test",
        require_up_to_date: bool = True,
        routes: Iterable[Route] = (),
        size: str | int | None = None,
        control_token: str | None = None,
        journal_entries: int = DEFAULT_MAX_ENTRIES,
        journal_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.store = Store()
        self.journal = Journal(max_entries=journal_entries, max_bytes=journal_bytes)
        self.control_token = control_token
        #: Injected faults (see :mod:`aqfake.faults`): ``fake.faults.add("status", "/json")``.
        self.faults = Faults()
        self.instance_name = instance_name
        self.env = env
        self.base_url = base_url.rstrip("/")
        self.require_up_to_date = require_up_to_date
        tag = instance_tag(instance_name, env)
        self.cookie_name = f"remember_token_{tag}"
        self.session_cookie_name = f"_aquarium_{tag}_session"
        self._router = Router([*routes, *discover_routes()])
        self._saved: dict[str, Snapshot] = {}
        #: the cassette files the store was seeded from (:meth:`from_cassettes`), for the page
        self.cassettes: tuple[str, ...] = ()
        self._snapshot_ids = count(1)
        if isinstance(lab, str):
            # The shared snapshot is never written to (restore copies it), so it is the seed.
            self._seed = seeded_snapshot(lab, seed, size)
            self.store.restore(self._seed)
        else:
            if lab is not None:
                lab(self.store)
            self._seed = self.store.snapshot()

    @classmethod
    def from_cassettes(
        cls,
        paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        **kwargs: Any,
    ) -> FakeAquarium:
        """A fake seeded with every record found in the recorded answers of the cassettes at
        ``paths`` (one path or several; see :mod:`aqfake.cassettes.seed`), so queries that were
        never recorded are answered from recorded data. Users who logged in during a recording
        log in with the scrubbed password's placeholder, ``<AQ:password>``.
        ``kwargs`` go to the constructor (``lab`` is taken by the cassettes)."""
        from .cassettes.seed import load_exchanges, seed_store

        if "lab" in kwargs:
            raise TypeError("from_cassettes() seeds the lab from the cassettes; drop lab=")
        files = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
        exchanges = load_exchanges(files)
        fake = cls(lambda store: seed_store(store, exchanges), **kwargs)
        fake.cassettes = tuple(os.fspath(f) for f in files)
        return fake

    def __repr__(self) -> str:
        return f"<FakeAquarium {self.base_url} ({self.cookie_name})>"

    # -- state ---------------------------------------------------------------------------------

    def reset(self) -> None:
        """Put the store back to the seeded lab (the journal is left alone)."""
        self.store.restore(self._seed)

    def snapshot(self) -> Snapshot:
        """The store's current rows, frozen; hand it to :meth:`restore` to come back to them."""
        return self.store.snapshot()

    def restore(self, snapshot: Snapshot) -> None:
        """Put the store back to a :meth:`snapshot` (the journal is left alone)."""
        self.store.restore(snapshot)

    def save_snapshot(self) -> str:
        """Take a snapshot kept inside the fake; returns its id for :meth:`restore_snapshot`."""
        snapshot_id = str(next(self._snapshot_ids))
        self._saved[snapshot_id] = self.store.snapshot()
        return snapshot_id

    def restore_snapshot(self, snapshot_id: str) -> None:
        """Restore a snapshot taken by :meth:`save_snapshot`; KeyError names the known ids."""
        try:
            snapshot = self._saved[snapshot_id]
        except KeyError:
            known = ", ".join(sorted(self._saved, key=int)) or "none"
            raise KeyError(
                f"no snapshot {snapshot_id!r} in this fake (known: {known}); "
                "take one with POST /_aqfake/snapshot"
            ) from None
        self.store.restore(snapshot)

    # -- users and auth ------------------------------------------------------------------------

    def user_token(self, login: str) -> str:
        """The ``remember_token`` of the user ``login``, e.g. to build an auth cookie by hand."""
        row = self.store.first("users", login=login)
        if row is None or not row["remember_token"]:
            logins = ", ".join(sorted(str(u["login"]) for u in self.store.rows("users")))
            raise LookupError(f"no user {login!r} with a token in this fake (users: {logins})")
        return str(row["remember_token"])

    def current_user(self, request: Request) -> Row | None:
        """The user whose token the request's cookie carries (env-specific name first, then the
        plain ``remember_token``); no cookie or an empty one means anonymous."""
        cookies = request.cookies
        token = cookies.get(self.cookie_name)
        if token is None:
            token = cookies.get(PLAIN_TOKEN_COOKIE)
        if not token:
            return None
        given = token.encode("utf-8")
        for user_id in sorted(self.store.ids_matching("users", "remember_token", [token])):
            row = self.store.get("users", user_id)
            stored = row["remember_token"] if row else None
            if stored and hmac.compare_digest(stored.encode("utf-8"), given):
                return row
        return None

    def is_up_to_date(self, user: Row) -> bool:
        """Whether ``up_to_date_user`` lets the user through: email, phone, both agreements."""
        present: set[str] = set()
        for row in self.store.lookup("parameters", user_id=user["id"]):
            key, value = row["key"], row["value"]
            if (key in PROFILE_KEYS_PRESENT and value and value.strip()) or (
                key in PROFILE_KEYS_TRUE and value == "true"
            ):
                present.add(key)
        return present.issuperset(PROFILE_KEYS_PRESENT + PROFILE_KEYS_TRUE)

    def _before_filters(
        self, auth: Auth, method: str, user: Row | None, base: str
    ) -> Response | None:
        if auth is Auth.NONE:
            return None
        if user is None:
            if method == "PUT":
                return json_response(
                    {"error": "Not-logged-in"}, headers=[("status", "Not-logged-in")]
                )
            return redirect(f"{base}/signin")
        if auth is Auth.UP_TO_DATE and self.require_up_to_date and not self.is_up_to_date(user):
            return redirect(f"{base}/users/{user['id']}")
        return None

    # -- the server ----------------------------------------------------------------------------

    def request_base(self, request: Request, base_url: str | None = None) -> str:
        """``scheme://host[:port]`` of this request: scheme from ``base_url`` (or the fake's),
        host from the ``Host`` header as Rails reads it, standard ports omitted."""
        return _origin(base_url or self.base_url, request.header("Host"))

    def handle(
        self, request: Request, base_url: str | None = None, *, read_timeout: float | None = None
    ) -> Response:
        """Answer one request exactly as Aquarium would (see the module docstring), unless an
        injected fault (:attr:`faults`) changes that: it may delay the answer, replace it, or
        raise :class:`~aqfake.faults.FaultAbort` for the transport to drop, stall or refuse the
        connection. ``read_timeout`` is the client's (in-process): a delay past it aborts as a
        timeout once that much time has passed."""
        if request.path.startswith(CONTROL_PREFIX):
            return self._answer(request, base_url)
        firing = self.faults.decide(request, lambda: self._signed_in(request))
        if not firing.fired:
            return self._answer(request, base_url)
        return self._with_faults(request, base_url, firing, read_timeout)

    def _with_faults(
        self,
        request: Request,
        base_url: str | None,
        firing: Firing,
        read_timeout: float | None,
    ) -> Response:
        """Apply what fired, in the order a request meets them: the delay, the session
        expiry, a lost connection, a replaced answer (the journal names every fault)."""
        if firing.delay:
            if read_timeout is not None and firing.delay > read_timeout:
                time.sleep(read_timeout)
                latency = firing.first("latency")
                assert latency is not None  # a delay comes from a latency fault
                self._journal_faulted(request, 0, firing)
                raise FaultAbort(latency, "timeout")
            time.sleep(firing.delay)
        if firing.first("expire_session") is not None:
            self.expire_session(request)
        aborting = firing.first(*ABORTING)
        if aborting is not None:
            self._journal_faulted(request, 0, firing)
            raise FaultAbort(aborting)
        status = firing.first("status")
        if status is not None:
            response = fault_response(status, request.path)
            self._journal_faulted(request, response.status, firing)
            return response
        return self._answer(request, base_url, firing.labels)

    def _signed_in(self, request: Request) -> bool:
        with self.store.lock.read():
            return self.current_user(request) is not None

    def expire_session(self, request: Request) -> None:
        """Rotate the ``remember_token`` of the user ``request`` signs in as (if any): the
        cookie stops working, as after an expired session; signing in again gets the new one."""
        with self.store.lock.write():
            user = self.current_user(request)
            if user is not None:
                self.store.update("users", user["id"], remember_token=new_remember_token())

    def _journal_faulted(self, request: Request, status: int, firing: Firing) -> None:
        body: Any = None
        with suppress(BadRequest):
            body = request.raw_json()
        self._journal(request, body, Response(status), firing.labels)

    def _answer(
        self, request: Request, base_url: str | None, faults: tuple[str, ...] = ()
    ) -> Response:
        body: Any = None
        try:
            body = request.raw_json()
        except BadRequest as exc:
            # Rails parses JSON bodies in middleware, before routing; other bodies (uploads)
            # are only read by the handler.
            if "json" in request.header("Content-Type").lower():
                response = bad_request(str(exc))
                self._journal(request, None, response, faults)
                return response
        response = self._dispatch(request, self.request_base(request, base_url))
        self._journal(request, body, response, faults)
        return response

    def _journal(
        self, request: Request, body: Any, response: Response, faults: tuple[str, ...] = ()
    ) -> None:
        if not request.path.startswith(CONTROL_PREFIX):
            self.journal.record(
                request.method.upper(),
                request.path,
                request.query,
                body,
                response.status,
                size=len(request.body),
                faults=faults,
            )

    def _dispatch(self, request: Request, base: str) -> Response:
        method = request.method.upper()
        if method not in RAILS_METHODS:
            return method_not_allowed(request.path)
        # HEAD is routed as GET; transports leave the body out but keep its length.
        lookup_method = "GET" if method == "HEAD" else method
        found = self._router.match(lookup_method, request.path)
        if found is None:
            return not_found(request.path)
        route, params = found
        if request.path.startswith(CONTROL_PREFIX):
            # control routes take no request lock: each store call they make locks itself, so
            # health and the journal answer while any handler runs
            refused = self._control_refusal(request)
            if refused is not None:
                return refused
            return self._run(route, Context(self, request, None, base), params)
        if reads_only(route):
            try:
                with self.store.lock.read():
                    return self._authorised(route, params, request, method, base)
            except UpgradeNeeded:
                pass  # the handler writes after all; it wrote nothing yet: run it as a writer
        with self.store.lock.write():
            return self._authorised(route, params, request, method, base)

    def _authorised(
        self, route: Route, params: dict[str, str], request: Request, method: str, base: str
    ) -> Response:
        """Aquarium's before-filters, then the handler (the caller holds the store's lock)."""
        user = self.current_user(request)
        response = self._before_filters(route.auth, method, user, base)
        if response is None:
            response = self._run(route, Context(self, request, user, base), params)
        return response

    def _control_refusal(self, request: Request) -> Response | None:
        """401 for a control request without this fake's :attr:`control_token` (when it has one).

        The token is taken from the ``X-Aqfake-Token`` header or ``Authorization: Bearer``,
        compared in constant time.
        """
        if self.control_token is None:
            return None
        given = request.header(CONTROL_TOKEN_HEADER)
        scheme, _, credential = request.header("Authorization").partition(" ")
        if not given and scheme.lower() == "bearer":
            given = credential.strip()
        if given and hmac.compare_digest(given.encode(), self.control_token.encode()):
            return None
        return errors_response(
            f"{request.path} needs this fake's control token: send it as the "
            f"{CONTROL_TOKEN_HEADER} header (aqfake serve prints it at start)",
            401,
        )

    def _run(self, route: Route, ctx: Context, params: dict[str, str]) -> Response:
        if "format" in params and not _takes_format(route.handler):
            params = {k: v for k, v in params.items() if k != "format"}
        try:
            return route.handler(ctx, **params)
        except NotFound:
            return not_found(ctx.request.path)
        except BadRequest as exc:
            return bad_request(str(exc))
        except Exception:
            LOG.exception(
                "aqfake: %s %s raised inside %s; answering 500 as Aquarium would",
                ctx.request.method,
                ctx.request.path,
                getattr(route.handler, "__qualname__", route.handler),
            )
            return server_error(ctx.request.path)

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterator[bytes]:
        """WSGI entry point: serve the fake from any WSGI server. A fault that gives no answer
        (``drop``, ``timeout``, ``down``) raises :class:`~aqfake.faults.FaultAbort` out of it;
        the WSGI server then does what it does with a failed application."""
        try:
            request = wsgi_request(environ)
        except BadRequest as exc:
            response = bad_request(str(exc))
        else:
            response = self.handle(request, _wsgi_base(environ))
        headers = [*response.headers, ("Content-Length", str(len(response.body)))]
        start_response(f"{response.status} {response.reason}", headers)
        return iter([b"" if environ["REQUEST_METHOD"] == "HEAD" else response.body])

    # -- transports ----------------------------------------------------------------------------

    def mock(self) -> AbstractContextManager[responses.RequestsMock]:
        """Serve this fake in-process to ``requests`` (see :func:`aqfake.transport.mock`)."""
        from .transport import mock

        return mock(self)

    def live(
        self, host: str = "127.0.0.1", port: int = 0, *, read_timeout: float | None = None
    ) -> LiveServer:
        """A (not yet started) loopback HTTP server for this fake. ``read_timeout``: seconds a
        connection may stay silent (default: the transport's ``DEFAULT_READ_TIMEOUT_SECONDS``)."""
        from .transport import DEFAULT_READ_TIMEOUT_SECONDS, LiveServer

        timeout = DEFAULT_READ_TIMEOUT_SECONDS if read_timeout is None else read_timeout
        return LiveServer(self, host=host, port=port, read_timeout=timeout)


@cache
def _takes_format(handler: Callable[..., Response]) -> bool:
    """Whether a handler wants the URL's ``.json``/``.html`` suffix as its ``format`` argument."""
    parameters = inspect.signature(handler).parameters.values()
    return any(p.name == "format" or p.kind is p.VAR_KEYWORD for p in parameters)


def _wsgi_base(environ: dict[str, Any]) -> str:
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}"


def wsgi_request(environ: dict[str, Any]) -> Request:
    """A :class:`aqfake.wire.Request` from a WSGI environ; :class:`BadRequest` if its
    ``CONTENT_LENGTH`` is not a number of bytes."""
    headers = {
        key[5:].replace("_", "-").title(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").title()] = environ[key]
    raw_length = str(environ.get("CONTENT_LENGTH") or "0").strip()
    if not (raw_length.isascii() and raw_length.isdigit()):
        raise BadRequest(f"Content-Length must be a number of bytes, not {raw_length!r}")
    length = int(raw_length)
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    # PATH_INFO is already percent-decoded, carried as latin-1 per PEP 3333.
    path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
    return Request(
        method=environ["REQUEST_METHOD"],
        path=path or "/",
        query_string=environ.get("QUERY_STRING", ""),
        headers=headers,
        body=body,
    )
