"""PlansController and LauncherController: the plan show format, save (Aquarium's "Marshall"),
delete, submit, replan and cost estimates (protocol sections 5.17 and 5.18).

Saving follows Aquarium step by step inside one transaction: the plan, then each operation and
its field values (remembering ``rid -> id``), then new wires from ``from.rid``/``to.rid``, then the
layout with its ``rid`` references rewritten. Any Ruby exception rolls everything back and answers
422 with the exception's message (``"Mashall failed"`` first on create, Aquarium's spelling).
"""

from __future__ import annotations

from typing import Any

from ..casting import (
    RubyError,
    dig,
    index_error,
    nil_error,
    not_found_message,
    params_each,
    rails_json,
    record_id,
    ruby_class,
    ruby_truthy,
)
from ..domain.planning import (
    add_operation,
    add_wire,
    copy_plan,
    destroy_plan,
    field_values,
    operation_costs,
    plan_operations,
    plan_wires,
    remove_operation,
    submit,
)
from ..domain.records import find
from ..domain.transaction import RailsTransaction
from ..errors import NotFound, redirect, server_error
from ..render import Renderer, is_admin
from ..routing import Auth, Context, Route
from ..store import Row, Store
from ..wire import Response, json_response

# -- GET /plans/:id.json -------------------------------------------------------------------------


def serialize_plan(store: Store, plan: Row, base_url: str = "") -> dict[str, Any]:
    """The planner's plan JSON (``Serialize.serialize``): operations with field values, their
    field types and job associations, the wires touching them, and the layout string."""
    r = Renderer(store, base_url)
    operations = plan_operations(store, plan["id"])
    type_ids = {op["operation_type_id"] for op in operations}
    field_types = {
        ft["id"]: ft
        for type_id in type_ids
        for ft in store.lookup("field_types", parent_class="OperationType", parent_id=type_id)
    }
    ops_json = []
    for op in operations:
        values = []
        for fv in field_values(store, op["id"]):
            fv_json = r.columns("FieldValue", fv)
            field_type = field_types.get(fv["field_type_id"])
            if field_type is not None:
                fv_json["field_type"] = r.record("FieldType", field_type)
            values.append(fv_json)
        jobs = []
        for ja in store.lookup("job_associations", operation_id=op["id"]):
            ja_json = r.columns("JobAssociation", ja)
            job = store.get("jobs", ja["job_id"])
            if job is not None:
                ja_json["job"] = r.columns("Job", job, exclude=("state",))
            jobs.append(ja_json)
        ops_json.append(
            {**r.columns("Operation", op), "field_values": values, "job_associations": jobs}
        )
    columns = r.columns("Plan", plan)
    head = ("id", "name", "budget_id", "folder", "user_id", "created_at", "updated_at", "status")
    return {
        **{key: columns[key] for key in head},
        "operations": ops_json,
        "wires": [r.columns("Wire", w) for w in plan_wires(store, operations, both_ends=False)],
        "layout": plan["layout"],
    }


def show(ctx: Context, id: str, format: str | None = None) -> Response:
    """``GET /plans/:id.json``; without ``.json`` the planner page (a redirect) is answered."""
    if format != "json":
        return redirect(f"{ctx.base_url}/plans?id={id}")
    plan = ctx.store.get("plans", record_id(id))
    if plan is None:
        return json_response({"errors": f"Could not find plan with id {id}"}, 404)
    return json_response(serialize_plan(ctx.store, plan, ctx.base_url))


# -- POST /plans.json and PUT /plans/:id.json ("Marshall") ---------------------------------------


class Marshaller:
    """One plan save: writes through a transaction and maps the client's ``rid``s to ids."""

    def __init__(self, tx: RailsTransaction, user: Row) -> None:
        self.tx = tx
        self.store = tx.store
        self.user = user
        self.ids: dict[int, int] = {}

    def map_id(self, rid: Any, row_id: int) -> None:
        """Remember that the client's ``rid`` is row ``row_id``; Ruby's error for other rids."""
        if not isinstance(rid, int) or isinstance(rid, bool):
            kind = "nil" if rid is None else ruby_class(rid)
            raise RubyError(
                f"no implicit conversion from {kind} to integer"
                if rid is None
                else f"no implicit conversion of {kind} into Integer"
            )
        self.ids[rid] = row_id

    def mapped(self, rid: Any) -> int | None:
        """The row id saved for ``rid`` in this save, or None."""
        return self.ids.get(rid) if isinstance(rid, int) else None

    # operations --------------------------------------------------------------------------

    def operations(self, plan: Row, entries: Any) -> list[int]:
        """Save the posted operations (new ones joined to ``plan``); their ids, in order."""
        ids: list[int] = []
        for entry in params_each(entries):
            if not isinstance(entry, dict):
                raise index_error(entry)
            try:
                if ruby_truthy(entry.get("id")):
                    operation = self.update_operation(entry)
                else:
                    operation = self.create_operation(entry)
                    add_operation(self.tx, plan["id"], operation["id"])
                self.map_id(entry.get("rid"), operation["id"])
            except RubyError as exc:
                raise RubyError(f"Marshalling error: {exc}") from exc
            ids.append(operation["id"])
        return ids

    def create_operation(self, entry: dict[str, Any]) -> Row:
        """Insert a new operation in ``planning`` status, with its field values."""
        operation_type = find(self.store, "OperationType", entry.get("operation_type_id"))
        operation = self.tx.insert(
            "operations",
            {
                "operation_type_id": operation_type["id"],
                "status": "planning",
                "user_id": self.user["id"],
                "x": entry.get("x"),
                "y": entry.get("y"),
                "parent_id": entry.get("parent_id"),
            },
        )
        for fv in params_each(entry.get("field_values")):
            self.field_value(operation, fv, entry.get("routing"))
        return operation

    def update_operation(self, entry: dict[str, Any]) -> Row:
        """Update an operation's x, y and parent, save its field values, delete those not posted."""
        operation = find(self.store, "Operation", entry["id"])
        values = {k: entry.get(k) for k in ("x", "y", "parent_id")}
        operation = self.tx.update("operations", operation["id"], values)
        kept = {
            self.field_value(operation, fv, entry.get("routing"))["id"]
            for fv in params_each(entry.get("field_values"))
        }
        for fv in field_values(self.store, operation["id"]):
            if fv["id"] not in kept:
                self.tx.delete("field_values", fv["id"])
        return operation

    def field_value(self, operation: Row, fv: Any, routing: Any) -> Row:
        """Insert or update one posted field value; its sample follows the operation's routing."""
        if not isinstance(fv, dict):
            raise index_error(fv)
        sid: Any = None
        if not ruby_truthy(fv.get("array")):
            if not isinstance(routing, dict):
                raise index_error(routing)
            key = fv.get("routing")
            route = routing.get(key) if isinstance(key, str) else None
            if route is not None:
                if not isinstance(route, str):
                    raise nil_error("split", route)
                sid = route.split(":")[0]
        if sid is None and ruby_truthy(fv.get("child_sample_id")):
            sid = fv.get("child_sample_id")
        field_type = self._field_type(operation, fv.get("name"), fv.get("role"))
        aft = self.store.get("allowable_field_types", record_id(fv.get("allowable_field_type_id")))
        sample = self.store.get("samples", record_id(sid))
        if aft is not None and (
            sample is None or aft["sample_type_id"] != sample["sample_type_id"]
        ):
            sid = None
        values = {
            "name": fv.get("name"),
            "role": fv.get("role"),
            "field_type_id": field_type["id"],
            "child_sample_id": sid,
            "child_item_id": fv.get("child_item_id"),
            "allowable_field_type_id": fv.get("allowable_field_type_id"),
            "row": fv.get("row"),
            "column": fv.get("column"),
            "value": fv.get("value"),
        }
        if ruby_truthy(fv.get("id")):
            existing = find(self.store, "FieldValue", fv["id"])
            row = self.tx.update("field_values", existing["id"], values)
        else:
            name = fv.get("name")
            if (
                values["value"] is None
                and field_type["ftype"] == "json"
                and isinstance(name, str)
                and name.casefold() == "options"
            ):
                values["value"] = "{}"
            row = self.tx.insert(
                "field_values",
                {**values, "parent_id": operation["id"], "parent_class": "Operation"},
            )
        self.map_id(fv.get("rid"), row["id"])
        return row

    def _field_type(self, operation: Row, name: Any, role: Any) -> Row:
        for ft in self.store.lookup(
            "field_types", parent_class="OperationType", parent_id=operation["operation_type_id"]
        ):
            if ft["name"] == name and ft["role"] == role:
                return ft
        raise nil_error("id")

    # wires and layout ----------------------------------------------------------------------

    def wires(self, entries: Any) -> list[int]:
        """Insert the new wires (ends given by ``rid``) and keep the saved ones; their ids."""
        ids: list[int] = []
        for entry in params_each(entries):
            if not isinstance(entry, dict):
                raise index_error(entry)
            if ruby_truthy(entry.get("id")):
                ids.append(record_id(entry["id"]) or 0)
                continue
            from_rid, to_rid = dig(entry.get("from"), "rid"), dig(entry.get("to"), "rid")
            wire = add_wire(self.tx, self.mapped(from_rid), self.mapped(to_rid))
            ids.append(wire["id"])
        return ids

    def layout(self, module: Any) -> dict[str, Any]:
        """``mod``: the layout with wire ends' ``rid``s turned into saved ids, recursively."""
        if not isinstance(module, dict):
            raise index_error(module)
        out = dict(module)
        if out.get("wires") is not None:
            out["wires"] = [self._layout_wire(w) for w in params_each(out["wires"])]
        if out.get("children") is not None:
            out["children"] = [self.layout(child) for child in params_each(out["children"])]
        return out

    def _layout_wire(self, wire: Any) -> Any:
        if not isinstance(wire, dict):
            raise index_error(wire)
        out = dict(wire)
        for key in ("from_op", "to_op"):
            if ruby_truthy(out.get(key)):
                out[key] = {"id": self.mapped(dig(out[key], "rid"))}
        for key in ("from", "to"):
            if dig(out.get(key), "record_type") == "FieldValue":
                out[key] = {"record_type": "FieldValue", "id": self.mapped(out[key].get("rid"))}
        return out


def _owner(ctx: Context) -> Row:
    """The plan's user: ``user_id`` from the query when an admin saves, else the current user."""
    assert ctx.user is not None
    wanted = ctx.request.query.get("user_id")
    if wanted and is_admin(ctx.store, ctx.user):
        owner = ctx.store.get("users", record_id(wanted))
        if owner is None:
            raise RubyError(not_found_message("User", wanted))
        return owner
    return ctx.user


def create(ctx: Context) -> Response:
    """``POST /plans.json``: a new plan from ``Plan.to_save_json()``."""
    tx = RailsTransaction(ctx.store)
    params = ctx.params
    try:
        marshaller = Marshaller(tx, _owner(ctx))
        plan = tx.insert(
            "plans",
            {
                "name": params.get("name"),
                "cost_limit": params.get("cost_limit"),
                "status": params.get("status"),
                "user_id": marshaller.user["id"],
            },
        )
        marshaller.operations(plan, params.get("operations"))
        if params.get("wires") is not None:
            marshaller.wires(params["wires"])
        plan = tx.update(
            "plans", plan["id"], {"layout": rails_json(marshaller.layout(params.get("layout")))}
        )
    except RubyError as exc:
        tx.rollback()
        return json_response({"errors": {"error": ["Mashall failed", str(exc)]}}, 422)
    return json_response(serialize_plan(ctx.store, plan, ctx.base_url))


def update(ctx: Context, id: str) -> Response:
    """``PUT /plans/:id.json``: operations, field values and wires synced to the payload."""
    tx = RailsTransaction(ctx.store)
    params = ctx.params
    try:
        plan = find(ctx.store, "Plan", id)
        plan = tx.update(
            "plans",
            plan["id"],
            {
                "name": params.get("name") or "New Plan",
                "cost_limit": params.get("cost_limit"),
                "status": params.get("status"),
            },
        )
        owner = ctx.store.get("users", plan["user_id"])
        if owner is None:
            raise nil_error("id")
        marshaller = Marshaller(tx, owner)  # Aquarium re-assigns the saving user to the owner
        kept = set(marshaller.operations(plan, params.get("operations")))
        for op in plan_operations(ctx.store, plan["id"]):
            if op["id"] not in kept:
                remove_operation(tx, plan, op)
        wires_sent = params.get("wires") is not None
        wire_ids = set(marshaller.wires(params["wires"])) if wires_sent else set()
        if wires_sent:
            for wire in plan_wires(
                ctx.store, plan_operations(ctx.store, plan["id"]), both_ends=True
            ):
                if wire["id"] not in wire_ids:
                    tx.delete("wires", wire["id"])
        layout = rails_json(marshaller.layout(params.get("layout")))
        plan = tx.update("plans", plan["id"], {"layout": layout})
    except RubyError as exc:
        tx.rollback()
        return json_response({"errors": {"error": [str(exc)]}}, 422)
    return json_response(serialize_plan(ctx.store, plan, ctx.base_url))


def destroy(ctx: Context, id: str) -> Response:
    """``DELETE /plans/:id.json``: wires, field values, operations and the plan, no callbacks."""
    plan = find(ctx.store, "Plan", id, NotFound)
    destroy_plan(RailsTransaction(ctx.store), plan)
    return json_response({})


# -- GET /plans/start/:id and GET /plans/replan/:id ----------------------------------------------


def start(ctx: Context, id: str) -> Response:
    """Submit a plan: charge it to ``budget_id`` and move each ``planning`` operation to
    primed / pending / delayed / waiting; the plan's status becomes NULL ("active")."""
    plan = find(ctx.store, "Plan", id, NotFound)
    try:
        submit(RailsTransaction(ctx.store), plan, ctx.request.query.get("budget_id"))
    except RubyError:  # an unknown budget: MySQL's foreign key error escapes the controller
        return server_error(ctx.request.path)
    return json_response({"result": "ok"})


def replan(ctx: Context, id: str) -> Response:
    """Copy a plan for editing (Aquarium's PlanCopier); answers the new plan's plain JSON."""
    plan = find(ctx.store, "Plan", id, NotFound)
    new_plan = copy_plan(RailsTransaction(ctx.store), plan)
    return json_response(Renderer(ctx.store, ctx.base_url).columns("Plan", new_plan))


# -- POST /launcher/estimate -------------------------------------------------------------------


def estimate(ctx: Context) -> Response:
    """Per-operation labor and materials from each type's cost model, with the lab's rates;
    every database change made on the way is rolled back."""
    raw_id = ctx.params.get("id")
    plan = ctx.store.get("plans", record_id(raw_id))
    if plan is None:
        return json_response({"errors": not_found_message("Plan", raw_id)})
    tx = RailsTransaction(ctx.store)
    try:
        costs = operation_costs(tx, plan)
    finally:
        tx.rollback()
    return json_response({"costs": costs, "messages": []})


ROUTES: list[Route] = [
    Route("GET", "/plans/start/:id", start),
    Route("GET", "/plans/replan/:id", replan),
    Route("GET", "/plans/:id", show),
    Route("POST", "/plans", create),
    Route("PUT", "/plans/:id", update),
    Route("DELETE", "/plans/:id", destroy),
    Route("POST", "/launcher/estimate", estimate, Auth.UP_TO_DATE),
]
