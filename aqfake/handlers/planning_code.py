"""OperationTypesController and LibrariesController: list, create and update operation types,
versioned code, libraries (protocol sections 5.14 - 5.16).

Quirk kept: the admin check redirects and then lets the action go on, so for a non-admin every
side effect happens and the answer is 500 all the same. Code is append-only: each save inserts a
new ``codes`` row and the highest id is current.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from ..casting import RubyError, params_each, record_id, ruby_truthy
from ..domain.records import find
from ..domain.transaction import RailsTransaction, attributes
from ..errors import NotFound, server_error
from ..render import Renderer, is_admin
from ..routing import Auth, Context, Route
from ..store import Row, Store, index_key
from ..validations import full_messages, model_errors, validate
from ..wire import Response, html_response, json_response

CODE_NAMES = ("protocol", "precondition", "cost_model", "documentation", "test")
#: What an operation type renders with, by action (update leaves out ``test``).
INDEX_METHODS = ("field_types", "protocol", "precondition", "cost_model", "documentation")
CREATE_METHODS = (*INDEX_METHODS, "test")
FIELD_TYPE_KEYS = (
    "name",
    "role",
    "ftype",
    "array",
    "part",
    "routing",
    "choices",
    "preferred_operation_type_id",
    "preferred_field_type_id",
)


def admin_gate(action: Callable[..., Response]) -> Callable[..., Response]:
    """Run ``action``; a non-admin then gets 500 (Aquarium redirects and keeps going, so the
    action's own render fails) -- after the action's side effects."""

    takes_format = "format" in inspect.signature(action).parameters

    def gated(ctx: Context, **path: str) -> Response:
        assert ctx.user is not None
        if not takes_format:
            path.pop("format", None)
        admin = _is_admin(ctx.store, ctx.user)
        response = action(ctx, **path)
        return response if admin else server_error(ctx.request.path)

    gated.__name__ = gated.__qualname__ = action.__name__
    gated.__doc__ = action.__doc__
    return gated


def _is_admin(store: Store, user: Row) -> bool:
    """Aquarium's admin check, which creates the ``admin`` group when it is missing."""
    if store.first("groups", name="admin") is None:
        store.insert("groups", {"name": "admin", "description": "Aquarium administrators"})
    return is_admin(store, user)


def _render(ctx: Context, row: Row, methods: tuple[str, ...]) -> dict[str, Any]:
    return Renderer(ctx.store, ctx.base_url).record("OperationType", row, methods=methods)


# -- operation types ----------------------------------------------------------------------------


def index(ctx: Context, format: str | None = None) -> Response:
    """``GET /operation_types.json``: every operation type with field types and code."""
    if format != "json":
        return html_response("<html><body><h1>Operation Types</h1></body></html>")
    rows = ctx.store.rows("operation_types")
    return json_response([_render(ctx, row, INDEX_METHODS) for row in rows])


def _lookup_by_name(store: Store, table: str, spec: Any) -> int | None:
    """An AFT end named in the body (``{"name": ...}``); an empty or absent name is nil."""
    name = spec.get("name") if isinstance(spec, Mapping) else None
    if not name:
        return None
    found = store.first(table, name=name)
    if found is None:
        if table == "object_types":
            raise RubyError("undefined method `id' for nil:NilClass")
        return None
    return int(found["id"])


def _field_type_values(spec: Mapping[str, Any]) -> dict[str, Any]:
    return {key: spec.get(key) for key in FIELD_TYPE_KEYS}


def _add_field_type(tx: RailsTransaction, ot: Row, spec: Any) -> Row:
    if not isinstance(spec, Mapping):
        raise RubyError("undefined method `[]' for nil:NilClass")
    row = tx.insert(
        "field_types",
        {**_field_type_values(spec), "parent_class": "OperationType", "parent_id": ot["id"]},
    )
    _sync_afts(tx, row, spec.get("allowable_field_types"))
    return row


def _sync_afts(tx: RailsTransaction, field_type: Row, specs: Any) -> None:
    """Keep the AFTs whose ids are listed, create the others (ends resolved by name), delete the
    rest."""
    kept: set[int] = set()
    for spec in specs if isinstance(specs, list) else []:
        if not isinstance(spec, Mapping):
            continue
        existing = tx.store.get("allowable_field_types", record_id(spec.get("id")))
        if existing is not None and existing["field_type_id"] == field_type["id"]:
            kept.add(existing["id"])
            continue
        aft = tx.insert(
            "allowable_field_types",
            {
                "field_type_id": field_type["id"],
                "sample_type_id": _lookup_by_name(
                    tx.store, "sample_types", spec.get("sample_type")
                ),
                "object_type_id": _lookup_by_name(
                    tx.store, "object_types", spec.get("object_type")
                ),
            },
        )
        kept.add(aft["id"])
    for aft in tx.store.lookup("allowable_field_types", field_type_id=field_type["id"]):
        if aft["id"] not in kept:
            tx.delete("allowable_field_types", aft["id"])


def _ot_values(store: Store, params: Mapping[str, Any]) -> dict[str, Any]:
    """The operation type's columns from the body, cast as Rails casts attribute writes."""
    names = ("name", "category", "deployed", "on_the_fly")
    return attributes(store, "operation_types", {k: params.get(k) for k in names})


def create_operation_type(ctx: Context) -> Response:
    """``POST /operation_types.json``: the type, its field types and its five codes."""
    store, params = ctx.store, ctx.params
    assert ctx.user is not None
    name, category = params.get("name"), params.get("category")
    for other in (
        store.lookup("operation_types", category=category) if isinstance(category, str) else []
    ):
        if isinstance(name, str) and index_key(other["name"] or "") == index_key(name):
            return json_response({"error": f"An operation type named {name} already exists."}, 422)
    tx = RailsTransaction(store)
    values = _ot_values(store, params)
    candidate = {c.name: None for c in store.table("operation_types").columns}
    if validate(store, "OperationType", {**candidate, **values}):
        return json_response({"error": "invalid operation type"}, 422)
    try:
        ot = tx.insert("operation_types", values)
        for spec in params_each(params.get("field_types")):
            _add_field_type(tx, ot, spec)
        for code_name in CODE_NAMES:
            given = params.get(code_name)
            content = given.get("content") if isinstance(given, Mapping) else None
            _new_code(tx, ot, "OperationType", code_name, content or "", ctx.user)
    except RubyError:
        return server_error(ctx.request.path)  # no transaction: what was written stays
    return json_response(_render(ctx, ot, CREATE_METHODS))


def update_operation_type(ctx: Context, id: str) -> Response:
    """``PUT /operation_types/:id``: columns replaced, field types synced by id and role."""
    store, params = ctx.store, ctx.params
    ot = find(store, "OperationType", id, NotFound)
    values = _ot_values(store, params)
    errors = model_errors(store, "OperationType", {**ot, **values})
    if errors:
        return json_response({"error": full_messages(errors)}, 422)
    tx = RailsTransaction(store)
    try:
        ot = tx.update("operation_types", ot["id"], values)
        existing = store.lookup("field_types", parent_class="OperationType", parent_id=ot["id"])
        kept: set[int] = set()
        for spec in params_each(params.get("field_types")):
            if not isinstance(spec, Mapping):
                raise RubyError("no implicit conversion of Symbol into Integer")
            match = next(
                (
                    ft
                    for ft in existing
                    if ft["id"] == record_id(spec.get("id")) and ft["role"] == spec.get("role")
                ),
                None,
            )
            if match is None:
                kept.add(_add_field_type(tx, ot, spec)["id"])
                continue
            tx.update("field_types", match["id"], _field_type_values(spec))
            _sync_afts(tx, match, spec.get("allowable_field_types"))
            kept.add(match["id"])
        for ft in existing:
            if ft["id"] not in kept:
                tx.delete("field_types", ft["id"])
    except RubyError:
        return server_error(ctx.request.path)  # an exception, not a validation: no rollback
    return json_response(_render(ctx, ot, INDEX_METHODS))


# -- code ---------------------------------------------------------------------------------------


def _new_code(
    tx: RailsTransaction, parent: Row, parent_class: str, name: Any, content: Any, user: Row
) -> Row:
    return tx.insert(
        "codes",
        {
            "name": name,
            "content": content,
            "parent_id": parent["id"],
            "parent_class": parent_class,
            "user_id": user["id"],
        },
    )


def _code_response(ctx: Context, row: Row) -> Response:
    return json_response(Renderer(ctx.store, ctx.base_url).columns("Code", row))


def operation_type_code(ctx: Context) -> Response:
    """``POST /operation_types/code``: a new version of one of an operation type's codes."""
    params = ctx.params
    assert ctx.user is not None
    if ruby_truthy(params.get("no_edit")):
        return json_response({})
    ot = ctx.store.get("operation_types", record_id(params.get("id")))
    if ot is None:
        return json_response({"error": "invalid operation type"}, 422)
    tx = RailsTransaction(ctx.store)
    row = _new_code(tx, ot, "OperationType", params.get("name"), params.get("content"), ctx.user)
    return _code_response(ctx, row)


def library_code(ctx: Context) -> Response:
    """``POST /libraries/code``: a new version of a library's ``source``."""
    params = ctx.params
    assert ctx.user is not None
    if ruby_truthy(params.get("no_edit")):
        return json_response({})
    library = find(ctx.store, "Library", params.get("id"), NotFound)
    tx = RailsTransaction(ctx.store)
    return _code_response(
        ctx, _new_code(tx, library, "Library", "source", params.get("content"), ctx.user)
    )


def create_library(ctx: Context) -> Response:
    """``POST /libraries.json``: the library, then its ``source`` code (a missing ``source``
    fails after the library was saved)."""
    store, params = ctx.store, ctx.params
    assert ctx.user is not None
    values = attributes(store, "libraries", {k: params.get(k) for k in ("name", "category")})
    candidate = {c.name: None for c in store.table("libraries").columns}
    if validate(store, "Library", {**candidate, **values}):
        return server_error(ctx.request.path)
    tx = RailsTransaction(store)
    library = tx.insert("libraries", values)
    source = params.get("source")
    if not isinstance(source, Mapping):
        return server_error(ctx.request.path)
    _new_code(tx, library, "Library", "source", source.get("content"), ctx.user)
    return json_response(Renderer(store, ctx.base_url).columns("Library", library))


U = Auth.UP_TO_DATE
ROUTES: list[Route] = [
    Route("GET", "/operation_types", admin_gate(index), U),
    Route("POST", "/operation_types/code", operation_type_code, U),
    Route("POST", "/operation_types", admin_gate(create_operation_type), U),
    Route("PUT", "/operation_types/:id", admin_gate(update_operation_type), U),
    Route("POST", "/libraries/code", library_code, U),
    Route("POST", "/libraries", admin_gate(create_library), U),
]
