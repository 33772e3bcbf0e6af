"""Hypothesis strategies for hostile requests to every route of the fake.

A probe picks a route (every ``ROUTES`` entry, the 501 table and the control endpoints
included) or an unknown path, fills its path parameters with ids that are huge, negative, not
numbers, SQL or path tricks, and sends a body that is malformed JSON, JSON of the wrong shape,
a route-aware body with hostile values, or a multipart upload with a hostile file name, under a
valid, missing, bogus or tampered cookie.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fuzz_harness import Probe
from hypothesis import strategies as st

from aqfake import strategies as aqst
from aqfake.app import discover_routes
from aqfake.routing import Route
from aqfake.store import Store
from aqfake.tables import MODEL_NAMES, MODELS, SECRET_COLUMNS

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PROPFIND")
HUGE_INTS = (0, -1, -(2**31), 2**31, 2**63, -(2**63) - 1, 2**64, 10**30)
ID_TEXTS = (
    "abc", "1abc", " 1", "1 ", "1.5", "1e3", "0x10", "+1", "-0", "00001", "nil", "null", "NaN",
    "Infinity", "", ".", "..", "%2e%2e", "%00", "\x00", "1;DROP TABLE samples", "1 OR 1=1",
    "' OR '1'='1", "{item_id}", "9" * 400, "\u0661", "١٢", "🧪", "<script>",
)  # fmt: skip
BODY_KEYS = (
    "allowable_field_type_id", "allowable_field_types", "arguments", "array", "budget_id",
    "category", "child_item_id", "child_sample_id", "column", "content", "cost_limit", "deleted",
    "field_type_id", "field_types", "from_id", "id", "include", "job", "jobid", "layout",
    "location", "method", "methods", "model", "name", "no_edit", "object_type", "oid",
    "operation_ids", "operation_type_id", "operations", "options", "pairs", "plan_id", "rid",
    "role", "routing", "row", "sample_id", "sample_type", "sample_type_id", "samples", "session",
    "sid", "since", "source", "status", "to_id", "user_id", "value", "wires", "x", "y", "login",
    "password", "project", "description", "handler", "min", "max", "cost", "prefix", "limit",
    "offset", "reverse", "parent_id", "parent_class", "key", "object", "upload_id", "ftype",
)  # fmt: skip
QUERY_KEYS = ("job", "since", "id", "sid", "oid", "page", "offset", "limit", "name", "status")
QUERY_METHODS = ("all", "where", "find", "find_by_name", "new", "first", "last", "destroy_all")
MALFORMED_JSON = (
    b"{", b"}", b"[", b"{\"model\":", b"{'model': 'Sample'}", b"[1,]", b"{\"a\":1,}", b"nul",
    b"NaN", b"Infinity", b"-Infinity", b"{\"id\": NaN}", b"{\"id\": 1e400}", b"\xff\xfe\x00",
    b"\"\\ud800\"", b"{\"model\": \"Sample\"}{}", b"1e99999", b"\"unterminated",
    b"[" * 150 + b"]" * 150, b"{\"id\": " + b"9" * 5000 + b"}",
)  # fmt: skip
CONTENT_TYPES = (
    "application/json", "application/json; charset=utf-8", "text/plain",
    "application/x-www-form-urlencoded", "multipart/form-data; boundary=aqfuzz", "",
    "application/json; charset=latin-1", "APPLICATION/JSON",
)  # fmt: skip
UPLOAD_NAMES = (
    "../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/shadow", "C:\\boot.ini", "a/b/c.txt",
    "%2e%2e%2fsecret", "..", ".", "", " ", "con", "file\x00.txt", "tab\there", "名前.csv",
    "x" * 300, "report.csv?x=1#y", "a\"b.txt", "<img src=x>.png", "\u202egnp.exe",
)  # fmt: skip
BOUNDARY = "aqfuzz"


def hostile_text(max_size: int = 4) -> st.SearchStrategy[str]:
    return st.one_of(aqst.hostile_strings(max_size=max_size), st.text(max_size=12))


def id_values() -> st.SearchStrategy[Any]:
    """Ids as a client might send them: real ones, out of range, and not numbers at all."""
    return st.one_of(
        st.integers(1, 60),
        st.sampled_from(HUGE_INTS),
        st.integers(),
        st.sampled_from(ID_TEXTS),
        st.floats(allow_nan=False, allow_infinity=False),
        hostile_text(),
    )


def path_segments() -> st.SearchStrategy[str]:
    return id_values().map(str)


KEYS = st.one_of(st.sampled_from(BODY_KEYS), st.text(max_size=6))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    id_values(),
    st.sampled_from(MODEL_NAMES),
    hostile_text(),
)


def json_values(max_leaves: int = 10) -> st.SearchStrategy[Any]:
    """Any JSON value, leaves biased to ids, model names and hostile strings."""
    return st.recursive(
        SCALARS,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)
        ),
        max_leaves=max_leaves,
    )


@st.composite
def where_arguments(draw: st.DrawFn, model: str) -> Any:
    """Criteria and SQL fragments, real (drawn from the lab's columns) or hostile."""
    known = model if model in MODEL_NAMES else "Sample"
    return draw(
        st.one_of(
            aqst.where_criteria(known),
            aqst.sql_fragments(known),
            st.dictionaries(st.sampled_from(BODY_KEYS), SCALARS, max_size=3),
            hostile_text(6),
            json_values(6),
        )
    )


@st.composite
def json_query_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """``/json`` bodies: known and unknown models and methods, hostile criteria and options."""
    odd_models = st.sampled_from(
        ["sample", "Kernel", "Object", "ActiveRecord::Base", "User.new", "::File", "Sample\n"]
    )
    model = draw(
        st.integers(0, 9).flatmap(
            lambda n: (
                st.sampled_from(MODEL_NAMES) if n < 8 else st.one_of(odd_models, hostile_text())
            )
        )
    )
    body: dict[str, Any] = {"model": model}
    if draw(st.integers(0, 4)):
        body["method"] = draw(
            st.integers(0, 9).flatmap(
                lambda n: st.sampled_from(QUERY_METHODS[:5]) if n < 8 else st.one_of(
                    st.sampled_from(QUERY_METHODS), hostile_text()
                )
            )
        )  # fmt: skip
    if draw(st.booleans()):
        body["arguments"] = draw(where_arguments(model))
    if draw(st.integers(0, 3)) == 0:
        body["id"] = draw(st.one_of(id_values(), st.lists(id_values(), max_size=3)))
    if draw(st.integers(0, 2)) == 0:
        body["include"] = draw(st.one_of(includes(model), json_values(4)))
    if draw(st.integers(0, 3)) == 0:
        body["methods"] = draw(json_values(4))
    if draw(st.integers(0, 2)) == 0:
        body["options"] = draw(
            st.one_of(
                aqst.query_options(),
                st.dictionaries(st.sampled_from(["limit", "offset", "reverse"]), SCALARS),
                json_values(4),
            )
        )
    return body


@st.composite
def save_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """``/json/save`` and ``/json/delete`` bodies: a model wrapper and columns of any value."""
    model = draw(st.one_of(st.sampled_from(MODEL_NAMES), hostile_text()))
    body: dict[str, Any] = {"model": draw(st.one_of(st.just({"model": model}), json_values(3)))}
    body.update(draw(st.dictionaries(st.sampled_from(BODY_KEYS), json_values(4), max_size=5)))
    return body


def form_file_name(filename: str) -> str:
    """``filename`` as a browser writes it into a form part (the HTML standard escapes ``"``,
    CR and LF as ``%22``, ``%0D`` and ``%0A``)."""
    return filename.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def includes(model: str) -> st.SearchStrategy[Any]:
    """``include`` values naming the model's real associations and methods, nested or not."""
    found = MODELS.get(model)
    names = [a.name for a in found.associations] + list(found.methods) if found else []
    if not names:
        return st.just([])
    name = st.sampled_from(names)
    return st.one_of(
        name,
        st.lists(name, max_size=3),
        st.dictionaries(name, st.one_of(name, st.lists(name, max_size=2), st.just({})), max_size=2),
    )


def _as_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


#: Models ``/json/save`` writes (the rest are refused before anything happens).
SAVED_MODELS = tuple(m for m in MODEL_NAMES if m not in ("User", "Group", "Membership"))


@st.composite
def row_save_bodies(draw: st.DrawFn, store: Store) -> dict[str, Any]:
    """``/json/save`` and ``/json/delete`` bodies made from a real row of the lab (or a new
    record), with a few columns changed to ids of other rows, hostile values, or nothing, so
    the request gets past the first checks into validations, keys and cascades."""
    model = draw(st.sampled_from(SAVED_MODELS))
    table = MODELS[model].table
    rows = store.rows(table)
    body: dict[str, Any] = {}
    if rows and draw(st.integers(0, 3)):
        row = draw(st.sampled_from(rows[:50]))
        body = {k: _as_json(v) for k, v in row.items() if k not in SECRET_COLUMNS.get(table, ())}
    columns = [c for c in store.table(table).column_names if c not in SECRET_COLUMNS.get(table, ())]
    for column in draw(st.lists(st.sampled_from(columns), max_size=3, unique=True)):
        body[column] = draw(
            st.one_of(st.none(), st.integers(0, 60), id_values(), hostile_text(), json_values(3))
        )
    if draw(st.integers(0, 5)) == 0 and body:
        body.pop(draw(st.sampled_from(sorted(body))))
    body["model"] = {"model": model}
    return body


def multipart(field: str, filename: str, data: bytes, extra: dict[str, str]) -> bytes:
    """A ``multipart/form-data`` body (boundary :data:`BOUNDARY`) with one file part."""
    quoted = form_file_name(filename)
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in extra.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{quoted}"\r\n'
        "Content-Type: text/plain\r\n\r\n".encode("utf-8", "surrogatepass")
        + data
        + b"\r\n"
    )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def upload_names() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(UPLOAD_NAMES), hostile_text(), st.text(max_size=20))


@st.composite
def upload_bodies(draw: st.DrawFn) -> tuple[str, bytes]:
    """(content type, body) of a multipart upload under a hostile file name."""
    field = draw(st.sampled_from(["file", "files[]", "upload", "files"]))
    extra = draw(
        st.dictionaries(
            st.sampled_from(["jobid", "assoc_operations", "assoc_plans", "name"]),
            st.one_of(st.sampled_from(["true", "1", "None", "-1", "99999999999"]), hostile_text()),
            max_size=3,
        )
    )
    extra = {k: v.replace("\r", "").replace("\n", "") for k, v in extra.items()}
    body = multipart(field, draw(upload_names()), draw(st.binary(max_size=64)), extra)
    return f"multipart/form-data; boundary={BOUNDARY}", body


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value).encode()


@st.composite
def bodies(draw: st.DrawFn, route: Route | None, store: Store | None = None) -> tuple[str, bytes]:
    """(content type, body) for a request to ``route`` (None: an unknown path)."""
    pattern = route.pattern if route else ""
    choices = ["empty", "malformed", "junk", "json", "json"]
    if pattern.startswith("/json"):
        choices += ["query"] * 6 + ["save"] + (["row"] * 6 if store is not None else [])
    if "upload" in pattern:
        choices += ["upload", "upload"]
    kind = draw(st.sampled_from(choices))
    content_type = draw(st.sampled_from(CONTENT_TYPES[:2]) | st.sampled_from(CONTENT_TYPES))
    if kind == "empty":
        return content_type, b""
    if kind == "malformed":
        return content_type, draw(st.sampled_from(MALFORMED_JSON))
    if kind == "junk":
        return content_type, draw(st.binary(max_size=40))
    if kind == "query":
        return content_type, _json_bytes(draw(json_query_bodies()))
    if kind == "save":
        return content_type, _json_bytes(draw(save_bodies()))
    if kind == "row" and store is not None:
        return content_type, _json_bytes(draw(row_save_bodies(store)))
    if kind == "upload":
        return draw(upload_bodies())
    value = draw(
        st.one_of(
            json_values(),
            st.dictionaries(st.sampled_from(BODY_KEYS), json_values(5), min_size=1, max_size=6),
        )
    )
    return content_type, _json_bytes(value)


_PARAM = re.compile(r":(\w+)")


@st.composite
def route_paths(draw: st.DrawFn, route: Route) -> str:
    """``route``'s pattern with each ``:param`` replaced by a drawn segment, maybe a format."""
    path = _PARAM.sub(lambda _: draw(path_segments()), route.pattern)
    suffix = draw(st.sampled_from(["", "", "", ".json", ".json", ".html", ".xml", "/"]))
    return path + suffix


@st.composite
def cookies(draw: st.DrawFn, cookie_name: str, token: str) -> str | None:
    """A Cookie header: the user's real one (most often), none, bogus, tampered or garbled."""
    odd = ["none", "bogus", "tampered", "garbled", "plain"]
    kind = draw(st.integers(0, 9).flatmap(lambda n: st.sampled_from(odd if n < 2 else ["valid"])))
    if kind == "valid":
        return f"{cookie_name}={token}"
    if kind == "none":
        return None
    if kind == "plain":
        return f"remember_token={draw(st.sampled_from([token, token.upper(), '']))}"
    if kind == "tampered":
        position = draw(st.integers(0, len(token) - 1))
        flipped = "A" if token[position] != "A" else "B"
        mangled = draw(
            st.sampled_from(
                [
                    token[:position] + flipped + token[position + 1 :],
                    token + draw(st.text(min_size=1, max_size=3)),
                    token[:position],
                    token + "\x00",
                    f'"{token}"',
                    " " + token,
                ]
            )
        )
        return f"{cookie_name}={mangled}"
    if kind == "garbled":
        return draw(st.text(max_size=40))
    value = draw(hostile_text())
    return f"{draw(st.sampled_from([cookie_name, 'remember_token', '_session']))}={value}"


def query_strings() -> st.SearchStrategy[str]:
    pairs = st.dictionaries(st.sampled_from(QUERY_KEYS), path_segments(), max_size=3)
    return st.one_of(st.just(""), pairs.map(urlencode), st.text(max_size=20))


ROUTES: Sequence[Route] = discover_routes()


#: The ``/json`` family is what clients use most: it gets a larger share of the probes.
JSON_ROUTES: Sequence[Route] = [r for r in ROUTES if r.pattern.startswith("/json")]


def routes() -> st.SearchStrategy[Route | None]:
    """A route: any of them, the ``/json`` family more often, now and then none (an unknown
    path)."""
    return st.integers(0, 9).flatmap(
        lambda n: st.none() if n == 0 else st.sampled_from(JSON_ROUTES if n < 5 else ROUTES)
    )


@st.composite
def probes(draw: st.DrawFn, cookie_name: str, token: str, store: Store | None = None) -> Probe:
    """One request to any route (or an unknown path), hostile in any part. With ``store``,
    ``/json`` bodies are often built from its rows (see :func:`row_save_bodies`)."""
    route = draw(routes())
    if route is None:
        path = "/" + draw(st.text(max_size=20))
        method = draw(st.sampled_from(METHODS))
    else:
        path = draw(route_paths(route))
        method = route.method if draw(st.integers(0, 5)) else draw(st.sampled_from(METHODS))
    content_type, body = draw(bodies(route, store))
    headers = {"Host": draw(st.sampled_from(["aquarium.test", "aquarium.test:80", "evil.example"]))}
    if content_type:
        headers["Content-Type"] = content_type
    cookie = draw(cookies(cookie_name, token))
    if cookie is not None:
        headers["Cookie"] = cookie
    return Probe(method, path, draw(query_strings()), headers, body)
