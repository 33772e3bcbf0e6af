"""JsonController: the generic query endpoint and its save/delete/current/items siblings.

``POST /json`` follows protocol section 3.2 step by step: model whitelist, include validation,
method check, dispatch (find by id, where, all, find_by_name, find, new), DataAssociation's
"most recent per key" quirk, serialisation. Every failure is 422 ``{"errors": "<message>"}`` with
the real server's message. ``POST /json/save`` is a full overwrite of every column (section 5.1);
``POST /json/delete`` deletes only DataAssociations its permission rules allow (5.2).

Deliberate departures (safety): ``/json/save`` refuses User, Membership and Group (the real server
lets anyone rewrite passwords or grant admin); secrets are never rendered.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from ..casting import (
    INT_MAX,
    INT_MIN,
    CastError,
    from_user,
    interpolate,
    no_method,
    not_found_message,
    record_id,
    ruby_inspect,
    ruby_to_i,
    ruby_truthy,
)
from ..conditions import QueryError, compile_where
from ..domain.planning import plan_operations, step
from ..domain.records import find
from ..domain.transaction import RailsTransaction
from ..errors import NotFound, server_error
from ..render import (
    Renderer,
    RenderError,
    is_admin,
    parse_include,
    parse_methods,
    validate_include,
)
from ..routing import Context, Route
from ..store import Row, Store, index_key
from ..tables import MODELS, TABLES
from ..validations import foreign_key_violation, not_null_violation, unique_violation, validate
from ..wire import Response, errors_response, json_response

QUERY_METHODS = ("all", "where", "find", "find_by_name", "new")
#: Models ``/json/save`` refuses: writing them would let any user take over accounts or admin.
SAVE_REFUSED = frozenset({"User", "Membership", "Group"})
_CONSTANT = re.compile(r"^[A-Z]\w*$")
#: The largest ``LIMIT``/``OFFSET`` MySQL's grammar reads as a number (an unsigned 64-bit value).
MYSQL_MAX_LIMIT = 2**64 - 1
LOG = logging.getLogger("aqfake")


class JsonError(Exception):
    """A ``/json`` failure the real server reports as 422 ``{"errors": "<message>"}``."""


_QUERY_ERRORS = (JsonError, QueryError, RenderError)


# -- POST /json ----------------------------------------------------------------------------


def run_query(store: Store, params: Mapping[str, Any], base_url: str = "") -> Any:
    """Answer a ``/json`` body (already deep-munged) with the JSON value Aquarium would return.

    Raises :class:`JsonError`, :class:`QueryError` or :class:`RenderError` where Aquarium
    answers 422; their message is the ``errors`` string.
    """
    model_name = _resolve_model(params.get("model"))
    include = params.get("include")
    if include is not None:
        validate_include(model_name, include)
    method = params.get("method")
    has_id = ruby_truthy(params.get("id"))
    if method is not None and method not in QUERY_METHODS:
        raise JsonError(f"Illegal method {interpolate(method)} requested from front end.")
    if method is None and not has_id:
        raise JsonError("Query method expected")
    with store.lock:
        if has_id:
            result: Any = _find(store, model_name, [params["id"]])
        else:
            result = _DISPATCH[str(method)](store, model_name, params)
        if model_name == "DataAssociation" and "id" not in params:
            result = _most_recent_per_key(result, method)
        return _serialise(store, model_name, result, include, params.get("methods"), base_url)


def _resolve_model(name: Any) -> str:
    if name is None:
        raise JsonError("Bad parameters: No model name given")
    if not isinstance(name, str):
        raise JsonError(no_method("constantize", name))
    if not _CONSTANT.match(name):
        raise JsonError(f"wrong constant name {name}")
    if name not in MODELS:
        raise JsonError(f"uninitialized constant {name}")
    return name


def _plural(name: str) -> str:
    if name.endswith("y") and name[-2:-1] not in "aeiou":
        return name[:-1] + "ies"
    return name + ("es" if name.endswith(("s", "x", "ch", "sh")) else "s")


def _find(store: Store, model_name: str, args: list[Any]) -> Any:
    """``Model.find(*args)``: a record, or a list when the first argument is a list."""
    expects_array = bool(args) and isinstance(args[0], list)
    ids: list[Any] = []
    for value in _flatten(args):
        if value is not None and value not in ids:
            ids.append(value)
    table = MODELS[model_name].table
    if not ids:
        raise JsonError(f"Couldn't find {model_name} without an ID")
    if any(_out_of_range(i) for i in ids):
        # Rails' find rescues the RangeError its integer cast raises
        raise JsonError(f"Couldn't find {model_name} with an out of range ID")
    if len(ids) == 1:
        row = find(store, model_name, ids[0], JsonError)
        return [row] if expects_array else row
    found = {record_id(i) for i in ids}
    rows = [r for r in (store.get(table, i) for i in sorted(k for k in found if k)) if r]
    if len(rows) != len(ids):
        wanted = ", ".join(interpolate(i) for i in ids)
        raise JsonError(
            f"Couldn't find all {_plural(model_name)} with 'id': ({wanted}) "
            f"(found {len(rows)} results, but was looking for {len(ids)})"
        )
    return rows


def _out_of_range(value: Any) -> bool:
    """Whether casting ``value`` to the integer ``id`` column raises Rails' RangeError."""
    if isinstance(value, float) and not math.isfinite(value):
        return True
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return not INT_MIN <= int(value) <= INT_MAX
    if isinstance(value, str):
        return not INT_MIN <= ruby_to_i(value) <= INT_MAX
    return False


def _flatten(values: list[Any]) -> list[Any]:
    """Ruby's ``Array#flatten``: nested lists spliced in, to any depth."""
    flat: list[Any] = []
    for value in values:
        flat.extend(_flatten(value) if isinstance(value, list) else [value])
    return flat


def _arguments(params: Mapping[str, Any]) -> list[Any]:
    """``*arguments`` as Ruby splats it: a list as is, nil as nothing, anything else as one."""
    arguments = params.get("arguments")
    if arguments is None:
        return []
    return list(arguments) if isinstance(arguments, list) else [arguments]


def _where(store: Store, model_name: str, params: Mapping[str, Any]) -> list[Row]:
    rows = compile_where(model_name, params.get("arguments")).rows(store)
    options = params.get("options")
    if options is None:
        options = {}
    if not isinstance(options, Mapping):
        raise JsonError(f"undefined method `[]' for {ruby_inspect(options)}")
    if ruby_truthy(options.get("reverse")):
        rows.sort(key=lambda r: r["id"], reverse=True)
        rows.sort(key=lambda r: _time_key(r.get("created_at")), reverse=True)
    if model_name == "DataAssociation" and "id" not in params:
        rows = order_by_key(rows, keep_created_order=ruby_truthy(options.get("reverse")))
    offset = _positive(options.get("offset"))
    limit = _positive(options.get("limit"))
    if offset:
        rows = rows[offset:]
    if limit:
        rows = rows[:limit]
    return rows


def _time_key(value: datetime | None) -> tuple[int, Any]:
    """Sort key putting NULL below every time, as MySQL does."""
    return (0, 0) if value is None else (1, value)


def _positive(value: Any) -> int:
    """``value.to_i`` when that is a positive integer, else 0 (the option is not applied)."""
    if value is None:
        return 0
    if isinstance(value, (bool, dict, list)):
        raise JsonError(no_method("to_i", value))
    if isinstance(value, float) and not math.isfinite(value):
        # Ruby's Float#to_i raises FloatDomainError, whose message is the value itself
        raise JsonError("Infinity" if value > 0 else "-Infinity")
    number = ruby_to_i(value) if isinstance(value, str) else int(value)
    if number > MYSQL_MAX_LIMIT:
        raise QueryError(
            f"Mysql2::Error: You have an error in your SQL syntax; check the manual that "
            f"corresponds to your MySQL server version for the right syntax to use near "
            f"'{str(number)[:80]}' at line 1 (LIMIT and OFFSET take at most {MYSQL_MAX_LIMIT})"
        )
    return number if number > 0 else 0


def order_by_key(rows: list[Row], keep_created_order: bool) -> list[Row]:
    """DataAssociation's extra ``ORDER BY key ASC, updated_at DESC, id DESC`` (after reverse)."""
    ordered = sorted(rows, key=lambda r: r["id"], reverse=True)
    ordered.sort(key=lambda r: _time_key(r.get("updated_at")), reverse=True)
    ordered.sort(key=lambda r: (0, "") if r.get("key") is None else (1, index_key(r["key"])))
    if keep_created_order:
        ordered.sort(key=lambda r: _time_key(r.get("created_at")), reverse=True)
    return ordered


def _most_recent_per_key(result: Any, method: Any) -> list[Row]:
    """Quirk 5: keep the first row of each exact ``key`` across the whole (ordered) result."""
    if not isinstance(result, list) or method not in ("where", "all"):
        shown = "Array" if isinstance(result, list) else "#<DataAssociation>"
        raise JsonError(f"undefined method `order' for {shown}")
    if method == "all":
        result = order_by_key(result, keep_created_order=False)
    seen: set[Any] = set()
    kept: list[Row] = []
    for row in result:
        if row.get("key") not in seen:
            seen.add(row.get("key"))
            kept.append(row)
    return kept


def _all(store: Store, model_name: str, params: Mapping[str, Any]) -> list[Row]:
    return store.rows(MODELS[model_name].table)


def _find_by_name(store: Store, model_name: str, params: Mapping[str, Any]) -> Row | None:
    if TABLES[MODELS[model_name].table].column("name") is None:
        raise JsonError(f"undefined method `find_by_name' for {model_name}:Class")
    args = _arguments(params)
    if len(args) != 1:
        raise JsonError(f"wrong number of arguments (given {len(args)}, expected 1)")
    found = compile_where(model_name, {"name": args[0]}).rows(store)
    return found[0] if found else None


def _find_method(store: Store, model_name: str, params: Mapping[str, Any]) -> Any:
    return _find(store, model_name, _arguments(params))


def _new(store: Store, model_name: str, params: Mapping[str, Any]) -> Row:
    return {c.name: c.default for c in TABLES[MODELS[model_name].table].columns}


_DISPATCH: dict[str, Callable[[Store, str, Mapping[str, Any]], Any]] = {
    "where": _where,
    "all": _all,
    "find_by_name": _find_by_name,
    "find": _find_method,
    "new": _new,
}


def _serialise(
    store: Store, model_name: str, result: Any, include: Any, methods: Any, base_url: str
) -> Any:
    if result is None or result == []:
        return result
    renderer = Renderer(store, base_url)
    specs, names = parse_include(include), parse_methods(methods)
    if isinstance(result, list):
        return [renderer.record(model_name, row, specs, names) for row in result]
    return renderer.record(model_name, result, specs, names)


def query(ctx: Context) -> Response:
    """``POST /json``: the answer, or 422 ``{"errors": "<message>"}`` for *any* failure.

    Aquarium rescues every exception while answering (protocol 3.2), so an error the fake did
    not foresee is a 422 naming it too, never a 500.
    """
    params = ctx.params  # a body the JSON parser refuses stays a 400, as in Rails
    try:
        return json_response(run_query(ctx.store, params, ctx.base_url))
    except _QUERY_ERRORS as exc:
        return errors_response(str(exc))
    except RecursionError:
        return errors_response("stack level too deep")  # Ruby's SystemStackError
    except Exception as exc:
        LOG.warning("aqfake: POST /json failed unexpectedly (%r); answering 422", exc)
        LOG.debug("aqfake: POST /json failure", exc_info=True)
        return errors_response(
            f"aqfake could not answer this query ({type(exc).__name__}: {exc}); "
            "Aquarium answers such failures 422 as well"
        )


# -- POST /json/save and /json/delete ---------------------------------------------------------


def _posted_model(params: Mapping[str, Any]) -> str | None:
    """``params[:model][:model]`` if it names a known model; None where Aquarium raises (500)."""
    spec = params.get("model")
    name = spec.get("model") if isinstance(spec, Mapping) else None
    return name if isinstance(name, str) and name in MODELS else None


def save(ctx: Context) -> Response:
    """``POST /json/save``: create or fully overwrite a record from the body's top-level keys."""
    params, store, path = ctx.params, ctx.store, ctx.request.path
    model_name = _posted_model(params)
    if model_name is None:
        return server_error(path)
    if model_name in SAVE_REFUSED:
        return errors_response(
            f"aqfake refuses /json/save for {model_name}: Aquarium lets any signed-in user rewrite "
            "users, memberships and groups this way (passwords, tokens, admin rights); the fake "
            "does not. Build such rows with aqfake.lab.LabBuilder instead."
        )
    table = MODELS[model_name].table
    with store.lock:
        existing = None
        if ruby_truthy(params.get("id")):
            existing = _find_posted(store, model_name, params["id"])
        try:
            row = {c.name: from_user(c, params.get(c.name)) for c in TABLES[table].columns}
        except (CastError, OverflowError):  # OverflowError: an infinite number in an int column
            return server_error(path)
        _stamp(store, row, existing)
        errors = validate(store, model_name, row)
        if errors:
            return errors_response(errors)
        if not_null_violation(store, table, row) or foreign_key_violation(store, table, row):
            return server_error(path)
        duplicate = unique_violation(store, table, row)
        if duplicate:
            return json_response({"error": duplicate}, 422)
        if existing is None:
            saved = store.insert(table, row)
        elif any(row[k] != existing[k] for k in row):
            saved = store.replace(table, existing["id"], row)
        else:
            saved = existing
        if model_name == "DataAssociation" and saved["parent_class"] == "Plan":
            _step_plan(store, saved["parent_id"])
        return json_response(Renderer(store, ctx.base_url).record(model_name, saved))


def _find_posted(store: Store, model_name: str, raw_id: Any) -> Row:
    """``Model.find(params[:id])`` where a miss escapes as a 404 (out-of-range ids included:
    Rails reports them as not found too)."""
    if _out_of_range(raw_id):
        raise NotFound(f"Couldn't find {model_name} with an out of range value for 'id'")
    return find(store, model_name, raw_id, NotFound)


def _posted_id(value: Any) -> int | None:
    """The id a posted value names, None when it is none or no row could have it."""
    return None if _out_of_range(value) else record_id(value)


def _step_plan(store: Store, plan_id: int | None) -> None:
    """Saving a Plan's data association steps its unsettled operations (protocol 5.1, step 6)."""
    if plan_id is None:
        return
    ops = [op for op in plan_operations(store, plan_id) if op["status"] != "planning"]
    step(RailsTransaction(store), ops)


def _stamp(store: Store, row: Row, existing: Row | None) -> None:
    """Rails timestamps: filled on create; ``updated_at`` bumped on a change it did not make."""
    now = store.clock()
    if existing is None:
        row["id"] = row.get("id") or None
        for name in ("created_at", "updated_at"):
            if name in row and row[name] is None:
                row[name] = now
        return
    row["id"] = existing["id"]
    changed = any(row[k] != existing[k] for k in row)
    if changed and "updated_at" in row and row["updated_at"] == existing["updated_at"]:
        row["updated_at"] = now


def delete(ctx: Context) -> Response:
    """``POST /json/delete``: only DataAssociations, and only where the parent allows it."""
    params, store, path = ctx.params, ctx.store, ctx.request.path
    model_name = _posted_model(params)
    if model_name is None:
        return server_error(path)
    with store.lock:
        row = _find_posted(store, model_name, params.get("id"))
        denied = errors_response([f"Insufficient permission to delete {model_name}"])
        if model_name != "DataAssociation":
            return denied
        parent_class = row.get("parent_class")
        if parent_class not in MODELS:
            return server_error(path)
        parent = store.get(MODELS[parent_class].table, row.get("parent_id"))
        if parent is None:
            raise NotFound(not_found_message(parent_class, row.get("parent_id")))
        if not _may_delete(store, parent_class, parent, ctx.user):
            return denied
        rendered = Renderer(store, ctx.base_url).record(model_name, row)
        store.delete(MODELS[model_name].table, row["id"])
        return json_response(rendered)


def _may_delete(store: Store, parent_class: str, parent: Row, user: Row | None) -> bool:
    """Aquarium's DataAssociation delete permission, by parent class (section 5.2)."""
    if parent_class == "Item":
        return parent.get("sample_id") is not None  # the real check assigns instead of comparing
    if parent_class == "Collection":
        return user is not None and is_admin(store, user)
    return parent_class in ("Operation", "Plan", "OperationType")


# -- GET /json/current and POST /json/items ---------------------------------------------------


def current(ctx: Context) -> Response:
    """``GET /json/current``: the signed-in user with ``is_admin`` and ``groups`` (no secrets)."""
    assert ctx.user is not None  # the route requires a signed-in user
    with ctx.store.lock:
        renderer = Renderer(ctx.store, ctx.base_url)
        return json_response(renderer.record("User", ctx.user, methods=("is_admin",)))


def items(ctx: Context) -> Response:
    """``POST /json/items``: items (or collection slots) of a sample with an object type."""
    params, store = ctx.params, ctx.store
    with store.lock:
        sample = store.get("samples", _posted_id(params.get("sid")))
        object_type = store.get("object_types", _posted_id(params.get("oid")))
        renderer = Renderer(store, ctx.base_url)
        try:
            if sample is None:
                if object_type is None:
                    return errors_response(
                        "Could not find sample: "
                        + not_found_message("ObjectType", params.get("oid"))
                    )
                rows = [
                    r
                    for r in store.lookup("items", object_type_id=object_type["id"])
                    if r["location"] is not None and index_key(r["location"]) != "deleted"
                ]
                return json_response([renderer.columns("Item", r) for r in rows[:25]])
            if object_type is None:
                return json_response([])
            if object_type.get("handler") == "collection":
                return json_response(_collection_slots(renderer, sample, object_type))
            found = store.lookup("items", sample_id=sample["id"], object_type_id=object_type["id"])
            specs = parse_include("object_type")
            return json_response(
                [
                    renderer.record("Item", r, specs)
                    for r in found
                    if index_key(r["location"] or "") != "deleted"
                ]
            )
        except RenderError as exc:
            return errors_response(str(exc))


def _collection_slots(renderer: Renderer, sample: Row, object_type: Row) -> list[dict[str, Any]]:
    store = renderer.store
    slots: dict[int, tuple[int, int]] = {}
    for part in store.lookup("items", sample_id=sample["id"]):
        for link in store.lookup("part_associations", part_id=part["id"]):
            collection = store.get("items", link["collection_id"])
            if (
                collection is None
                or collection["object_type_id"] != object_type["id"]
                or index_key(collection["location"] or "") == "deleted"
            ):
                continue
            position = (link["row"], link["column"])
            if collection["id"] not in slots or position < slots[collection["id"]]:
                slots[collection["id"]] = position
    out = []
    for collection_id in sorted(slots):
        row, column = slots[collection_id]
        collection = store.get("items", collection_id)
        assert collection is not None
        rendered = renderer.record("Collection", collection, methods=("matrix",))
        out.append({"row": row, "column": column, "collection": rendered})
    return out


ROUTES: list[Route] = [
    Route("POST", "/json", query),
    Route("POST", "/json/save", save),
    Route("POST", "/json/delete", delete),
    Route("GET", "/json/current", current),
    Route("POST", "/json/items", items),
]
