"""Requests and responses as the fake's handlers see them, independent of any transport.

Both transports (the in-process ``responses`` callback and the live loopback server) turn what
they receive into a :class:`Request` and send back a :class:`Response`; handlers only ever see
these two types.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
HTML_CONTENT_TYPE = "text/html; charset=utf-8"


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


@dataclass
class Request:
    """One HTTP request: method, path (no query string), parsed query, headers and raw body."""

    method: str
    path: str
    query_string: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def query(self) -> dict[str, str]:
        """Query parameters, last value wins (as Rails reads them)."""
        return {k: v[-1] for k, v in parse_qs(self.query_string, keep_blank_values=True).items()}

    def header(self, name: str, default: str = "") -> str:
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return default

    @property
    def cookies(self) -> dict[str, str]:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(self.header("Cookie"))
        except Exception:  # a garbled Cookie header authenticates nobody
            return {}
        return {name: morsel.value for name, morsel in jar.items()}

    def raw_json(self) -> Any:
        """The body as JSON (``None`` if empty); :class:`BadRequest` if malformed."""
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BadRequest(f"There was a problem in the JSON you submitted: {exc}") from exc

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
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return "Unknown"

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    def json(self) -> Any:
        return json.loads(self.body)


def dump_json(data: Any) -> bytes:
    """Serialise as Rails does: compact, with ``<``, ``>`` and ``&`` escaped inside strings."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.encode("utf-8")


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
    return Response(status, [("Content-Type", HTML_CONTENT_TYPE), *(headers or [])], html.encode())
