"""Canonical request matching: method, path, sorted query and canonical JSON body.

Two requests match when their canonical forms are equal. The host is deliberately left out, so a
cassette recorded against one server replays against any base URL; JSON key order never matters
(pydent and aqsession build the same bodies with different key orders in places), and neither
does the order inside the ``IN`` lists of ``where`` criteria. Scrubbed secrets match by kind
(``<AQ:token:2>`` matches ``<AQ:token>``), as their numbers depend on what else was recorded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import lru_cache
from json import encoder as _json_encoder
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

from .loaded import unbuilt_fields
from .scrub import unnumbered

#: How a difference names its two sides: the request being matched, and the recorded one.
REQUEST_SIDE, RECORDED_SIDE = "request", "recorded"
_ABSENT = object()
#: Made once: ``json.dumps`` with options builds a new encoder per call.
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
#: The C encoder ``_CANONICAL_JSON`` makes on every call, made once (when this Python has it):
#: keying the 10,000 requests of a large cassette spent a third of its time making encoders.
#: Decoded JSON has no cycles, so it needs no cycle markers.
_MAKE_C_ENCODER = getattr(_json_encoder, "c_make_encoder", None)
_C_ENCODER = (
    None
    if _MAKE_C_ENCODER is None
    else _MAKE_C_ENCODER(
        None, None, _json_encoder.encode_basestring, None, ":", ",", True, False, True
    )
)


def canonical_json(data: Any) -> str:
    """Decoded JSON as compact text with sorted keys (``_CANONICAL_JSON.encode``, faster)."""
    if _C_ENCODER is None or isinstance(data, str):
        return _CANONICAL_JSON.encode(data)
    return "".join(_C_ENCODER(data, 0))


class RequestKey(NamedTuple):
    """The parts of a request that decide which recorded response it gets (a named tuple:
    made and hashed in C, since a cassette makes one per recorded request when it loads)."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    body: str

    def describe(self) -> str:
        """One readable line: method, path, query and body (for near-miss messages)."""
        query = "&".join(f"{k}={v}" for k, v in self.query)
        line = f"{self.method} {self.path}{'?' + query if query else ''}"
        return f"{line} {self.body}" if self.body else line


def canonical_body(body: bytes | str | None) -> str:
    """A JSON body re-serialised with sorted keys; any other body as text."""
    if body is None:
        return ""
    if hasattr(body, "read"):
        body = body.read()
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    if not text.strip():
        return ""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    return canonical_json(_sets_sorted(data))


def _sets_sorted(data: Any) -> Any:
    """Hash criteria's lists are SQL ``IN`` sets: their order is not part of the request.

    pydent collects batch ids through a ``set``, aqsession in first-seen order; both mean the
    same query, so a cassette recorded by one client replays with the other.
    """
    if isinstance(data, dict) and isinstance(data.get("arguments"), dict):
        criteria = {
            key: sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
            if isinstance(value, list)
            else value
            for key, value in data["arguments"].items()
        }
        return {**data, "arguments": criteria}
    return data


#: The version of the canonical form that :func:`key_digest` digests. Digests stored in a
#: cassette with another version are not used. Bump it whenever a request's canonical key
#: changes (tests pin the digests of a few requests to catch a change made without a bump).
KEY_FORMAT = 1
#: Bytes of a key's digest: a short digest only ever narrows the search (see :func:`key_digest`).
DIGEST_BYTES = 4


def key_digest(key: RequestKey) -> str:
    """A short, stable digest of a canonical key, stored in a sealed cassette so that loading
    it need not compute every recorded request's key.

    Equal keys have equal digests; unequal keys almost always differ, and where two collide the
    cassette tells them apart by their keys (see :class:`~.replay.AqCassette`).
    """
    text = repr(tuple(key)).encode("utf-8")
    return hashlib.blake2b(text, digest_size=DIGEST_BYTES).hexdigest()


def request_key(method: str, uri: str, body: bytes | str | None) -> RequestKey:
    """The canonical key of a request given by its parts."""
    path, query = _location(uri)
    return RequestKey(method.upper(), path, query, unnumbered(canonical_body(body)))


@lru_cache(maxsize=4096)
def _location(uri: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The canonical path and sorted query of a URI (cached: a cassette repeats a few URIs)."""
    parts = urlsplit(uri)
    path = "/" + "/".join(p for p in unquote(parts.path).split("/") if p)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    return path, tuple(sorted((name, unnumbered(value)) for name, value in pairs))


def key_of(request: Any) -> RequestKey:
    """The canonical key of a vcrpy ``Request`` (a request loaded from a sealed cassette and
    not used yet is keyed from its fields, without building it)."""
    fields = unbuilt_fields(request)
    if fields is not None:
        return request_key(fields["method"], fields["uri"], fields["body"])
    return request_key(request.method, request.uri, request.body)


def aq_canonical(r1: Any, r2: Any) -> None:
    """vcrpy matcher: raises AssertionError describing the difference when keys differ."""
    k1, k2 = key_of(r1), key_of(r2)
    if k1 != k2:
        raise AssertionError("; ".join(differences(k1, k2)))


def differences(wanted: RequestKey, recorded: RequestKey) -> list[str]:
    """Human-readable differences between an unmatched request and a recorded one, each as
    ``<what>: request: <value>, recorded: <value>``."""
    found = []
    for part, mine, theirs in (
        ("method", wanted.method, recorded.method),
        ("path", wanted.path, recorded.path),
        ("query", dict(wanted.query), dict(recorded.query)),
    ):
        if mine != theirs:
            found.append(f"{part}: {REQUEST_SIDE}: {mine}, {RECORDED_SIDE}: {theirs}")
    if wanted.body != recorded.body:
        found.append("body " + _body_difference(wanted.body, recorded.body))
    return found


def _body_difference(wanted: str, recorded: str) -> str:
    try:
        a, b = json.loads(wanted or "null"), json.loads(recorded or "null")
    except ValueError:
        return f"{REQUEST_SIDE}: {wanted[:120]!r}, {RECORDED_SIDE}: {recorded[:120]!r}"
    diffs = list(json_differences(a, b, "$"))
    shown = "; ".join(diffs[:5])
    return shown + (f" (+{len(diffs) - 5} more)" if len(diffs) > 5 else "")


def json_differences(
    a: Any, b: Any, path: str, left: str = REQUEST_SIDE, right: str = RECORDED_SIDE
) -> Iterable[str]:
    """Paths where two decoded JSON values differ, as ``<path>: <left>: A, <right>: B``."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(a.keys() | b.keys()):
            yield from json_differences(
                a.get(key, _ABSENT), b.get(key, _ABSENT), f"{path}.{key}", left, right
            )
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from json_differences(x, y, f"{path}[{index}]", left, right)
    elif a != b:
        yield f"{path}: {left}: {_shown(a)}, {right}: {_shown(b)}"


def _shown(value: Any) -> str:
    return "(absent)" if value is _ABSENT else json.dumps(value)[:60]


def similarity(wanted: RequestKey, recorded: RequestKey) -> int:
    """A rough closeness score: higher is closer (used to show near misses)."""
    score = 0
    score += 8 if wanted.method == recorded.method else 0
    score += 4 if wanted.path == recorded.path else 0
    score += 2 if wanted.query == recorded.query else 0
    if wanted.body == recorded.body:
        score += 4
    else:
        try:
            a, b = json.loads(wanted.body or "null"), json.loads(recorded.body or "null")
        except ValueError:
            a = b = None
        if isinstance(a, dict) and isinstance(b, dict):
            score += sum(1 for k in a if k in b and a[k] == b[k])
    return score
