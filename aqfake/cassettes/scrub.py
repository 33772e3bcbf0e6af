"""Scrubbing secrets out of recorded HTTP traffic, and the audit that proves it worked.

What is a secret in Aquarium traffic:

* the login password (``session.password`` in ``POST /sessions.json``, or any ``password`` key);
* the values of every cookie (``Cookie`` and ``Set-Cookie``): the ``remember_token*`` cookie *is*
  the session credential, the Rails session cookie carries the flash and CSRF state;
* the credential of ``Authorization`` and ``Proxy-Authorization`` (a server behind basic auth or a
  gateway with bearer tokens); the scheme (``Basic``, ``Bearer``) is kept;
* every header, query parameter and JSON field whose name says it holds a credential
  (:func:`aqfake.secret_names.is_secret_name`: ``X-Api-Token``, ``X-Api-Key``, ``api_key``,
  ``token``, ``client_secret``, ``password_digest``, ``remember_token``...), in requests and in
  responses alike, at any depth of a JSON body;
* the user column ``key`` (the API key) that the real server renders in user records (elsewhere
  ``key`` is an ordinary field, such as a DataAssociation's key name).

The audit run before a cassette is written checks twice: no raw secret value the scrubber saw
appears anywhere, and no credential-named header, query parameter or JSON field holds anything
but a placeholder (so a secret the scrubber was never shown is caught as well).

Each secret is replaced by a stable placeholder (the same value always gets the same placeholder,
within one :class:`Scrubber`), so a request scrubbed at record time and the same request scrubbed
at replay time compare equal. The raw values are remembered in memory only, for :meth:`audit`.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from ..secret_names import (
    AUTHORIZATION_HEADERS,
    USER_KEY,
    is_secret_header,
    is_secret_name,
)

#: A dict holding one of these keys is a user record (where ``key`` is the API key).
USER_MARKERS = frozenset({"login", "password_digest", "remember_token"})
#: Secrets shorter than this are audited as whole values only (a password such as ``aquarium``
#: would otherwise match host names); longer ones are searched for anywhere in the text.
SUBSTRING_AUDIT_MIN_LENGTH = 12

#: A recorded request header that gives away the length of the scrubbed body (and password).
LENGTH_HEADER = "content-length"

#: Kinds whose values all share one placeholder.
UNNUMBERED_KINDS = frozenset({"password"})

_PLACEHOLDER = re.compile(r"<AQ:[^<>]+>")
_COOKIE_PAIR = re.compile(r"\s*([^=;,\s]+)=([^;,]*)")


def placeholder(kind: str, count: int = 1) -> str:
    """The text that stands for the ``count``-th secret of a kind (``<AQ:remember_token:2>``)."""
    numbered = count > 1 and kind not in UNNUMBERED_KINDS
    return f"<AQ:{kind}:{count}>" if numbered else f"<AQ:{kind}>"


_NUMBERED = re.compile(r"<AQ:([^<>]+?):\d+>")


def unnumbered(text: str) -> str:
    """``text`` with every numbered placeholder reduced to its kind (``<AQ:token:2>`` ->
    ``<AQ:token>``): numbers depend on the order secrets were first seen, which differs
    between a recording (responses seen too) and a replay, so matching ignores them."""
    return _NUMBERED.sub(r"<AQ:\1>", text) if "<AQ:" in text else text


def is_placeholder(value: str) -> bool:
    """Whether ``value`` is exactly a placeholder the scrubber writes."""
    return _PLACEHOLDER.fullmatch(value) is not None


#: Every password's placeholder: replay matches whatever password is typed, and a fake seeded
#: from cassettes accepts it as the recorded user's password.
PASSWORD_PLACEHOLDER = placeholder("password")


class SecretLeakError(RuntimeError):
    """A cassette about to be written still contains a secret value."""


class Scrubber:
    """Replaces secrets by stable placeholders and remembers what it replaced."""

    def __init__(self, *, password: str | None = None) -> None:
        self._placeholders: dict[str, str] = {}
        self._counts: dict[str, int] = {}
        self._issued: set[str] = set()
        if password:
            self._placeholder("password", password)

    @property
    def secrets(self) -> frozenset[str]:
        """Every raw secret value seen so far."""
        return frozenset(self._placeholders)

    # -- scrubbing -----------------------------------------------------------------------------

    def scrub_json(self, data: Any) -> Any:
        """A copy of ``data`` with credential-named fields and known secret values replaced."""
        if isinstance(data, dict):
            is_user = bool(USER_MARKERS & data.keys())
            out = {}
            for key, value in data.items():
                name = str(key)
                if is_secret_name(name) or (is_user and name == USER_KEY):
                    out[key] = self._secret_value(name, value)
                else:
                    out[key] = self.scrub_json(value)
            return out
        if isinstance(data, list):
            return [self.scrub_json(v) for v in data]
        if isinstance(data, str) and data in self._placeholders:
            return self._placeholders[data]
        return data

    def _secret_value(self, kind: str, value: Any) -> Any:
        """Every scalar inside a credential-named field, replaced (null, empty and booleans
        say nothing and are kept)."""
        if isinstance(value, dict):
            return {k: self._secret_value(kind, v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._secret_value(kind, v) for v in value]
        if isinstance(value, bool) or value is None or value == "":
            return value
        return self._placeholder(kind, str(value))

    def scrub_body(self, body: bytes | str | None) -> bytes | str | None:
        """Scrub a JSON body; a non-JSON body only has known secret values replaced."""
        if not body:
            return body
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        try:
            data = json.loads(text)
        except ValueError:
            scrubbed = self.scrub_text(text)
        else:
            scrubbed = json.dumps(self.scrub_json(data), separators=(",", ":"))
        return scrubbed.encode("utf-8") if isinstance(body, bytes) else scrubbed

    def scrub_text(self, text: str) -> str:
        """Replace every known secret value inside free text."""
        for raw in sorted(self._placeholders, key=len, reverse=True):
            if len(raw) >= SUBSTRING_AUDIT_MIN_LENGTH:
                text = text.replace(raw, self._placeholders[raw])
        return text

    def scrub_headers(self, headers: MutableMapping[str, Any]) -> None:
        """Scrub credential-bearing headers in place (request or response; a value may be a
        list of repeated values): cookies keep their names, ``Authorization`` its scheme."""
        for name in list(headers):
            values = headers[name]
            if isinstance(values, list):
                headers[name] = [self.scrub_header(name, str(v)) for v in values]
            else:
                headers[name] = self.scrub_header(name, str(values))

    def scrub_header(self, name: str, value: str) -> str:
        """One header value with its credentials replaced (other headers are returned as is)."""
        lowered = name.lower()
        if lowered == "cookie":
            return self.scrub_cookie_header(value)
        if lowered == "set-cookie":
            return self.scrub_set_cookie(value)
        if lowered in AUTHORIZATION_HEADERS:
            scheme, credential = _split_scheme(value)
            if not credential:
                return value
            kind = "authorization" if lowered == "authorization" else "proxy-authorization"
            return f"{scheme}{self._placeholder(kind, credential)}"
        if is_secret_header(lowered) and value.strip():
            return self._placeholder(f"header:{lowered}", value.strip())
        return value

    def scrub_uri(self, uri: str) -> str:
        """``uri`` with the values of credential-named query parameters replaced."""
        parts = urlsplit(uri)
        if not parts.query:
            return uri
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        if not any(is_secret_name(name) and value for name, value in pairs):
            return uri
        scrubbed = [
            (name, self._placeholder(name, value) if is_secret_name(name) and value else value)
            for name, value in pairs
        ]
        query = "&".join(f"{quote(n, safe='[]')}={quote(v, safe='<>:')}" for n, v in scrubbed)
        return urlunsplit(parts._replace(query=query))

    def scrub_cookie_header(self, value: str) -> str:
        """``a=1; b=2`` with each value replaced by its placeholder."""
        return _COOKIE_PAIR.sub(
            lambda m: f"{m.group(1)}={self._cookie(m.group(1), m.group(2))}", value
        )

    def scrub_set_cookie(self, value: str) -> str:
        """``name=value; path=/; ...`` with the value replaced (attributes kept)."""
        name, sep, rest = value.partition("=")
        if not sep:
            return value
        cookie_value, semi, attributes = rest.partition(";")
        return f"{name}={self._cookie(name.strip(), cookie_value)}{semi}{attributes}"

    def _cookie(self, name: str, value: str) -> str:
        value = value.strip()
        if not value:
            return value
        kind = "remember_token" if "remember_token" in name else f"cookie:{name}"
        return self._placeholder(kind, value)

    def _placeholder(self, kind: str, value: str) -> str:
        existing = self._placeholders.get(value)
        if existing is not None:
            return existing
        if value in self._issued or is_placeholder(value):
            return value  # already scrubbed: hooks run again on loaded and replayed requests
        self._counts[kind] = self._counts.get(kind, 0) + 1
        text = placeholder(kind, self._counts[kind])
        self._placeholders[value] = text
        self._issued.add(text)
        return text

    # -- audit ---------------------------------------------------------------------------------

    def leaks(self, interaction: dict[str, Any]) -> list[str]:
        """Where a serialised vcrpy interaction (request/response dicts) still holds a secret."""
        found = [
            f"request header {name} tells the length of the scrubbed body"
            for name in (interaction.get("request", {}).get("headers") or {})
            if name.lower() == LENGTH_HEADER
        ]
        for where, text in _texts(interaction):
            for raw in self._placeholders:
                if _contains_secret(text, raw):
                    found.append(f"{where} holds the {self._placeholders[raw]} value")
        found.extend(unscrubbed_fields(interaction))
        return found

    def audit(self, interactions: list[dict[str, Any]], path: str) -> None:
        """Raise :class:`SecretLeakError` naming the first interaction that leaks a secret."""
        for number, interaction in enumerate(interactions, 1):
            problems = self.leaks(interaction)
            if problems:
                request = interaction.get("request", {})
                raise SecretLeakError(
                    f"Refusing to write cassette {path}: interaction {number} "
                    f"({request.get('method')} {request.get('uri')}) still contains a secret: "
                    + "; ".join(sorted(set(problems)))
                    + ". Nothing was written; add the field to the scrubber or drop the request."
                )


def _split_scheme(value: str) -> tuple[str, str]:
    """``("Bearer ", "abc")`` from ``"Bearer abc"``; a value without a scheme is all credential."""
    scheme, space, rest = value.strip().partition(" ")
    if space and scheme.isalpha() and rest.strip():
        return f"{scheme} ", rest.strip()
    return "", value.strip()


def _only_placeholders(value: str) -> bool:
    """Whether nothing but placeholders (and separators) is left in a scrubbed value."""
    rest = _PLACEHOLDER.sub("", value)
    return not rest.strip(" ;,")


def unscrubbed_fields(interaction: dict[str, Any]) -> list[str]:
    """Credential-named headers, query parameters and JSON fields of a serialised interaction
    that hold anything but a placeholder: a secret the scrubber was never shown."""
    found: list[str] = []
    request = interaction.get("request", {})
    response = interaction.get("response", {})
    for side, headers in (
        ("request", request.get("headers")),
        ("response", response.get("headers")),
    ):
        for name, values in (headers or {}).items():
            for value in values if isinstance(values, list) else [values]:
                if not _header_scrubbed(str(name), str(value)):
                    found.append(f"{side} header {name} holds an unscrubbed credential")
    for name, value in parse_qsl(urlsplit(str(request.get("uri", ""))).query):
        if is_secret_name(name) and value and not is_placeholder(value):
            found.append(f"query parameter {name} of the request URI holds an unscrubbed value")
    body = response.get("body") or {}
    texts = (
        ("the request body", _as_text(request.get("body"))),
        ("the response body", _as_text(body.get("string") if isinstance(body, dict) else body)),
    )
    for where, text in texts:
        with contextlib.suppress(ValueError):
            found.extend(f"{where} field {path} holds an unscrubbed value"
                         for path in _secret_fields(json.loads(text), ""))  # fmt: skip
    return found


def _header_scrubbed(name: str, value: str) -> bool:
    lowered = name.lower()
    if lowered == "cookie":
        return all(
            not v.strip() or is_placeholder(v.strip()) for _, v in _COOKIE_PAIR.findall(value)
        )
    if lowered == "set-cookie":
        cookie_value = value.partition("=")[2].partition(";")[0].strip()
        return not cookie_value or is_placeholder(cookie_value)
    if lowered in AUTHORIZATION_HEADERS:
        return _only_placeholders(_split_scheme(value)[1])
    return not is_secret_header(lowered) or _only_placeholders(value)


def _secret_fields(data: Any, path: str) -> Iterator[str]:
    """Paths of credential-named fields holding a scalar that is not a placeholder."""
    if isinstance(data, list):
        for number, item in enumerate(data):
            yield from _secret_fields(item, f"{path}[{number}]")
    elif isinstance(data, dict):
        is_user = bool(USER_MARKERS & data.keys())
        for key, value in data.items():
            name = str(key)
            where = f"{path}.{name}" if path else name
            if is_secret_name(name) or (is_user and name == USER_KEY):
                if any(not is_placeholder(leaf) for leaf in _scalars(value)):
                    yield where
            else:
                yield from _secret_fields(value, where)


def _leaves(value: Any) -> Iterator[Any]:
    """Every value inside nested JSON objects and arrays that is neither."""
    if isinstance(value, dict):
        for inner in value.values():
            yield from _leaves(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _leaves(inner)
    else:
        yield value


def _scalars(value: Any) -> Iterator[str]:
    """The meaningful scalars of a value, as text (null, empty and booleans say nothing)."""
    for leaf in _leaves(value):
        if not (isinstance(leaf, bool) or leaf is None or leaf == ""):
            yield str(leaf)


_SEPARATORS = re.compile(r"[\s;,&=?\"'<>{}\[\]:]+")


def _contains_secret(text: str, raw: str) -> bool:
    if len(raw) >= SUBSTRING_AUDIT_MIN_LENGTH or _SEPARATORS.search(raw):
        return raw in text
    return raw in _tokens(text)


def _tokens(text: str) -> set[str]:
    """Whole values in a text: JSON string values, cookie and header tokens, query values."""
    tokens = set(_SEPARATORS.split(text))
    with contextlib.suppress(ValueError):
        tokens.update(leaf for leaf in _leaves(json.loads(text)) if isinstance(leaf, str))
    return tokens


def _texts(interaction: dict[str, Any]) -> Iterator[tuple[str, str]]:
    request = interaction.get("request", {})
    response = interaction.get("response", {})
    yield "the request URI", str(request.get("uri", ""))
    yield "the request body", _as_text(request.get("body"))
    for name, values in (request.get("headers") or {}).items():
        for value in values if isinstance(values, list) else [values]:
            yield f"request header {name}", str(value)
    for name, values in (response.get("headers") or {}).items():
        for value in values if isinstance(values, list) else [values]:
            yield f"response header {name}", str(value)
    body = response.get("body") or {}
    yield "the response body", _as_text(body.get("string") if isinstance(body, dict) else body)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)
