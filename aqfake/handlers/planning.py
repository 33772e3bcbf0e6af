"""What the handlers share beyond casting: ``Model.find``, the Rails-driven transaction, data
associations, and the planner's status rules used by the planning, operation and code handlers.

Aquarium runs its actions inside ActiveRecord transactions and reports Ruby exceptions by
message; :class:`Transaction` (the store's :class:`aqfake.transaction.Transaction` with Rails'
attribute casting) and :class:`~aqfake.casting.RubyError` give the handlers the same two tools.
The status rules (section 5.17 submit, 5.19 step) never run protocol code: a precondition
"passes" when its current code defines ``precondition``, as the protocol document allows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from .. import transaction
from ..casting import (
    CastError,
    RubyError,
    from_user,
    no_method,
    not_found_message,
    record_id,
    ruby_each,
)
from ..store import Row, Store, StoreError
from ..tables import MODELS
from ..wire import dump_json

#: Operation statuses the planner never moves (section 5.19).
SETTLED = frozenset({"scheduled", "running", "done", "error"})
PRECONDITION_ERROR_KEY = "Precondition load error"


def nil_error(method: str = "[]", value: Any = None) -> RubyError:
    """``NoMethodError`` as Ruby words it: ``undefined method `[]' for nil:NilClass``."""
    return RubyError(no_method(method, value))


def each(value: Any) -> list[Any]:
    """The elements ``value.each`` visits: nil (an emptied array after deep munge) none, a hash
    its pairs; anything else has no ``each`` (:class:`RubyError`)."""
    return [] if value is None else ruby_each(value)


def find(
    store: Store, model_name: str, raw_id: Any, missing: Callable[[str], Exception] = RubyError
) -> Row:
    """``Model.find``: the row, or ``missing`` (a :class:`RubyError` where the action rescues
    it, :class:`~aqfake.errors.NotFound` where it escapes as a 404) with Rails' message."""
    row = store.get(MODELS[model_name].table, record_id(raw_id))
    if row is None:
        raise missing(not_found_message(model_name, raw_id))
    return row


def rails_json(value: Any) -> str:
    """``value.to_json`` as Rails writes it into a text column (compact, HTML-escaped)."""
    return dump_json(value).decode("utf-8")


def attributes(store: Store, table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Incoming JSON values cast as Rails casts attribute writes (``"5"`` into an int column...)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        column = store.table(table).column(name)
        if column is None:
            raise RubyError(f"unknown attribute '{name}' for {table}")
        if isinstance(value, datetime):  # already a stored time (e.g. the store's clock)
            out[name] = value
            continue
        try:
            out[name] = from_user(column, value)
        except CastError as exc:
            raise RubyError(str(exc)) from exc
    return out


# -- writes that can be undone ------------------------------------------------------------------


class Transaction(transaction.Transaction):
    """The store transaction as Rails drives it: values are cast as attribute writes, and a
    database refusal (a foreign key pointing nowhere) is a :class:`RubyError` with MySQL's
    message. Deletes cascade like the ``ON DELETE CASCADE`` keys of protocol section 6.5."""

    def insert(self, table: str, values: Mapping[str, Any]) -> Row:
        """Insert with Rails' attribute casts; a dangling foreign key is a :class:`RubyError`."""
        fields = attributes(self.store, table, values)
        try:
            return super().insert(table, fields)
        except transaction.ConstraintError as exc:
            raise RubyError(str(exc)) from exc

    def update(self, table: str, row_id: int, values: Mapping[str, Any]) -> Row:
        """Update with Rails' attribute casts; a store refusal is a :class:`RubyError`."""
        fields = attributes(self.store, table, values)
        try:
            return super().update(table, row_id, fields)
        except StoreError as exc:
            raise RubyError(str(exc)) from exc


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


# -- data associations ------------------------------------------------------------------------


def associate(
    tx: transaction.Transaction,
    parent_class: str,
    parent_id: int,
    key: str,
    value: Any,
    *,
    upload_id: int | None = None,
    duplicates: bool = False,
) -> Row:
    """``DataAssociator#associate(key, value)``: a new DataAssociation, or (without
    ``duplicates``) the existing one with that key rewritten. The values written are already
    typed, so any transaction (the Rails-casting one or the store's own) will do."""
    obj = rails_json({key: value})
    if not duplicates:
        for da in tx.store.lookup(
            "data_associations", parent_class=parent_class, parent_id=parent_id, key=key
        ):
            return tx.update("data_associations", da["id"], {"object": obj, "upload_id": upload_id})
    return tx.insert(
        "data_associations",
        {
            "parent_id": parent_id,
            "parent_class": parent_class,
            "key": key,
            "upload_id": upload_id,
            "object": obj,
        },
    )


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
