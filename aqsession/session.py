"""AqSession: the user's handle on one Aquarium server (pydent-compatible API).

``session.Sample``, ``session.Item``, ... are per-model query interfaces; ``session.utils`` the
utility routes; ``session.browser`` the model cache. Calling a session (or ``with_cache`` /
``with_requests_off``) derives a new session with its own HTTP object, cookies, counter, log
level and cache; used as a context manager, a derived session hands its cached models back to
its parent on exit.
"""

from __future__ import annotations

import difflib
import getpass
import time
import webbrowser
from types import TracebackType
from typing import TYPE_CHECKING, Any

from aqsession.exceptions import ServerUnreachableError, TridentTimeoutError
from aqsession.http import AqHTTP
from aqsession.interfaces import (
    BrowserInterface,
    QueryInterface,
    QueryInterfaceABC,
    UtilityInterface,
)
from aqsession.sessionabc import SessionABC

if TYPE_CHECKING:
    from aqsession.browser import Browser

#: Public names of a query interface: asking a session for one of them is a common slip.
_INTERFACE_NAMES = frozenset(
    {
        "MERGE", "DEFAULT_OFFSET", "DEFAULT_REVERSE", "DEFAULT_LIMIT", "model_name", "load",
        "get", "find", "find_by_name", "array_query", "all", "where", "last", "first", "one",
        "pagination", "new", "aqhttp", "model", "session",
    }
)  # fmt: skip


def _new_browser(session: AqSession) -> Browser:
    """A new, empty Browser for ``session`` (imported on first use)."""
    from aqsession.browser import Browser

    return Browser(session)


def _model_names() -> list[str]:
    from aqsession.models import MODEL_NAMES

    return list(MODEL_NAMES)


class AqSession(SessionABC):
    """A logged-in session with an Aquarium server.

    ``AqSession(login, password, aquarium_url)`` logs in (``timeout`` seconds allowed for the
    login and, later, for each request); ``AqSession(None, None, None, aqhttp=http)`` wraps an
    existing :class:`AqHTTP` instead. The password is not kept.
    """

    def __init__(
        self,
        login: str | None,
        password: str | None,
        aquarium_url: str | None,
        name: str | None = None,
        aqhttp: AqHTTP | None = None,
        *,
        timeout: float = AqHTTP.TIMEOUT,
    ) -> None:
        __tracebackhide__ = True  # keep the password out of pytest tracebacks (-l shows locals)
        if login is None and password is None and aquarium_url is None:
            if aqhttp is None:
                raise ValueError(
                    "AqSession needs a login, password and aquarium_url, e.g. "
                    "AqSession('neptune', 'secret', 'http://localhost:3000'), or an existing "
                    "connection: AqSession(None, None, None, aqhttp=AqHTTP(...))."
                )
            self._aqhttp = aqhttp
        elif login is None or password is None or aquarium_url is None:
            missing = [
                label
                for label, value in (
                    ("login", login), ("password", password), ("aquarium_url", aquarium_url)
                )
                if value is None
            ]  # fmt: skip
            raise ValueError(
                f"AqSession needs a login, a password and a URL; missing: {', '.join(missing)}."
            )
        else:
            self._aqhttp = AqHTTP(login, password, aquarium_url, timeout=timeout)
        self.name = name
        self.parent_session: AqSession | None = None
        self._current_user: Any = None
        self._interface_class: type[QueryInterfaceABC] = QueryInterface
        self._interfaces: dict[str, QueryInterfaceABC] = {}
        self._lazy_browser: Browser | None = None
        self._using_cache = False

    # -- identity ------------------------------------------------------------------------

    @property
    def aqhttp(self) -> AqHTTP:
        """The session's :class:`AqHTTP` (pydent spells it ``_aqhttp``; both work)."""
        return self._aqhttp

    @property
    def session(self) -> AqSession:
        """The session itself (a session can stand in for a model as an "owner")."""
        return self

    @property
    def url(self) -> str:
        """The Aquarium URL this session talks to."""
        return self._aqhttp.aquarium_url

    @property
    def login(self) -> str:
        """The login name of the session's user."""
        return self._aqhttp.login

    @property
    def current_user(self) -> Any:
        """The User model of the logged-in user (one request, then cached), or None."""
        if self._current_user is None:
            users = self.model_interface("User").where({"login": self.login})
            if users:
                self._current_user = users[0]
        return self._current_user

    def logged_in(self) -> bool:
        """True when the server knows the session's user."""
        return self.current_user is not None

    # -- model interfaces ----------------------------------------------------------------

    @property
    def models(self) -> list[str]:
        """The names of the 27 Aquarium models, in pydent's order."""
        return _model_names()

    @property
    def interface_class(self) -> type[QueryInterfaceABC]:
        """The class behind ``session.<Model>``; changing it rebuilds those interfaces."""
        return self._interface_class

    @interface_class.setter
    def interface_class(self, cls: Any) -> None:
        if not (isinstance(cls, type) and issubclass(cls, QueryInterfaceABC)):
            raise ValueError(f"Interface {cls!r} is not a subclass of {QueryInterfaceABC}")
        self._interface_class = cls
        self._interfaces.clear()

    def model_interface(
        self, model_name: str, interface_class: type[QueryInterfaceABC] | None = None
    ) -> QueryInterfaceABC:
        """A new query interface for ``model_name`` (default class: the session's)."""
        cls: Any = interface_class or self._interface_class  # subclasses take these 3 arguments
        interface: QueryInterfaceABC = cls(model_name, self._aqhttp, self)
        return interface

    def _initialize_interfaces(self) -> None:
        """Build ``session.<Model>`` for every model now, with the current interface class.

        Interfaces are otherwise built on first use; this rebuilds all of them at once (as
        pydent does after changing ``interface_class``).
        """
        self._interfaces = {name: self.model_interface(name) for name in _model_names()}

    def _interface(self, model_name: str) -> QueryInterfaceABC:
        interface = self._interfaces.get(model_name)
        if interface is None:
            interface = self.model_interface(model_name)
            self._interfaces[model_name] = interface
        return interface

    @property
    def utils(self) -> UtilityInterface:
        """Utility routes (create samples/items, move items, plans, code, ...)."""
        return UtilityInterface(self._aqhttp, self)

    # -- switches ------------------------------------------------------------------------

    @property
    def using_requests(self) -> bool:
        """Whether this session may talk to the server.

        Set it to False for cache-only work: every request then raises ForbiddenRequestError
        before anything is sent (models already loaded stay usable); True allows them again.
        Only this session's HTTP object changes, not its parent's.
        """
        return self._aqhttp.using_requests

    @using_requests.setter
    def using_requests(self, value: bool) -> None:
        if value:
            self._aqhttp.on()
        else:
            self._aqhttp.off()

    @property
    def using_cache(self) -> bool:
        """Whether ``session.<Model>`` queries go through the Browser cache.

        Setting it switches the session's ``interface_class`` to BrowserInterface (True) or
        QueryInterface (False); the cached models themselves are kept either way.
        """
        return self._using_cache

    @using_cache.setter
    def using_cache(self, value: bool) -> None:
        self._using_cache = bool(value)
        self.interface_class = BrowserInterface if value else QueryInterface

    def set_timeout(self, timeout_in_seconds: float) -> None:
        """Request timeout in seconds for this session (not its parent or children).

        It bounds each call as a whole: retries of a read (see :meth:`set_retries`) happen
        only within it.
        """
        self._aqhttp.set_timeout(timeout_in_seconds)

    def set_retries(self, retries: int, backoff: float | None = None) -> None:
        """How often an idempotent read (``POST json`` queries) is retried after a dropped
        connection or a 502/503/504, and the first pause in seconds (doubled each time)."""
        self._aqhttp.set_retries(retries, backoff)

    def set_verbose(self, verbose: bool, tb_limit: int | None = None) -> None:
        """Log this session's requests at INFO (printed to stderr if logging is unset).

        ``tb_limit`` is accepted for pydent's signature; aqsession's log lines carry no
        tracebacks, so there is nothing for it to limit.
        """
        self._aqhttp.set_verbose(verbose)

    def _log_to_aqhttp(self, msg: str) -> None:
        """Log ``msg`` at INFO on the session's HTTP logger (shown when verbose)."""
        self._aqhttp.log.info(msg)

    # -- cache ---------------------------------------------------------------------------

    @property
    def browser(self) -> Browser:
        """The session's model cache (created on first use)."""
        if self._lazy_browser is None:
            self._lazy_browser = _new_browser(self)
        return self._lazy_browser

    @property
    def _browser(self) -> Browser:
        """pydent's name for :attr:`browser` (scripts read ``session._browser``)."""
        return self.browser

    @_browser.setter
    def _browser(self, browser: Any) -> None:
        self._lazy_browser = browser

    def init_cache(self) -> None:
        """Start over with a fresh, empty Browser."""
        self._lazy_browser = _new_browser(self)

    def clear_cache(self) -> None:
        """Empty the Browser cache."""
        if self._lazy_browser is not None:
            self._lazy_browser.clear()

    # -- derived sessions ----------------------------------------------------------------

    def copy(self) -> AqSession:
        """An independent session for the same user: own HTTP copy, empty cache, no login."""
        new = type(self)(None, None, None, name=self.name, aqhttp=self._aqhttp.copy())
        new.using_cache = self.using_cache
        new.interface_class = self.interface_class
        return new

    def __copy__(self) -> AqSession:
        """``copy.copy(session)`` is :meth:`copy`: an independent session without a new login."""
        return self.copy()

    def __call__(
        self,
        using_cache: bool | None = None,
        using_requests: bool | None = None,
        timeout: float | None = None,
        using_models: bool | None = None,
        using_verbose: bool | None = None,
        session_swap: bool = False,
    ) -> AqSession:
        """A derived session (the parent is never changed).

        ``session_swap`` moves the parent's cached models to the new session; otherwise
        ``using_models`` shares them (they stay bound to the parent).
        """
        new = self.copy()
        new.parent_session = self
        if using_cache is not None:
            new.using_cache = using_cache
        if using_requests is not None:
            new.using_requests = using_requests
        if timeout is not None:
            new.set_timeout(timeout)
        if self._lazy_browser is not None and (session_swap or using_models):
            new.browser.adopt(self._lazy_browser, update_session=session_swap)
        if using_verbose is not None:
            new.set_verbose(using_verbose)
        return new

    def with_cache(
        self,
        using_requests: bool | None = None,
        using_models: bool = False,
        timeout: float | None = None,
        verbose: bool | None = None,
    ) -> AqSession:
        """A derived caching session."""
        return self(
            using_cache=True,
            using_requests=using_requests,
            using_models=using_models,
            timeout=timeout,
            using_verbose=verbose,
        )

    def with_requests_off(
        self,
        using_cache: bool | None = None,
        using_models: bool = True,
        timeout: float | None = None,
        verbose: bool | None = None,
    ) -> AqSession:
        """A derived session that refuses every request (shares cached models by default)."""
        return self(
            using_cache=using_cache,
            using_requests=False,
            using_models=using_models,
            timeout=timeout,
            using_verbose=verbose,
        )

    def __enter__(self) -> AqSession:
        """Use a derived session in a ``with`` block (see :meth:`__exit__`)."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Hand the models this derived session cached to its parent (rebound to it)."""
        self._swap_sessions(self, self.parent_session)

    @staticmethod
    def _swap_sessions(from_session: AqSession, to_session: AqSession | None) -> None:
        """Move every model ``from_session`` has cached into ``to_session``'s cache and bind
        them to it; nothing happens when ``to_session`` is None or nothing is cached."""
        browser = from_session._lazy_browser
        if to_session is not None and browser is not None and browser.models:
            to_session.browser.adopt(browser, update_session=True)

    # -- server --------------------------------------------------------------------------

    def open(self) -> bool:
        """Open the Aquarium URL in a web browser."""
        return webbrowser.open(self.url)

    def ping(self, num: int = 5) -> float | None:
        """The mean round trip in seconds of ``num`` small queries (``User.one()``), or None
        when the server does not answer (a timeout or a connection that cannot be made).

        Other errors (requests turned off, an error answer) are raised: they are not about
        the server being down. :meth:`ping_times` gives every round trip.
        """
        try:
            times = self.ping_times(num)
        except (TridentTimeoutError, ServerUnreachableError) as error:
            self._aqhttp.log.warning("ping: %s", error)
            return None
        return sum(times) / len(times)

    def ping_times(self, num: int = 5) -> list[float]:
        """Time ``num`` small queries (``User.one()``); returns each round trip in seconds.

        Uses a plain query interface, so nothing is cached; raises the usual errors when the
        server cannot be reached or requests are off.
        """
        if num < 1:
            raise ValueError(f"ping needs at least one request, got num={num!r}")
        users = self.model_interface("User", QueryInterface)
        timings = []
        for _ in range(num):
            start = time.perf_counter()
            users.one()
            timings.append(time.perf_counter() - start)
        return timings

    def query(self, data: dict[str, Any], use_cache: bool = False) -> Any:
        """Run an Aquarium Query Language document (see :meth:`query_schema`)."""
        from aqsession import aql

        return aql.execute(self, data, use_cache=use_cache)

    @classmethod
    def query_schema(cls) -> dict[str, Any]:
        """The JSON schema of the Aquarium Query Language."""
        from aqsession import aql

        schema: dict[str, Any] = aql.query_schema()
        return schema

    # -- pickling ------------------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        """Pickled state: everything but the per-model interfaces (rebuilt on first use).

        The HTTP object pickles its cookies and settings, never a password (none is kept), so
        an unpickled session works without logging in again, with requests on or off as
        before, and with its cached models.
        """
        state = dict(self.__dict__)
        state["_interfaces"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a pickled session."""
        self.__dict__.update(state)

    # -- attribute access ----------------------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        """``session.<Model>`` interfaces; other unknown names get a did-you-mean error."""
        if name.startswith("_"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        try:
            names = _model_names()
        except ImportError:
            names = []
        if name in names:
            return self._interface(name)
        prefix = f"{type(self)} has no attribute '{name}'."
        if name in _INTERFACE_NAMES:
            raise AttributeError(f"{prefix}\nDid you mean 'session.[ModelName].{name}'?")
        matches = difflib.get_close_matches(name, names, cutoff=0.6)
        if len(matches) == 1:
            raise AttributeError(f'{prefix}\nDid you mean "{matches[0]}"?')
        if matches:
            raise AttributeError(f"{prefix}\nDid you mean any of these? {matches}")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __dir__(self) -> list[str]:
        try:
            names = _model_names()
        except ImportError:
            names = []
        return sorted({*super().__dir__(), *names})

    def __repr__(self) -> str:
        parent = None if self.parent_session is None else id(self.parent_session)
        return f"<{type(self).__name__}(name={self.name}, AqHTTP={self._aqhttp}, parent={parent})>"


def login(user: str, url: str, password: str | None = None) -> AqSession:
    """Log in to ``url`` as ``user``; asks for the password when none is given."""
    __tracebackhide__ = True  # keep the password out of pytest tracebacks (-l shows locals)
    if password is None:
        password = getpass.getpass(f"Password for {user} at {url}: ")
    return AqSession(user, password, url)
