"""Object types and sample types: ``/object_types`` and ``/sample_types`` (protocol 5.12, 5.13).

pydent posts an object type's bare dump; Rails' ``wrap_parameters`` copies the keys that are
column names under ``object_type`` (and likewise ``sample_type`` for sample types), and mass
assignment then keeps only the attributes the model whitelists (production drops the rest
silently). ``POST /object_types.json`` answers 201 or 422 with the bare errors object;
``PUT /object_types/:id.json`` answers **204 with no body** (pydent then fails to parse it).
``POST /sample_types.json`` answers 200 ``{"sample_type": ...}`` or 200 ``{"errors": {...}}``;
field types are saved after the sample type, without a transaction, so a failure among them
(500 ``{"errors": "..."}``) leaves what was written before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from ..casting import (
    CastError,
    RubyError,
    from_user,
    no_method,
    record_id,
    ruby_each,
    ruby_truthy,
)
from ..domain.inventory import begin
from ..domain.records import find
from ..domain.transaction import Transaction
from ..errors import NotFound, redirect, server_error
from ..render import Renderer, RenderError
from ..routing import Auth, Context, Route
from ..store import Row, Store
from ..validations import (
    Errors,
    errors_object,
    foreign_key_violation,
    full_messages,
    model_errors,
    validate,
)
from ..wire import Response, deep_munge, html_response, json_response

#: ``attr_accessible`` of ObjectType (``rows``/``columns`` are set separately, for collections).
OBJECT_TYPE_ATTRIBUTES = (
    "cleanup",
    "data",
    "description",
    "max",
    "min",
    "safety",
    "vendor",
    "unit",
    "image",
    "cost",
    "release_method",
    "release_description",
    "sample_type_id",
    "created_at",
    "prefix",
    "name",
    "handler",
)
SAMPLE_TYPE_ATTRIBUTES = ("name", "description")
#: What ``field_types.create(raw)`` may set on a new field type (parent comes from the scope).
FIELD_TYPE_ATTRIBUTES = (
    "name",
    "ftype",
    "choices",
    "array",
    "required",
    "role",
    "part",
    "routing",
    "preferred_operation_type_id",
    "preferred_field_type_id",
)
FIELD_TYPE_UPDATES = ("name", "ftype", "required", "array", "choices")
PREFIX_LOCKED = (
    "Cannot change location wizard to {prefix} because there are items associated with this "
    "object type using the current wizard whose locations might get messed up. To change the "
    "wizard, (a) write down all the item numbers; (b) delete all the items; (c) change the "
    "location wizard; (d) undelete all the items by changing their locations to a location "
    "that works with the new location wizard."
)


def wrapped(ctx: Context, key: str, table: str) -> Any:
    """``params[key]`` after ``wrap_parameters``: the body's own ``key`` if it has one, else
    the body's column-name keys (JSON bodies only)."""
    body = deep_munge(ctx.request.raw_json())
    if isinstance(body, Mapping) and ruby_truthy(body.get(key)):
        return ctx.params.get(key)
    if "json" not in ctx.request.header("Content-Type").lower():
        return ctx.params.get(key)
    fields = body if isinstance(body, Mapping) else {}
    columns = ctx.store.table(table).column_names
    return {name: value for name, value in fields.items() if name in columns}


def assign(store: Store, table: str, attrs: Mapping[str, Any], names: tuple[str, ...]) -> Row:
    """Mass assignment: the whitelisted keys present in ``attrs``, cast as Rails casts them."""
    columns = store.table(table)
    out: Row = {}
    for name in names:
        column = columns.column(name)
        if name in attrs and column is not None:
            out[name] = from_user(column, attrs[name])
    return out


# -- object types ------------------------------------------------------------------------------


def _object_type_values(store: Store, attrs: Mapping[str, Any]) -> Row:
    values = assign(store, "object_types", attrs, OBJECT_TYPE_ATTRIBUTES)
    if attrs.get("handler") == "collection":
        values.update(assign(store, "object_types", attrs, ("rows", "columns")))
    return values


def create_object_type(ctx: Context, format: str | None = None) -> Response:
    """``POST /object_types.json``: 201 with the object type, or 422 with its errors (the HTML
    format redirects to the list, or shows the form again)."""
    store, path = ctx.store, ctx.request.path
    attrs = wrapped(ctx, "object_type", "object_types")
    if not isinstance(attrs, Mapping):
        return server_error(path)
    try:
        values = _object_type_values(store, attrs)
    except CastError:
        return server_error(path)
    candidate = {c.name: values.get(c.name) for c in store.table("object_types").columns}
    errors = model_errors(store, "ObjectType", candidate)
    if errors:
        if format != "json":
            return _form_page("New object type", errors)
        return json_response(errors_object(errors), 422)
    if foreign_key_violation(store, "object_types", candidate):
        return server_error(path)
    row = begin(store).insert("object_types", values)
    if format != "json":
        return redirect(f"{ctx.base_url}/object_types")
    rendered = Renderer(store, ctx.base_url).record("ObjectType", row)
    return json_response(rendered, 201, [("Location", f"{ctx.base_url}/object_types/{row['id']}")])


def _wizard_items(store: Store, object_type: Row) -> int:
    """Items of the type that a locator holds (``Item.joins(:locator)``)."""
    return sum(
        1
        for item in store.lookup("items", object_type_id=object_type["id"])
        if store.first("locators", item_id=item["id"]) is not None
    )


def update_object_type(ctx: Context, id: str, format: str | None = None) -> Response:
    """``PUT /object_types/:id.json``: 204 and no body, or 422 with the errors (the HTML format
    redirects to the list, or back to the edit form)."""
    store, path = ctx.store, ctx.request.path
    object_type = find(store, "ObjectType", id, NotFound)
    attrs = wrapped(ctx, "object_type", "object_types")
    if not isinstance(attrs, Mapping):
        return server_error(path)
    prefix = attrs.get("prefix")
    if prefix != object_type["prefix"] and _wizard_items(store, object_type):
        return _edit_page(
            object_type, PREFIX_LOCKED.format(prefix="" if prefix is None else prefix)
        )
    try:
        changes = _object_type_values(store, attrs)
    except CastError:
        return server_error(path)
    errors = model_errors(store, "ObjectType", {**object_type, **changes})
    if errors:
        if format != "json":
            return redirect(f"{ctx.base_url}/object_types/{object_type['id']}/edit")
        return json_response(errors_object(errors), 422)
    if foreign_key_violation(store, "object_types", {**object_type, **changes}):
        return server_error(path)
    begin(store).update("object_types", object_type["id"], changes)
    if format != "json":
        return redirect(f"{ctx.base_url}/object_types")
    return Response(204)


def _form_page(title: str, errors: Errors) -> Response:
    """The object type form again, listing what is wrong (the HTML ``render action: 'new'``)."""
    items = "".join(f"<li>{escape(m)}</li>" for m in full_messages(errors))
    return html_response(
        f"<!DOCTYPE html>\n<html>\n<head><title>{title}</title></head>\n<body>\n"
        f'<ul class="errors">{items}</ul>\n<h1>{title}</h1>\n</body>\n</html>\n'
    )


def _edit_page(object_type: Row, message: str) -> Response:
    """The HTML edit form Aquarium renders when the prefix may not change."""
    name = escape(str(object_type["name"]))
    return html_response(
        f"<!DOCTYPE html>\n<html>\n<head><title>Edit {name}</title></head>\n<body>\n"
        f'<div class="alert alert-error">{escape(message)}</div>\n'
        f"<h1>Editing object type {name}</h1>\n</body>\n</html>\n"
    )


# -- sample types ------------------------------------------------------------------------------


def list_sample_types(ctx: Context, format: str | None = None) -> Response:
    """``GET /sample_types.json``: every sample type by name, with field types and their AFTs."""
    rows = ctx.store.rows("sample_types")
    if any(row["name"] is None for row in rows):
        return server_error(ctx.request.path)  # Ruby cannot compare nil names
    rows.sort(key=lambda row: str(row["name"]).encode("utf-8"))
    if format != "json":
        items = "".join(f"<li>{escape(str(row['name']))}</li>" for row in rows)
        return html_response(f"<!DOCTYPE html>\n<html><body><ul>{items}</ul></body></html>\n")
    renderer = Renderer(ctx.store, ctx.base_url)
    return json_response([renderer.record("SampleType", r, methods=("field_types",)) for r in rows])


def create_sample_type(ctx: Context) -> Response:
    """``POST /sample_types.json``: the sample type, then its field types."""
    store = ctx.store
    attrs = wrapped(ctx, "sample_type", "sample_types")
    try:
        if not isinstance(attrs, Mapping):
            raise RubyError(no_method("except", attrs))
        values = assign(store, "sample_types", attrs, SAMPLE_TYPE_ATTRIBUTES)
        errors = validate(store, "SampleType", values)
        if errors:
            return json_response({"errors": errors})
        log = begin(store)
        row = log.insert("sample_types", values)
        FieldTypeSaver(log, row).save(attrs.get("field_types"))
        rendered = Renderer(store, ctx.base_url).record("SampleType", row)
    except (RubyError, CastError, RenderError) as exc:
        return json_response({"errors": str(exc)}, 500)
    return json_response({"sample_type": rendered})


def update_sample_type(ctx: Context, id: str) -> Response:
    """``PUT /sample_types/:id``: the record named by the body's ``id`` (not the URL's)."""
    store, path = ctx.store, ctx.request.path
    raw = wrapped(ctx, "sample_type", "sample_types")
    if not isinstance(raw, Mapping):
        return server_error(path)
    sample_type = find(store, "SampleType", raw.get("id"), NotFound)
    try:
        changes = assign(
            store,
            "sample_types",
            {"name": None, "description": None, **raw},
            SAMPLE_TYPE_ATTRIBUTES,
        )
        log = begin(store)
        if not validate(store, "SampleType", {**sample_type, **changes}):
            log.update("sample_types", sample_type["id"], changes)
        FieldTypeSaver(log, sample_type).save(raw.get("field_types"))
        current = store.get("sample_types", sample_type["id"]) or sample_type
        rendered = Renderer(store, ctx.base_url).record("SampleType", {**current, **changes})
    except (RubyError, CastError, RenderError):
        return server_error(path)
    return json_response({"sample_type": rendered})


class FieldTypeSaver:
    """``FieldTyper#save_field_types``: create, update or destroy field types and their AFTs."""

    def __init__(self, log: Transaction, parent: Row, parent_class: str = "SampleType") -> None:
        self.log = log
        self.store = log.store
        self.parent = parent
        self.parent_class = parent_class

    def save(self, raw_field_types: Any) -> None:
        """Create, update or delete the posted field types and their allowable field types."""
        if not ruby_truthy(raw_field_types):
            return
        for raw_ft in ruby_each(raw_field_types):
            if not isinstance(raw_ft, Mapping):
                raise RubyError("no implicit conversion of Symbol into Integer")
            field_type = self._field_type(raw_ft)
            afts = raw_ft.get("allowable_field_types")
            if ruby_truthy(raw_ft.get("deleted")) or not ruby_truthy(afts):
                continue
            for raw_aft in ruby_each(afts):
                if not isinstance(raw_aft, Mapping):
                    raise RubyError("no implicit conversion of Symbol into Integer")
                self._allowable(field_type, raw_aft)

    def _field_type(self, raw_ft: Mapping[str, Any]) -> Row | None:
        if ruby_truthy(raw_ft.get("id")):
            if ruby_truthy(raw_ft.get("deleted")):
                found = self.store.get("field_types", record_id(raw_ft["id"]))
                if found is not None:
                    self.log.delete("field_types", found["id"])
                return None
            existing = find(self.store, "FieldType", raw_ft["id"])
            changes = assign(self.store, "field_types", raw_ft, FIELD_TYPE_UPDATES)
            if not validate(self.store, "FieldType", {**existing, **changes}):
                return self.log.update("field_types", existing["id"], changes)
            return existing
        values = assign(self.store, "field_types", raw_ft, FIELD_TYPE_ATTRIBUTES)
        values.update(parent_class=self.parent_class, parent_id=self.parent["id"])
        if validate(self.store, "FieldType", values):
            return None  # not saved: creating its AFTs then fails
        return self.log.insert("field_types", values)

    def _allowable(self, field_type: Row | None, raw_aft: Mapping[str, Any]) -> None:
        if ruby_truthy(raw_aft.get("id")):
            aft = find(self.store, "AllowableFieldType", raw_aft["id"])
            if ruby_truthy(raw_aft.get("deleted")):
                self.log.delete("allowable_field_types", aft["id"])
                return
            changes = assign(
                self.store, "allowable_field_types", raw_aft, ("sample_type_id", "object_type_id")
            )
            self._check({**aft, **changes})
            self.log.update("allowable_field_types", aft["id"], changes)
            return
        if field_type is None:
            raise RubyError("You cannot call create unless the parent is saved")
        values = assign(
            self.store, "allowable_field_types", raw_aft, ("sample_type_id", "object_type_id")
        )
        values["field_type_id"] = field_type["id"]
        self._check(values)
        self.log.insert("allowable_field_types", values)

    def _check(self, row: Mapping[str, Any]) -> None:
        violation = foreign_key_violation(self.store, "allowable_field_types", row)
        if violation is not None:
            raise RubyError(violation)


ROUTES: list[Route] = [
    Route("POST", "/object_types", create_object_type),
    Route("PUT", "/object_types/:id", update_object_type),
    Route("GET", "/sample_types", list_sample_types, Auth.UP_TO_DATE),
    Route("POST", "/sample_types", create_sample_type, Auth.UP_TO_DATE),
    Route("PUT", "/sample_types/:id", update_sample_type, Auth.UP_TO_DATE),
]
