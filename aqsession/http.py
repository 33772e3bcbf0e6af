"""AqHTTP: the raw HTTP layer between the session and an Aquarium server.

One :class:`requests.Session` per object (connection pooling and a cookie jar), a login that
captures Aquarium's ``remember_token`` cookie, a request counter, an on/off switch used by
cache-only sessions, and the mapping of server answers to the Trident exceptions that pydent
users already catch.
"""

from __future__ import annotations

import logging
import sys
import time
from collections import OrderedDict
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.structures import CaseInsensitiveDict

from aqsession.environment import EnvironmentCachedSession
from aqsession.exceptions import (
    ForbiddenRequestError,
    ServerUnreachableError,
    SessionExpiredError,
    TridentBaseException,
    TridentJSONDataIncomplete,
    TridentLoginError,
    TridentRequestError,
    TridentTimeoutError,
)
from aqsession.utils import format_errors, none_paths, pretty_text, url_build

LOGGER_NAME = "aqsession.http"
AUTH_COOKIE_MARK = "remember_token"
_MALFORMED_URL = (requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema,
                  requests.exceptions.InvalidURL)  # fmt: skip


class _SessionLogger(logging.Logger):
    """A logger owned by one AqHTTP: its level is private, everything else is inherited.

    It is not registered in the logging manager (so sessions can be created by the thousand
    without leaking loggers); its parent is ``aqsession.http``, so records reach the handlers
    configured there or on the root. Level checks are not cached, because the manager only
    clears the caches of registered loggers.
    """

    def __init__(self) -> None:
        super().__init__(LOGGER_NAME)
        self.parent = logging.getLogger(LOGGER_NAME)
        self._verbose_handler: logging.Handler | None = None

    def isEnabledFor(self, level: int) -> bool:
        """Whether ``level`` is logged, worked out afresh on every call (no cache)."""
        if self.disabled or self.manager.disable >= level:
            return False
        return level >= self.getEffectiveLevel()

    def set_level(self, level: int | str) -> None:
        """Log this session at ``level`` (``"DEBUG"``, ``"INFO"``, ``logging.WARNING``, ...),
        printed to stderr when no handler would show it; ``"NOTSET"`` inherits again."""
        numeric = logging.getLevelName(level.upper()) if isinstance(level, str) else level
        if not isinstance(numeric, int):
            raise ValueError(
                f"Unknown log level {level!r}: use DEBUG, INFO, WARNING, ERROR, CRITICAL or NOTSET."
            )
        if self._verbose_handler is not None:
            self.removeHandler(self._verbose_handler)
            self._verbose_handler = None
        self.setLevel(numeric)
        if numeric != logging.NOTSET and not self.hasHandlers():
            self._verbose_handler = logging.StreamHandler(sys.stderr)
            self._verbose_handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
            self.addHandler(self._verbose_handler)

    def set_verbose(self, verbose: bool) -> None:
        """INFO and up for this session (``set_level("INFO")``), or inherit again."""
        self.set_level(logging.INFO if verbose else logging.NOTSET)

    @property
    def verbose(self) -> bool:
        """True when this session logs its requests at INFO."""
        return self.level != logging.NOTSET and self.level <= logging.INFO


class AqHTTP:
    """Logged-in HTTP access to one Aquarium server.

    Construction logs in (``POST sessions.json``); the password is used for that request only
    and never stored. Every later call goes through :meth:`request`, which joins the path to
    the server URL, sends the login cookies, counts the request and turns error answers into
    :class:`TridentRequestError`.
    """

    TIMEOUT: float = 10
    LOGIN_ATTEMPTS: int = 3
    LOGIN_RETRY_DELAY: float = 0.5
    #: Extra attempts for an idempotent read after a dropped connection or a 502/503/504.
    RETRIES: int = 2
    #: First pause (seconds) before retrying a read; doubled after each attempt.
    RETRY_BACKOFF: float = 0.2
    RETRY_STATUSES = frozenset({502, 503, 504})

    def __init__(
        self,
        login: str,
        password: str,
        aquarium_url: str,
        *,
        timeout: float = TIMEOUT,
        login_attempts: int = LOGIN_ATTEMPTS,
        retry_delay: float = LOGIN_RETRY_DELAY,
    ) -> None:
        __tracebackhide__ = True  # keep the password out of pytest tracebacks (-l shows locals)
        self.login = login
        self.aquarium_url = aquarium_url
        self.timeout = timeout
        self.retries = self.RETRIES
        self.retry_backoff = self.RETRY_BACKOFF
        self.num_requests = 0
        self._using_requests = True
        self._http = EnvironmentCachedSession()
        self.log = _SessionLogger()
        self._login(password, max(1, login_attempts), retry_delay)

    # -- login ----------------------------------------------------------------------------

    @staticmethod
    def create_session_json(login: str, password: str) -> dict[str, dict[str, str]]:
        """The body Aquarium's ``sessions.json`` expects."""
        return {"session": {"login": login, "password": password}}

    def _login(self, password: str, attempts: int, retry_delay: float) -> None:
        __tracebackhide__ = True  # keep the password out of pytest tracebacks (-l shows locals)
        url = url_build(self.aquarium_url, "sessions.json")
        body = self.create_session_json(self.login, password)
        for attempt in range(1, attempts + 1):
            try:
                response = self._http.post(url, json=body, timeout=self.timeout)
                break
            except _MALFORMED_URL as error:
                raise TridentLoginError(
                    f"Aquarium URL {self.aquarium_url!r} is malformed ({error}). "
                    "Give the full address, e.g. 'http://localhost:3000'."
                ) from None
            except requests.exceptions.Timeout:
                raise TridentTimeoutError(
                    f"Logging in to {url} took longer than {self.timeout} s. Check that the "
                    "server is up, or allow more time with AqSession(..., timeout=seconds)."
                ) from None
            except requests.exceptions.ConnectionError as error:
                self.log.info("LOGIN attempt %d/%d to %s failed: %s", attempt, attempts, url,
                              error)  # fmt: skip
                if attempt == attempts:
                    raise TridentLoginError(
                        f"Could not contact Aquarium at {self.aquarium_url!r}: no answer to "
                        f"the login request after {attempts} attempt(s) ({error}). Check the "
                        "URL and that the server is running."
                    ) from None
                time.sleep(retry_delay)
        tokens = [c for c in response.cookies if AUTH_COOKIE_MARK in c.name]
        if not tokens:
            raise TridentLoginError(self._login_failure(response))
        # Aquarium accepts either the instance-specific cookie or the plain legacy name;
        # pydent sends both, and so do we (scoped like the original, so it never leaks to
        # another host).
        for cookie in tokens:
            if cookie.value is not None:
                self._http.cookies.set(
                    AUTH_COOKIE_MARK, cookie.value, domain=cookie.domain, path=cookie.path
                )
        self.log.info("LOGIN %s at %s", self.login, self.aquarium_url)

    def _login_failure(self, response: requests.Response) -> str:
        """Why a login answer without a token cookie failed, judged by its status.

        Only a 422 is Aquarium's "bad credentials" answer; a 404 means the URL does not lead
        to Aquarium's login route, a 5xx that the server (or a proxy) broke, and a success
        without the cookie that whatever answered is probably not Aquarium.
        """
        status = response.status_code
        answer = f"HTTP {status} {response.reason}".rstrip()
        where = repr(self.aquarium_url)
        if response.history:
            where += f" (redirected to {response.url!r})"
        if status == 422:
            return (
                f"Aquarium at {where} refused the login of user {self.login!r} ({answer}, no "
                f"'{AUTH_COOKIE_MARK}' cookie in the answer). Check the login and password."
            )
        if status == 404:
            parts = urlsplit(self.aquarium_url)
            root = f"{parts.scheme}://{parts.netloc}"
            extra = parts.path.rstrip("/")
            hint = (
                f"it has the extra path {extra!r}; try {root!r} if Aquarium is served at the root"
                if extra
                else "check the scheme, host and port"
            )
            return (
                f"{where} does not look like an Aquarium server: its login route "
                f"'sessions.json' was not found ({answer}). Check the base URL ({hint})."
            )
        if status >= 500:
            return (
                f"The server at {where} failed while handling the login ({answer}); this is "
                "not a problem with the login or password. The server failed: try again "
                "later, or check that Aquarium (and any proxy in front of it) is running."
            )
        if status < 400:
            return (
                f"{where} answered the login request ({answer}) but did not sign in: there is "
                f"no '{AUTH_COOKIE_MARK}' cookie in the answer. Is the URL right, or is it not "
                "an Aquarium server? Give the address of Aquarium itself, e.g. "
                "'http://localhost:3000'."
            )
        return (
            f"{where} rejected the login request ({answer}) without signing in. Check that the "
            "URL is Aquarium's base address and that nothing in front of it (a proxy, a "
            "firewall) blocks the request."
        )

    # -- properties -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The server URL given at login."""
        return self.aquarium_url

    @property
    def using_requests(self) -> bool:
        """False after :meth:`off`: every request then raises ForbiddenRequestError."""
        return self._using_requests

    @property
    def cookies(self) -> dict[str, str | None]:
        """A snapshot of the cookies sent with every request (name -> value)."""
        return {cookie.name: cookie.value for cookie in self._http.cookies}

    @property
    def http_session(self) -> requests.Session:
        """The underlying :class:`requests.Session` (for mounting transport adapters)."""
        return self._http

    def on(self) -> None:
        """Allow requests again."""
        self._using_requests = True

    def off(self) -> None:
        """Forbid requests: any verb raises ForbiddenRequestError before sending anything."""
        self._using_requests = False

    def set_timeout(self, seconds: float) -> None:
        """Seconds to wait for connecting and for each read, for every later request."""
        if seconds is None or seconds <= 0:
            raise ValueError(f"timeout must be a positive number of seconds, got {seconds!r}")
        self.timeout = seconds

    def set_retries(self, retries: int, backoff: float | None = None) -> None:
        """Retry an idempotent read up to ``retries`` more times (0: never), pausing
        ``backoff`` seconds first and twice as long each time after (within the timeout)."""
        if not isinstance(retries, int) or retries < 0:
            raise ValueError(f"retries must be a whole number >= 0, got {retries!r}")
        if backoff is not None and backoff < 0:
            raise ValueError(f"backoff must be >= 0 seconds, got {backoff!r}")
        self.retries = retries
        if backoff is not None:
            self.retry_backoff = backoff

    def set_verbose(self, verbose: bool) -> None:
        """Log this object's request lines at INFO (shown on stderr if no handler exists)."""
        self.log.set_verbose(verbose)

    @property
    def verbose(self) -> bool:
        """True after ``set_verbose(True)``: request lines are logged at INFO."""
        return self.log.verbose

    def copy(self) -> AqHTTP:
        """An independent copy without a new login.

        The copy has its own cookie jar (a copy of this one), its own counter (starting at
        this object's count), timeout, on/off switch and log level. Transport adapters are
        shared on purpose, so connection pools are reused.
        """
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new._http = EnvironmentCachedSession()
        new._http.cookies = self._http.cookies.copy()
        new._http.adapters = OrderedDict(self._http.adapters)
        new._http.headers = CaseInsensitiveDict(self._http.headers)
        new.log = _SessionLogger()
        new.log.set_verbose(self.log.verbose)
        return new

    def __copy__(self) -> AqHTTP:
        """``copy.copy(aqhttp)`` is :meth:`copy`: an independent copy without a new login."""
        return self.copy()

    def __getstate__(self) -> dict[str, Any]:
        """Pickled state: settings, counter, switch, cookies, headers and log level.

        The requests session and the logger are rebuilt on unpickling (mounted transport
        adapters are not carried over); the password was never kept, so it cannot leak.
        """
        state = {k: v for k, v in self.__dict__.items() if k not in ("_http", "log")}
        state["_cookies"] = self._http.cookies
        state["_headers"] = dict(self._http.headers)
        state["_log_level"] = self.log.level
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a pickled AqHTTP with a fresh requests session and logger."""
        state = dict(state)
        cookies = state.pop("_cookies")
        headers = state.pop("_headers")
        level = state.pop("_log_level")
        self.__dict__.update(state)
        self._http = EnvironmentCachedSession()
        self._http.cookies = cookies
        self._http.headers = CaseInsensitiveDict(headers)
        self.log = _SessionLogger()
        if level:
            self.log.set_level(level)

    def close(self) -> None:
        """Close the connection pools of the underlying requests session."""
        self._http.close()

    # -- requests -------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        timeout: float | None = None,
        allow_none: bool = True,
        *,
        json: Any = None,
        params: Any = None,
        **kwargs: Any,
    ) -> Any:
        """Send one request and return the decoded JSON answer.

        ``path`` is joined to the server URL (it may carry a query string). Raises
        ForbiddenRequestError when requests are off, TridentJSONDataIncomplete when
        ``allow_none`` is False and ``json`` holds a null anywhere, TridentTimeoutError on a
        connect or read timeout, ServerUnreachableError for a refused, reset or dropped
        connection, SessionExpiredError for a redirect to the sign-in page and
        TridentRequestError for error answers; every message names the method and URL.

        Queries (:meth:`is_read`) are retried up to :attr:`retries` times after a timeout, a
        dropped connection or a 502/503/504, pausing :attr:`retry_backoff` seconds (doubled
        each time), and only while the whole call stays within ``timeout``.
        """
        method = method.upper()
        url = url_build(self.aquarium_url, path)
        if not self._using_requests:
            data = "" if json is None else f"\nDATA: {json}"
            raise ForbiddenRequestError(
                f"Attempted a request ({method} {url}) while requests are turned off for this "
                "session. Turn them on (session.using_requests = True) or load what is needed "
                f"before turning them off.{data}"
            )
        if not allow_none and json is not None:
            nulls = list(none_paths(json))
            if nulls:
                raise TridentJSONDataIncomplete(
                    f"JSON data {json} contains a null value at {', '.join(nulls)}; "
                    "fill it in or call with allow_none=True."
                )
        timeout = self.timeout if timeout is None else timeout
        retries = self.retries if self.is_read(method, path) else 0
        deadline = time.monotonic() + timeout
        pause = self.retry_backoff
        for attempt in range(retries + 1):
            remaining = timeout if attempt == 0 else deadline - time.monotonic()
            try:
                return self._send(method, url, timeout, max(remaining, 0.001), json, params,
                                  kwargs)  # fmt: skip
            except TridentBaseException as error:
                if attempt == retries or not self._retryable(error):
                    raise
                if time.monotonic() + pause >= deadline:
                    raise
                self.log.info("RETRY %d/%d after %s: %s %s", attempt + 1, retries,
                              type(error).__name__, method, url)  # fmt: skip
                time.sleep(pause)
                pause *= 2
        raise AssertionError("unreachable: the last attempt returns or raises")

    @staticmethod
    def is_read(method: str, path: str) -> bool:
        """True for requests that change nothing on the server and may be retried: queries
        (``POST json``). Other routes, GETs included (``items/make`` creates an item), are
        never retried."""
        return method.upper() == "POST" and path.split("?")[0].strip("/") == "json"

    def _retryable(self, error: Exception) -> bool:
        if isinstance(error, (ServerUnreachableError, TridentTimeoutError)):
            return True
        return isinstance(error, TridentRequestError) and error.status_code in self.RETRY_STATUSES

    def _send(
        self,
        method: str,
        url: str,
        timeout: float,
        remaining: float,
        json: Any,
        params: Any,
        kwargs: dict[str, Any],
    ) -> Any:
        """One attempt: send, map transport failures to typed errors, decode the answer."""
        start = time.perf_counter()
        try:
            response = self._http.request(
                method, url, json=json, params=params, timeout=remaining, **kwargs
            )
        except requests.exceptions.ConnectTimeout:
            raise TridentTimeoutError(self._timeout_message(method, url, timeout)) from None
        except requests.exceptions.Timeout:
            self.num_requests += 1
            raise TridentTimeoutError(self._timeout_message(method, url, timeout)) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError,
                ConnectionError) as error:  # fmt: skip
            raise ServerUnreachableError(
                f"Could not reach Aquarium for {method} {url}: {error}. Check that the server "
                "is running and reachable."
            ) from None
        except requests.exceptions.RequestException as error:
            raise TridentRequestError(
                f"{method} {url} failed before an answer arrived: {error}"
            ) from None
        self.num_requests += 1
        line = f"REQUEST: (t={time.perf_counter() - start:.3f}s)  {method} {url}"
        self.log.info("%s -> %s", line, response.status_code)
        if json is not None:
            self.log.debug("DATA: %s", json)
        return self._decode(response, line)

    @staticmethod
    def _timeout_message(method: str, url: str, timeout: float) -> str:
        return (
            f"{method} {url} got no answer within {timeout} s. Allow more time with "
            "session.set_timeout(seconds)."
        )

    def _decode(self, response: requests.Response, line: str) -> Any:
        """Map one answer to its JSON value or to a TridentRequestError (spec §3.3)."""
        if self._redirected_to_signin(response):
            request = line.split(")  ", 1)[-1]
            raise SessionExpiredError(
                "There was an error with authenticating the request. Aquarium re-routed to "
                f"the sign-in page: the login is no longer valid ({request}). Log in again "
                "with a new AqSession.",
                response,
            )
        status = response.status_code
        if status >= 400 and status != 422:
            raise TridentRequestError(
                "The Aquarium server returned an error.\n"
                f"STATUS:  {status} {response.reason}\n"
                f"{line}\nTEXT: {pretty_text(response.text)}",
                response,
            )
        if status == 204:
            return None
        try:
            data = response.json()
        except ValueError:
            self.log.error("%s answered with a body that is not JSON", line)
            raise TridentRequestError(
                f"Response is not JSON formatted\nMessage:\n{response.text}", response
            ) from None
        if isinstance(data, dict) and "errors" in data:
            raise TridentRequestError(f"Error response:\n{format_errors(data['errors'])}", response)
        if status == 422:
            raise TridentRequestError(
                "The Aquarium server rejected the request.\n"
                f"STATUS:  {status} {response.reason}\n"
                f"{line}\nTEXT: {pretty_text(response.text)}",
                response,
            )
        return data

    def _redirected_to_signin(self, response: requests.Response) -> bool:
        if response.url == url_build(self.aquarium_url, "signin"):
            return True
        if response.history and urlsplit(response.url).path.rstrip("/").endswith("/signin"):
            return True
        return response.headers.get("status") == "Not-logged-in"

    def post(
        self,
        path: str,
        json_data: Any = None,
        timeout: float | None = None,
        allow_none: bool = True,
        **kwargs: Any,
    ) -> Any:
        """POST ``json_data`` to ``path``."""
        return self.request(
            "post", path, json=json_data, timeout=timeout, allow_none=allow_none, **kwargs
        )

    def put(
        self,
        path: str,
        json_data: Any = None,
        timeout: float | None = None,
        allow_none: bool = True,
        **kwargs: Any,
    ) -> Any:
        """PUT ``json_data`` to ``path``."""
        return self.request(
            "put", path, json=json_data, timeout=timeout, allow_none=allow_none, **kwargs
        )

    def get(
        self, path: str, timeout: float | None = None, allow_none: bool = True, **kwargs: Any
    ) -> Any:
        """GET ``path``."""
        return self.request("get", path, timeout=timeout, allow_none=allow_none, **kwargs)

    def delete(self, path: str, timeout: float | None = None, **kwargs: Any) -> Any:
        """DELETE ``path`` (no body)."""
        return self.request("delete", path, timeout=timeout, **kwargs)

    def __repr__(self) -> str:
        return f"<AqHTTP(user='{self.login}', url='{self.aquarium_url}')>"

    __str__ = __repr__
