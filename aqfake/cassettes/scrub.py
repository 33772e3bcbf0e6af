"""Scrubbing secrets out of recorded HTTP traffic, and the audit that proves it worked.

What is a secret in Aquarium traffic:

* the login password (``session.password`` in ``POST /sessions.json``, or any ``password`` key);
* the values of every cookie (``Cookie`` and ``Set-Cookie``): the ``remember_token*`` cookie *is*
  the session credential, the Rails session cookie carries the flash and CSRF state;
* the user columns ``password_digest``, ``remember_token`` and ``key`` (the API key) that the real
  server renders in user records.

Each secret is replaced by a stable placeholder (the same value always gets the same placeholder,
within one :class:`Scrubber`), so a request scrubbed at record time and the same request scrubbed
at replay time compare equal. The raw values are remembered in memory only, for :meth:`audit`.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from typing import Any

#: JSON keys whose values are always secrets.
SECRET_KEYS = frozenset({"password", "password_digest", "remember_token"})
#: Keys that are secrets only inside a user record (``key`` is also DataAssociation's key name).
USER_SECRET_KEYS = frozenset({"key"})
#: A dict holding one of these keys is a user record.
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
        """A copy of ``data`` with secret keys and known secret values replaced."""
        if isinstance(data, dict):
            is_user = bool(USER_MARKERS & data.keys())
            out = {}
            for key, value in data.items():
                secret = key in SECRET_KEYS or (is_user and key in USER_SECRET_KEYS)
                if secret and isinstance(value, str) and value:
                    out[key] = self._placeholder(key, value)
                else:
                    out[key] = self.scrub_json(value)
            return out
        if isinstance(data, list):
            return [self.scrub_json(v) for v in data]
        if isinstance(data, str) and data in self._placeholders:
            return self._placeholders[data]
        return data

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


_SEPARATORS = re.compile(r"[\s;,&=?\"'<>{}\[\]:]+")


def _contains_secret(text: str, raw: str) -> bool:
    if len(raw) >= SUBSTRING_AUDIT_MIN_LENGTH or _SEPARATORS.search(raw):
        return raw in text
    return raw in _tokens(text)


def _tokens(text: str) -> set[str]:
    """Whole values in a text: JSON string values, cookie and header tokens, query values."""
    tokens = set(_SEPARATORS.split(text))
    with contextlib.suppress(ValueError):
        tokens.update(_json_strings(json.loads(text)))
    return tokens


def _json_strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _json_strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _json_strings(value)


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
