"""FakeAquarium: the whole fake server behind one method, :meth:`FakeAquarium.handle`.

A request goes: JSON body check (400) -> route lookup (404) -> Aquarium's before-filters
(sign-in redirect, the ``Not-logged-in`` PUT quirk, the ``up_to_date_user`` redirect) ->
handler, with the store locked -> journal. Handlers come from every module of
:mod:`aqfake.handlers` that declares ``ROUTES``; the table of known-but-unimplemented routes
(answered 501) is matched last, so a route someone implements takes precedence over it.

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
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from functools import cache, lru_cache
from itertools import count
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .errors import NotFound, bad_request, not_found, redirect, server_error
from .journal import Journal
from .routing import Auth, Context, Route, Router
from .store import Row, Snapshot, Store
from .wire import BadRequest, Request, Response, json_response

if TYPE_CHECKING:
    import responses

    from .transport import LiveServer

LOG = logging.getLogger("aqfake")

HANDLER_PACKAGE = "aqfake.handlers"
FALLBACK_MODULE = "unimplemented"  # its routes answer 501 and are matched after all others
CONTROL_PREFIX = "/_aqfake/"  # test-control endpoints: never authenticated, never journaled
PLAIN_TOKEN_COOKIE = "remember_token"
DEFAULT_PORTS = {"http": "80", "https": "443"}

#: ``parameters`` rows a user needs to pass ``up_to_date_user`` (protocol section 1.6).
PROFILE_KEYS_PRESENT = ("email", "phone")
PROFILE_KEYS_TRUE = ("lab_agreement", "aquarium")

LabSpec = str | Callable[[Store], object] | None


def instance_tag(instance_name: str, env: str) -> str:
    """``<Instance>_<env>`` as Aquarium builds it: non-ASCII and non-alphanumerics removed."""
    ascii_name = instance_name.encode("ascii", "ignore").decode("ascii")
    return f"{re.sub(r'[^A-Za-z0-9]', '', ascii_name)}_{env}"


@lru_cache(maxsize=1)
def discover_routes() -> tuple[Route, ...]:
    """Every handler module's ``ROUTES``, in module-name order, the 501 table last."""
    package = importlib.import_module(HANDLER_PACKAGE)
    names = sorted(info.name for info in pkgutil.iter_modules(package.__path__))
    ordered = [n for n in names if n != FALLBACK_MODULE]
    if FALLBACK_MODULE in names:
        ordered.append(FALLBACK_MODULE)
    routes: list[Route] = []
    for name in ordered:
        module = importlib.import_module(f"{HANDLER_PACKAGE}.{name}")
        routes.extend(getattr(module, "ROUTES", ()))
    return tuple(routes)


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


class FakeAquarium:
    """An in-memory Aquarium server.

    ``lab`` seeds the store: a lab name known to :func:`aqfake.lab.build_lab` (``"demo"``,
    ``"empty"``), a callable that fills a :class:`Store`, or None for no rows at all. Named labs
    are built once per process and restored from a snapshot afterwards, so creating a fake is
    cheap. ``size`` grows the demo lab (``small``, ``medium`` -- the default --, ``large`` or a
    number of samples). ``require_up_to_date=False`` turns off the ``up_to_date_user`` redirect.
    ``routes`` are extra :class:`~aqfake.routing.Route` objects tried before the built-in ones
    (to serve an endpoint the fake lacks, or to inject a fault).
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
    ) -> None:
        self.store = Store()
        self.journal = Journal()
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
        origin = urlsplit(base_url or self.base_url)
        scheme = origin.scheme or "http"
        host = request.header("Host") or origin.netloc
        default = DEFAULT_PORTS.get(scheme)
        if default and host.endswith(f":{default}"):
            host = host[: -len(default) - 1]
        return f"{scheme}://{host}"

    def handle(self, request: Request, base_url: str | None = None) -> Response:
        """Answer one request exactly as Aquarium would (see the module docstring)."""
        body: Any = None
        try:
            body = request.raw_json()
        except BadRequest as exc:
            # Rails parses JSON bodies in middleware, before routing; other bodies (uploads)
            # are only read by the handler.
            if "json" in request.header("Content-Type").lower():
                response = bad_request(str(exc))
                self._journal(request, None, response)
                return response
        response = self._dispatch(request, self.request_base(request, base_url))
        self._journal(request, body, response)
        return response

    def _journal(self, request: Request, body: Any, response: Response) -> None:
        if not request.path.startswith(CONTROL_PREFIX):
            self.journal.record(
                request.method.upper(), request.path, request.query, body, response.status
            )

    def _dispatch(self, request: Request, base: str) -> Response:
        method = request.method.upper()
        # HEAD is routed as GET; transports leave the body out but keep its length.
        lookup_method = "GET" if method == "HEAD" else method
        found = self._router.match(lookup_method, request.path)
        if found is None:
            return not_found(request.path)
        route, params = found
        with self.store.lock:
            user = self.current_user(request)
            response = self._before_filters(route.auth, method, user, base)
            if response is None:
                response = self._run(route, Context(self, request, user, base), params)
        return response

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
        """WSGI entry point: serve the fake from any WSGI server."""
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

    def live(self, host: str = "127.0.0.1", port: int = 0) -> LiveServer:
        """A (not yet started) loopback HTTP server for this fake."""
        from .transport import LiveServer

        return LiveServer(self, host=host, port=port)


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
