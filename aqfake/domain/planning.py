"""What Aquarium's planner does to rows: the plan graph, operation status, wiring, jobs, cost.

The planning handlers (plans, operations, Krill, ``/json``) and the lab builders write through
this module. The status rules (section 5.17 submit, 5.19 step) never run protocol code: a
precondition "passes" when its current code defines ``precondition``, as the protocol document
allows; a cost model counts only when it ends by returning a literal hash (see
:func:`parse_cost_model`).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from ..casting import nil_error, rails_json, to_double
from ..store import Row, Store
from ..timefmt import PACIFIC, format_time
from .records import associate
from .transaction import Transaction

#: Operation statuses the planner never moves (section 5.19).
SETTLED = frozenset({"scheduled", "running", "done", "error"})
PRECONDITION_ERROR_KEY = "Precondition load error"


# -- reading the plan graph ---------------------------------------------------------------------


def plan_operations(store: Store, plan_id: int) -> list[Row]:
    """A plan's operations in plan-association order (``plan.operations``)."""
    ops = (
        store.get("operations", pa["operation_id"])
        for pa in store.lookup("plan_associations", plan_id=plan_id)
    )
    return [op for op in ops if op is not None]


def operation_plan(store: Store, operation_id: int) -> Row | None:
    """The (first) plan an operation belongs to (``op.plan``)."""
    for pa in store.lookup("plan_associations", operation_id=operation_id):
        plan = store.get("plans", pa["plan_id"])
        if plan is not None:
            return plan
    return None


def field_values(store: Store, operation_id: int, role: str | None = None) -> list[Row]:
    """The field values of an operation, only those of ``role`` when given."""
    found = store.lookup("field_values", parent_class="Operation", parent_id=operation_id)
    return [fv for fv in found if role is None or fv["role"] == role]


def predecessors(store: Store, operation: Row) -> list[Row]:
    """Operations whose outputs are wired into this operation's inputs."""
    found: dict[int, Row] = {}
    for fv in field_values(store, operation["id"], "input"):
        for wire in store.lookup("wires", to_id=fv["id"]):
            source = store.get("field_values", wire["from_id"])
            if source is None or source["parent_class"] != "Operation":
                continue
            op = store.get("operations", source["parent_id"])
            if op is not None:
                found[op["id"]] = op
    return [found[i] for i in sorted(found)]


def plan_wires(store: Store, operations: Iterable[Row], *, both_ends: bool) -> list[Row]:
    """Wires touching (``both_ends=False``) or inside (``True``) the operations' field values."""
    fv_ids = {fv["id"] for op in operations for fv in field_values(store, op["id"])}
    wires: dict[int, Row] = {}
    for fv_id in fv_ids:
        for column in ("from_id", "to_id"):
            for wire in store.lookup("wires", **{column: fv_id}):
                inside = wire["from_id"] in fv_ids and wire["to_id"] in fv_ids
                if inside or not both_ends:
                    wires[wire["id"]] = wire
    return [wires[i] for i in sorted(wires)]


def on_the_fly(store: Store, operation: Row) -> bool:
    """Whether the operation's type is on the fly (it runs as part of another)."""
    operation_type = store.get("operation_types", operation["operation_type_id"])
    return bool(operation_type and operation_type["on_the_fly"])


def current_code(store: Store, parent_class: str, parent_id: Any, name: str) -> Row | None:
    """The current version of a code: the highest-id row (codes are append-only)."""
    found = store.lookup("codes", parent_class=parent_class, parent_id=parent_id, name=name)
    return found[-1] if found else None


# -- the planner's status rules -----------------------------------------------------------------


def precondition_passes(tx: Transaction, operation: Row) -> bool:
    """Whether the operation's precondition holds, judged without running it.

    Code that defines ``precondition`` passes; a missing or empty precondition fails and, as
    Aquarium does when evaluation crashes, records a ``Precondition load error`` on the plan.
    """
    code = current_code(tx.store, "OperationType", operation["operation_type_id"], "precondition")
    if code is not None and "def precondition" in (code["content"] or ""):
        return True
    if code is None:
        message = str(nil_error("content"))
    else:
        message = f"undefined method `precondition' for #<Operation id: {operation['id']}>"
    plan = operation_plan(tx.store, operation["id"])
    if plan is not None:
        associate(tx, "Plan", plan["id"], PRECONDITION_ERROR_KEY, message)
    return False


def inputs_ready(store: Store, operation: Row) -> bool:
    """Every predecessor is done, or is an on-the-fly operation already primed."""
    return all(
        pred["status"] == "done" or (pred["status"] == "primed" and on_the_fly(store, pred))
        for pred in predecessors(store, operation)
    )


def ready_status(tx: Transaction, operation: Row) -> str:
    """The status an operation whose inputs are ready moves to (sections 5.17 and 5.19)."""
    if on_the_fly(tx.store, operation):
        return "primed"
    if operation["status"] == "deferred":
        return "scheduled"
    return "pending" if precondition_passes(tx, operation) else "delayed"


def step(tx: Transaction, operations: Iterable[Row]) -> None:
    """``Operation.step``: move each unsettled operation whose inputs are ready along."""
    for op in operations:
        if op["status"] in SETTLED or not inputs_ready(tx.store, op):
            continue
        status = ready_status(tx, op)
        if status != op["status"]:
            tx.update("operations", op["id"], {"status": status})


def layout_json(layout: Any) -> dict[str, Any]:
    """A stored layout string parsed as Aquarium's plan copier does (``{id: 0}`` when broken)."""
    try:
        parsed = json.loads(layout) if isinstance(layout, str) else None
    except ValueError:
        parsed = None
    return parsed if isinstance(parsed, dict) else {"id": 0}


def default_layout(name: str) -> dict[str, Any]:
    """The layout Aquarium's planner saves for a plan without modules."""
    return {
        "id": 0,
        "parent_id": -1,
        "name": name or "no_name",
        "x": 160,
        "y": 160,
        "width": 160,
        "height": 60,
        "input": [],
        "output": [],
        "wires": [],
        "children": [],
        "documentation": "No documentation yet for this module.",
        "text_boxes": [],
    }


# -- plans: operations, wires, submission, copies ----------------------------------------------


def add_operation(tx: Transaction, plan_id: int, operation_id: int) -> Row:
    """Join an operation to a plan (a ``plan_associations`` row)."""
    return tx.insert("plan_associations", {"plan_id": plan_id, "operation_id": operation_id})


def add_wire(tx: Transaction, from_id: int | None, to_id: int | None, active: bool = True) -> Row:
    """A wire from an output field value to an input field value."""
    return tx.insert("wires", {"from_id": from_id, "to_id": to_id, "active": active})


def remove_operation(tx: Transaction, plan: Row, operation: Row) -> None:
    """Drop an operation from a plan: its plan associations go; the operation itself is
    destroyed (with its field values) unless a job still refers to it."""
    for pa in tx.store.lookup(
        "plan_associations", plan_id=plan["id"], operation_id=operation["id"]
    ):
        tx.delete("plan_associations", pa["id"])
    if tx.store.lookup("job_associations", operation_id=operation["id"]):
        return
    for fv in field_values(tx.store, operation["id"]):
        tx.delete("field_values", fv["id"])
    tx.delete("operations", operation["id"])


def destroy_plan(tx: Transaction, plan: Row) -> None:
    """``plan.destroy`` without callbacks: field values, operations, then the plan (wires and
    associations go with them by ``ON DELETE CASCADE``)."""
    for op in plan_operations(tx.store, plan["id"]):
        for fv in field_values(tx.store, op["id"]):
            tx.delete("field_values", fv["id"])
        tx.delete("operations", op["id"])
    tx.delete("plans", plan["id"])


def submit_status(tx: Transaction, operation: Row) -> str:
    """The status a ``planning`` operation takes when its plan is submitted: ``waiting`` behind
    a predecessor that is not on the fly, else as :func:`ready_status` says (a submitted
    operation is not ``deferred``, so primed, pending or delayed)."""
    preds = predecessors(tx.store, operation)
    if not all(on_the_fly(tx.store, pred) for pred in preds):
        return "waiting"
    return ready_status(tx, operation)


def submit(tx: Transaction, plan: Row, budget_id: Any) -> None:
    """``PlansController#start``: charge the plan to ``budget_id``, move each ``planning``
    operation to its :func:`submit_status`, and make the plan active (status NULL). An unknown
    budget fails on the foreign key (:class:`~aqfake.casting.RubyError` from a Rails
    transaction) before anything else changes."""
    tx.update("plans", plan["id"], {"budget_id": budget_id or None})
    for op in plan_operations(tx.store, plan["id"]):
        if op["status"] == "planning":
            tx.update("operations", op["id"], {"status": submit_status(tx, op)})
    tx.update("plans", plan["id"], {"status": None})


def copy_plan(tx: Transaction, plan: Row) -> Row:
    """Aquarium's ``PlanCopier``: a ``planning`` copy of the plan, its operations (fresh
    planning status; missing positions laid out), field values (without items), inner wires
    and layout (ids rewritten), with a ``replan`` data association naming the original."""
    store = tx.store
    copy = {k: v for k, v in plan.items() if k not in ("id", "created_at", "updated_at")}
    copy["status"] = "planning"
    copy["name"] = (
        f"{plan['name']} (copy)" if plan["name"] is not None else f"Copy of plan {plan['id']}"
    )
    new_plan = tx.insert("plans", copy)
    today = pacific_date(store)
    associate(
        tx, "Plan", new_plan["id"], "replan", f"Based on plan {plan['id']}. Replanned {today}."
    )
    rng = random.Random(plan["id"])
    op_map: dict[int, int] = {}
    fv_map: dict[int, int] = {}
    y = 16
    operations = plan_operations(store, plan["id"])
    for op in operations:
        values = {k: v for k, v in op.items() if k not in ("id", "created_at", "updated_at")}
        values["status"] = "planning"
        if op["x"] is None:
            values["x"] = 500 * rng.random()
        if op["y"] is None:
            values["y"], y = y, y + 64
        new_op = tx.insert("operations", values)
        op_map[op["id"]] = new_op["id"]
        add_operation(tx, new_plan["id"], new_op["id"])
        for fv in field_values(store, op["id"]):
            fv_values = {k: v for k, v in fv.items() if k not in ("id", "created_at", "updated_at")}
            fv_values.update(parent_id=new_op["id"], child_item_id=None)
            fv_map[fv["id"]] = tx.insert("field_values", fv_values)["id"]
    for wire in plan_wires(store, operations, both_ends=True):
        tx.insert(
            "wires", {"from_id": fv_map.get(wire["from_id"]), "to_id": fv_map.get(wire["to_id"])}
        )
    layout = layout_json(plan["layout"])
    _port_layout(layout, fv_map, op_map)
    return tx.update("plans", new_plan["id"], {"layout": rails_json(layout)})


def _port_layout(module: dict[str, Any], fv_map: dict[int, int], op_map: dict[int, int]) -> None:
    for wire in module.get("wires") or []:
        if not isinstance(wire, dict):
            continue
        for key, ids in (("from", fv_map), ("to", fv_map), ("from_op", op_map), ("to_op", op_map)):
            end = wire.get(key)
            if isinstance(end, dict) and (
                key.endswith("_op") or end.get("record_type") == "FieldValue"
            ):
                end["id"] = ids.get(end.get("id"))  # type: ignore[arg-type]
    for child in module.get("children") or []:
        if isinstance(child, dict):
            _port_layout(child, fv_map, op_map)


def pacific_date(store: Store) -> str:
    """Today in the lab's (Pacific) time zone, as Aquarium dates its audit messages."""
    return store.clock().astimezone(PACIFIC).date().isoformat()


# -- operation status and jobs -----------------------------------------------------------------

#: Statuses ``Operation.step`` looks at when no plan is given.
STEPPABLE = ("waiting", "deferred", "delayed", "pending")
#: Statuses an operation may be batched from.
BATCHABLE = frozenset({"pending", "deferred", "primed"})


def steppable(store: Store, plan_id: int | None) -> list[Row]:
    """What ``Operation.step`` moves: a plan's operations not done or in error, or (no plan)
    every operation waiting, deferred, delayed or pending, in id order."""
    if plan_id is not None:
        return [
            op for op in plan_operations(store, plan_id) if op["status"] not in ("done", "error")
        ]
    ops = [op for status in STEPPABLE for op in store.lookup("operations", status=status)]
    return sorted(ops, key=lambda op: op["id"])


def change_status(tx: Transaction, operation: Row, status: str, user_name: str) -> Row:
    """``OperationsController#status``: the raw status, a ``status_change`` note, and when the
    operation was done or in error, notes on it and its output items that they came from it."""
    old_status = operation["status"]
    op = tx.update("operations", operation["id"], {"status": status})
    note = f"Status changed to {status} on {pacific_date(tx.store)} by {user_name}"
    associate(tx, "Operation", op["id"], "status_change", note, duplicates=True)
    item_ids = [
        fv["child_item_id"]
        for fv in field_values(tx.store, op["id"], "output")
        if fv["child_item_id"]
    ]
    if old_status in ("error", "done") and item_ids:
        listed = ", ".join(str(i) for i in item_ids)
        note = f"Items previously generated by this operation: {listed}"
        associate(tx, "Operation", op["id"], "previously_used_items", note, duplicates=True)
        for item_id in item_ids:
            note = (
                f"This item was an output of operation {op['id']} when its status was changed "
                f"to {status} from {old_status}."
            )
            associate(tx, "Item", item_id, "operation_status_change", note, duplicates=True)
    return op


def job_state(
    operation_type_id: int | None, pc: int, when: datetime, step_minutes: int = 3
) -> list[dict[str, Any]]:
    """A Krill job state for a job at ``pc``: initialize, then the steps done so far.

    Step times are Aquarium JSON timestamps, ``step_minutes`` apart from ``when``.
    """

    def stamp(step: int) -> str:
        return format_time(when + timedelta(minutes=step * step_minutes))

    steps: list[dict[str, Any]] = [
        {
            "operation": "initialize",
            "arguments": {"operation_type_id": operation_type_id},
            "time": stamp(0),
        }
    ]
    shown = pc + 1 if pc >= 0 else (2 if pc == -2 else 0)
    for number in range(1, shown + 1):
        steps.append(
            {
                "operation": "display",
                "content": [{"title": f"Step {number}"}, {"note": "Follow the instructions."}],
            }
        )
        steps.append({"operation": "next", "time": stamp(number), "inputs": {}})
    if pc == -2:
        steps.append({"operation": "complete", "rval": {}})
    return steps


def create_job(tx: Transaction, operation_ids: Sequence[int], values: Mapping[str, Any]) -> Row:
    """A job (its columns ``values``) with a job association per operation, in order."""
    job = tx.insert("jobs", values)
    for op_id in operation_ids:
        tx.insert("job_associations", {"job_id": job["id"], "operation_id": op_id})
    return job


def _batch_job(
    tx: Transaction, ops: list[Row], type_id: int, user: Row, group: Row, status: str
) -> Row:
    """A new, unstarted job for ``ops`` (now, due within the hour); they move to ``status``."""
    now = tx.store.clock()
    values = {
        "arguments": rails_json({"operation_type_id": type_id}),
        "state": rails_json(job_state(type_id, -1, now)),
        "path": "operation.rb",
        "pc": -1,
        "group_id": group["id"],
        "submitted_by": user["id"],
        "desired_start_time": now,
        "latest_start_time": now + timedelta(hours=1),
    }
    for op in ops:
        tx.update("operations", op["id"], {"status": status})
    return create_job(tx, [op["id"] for op in ops], values)


def batch(tx: Transaction, ops: list[Row], type_id: int, user: Row, group: Row) -> list[Row]:
    """``Operation.batch``: a ``scheduled`` job for the operations, where one has primed
    on-the-fly predecessors those are scheduled instead and it waits ``deferred`` in a job of
    its own. Returns the operations scheduled (callers check :data:`BATCHABLE` first)."""
    to_schedule: dict[int, Row] = {}
    to_defer: list[Row] = []
    for op in ops:
        primed = [p for p in predecessors(tx.store, op) if p["status"] == "primed"]
        if primed:
            to_defer.append(op)
            to_schedule.update((p["id"], p) for p in primed)
        else:
            to_schedule[op["id"]] = op
    if to_defer:
        _batch_job(tx, to_defer, type_id, user, group, "deferred")
    scheduled = list(to_schedule.values())
    if scheduled:
        _batch_job(tx, scheduled, type_id, user, group, "scheduled")
    return scheduled


def unbatch(tx: Transaction, operation: Row, user: Row) -> None:
    """Take an operation out of its unstarted jobs (a job left empty is cancelled by
    ``user``), make it ``pending`` and step it."""
    store = tx.store
    for ja in store.lookup("job_associations", operation_id=operation["id"]):
        job = store.get("jobs", ja["job_id"])
        if job is None or job["pc"] != -1:
            continue
        tx.delete("job_associations", ja["id"])
        if not store.lookup("job_associations", job_id=job["id"]):
            cancel_job(tx, job, user)
    tx.update("operations", operation["id"], {"status": "pending"})
    step(tx, [operation])


def cancel_job(tx: Transaction, job: Row, user: Row) -> None:
    """``Job#cancel``: marked completed, with a ``cancel`` step naming who cancelled it."""
    try:
        steps = json.loads(job["state"] or "[]")
    except ValueError:
        steps = []
    if not isinstance(steps, list):
        steps = []
    steps.append({"operation": "cancel", "user": user["login"]})
    tx.update("jobs", job["id"], {"pc": -2, "state": rails_json(steps)})


# -- cost --------------------------------------------------------------------------------------

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_COST_HASH = re.compile(r"\{([^{}]*)\}")
_COST_ENTRY = re.compile(rf"(?::(labor|materials)\s*=>|\b(labor|materials):)\s*({_NUMBER})")


def parse_cost_model(content: str) -> dict[str, float | int] | None:
    """``{labor:, materials:}`` of the last hash literal in a cost model that gives both.

    The fake never runs Ruby: a cost model counts only when it ends by returning a literal hash
    such as ``{ labor: 2.0, materials: 0.5 }``.
    """
    for body in reversed(_COST_HASH.findall(content)):
        found: dict[str, float | int] = {}
        for match in _COST_ENTRY.finditer(body):
            key = match.group(1) or match.group(2)
            text = match.group(3)
            found[key] = float(text) if any(c in text for c in ".eE") else int(text)
        if "labor" in found and "materials" in found:
            return found
    return None


def parameter_rate(tx: Transaction, key: str) -> float:
    """``Parameter.get_float(key)``: the parameter's value, created as ``"0.0"`` if absent."""
    row = tx.store.first("parameters", key=key)
    if row is None:
        row = tx.insert("parameters", {"key": key, "value": "0.0"})
    return to_double(row["value"] or "")


def operation_costs(tx: Transaction, plan: Row) -> list[dict[str, Any]]:
    """``Launcher#estimate``: per operation of the plan, labor and materials from its type's
    cost model with the lab's labor and markup rates, or an ``error``. It creates missing rate
    parameters as Aquarium does; callers roll ``tx`` back."""
    labor_rate, markup_rate = parameter_rate(tx, "labor rate"), parameter_rate(tx, "markup rate")
    costs: list[dict[str, Any]] = []
    for op in plan_operations(tx.store, plan["id"]):
        code = current_code(tx.store, "OperationType", op["operation_type_id"], "cost_model")
        if code is None:
            costs.append({"error": str(nil_error("content"))})
            continue
        parsed = parse_cost_model(code["content"] or "")
        if parsed is None:
            costs.append(
                {
                    "error": f"aqfake cannot evaluate the cost model of operation {op['id']}: "
                    "it must end by returning a literal { labor: <n>, materials: <n> }"
                }
            )
            continue
        costs.append(
            {
                "materials": parsed["materials"],
                "labor": parsed["labor"],
                "labor_rate": labor_rate,
                "markup_rate": markup_rate,
                "id": op["id"],
            }
        )
    return costs


def layered_status(progress: str, layer: int, frontier: int) -> str:
    """The status of the operation in ``layer`` (0 = first) of a chain of operations whose plan
    got as far as ``progress`` with ``frontier`` the layer now running: earlier layers are done,
    later ones wait; a plan still planning, or done, has that status throughout, and a plan
    whose first layer is pending, scheduled or delayed has the rest waiting."""
    if progress in ("done", "planning"):
        return progress
    if progress in ("pending", "scheduled", "delayed"):
        return progress if layer == 0 else "waiting"
    if layer < frontier:
        return "done"
    return progress if layer == frontier else "waiting"
