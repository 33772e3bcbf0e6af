"""Items and collections: ``/items/make|move|store`` and ``/collections`` (protocol 5.8-5.11).

Each handler follows its ``ItemsController`` / ``CollectionsController`` action: a missing record
named in the URL is a 404 (``.json`` URLs get the JSON 404), an exception Aquarium does not
rescue is its 500, and refusals come back the way the server words them -- ``items/move``
answers 200 ``{"error": ...}``, ``items/store`` 422 ``{"error": ...}``.

Quirks reproduced: ``items/make`` for a collection type ignores the sample, stores
``{"matrix":[]}`` in ``data`` and leaves the collection without a location (the handler resets
it after ``Item.make`` placed it); ``assign_sample`` / ``delete_selection`` answer 302 to
``/collections/:id``; row and column are Ruby array indexes there (negative ones count from the
end, a row past the last one is a 500).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..casting import RubyError, interpolate, no_method, record_id
from ..domain.inventory import (
    array_index,
    begin,
    make_item,
    mark_as_deleted,
    move_to,
    new_collection,
    part_grid,
    ruby_index,
    set_part,
    store_item,
)
from ..domain.records import associate, find
from ..errors import NotFound, redirect, server_error
from ..render import Renderer, RenderError, parse_include
from ..routing import Context, Route
from ..store import Row
from ..validations import Errors, full_messages
from ..wire import Response, json_response
from .json import order_by_key

COLLECTION_DATA = '{"matrix":[]}'
_PART_INCLUDE = parse_include([{"sample": {"include": "sample_type"}}, "object_type"])
_LOCATOR_INCLUDE = parse_include(["locator"])


# -- items -------------------------------------------------------------------------------------


def items_make(ctx: Context, sample_id: str, object_type_id: str) -> Response:
    """``GET /items/make/:sid/:oid``: a new item of the type (in the next wizard slot)."""
    store = ctx.store
    object_type = find(store, "ObjectType", object_type_id, NotFound)
    log = begin(store)
    try:
        if object_type.get("handler") == "collection":
            item = make_item(log, object_type, data=COLLECTION_DATA)
            move_to(log, item, None)
        else:
            item = make_item(log, object_type, sample_id)
        fresh = store.get("items", item["id"]) or item
        rendered = Renderer(store, ctx.base_url).record("Item", fresh, _LOCATOR_INCLUDE)
    except (RubyError, RenderError):
        return server_error(ctx.request.path)
    return json_response({"item": rendered})


def _refusal(item: Row, location: Any, errors: Errors) -> dict[str, str]:
    """The ``error`` answer of a move Aquarium refused (its errors' full messages)."""
    reasons = ", ".join(full_messages(errors))
    return {"error": f"Could not move item {item['id']} to {interpolate(location)}: {reasons}"}


def items_move(ctx: Context, id: str) -> Response:
    """``GET /items/move/:id?location=``: 200 with a ``message``, or 200 with an ``error``."""
    store = ctx.store
    item = find(store, "Item", id, NotFound)
    location = ctx.params.get("location")
    try:
        errors = move_to(begin(store), item, location)
        fresh = store.get("items", item["id"]) or item
        where = Renderer(store, ctx.base_url).item_location(fresh)
    except (RubyError, RenderError):
        return server_error(ctx.request.path)
    if errors:
        return json_response(_refusal(item, location, errors))
    return json_response({"message": f"Item {item['id']} successfully moved to {where}"})


def items_store(ctx: Context, id: str) -> Response:
    """``GET /items/store/:id``: the item in its next wizard slot (or ``Bench``), or 422."""
    item = find(ctx.store, "Item", id, NotFound)
    try:
        errors = store_item(begin(ctx.store), item)
        fresh = ctx.store.get("items", item["id"]) or item
        rendered = Renderer(ctx.store, ctx.base_url).record("Item", fresh)
    except (RubyError, RenderError):
        return server_error(ctx.request.path)
    if errors:
        return json_response(_refusal(item, ctx.params.get("location"), errors), 422)
    return json_response(rendered)


# -- collections -------------------------------------------------------------------------------


def collections_new(ctx: Context, object_type_id: str) -> Response:
    """``PUT /collections/:object_type_id``: a new, empty collection (body ignored)."""
    object_type = find(ctx.store, "ObjectType", object_type_id, NotFound)
    try:
        row = new_collection(begin(ctx.store), object_type)
        fresh = ctx.store.get("items", row["id"]) or row
        return json_response(Renderer(ctx.store, ctx.base_url).record("Collection", fresh))
    except (RubyError, RenderError):
        return server_error(ctx.request.path)


def collections_show(ctx: Context, id: str) -> Response:
    """``GET /collections/:id``: the collection with its ``part_matrix``."""
    store = ctx.store
    collection = find(store, "Collection", id, NotFound)
    renderer = Renderer(store, ctx.base_url)
    try:
        out = renderer.record("Collection", collection)
        matrix = []
        for line in part_grid(store, collection):
            matrix.append([None if part is None else _part_json(renderer, part) for part in line])
    except (RubyError, RenderError):
        return server_error(ctx.request.path)
    out["part_matrix"] = matrix
    return json_response(out)


def _part_json(renderer: Renderer, part: Row) -> dict[str, Any]:
    out = renderer.record("Item", part, _PART_INCLUDE)
    associations = renderer.store.lookup(
        "data_associations", parent_class="Item", parent_id=part["id"]
    )
    ordered = order_by_key(associations, keep_created_order=False)
    out["data_associations"] = [renderer.record("DataAssociation", da) for da in ordered]
    return out


def _pairs(raw: Any) -> list[tuple[Any, Any]]:
    """``pairs.each do |r, c|``: each element destructured into two values."""
    if isinstance(raw, Mapping):
        return [(k, v) for k, v in raw.items()]
    if not isinstance(raw, list):
        raise RubyError(no_method("each", raw))
    out = []
    for pair in raw:
        if isinstance(pair, list):
            out.append((pair[0] if pair else None, pair[1] if len(pair) > 1 else None))
        else:
            out.append((pair, None))
    return out


def assign_sample(ctx: Context, id: str) -> Response:
    """``POST /collections/:id/assign_sample``: reassign or create parts, then 302 to show."""
    store = ctx.store
    collection = find(store, "Collection", id, NotFound)
    sample = find(store, "Sample", ctx.params.get("sample_id"), NotFound)
    log = begin(store)
    try:
        grid = part_grid(store, collection)
        for r, c in _pairs(ctx.params.get("pairs")):
            line = ruby_index(grid, array_index(r))
            if line is None:
                raise RubyError("undefined method `[]' for nil:NilClass")
            part = ruby_index(line, array_index(c))
            if part is None:
                set_part(log, collection, r, c, sample["id"])
                continue
            old = part["sample_id"]
            log.update("items", part["id"], {"sample_id": sample["id"]})
            message = (
                f"The sample at {interpolate(r)}, {interpolate(c)} was changed from "
                f"{interpolate(old)} to {sample['id']}."
            )
            associate(
                log, "Collection", collection["id"], "Sample Reassigned", message, duplicates=True
            )
    except RubyError:
        return server_error(ctx.request.path)
    return redirect(f"{ctx.base_url}/collections/{id}")


def delete_selection(ctx: Context, id: str) -> Response:
    """``POST /collections/:id/delete_selection``: mark the parts deleted, then 302 to show."""
    store = ctx.store
    collection = find(store, "Collection", id, NotFound)
    log = begin(store)
    try:
        for r, c in _pairs(ctx.params.get("pairs")):
            if isinstance(r, (dict, list)) or isinstance(c, (dict, list)):
                raise RubyError("unsupported value in a where condition")
            links = store.lookup(
                "part_associations",
                collection_id=collection["id"],
                row=record_id(r),
                column=record_id(c),
            )
            if not links:
                continue
            link = links[0]
            part = store.get("items", link["part_id"])
            if part is None:
                raise RubyError("undefined method `mark_as_deleted' for nil:NilClass")
            mark_as_deleted(log, part)
            log.delete("part_associations", link["id"])
            message = (
                f"The sample at {interpolate(r)}, {interpolate(c)} was deleted. It used to be "
                f"sample {interpolate(part['sample_id'])} via deleted part {part['id']}."
            )
            associate(log, "Collection", collection["id"], "Part Deleted", message, duplicates=True)
    except RubyError:
        return server_error(ctx.request.path)
    return redirect(f"{ctx.base_url}/collections/{id}")


ROUTES: list[Route] = [
    Route("GET", "/items/make/:sample_id/:object_type_id", items_make),
    Route("GET", "/items/move/:id", items_move),
    Route("GET", "/items/store/:id", items_store),
    Route("PUT", "/collections/:object_type_id", collections_new),
    Route("POST", "/collections/:id/assign_sample", assign_sample),
    Route("POST", "/collections/:id/delete_selection", delete_selection),
    Route("GET", "/collections/:id", collections_show),
]
