"""Requests and responses as the fake's handlers see them, independent of any transport.

Both transports (the in-process ``responses`` callback and the live loopback server) turn what
they receive into a :class:`Request` and send back a :class:`Response`; handlers only ever see
these two types.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from .casting import rails_json

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
HTML_CONTENT_TYPE = "text/html; charset=utf-8"
#: Rails' JSON parser (the ``json`` gem's default ``max_nesting``) refuses deeper documents.
MAX_JSON_NESTING = 100
#: Longer integer literals are read as floats: Python refuses to convert them to ``int``.
MAX_INT_DIGITS = 4000
_JSON_ERROR = "There was a problem in the JSON you submitted: {}"
#: Departure (documented in the README's SECURITY section): Ruby's parser lets an escaped lone
#: surrogate (``"\ud800"``) through as invalid UTF-8 and the request fails later; the fake
#: refuses such a body up front, because no answer could carry the string.
LONE_SURROGATE = "an escaped lone surrogate (\\ud800-\\udfff) is not UTF-8 text"
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class BadRequest(Exception):
    """The request body is not what the endpoint can read (e.g. malformed JSON)."""


def deep_munge(value: Any) -> Any:
    """Apply Rails' parameter munging: drop nulls inside arrays, turn empty arrays into null."""
    if isinstance(value, list):
        kept = [deep_munge(v) for v in value if v is not None]
        return kept or None
    if isinstance(value, dict):
        return {k: deep_munge(v) for k, v in value.items()}
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON (Rails' parser refuses NaN and Infinity)")


def _parse_int(text: str) -> int | float:
    return int(text) if len(text) <= MAX_INT_DIGITS else float(text)


def _holds_lone_surrogate(value: Any) -> bool:
    """Whether a parsed JSON value has a string (or object key) with an unpaired surrogate,
    which no UTF-8 text can hold."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def nesting_depth(value: Any) -> int:
    """How deeply arrays and objects nest in a parsed JSON value (a scalar is 0), iteratively."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth + 1)
        pending.extend((child, depth + 1) for child in children)
    return deepest


def _first_header(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    """The first value of header ``name`` among ``headers``, compared case-insensitively."""
    wanted = name.lower()
    return next((value for key, value in headers if key.lower() == wanted), None)


#: A Cookie header of plain ``name=value`` pairs separated by ``; `` (no quotes or spaces).
_PLAIN_COOKIES = re.compile(r"[\w\-]+=[\w\-.%+/=]*(?:; ?[\w\-]+=[\w\-.%+/=]*)*", re.ASCII)
#: Names ``SimpleCookie`` reads as attributes of the previous cookie, not as cookies.
_COOKIE_ATTRIBUTES = frozenset(
    ("expires", "path", "comment", "domain", "max-age", "secure", "httponly", "version", "samesite")
)


@dataclass
class Request:
    """One HTTP request: method, path (no query string), parsed query, headers and raw body."""

    method: str
    path: str
    query_string: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    #: the parsed body (or the BadRequest it raised), kept after the first parse: the app checks
    #: the body before routing and handlers read it again through ``params()``
    _parsed: Any = field(default=None, init=False, repr=False, compare=False)
    #: the headers by lower-cased name (the first of repeats), made at the first lookup: the
    #: app reads Host, Cookie and Content-Type of every request
    _by_name: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def query(self) -> dict[str, str]:
        """Query parameters, last value wins (as Rails reads them)."""
        if not self.query_string:
            return {}
        return {k: v[-1] for k, v in parse_qs(self.query_string, keep_blank_values=True).items()}

    def header(self, name: str, default: str = "") -> str:
        """The value of header ``name`` (case-insensitive), else ``default``."""
        by_name = self._by_name
        if by_name is None:
            by_name = {}
            for key, value in self.headers.items():
                by_name.setdefault(key.lower(), value)
            self._by_name = by_name
        return by_name.get(name.lower(), default)

    @property
    def cookies(self) -> dict[str, str]:
        """The request's cookies by name; none when the Cookie header is malformed.

        A header of plain ``name=token`` pairs (what every client sends) is split directly;
        anything else (quoting, attributes, odd characters) goes through ``SimpleCookie``,
        which the plain reading agrees with where it applies.
        """
        header = self.header("Cookie")
        if _PLAIN_COOKIES.fullmatch(header):
            pairs = (pair.strip().partition("=") for pair in header.split(";"))
            found = {name: value for name, _, value in pairs}
            if not _COOKIE_ATTRIBUTES.intersection(name.lower() for name in found):
                return found
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(header)
        except CookieError:  # a garbled Cookie header authenticates nobody
            return {}
        return {name: morsel.value for name, morsel in jar.items()}

    def raw_json(self) -> Any:
        """The body as JSON (``None`` if empty); :class:`BadRequest` if Rails would refuse it:
        malformed, ``NaN``/``Infinity`` (not JSON), or nested deeper than
        :data:`MAX_JSON_NESTING`."""
        if self._parsed is None:
            try:
                self._parsed = (self._parse_json(), None)
            except BadRequest as exc:
                self._parsed = (None, exc)
        value, error = self._parsed
        if error is not None:
            raise error
        return value

    def _parse_json(self) -> Any:
        if not self.body.strip():
            return None
        # the json gem stops at the first level past its limit and names that level
        too_deep = _JSON_ERROR.format(f"nesting of {MAX_JSON_NESTING + 1} is too deep")
        try:
            value = json.loads(self.body, parse_constant=_refuse_constant, parse_int=_parse_int)
        except RecursionError:  # too deep for Python's own parser: far too deep for Rails
            raise BadRequest(too_deep) from None
        except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
            raise BadRequest(_JSON_ERROR.format(exc)) from exc
        # a value nests at most as deep as its body has brackets (counting them is cheap)
        brackets = self.body.count(b"[") + self.body.count(b"{")
        if brackets > MAX_JSON_NESTING and nesting_depth(value) > MAX_JSON_NESTING:
            raise BadRequest(too_deep)
        if _SURROGATE_ESCAPE.search(self.body) and _holds_lone_surrogate(value):
            raise BadRequest(_JSON_ERROR.format(LONE_SURROGATE))
        return value

    def params(self) -> dict[str, Any]:
        """Rails-style params: the munged JSON body, overridden by the query string.

        A top-level JSON array arrives under ``_json``, as Rails exposes it.
        """
        body = deep_munge(self.raw_json())
        params: dict[str, Any] = {}
        if isinstance(body, dict):
            params.update(body)
        elif body is not None:
            params["_json"] = body
        params.update(self.query)
        return params


@dataclass
class Response:
    """One HTTP response: status, headers (in order, repeats allowed) and body bytes."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    @property
    def reason(self) -> str:
        """The HTTP reason phrase of the status (``Unknown`` for a code HTTP does not define)."""
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return "Unknown"

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (case-insensitive; the first if repeated), else None."""
        return _first_header(self.headers, name)

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


def dump_json(data: Any) -> bytes:
    """Serialise as Rails does (:func:`aqfake.casting.rails_json`), as UTF-8 bytes."""
    return rails_json(data).encode("utf-8")


def json_response(
    data: Any, status: int = 200, headers: list[tuple[str, str]] | None = None
) -> Response:
    """A JSON response with Rails' content type."""
    return Response(
        status, [("Content-Type", JSON_CONTENT_TYPE), *(headers or [])], dump_json(data)
    )


def errors_response(message: Any, status: int = 422) -> Response:
    """The ``{"errors": ...}`` body Aquarium uses for refused requests."""
    return json_response({"errors": message}, status)


def html_response(
    html: str, status: int = 200, headers: list[tuple[str, str]] | None = None
) -> Response:
    """An HTML response (sign-in and error pages, redirect bodies, the fake's HTML views)."""
    return Response(status, [("Content-Type", HTML_CONTENT_TYPE), *(headers or [])], html.encode())
