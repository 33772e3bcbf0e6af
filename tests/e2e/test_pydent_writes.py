"""pydent's write paths against the served fake: samples, items, moves, plans, costs, submit."""

from __future__ import annotations

from typing import Any

import pytest

from . import truth
from .harness import LiveFake, value

# One worker per module under `--dist loadgroup`, so its fake and scenario run once.
pytestmark = [pytest.mark.pydent, pytest.mark.xdist_group("pydent-writes")]
LOCATION = "Bench 42"
PLAIN_FIELDS = ("string", "number", "url")


def _property_value(ftype: str, name: str) -> Any:
    return 61 if ftype == "number" else f"e2e {name}"


@pytest.fixture(scope="module")
def params(demo_store: Any) -> dict[str, Any]:
    store = demo_store

    def plain_with_container(st: dict[str, Any]) -> bool:
        fts = truth.field_types_of(store, "SampleType", st["id"])
        return (
            fts != []
            and all(ft["ftype"] in PLAIN_FIELDS and not ft["array"] for ft in fts)
            and truth.rows(store, "object_types", sample_type_id=st["id"]) != []
        )

    st = truth.first_where(
        store, "sample_types", plain_with_container, "sample type with plain fields"
    )
    container = truth.rows(store, "object_types", sample_type_id=st["id"])[0]
    properties = {
        ft["name"]: _property_value(ft["ftype"], ft["name"])
        for ft in truth.field_types_of(store, "SampleType", st["id"])
    }

    def op_type(fv: dict[str, Any]) -> dict[str, Any]:
        op = store.get("operations", fv["parent_id"])
        return dict(store.get("operation_types", op["operation_type_id"]))

    def crosses_types(wire: dict[str, Any]) -> bool:
        src, dst = (
            store.get("field_values", wire["from_id"]),
            store.get("field_values", wire["to_id"]),
        )
        return op_type(src)["id"] != op_type(dst)["id"] and src["child_sample_id"] is not None

    wire = truth.first_where(store, "wires", crosses_types, "wire between two operation types")
    src, dst = store.get("field_values", wire["from_id"]), store.get("field_values", wire["to_id"])
    up_input = next(
        fv
        for fv in truth.field_values_of(store, "Operation", src["parent_id"])
        if fv["role"] == "input" and fv["child_sample_id"] is not None
    )
    return {
        "sample_type": st["name"],
        "properties": properties,
        "object_type": container["name"],
        "location": LOCATION,
        "upstream": {
            "name": op_type(src)["name"],
            "input": up_input["name"],
            "input_sample": up_input["child_sample_id"],
            "output": src["name"],
            "output_sample": src["child_sample_id"],
        },
        "downstream": {
            "name": op_type(dst)["name"],
            "input": dst["name"],
            "input_sample": dst["child_sample_id"],
        },
    }


@pytest.fixture(scope="module")
def results(scenario: Any, params: dict[str, Any]) -> dict[str, Any]:
    return scenario("writes", params)


def test_new_sample_is_created_with_its_properties(
    results: dict[str, Any], params: dict[str, Any], demo_store: Any
) -> None:
    st = truth.one(demo_store, "sample_types", name=params["sample_type"])
    assert value(results, "create_sample") == {
        "same_id": True,
        "name": "e2e-new-sample",
        "project": "e2e",
        "description": "made by pydent",
        "sample_type_id": st["id"],
        "properties": params["properties"],
    }


def test_new_item_belongs_to_the_new_sample(
    results: dict[str, Any], params: dict[str, Any], demo_store: Any
) -> None:
    container = truth.one(demo_store, "object_types", name=params["object_type"])
    assert value(results, "create_item") == {
        "sample_id_matches": True,
        "object_type_id": container["id"],
        "location_agrees": True,
    }


def test_moved_item_reads_back_at_its_new_location(results: dict[str, Any]) -> None:
    assert value(results, "move_item") == LOCATION


def test_item_save_loses_the_new_location_as_on_aquarium(results: dict[str, Any]) -> None:
    """json/save nulls the absent ``location``; pydent then moves the item to "Unknown"."""
    assert value(results, "update_item_location") == "Unknown"


def test_saved_plan_reads_back_with_operations_and_wire(
    results: dict[str, Any], params: dict[str, Any]
) -> None:
    built = value(results, "build_plan")
    assert built["wires"] == [built["expected_wire"]]
    assert {k: v for k, v in built.items() if k not in ("wires", "expected_wire")} == {
        "name": "e2e plan",
        "status": "planning",
        "operation_types": sorted([params["upstream"]["name"], params["downstream"]["name"]]),
        "operation_statuses": ["planning", "planning"],
        "input_sample": params["downstream"]["input_sample"],
    }


def test_estimate_uses_each_cost_model_and_the_lab_rates(
    results: dict[str, Any], params: dict[str, Any], demo_store: Any
) -> None:
    store = demo_store
    labor_rate, markup_rate = truth.rate(store, "labor rate"), truth.rate(store, "markup rate")
    costs = {}
    for role in ("upstream", "downstream"):
        ot = truth.one(store, "operation_types", name=params[role]["name"])
        costs[ot["name"]] = {
            **truth.operation_cost(store, ot["id"]),
            "labor_rate": labor_rate,
            "markup_rate": markup_rate,
        }
    total = sum((c["labor"] * labor_rate + c["materials"]) * markup_rate for c in costs.values())
    assert value(results, "estimate") == {"total": total, "costs": costs, "cost_ids": True}


def test_submit_starts_the_plan(
    results: dict[str, Any], params: dict[str, Any], demo_store: Any
) -> None:
    store = demo_store
    up = truth.one(store, "operation_types", name=params["upstream"]["name"])
    down = truth.one(store, "operation_types", name=params["downstream"]["name"])

    def ready(ot: dict[str, Any]) -> str:
        return "pending" if truth.precondition_passes(store, ot["id"]) else "delayed"

    assert value(results, "submit") == {
        "result": {"result": "ok"},
        "status": None,
        "budget_id_set": True,
        "statuses": {
            up["name"]: "primed" if up["on_the_fly"] else ready(up),
            down["name"]: ready(down) if up["on_the_fly"] else "waiting",
        },
    }


def test_deleted_plan_is_gone(results: dict[str, Any]) -> None:
    assert value(results, "delete_plan") == {"get": None, "find": None}


def test_every_scenario_check_is_asserted(results: dict[str, Any]) -> None:
    checks = ["create_sample", "create_item", "move_item", "build_plan", "estimate", "submit"]
    assert sorted(results) == sorted([*checks, "update_item_location", "delete_plan"])


def test_plan_writes_carry_the_user_id_query(results: dict[str, Any], live_fake: LiveFake) -> None:
    value(results, "build_plan")
    creates = [
        e for e in live_fake.journal() if e["method"] == "POST" and e["path"] == "/plans.json"
    ]
    assert creates
    assert all(e["query"].get("user_id") for e in creates)
    assert [e["status"] for e in creates] == [200] * len(creates)
