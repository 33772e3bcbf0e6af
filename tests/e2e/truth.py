"""Expected answers, computed straight from the demo lab's rows.

These functions read :class:`aqfake.store.Store` rows with plain Python (no query engine of the
fake), applying the server semantics the specification states: ascending id by default,
``created_at DESC, id DESC`` when reversed, case-insensitive string equality, ``!=`` never
matching NULL. The scenario answers pydent got over HTTP are compared with them.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

Row = dict[str, Any]
PACIFIC = ZoneInfo("America/Los_Angeles")


def text_key(value: Any) -> Any:
    """MySQL ``utf8_unicode_ci`` equality for strings: case-insensitive, trailing spaces ignored."""
    return value.rstrip(" ").casefold() if isinstance(value, str) else value


def rows(store: Any, table: str, **criteria: Any) -> list[Row]:
    """Rows of ``table`` whose columns equal ``criteria`` (strings compared as MySQL does)."""
    return [
        r
        for r in store.rows(table)
        if all(text_key(r[c]) == text_key(v) for c, v in criteria.items())
    ]


def ids(found: Iterable[Row]) -> list[int]:
    return [r["id"] for r in found]


def newest_first(found: Iterable[Row]) -> list[Row]:
    """The order of ``reverse: true``: created_at descending, ties by id descending."""
    return sorted(found, key=lambda r: (r["created_at"], r["id"]), reverse=True)


def one(store: Any, table: str, **criteria: Any) -> Row:
    found = rows(store, table, **criteria)
    if len(found) != 1:
        raise LookupError(f"expected exactly one {table} row with {criteria}, found {len(found)}")
    return found[0]


def first_where(store: Any, table: str, keep: Callable[[Row], bool], what: str) -> Row:
    """The lowest-id row that satisfies ``keep``; the demo lab must have one."""
    for row in store.rows(table):
        if keep(row):
            return row
    raise LookupError(f"the demo lab has no {what}; the e2e scenarios need one")


def rails_time(moment: datetime) -> str:
    """A UTC datetime as Aquarium renders it: US Pacific wall time, milliseconds, offset."""
    local = moment.astimezone(PACIFIC)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%dT%H:%M:%S}.000{offset[:3]}:{offset[3:]}"


def neptune(store: Any) -> Row:
    return one(store, "users", login="neptune")


# -- relations ------------------------------------------------------------------------------


def field_types_of(store: Any, parent_class: str, parent_id: int) -> list[Row]:
    return rows(store, "field_types", parent_class=parent_class, parent_id=parent_id)


def field_values_of(store: Any, parent_class: str, parent_id: int) -> list[Row]:
    return rows(store, "field_values", parent_class=parent_class, parent_id=parent_id)


def sample_properties(store: Any, sample: Row) -> dict[str, Any]:
    """What pydent's ``Sample.properties`` yields: one entry per field type of the sample type."""
    fts = {ft["id"]: ft for ft in field_types_of(store, "SampleType", sample["sample_type_id"])}
    props: dict[str, Any] = {ft["name"]: ([] if ft["array"] else None) for ft in fts.values()}
    for fv in field_values_of(store, "Sample", sample["id"]):
        ft = fts.get(fv["field_type_id"]) or next(
            (f for f in fts.values() if (f["name"], f["role"]) == (fv["name"], fv["role"])), None
        )
        if ft is None:
            continue
        if ft["ftype"] == "sample":
            child = fv["child_sample_id"]
            val: Any = {"sample_id": child} if child is not None else None
        elif ft["ftype"] == "number" and isinstance(fv["value"], str):
            val = json.loads(fv["value"])
        else:
            val = fv["value"]
        if ft["array"]:
            props[ft["name"]].append(val)
        else:
            props[ft["name"]] = val
    return props


def sample_network(store: Any, root_id: int) -> list[list[Any]]:
    """Edges ``[child sample, parent sample, field name]`` reachable through sample fields."""
    edges: list[list[Any]] = []
    seen, frontier = {root_id}, [root_id]
    while frontier:
        parent = frontier.pop()
        for fv in field_values_of(store, "Sample", parent):
            child = fv["child_sample_id"]
            if child is None:
                continue
            edges.append([child, parent, fv["name"]])
            if child not in seen:
                seen.add(child)
                frontier.append(child)
    return sorted(edges)


def item_location(store: Any, item: Row) -> str:
    """The computed ``location`` of an item without a locator."""
    object_type = store.get("object_types", item["object_type_id"])
    if object_type is not None and object_type["name"] == "__Part":
        return "Part of Collection"
    return item["location"] if item["location"] is not None else "Unknown"


def plan_operations(store: Any, plan_id: int) -> list[Row]:
    op_ids = {pa["operation_id"] for pa in rows(store, "plan_associations", plan_id=plan_id)}
    return [op for op in store.rows("operations") if op["id"] in op_ids]


def plan_wires(store: Any, plan_id: int) -> list[list[int]]:
    """Wires between field values of the plan's operations, as ``[from_id, to_id]``, sorted."""
    op_ids = {op["id"] for op in plan_operations(store, plan_id)}
    fv_ids = {
        fv["id"]
        for fv in store.rows("field_values")
        if fv["parent_class"] == "Operation" and fv["parent_id"] in op_ids
    }
    return sorted(
        [w["from_id"], w["to_id"]]
        for w in store.rows("wires")
        if w["from_id"] in fv_ids and w["to_id"] in fv_ids
    )


def newest_code(store: Any, parent_class: str, parent_id: int, name: str) -> Row | None:
    found = newest_first(
        rows(store, "codes", parent_class=parent_class, parent_id=parent_id, name=name)
    )
    return found[0] if found else None


# -- time windows ---------------------------------------------------------------------------


def hours_window(store: Any, table: str, now: datetime | None = None) -> int:
    """A whole number of hours H such that "created in the last H hours" has a clear answer.

    H falls inside a gap of at least three hours between the ages of two rows, so the few
    seconds between computing it and pydent's ``datetime.now()`` cannot move any row across
    the boundary. Prefers the gap that splits the rows most evenly.
    """
    moment = now or datetime.now(timezone.utc)
    ages = sorted((moment - r["created_at"]).total_seconds() / 3600 for r in store.rows(table))
    candidates = [
        (abs(i - len(ages) / 2), math.floor((a + b) / 2))
        for i, (a, b) in enumerate(itertools.pairwise(ages), start=1)
        if b - a >= 3 and a > 0
    ]
    if not candidates:
        raise LookupError(f"no gap of 3 hours between {table} creation times to split on")
    return min(candidates)[1]


def created_within(store: Any, table: str, hours: int) -> list[int]:
    since = datetime.now(timezone.utc) - timedelta(hours=hours)
    return [r["id"] for r in store.rows(table) if r["created_at"] > since]


# -- planning -------------------------------------------------------------------------------

_COST_LITERAL = re.compile(r"\b(labor|materials):\s*(-?\d+(?:\.\d+)?)")


def operation_cost(store: Any, operation_type_id: int) -> dict[str, float]:
    """labor and materials of a demo cost model, which returns a literal hash."""
    code = newest_code(store, "OperationType", operation_type_id, "cost_model")
    assert code is not None, f"operation type {operation_type_id} has no cost model"
    found = {k: float(v) for k, v in _COST_LITERAL.findall(code["content"])}
    assert set(found) == {"labor", "materials"}, f"unexpected cost model: {code['content']!r}"
    return found


def rate(store: Any, key: str) -> float:
    """A lab-wide rate parameter (``labor rate``, ``markup rate``); Aquarium's default is 0."""
    found = rows(store, "parameters", key=key)
    return float(found[0]["value"]) if found else 0.0


def precondition_passes(store: Any, operation_type_id: int) -> bool:
    code = newest_code(store, "OperationType", operation_type_id, "precondition")
    return code is not None and "def precondition" in (code["content"] or "")
