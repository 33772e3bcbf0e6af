"""pydent's lazy relationships against the served fake, compared with the demo lab's rows."""

from __future__ import annotations

from typing import Any

import pytest

from . import truth
from .harness import LiveFake, value

# One worker per module under `--dist loadgroup`, so its fake and scenario run once.
pytestmark = [pytest.mark.pydent, pytest.mark.xdist_group("pydent-relations")]


@pytest.fixture(scope="module")
def params(demo_store: Any) -> dict[str, Any]:
    """A sample with a sample-valued property, an item, a plan with wires, an OT with a protocol."""
    store = demo_store

    def has_sample_property(sample: dict[str, Any]) -> bool:
        return any(
            fv["child_sample_id"] is not None
            for fv in truth.field_values_of(store, "Sample", sample["id"])
        )

    sample = truth.first_where(
        store, "samples", has_sample_property, "sample with a sample-valued field"
    )
    item = truth.first_where(
        store,
        "items",
        lambda i: i["sample_id"] is not None and i["locator_id"] is None,
        "item of a sample without a locator",
    )
    plan = truth.first_where(
        store, "plans", lambda p: truth.plan_wires(store, p["id"]) != [], "plan with wires"
    )
    ot = truth.first_where(
        store,
        "operation_types",
        lambda o: (
            truth.newest_code(store, "OperationType", o["id"], "protocol") is not None
            and truth.field_types_of(store, "OperationType", o["id"]) != []
        ),
        "operation type with field types and a protocol",
    )
    return {
        "sample_id": sample["id"],
        "item_id": item["id"],
        "plan_id": plan["id"],
        "operation_type_id": ot["id"],
    }


@pytest.fixture(scope="module")
def results(scenario: Any, params: dict[str, Any]) -> dict[str, Any]:
    return scenario("relations", params)


@pytest.fixture(scope="module")
def expected(demo_store: Any, params: dict[str, Any]) -> dict[str, Any]:
    store = demo_store
    sample = store.get("samples", params["sample_id"])
    st = store.get("sample_types", sample["sample_type_id"])
    owner = store.get("users", sample["user_id"])
    item = store.get("items", params["item_id"])
    item_ot = store.get("object_types", item["object_type_id"])
    item_sample = store.get("samples", item["sample_id"])
    plan = store.get("plans", params["plan_id"])
    operations = truth.plan_operations(store, plan["id"])
    ot_names = {store.get("operation_types", op["operation_type_id"])["name"] for op in operations}
    protocol = truth.newest_code(store, "OperationType", params["operation_type_id"], "protocol")
    assert protocol is not None
    fv_keys = ("id", "name", "value", "child_sample_id", "field_type_id")
    return {
        "sample.sample_type": {"result": {"id": st["id"], "name": st["name"]}, "requests": 1},
        "sample.sample_type again": {"result": {"id": st["id"]}, "requests": 0},
        "sample.field_values": [
            {k: fv[k] for k in fv_keys}
            for fv in truth.field_values_of(store, "Sample", sample["id"])
        ],
        "sample.properties": truth.sample_properties(store, sample),
        "sample.items": truth.ids(truth.rows(store, "items", sample_id=sample["id"])),
        "sample.user": None if owner is None else {"id": owner["id"], "login": owner["login"]},
        "item.object_type": {"id": item_ot["id"], "name": item_ot["name"]},
        "item.sample": {"id": item_sample["id"], "name": item_sample["name"]},
        "item.location": truth.item_location(store, item),
        "plan": {"id": plan["id"], "name": plan["name"], "status": plan["status"]},
        "plan.operations": truth.ids(operations),
        "plan.operations.operation_type": sorted(ot_names),
        "plan.wires": truth.plan_wires(store, plan["id"]),
        "operation_type.field_types": sorted(
            [ft["name"], ft["role"]]
            for ft in truth.field_types_of(store, "OperationType", params["operation_type_id"])
        ),
        "operation_type.protocol": {k: protocol[k] for k in ("id", "name", "content")},
        "nested_include": {
            "result": {
                "sample_type": st["name"],
                "items": sorted(
                    [i["id"], store.get("object_types", i["object_type_id"])["name"]]
                    for i in truth.rows(store, "items", sample_id=sample["id"])
                ),
            },
            "requests": 1,
        },
    }


CHECKS = [
    "sample.sample_type",
    "sample.sample_type again",
    "sample.field_values",
    "sample.properties",
    "sample.items",
    "sample.user",
    "item.object_type",
    "item.sample",
    "item.location",
    "plan",
    "plan.operations",
    "plan.operations.operation_type",
    "plan.wires",
    "operation_type.field_types",
    "operation_type.protocol",
    "nested_include",
]


@pytest.mark.parametrize("check", CHECKS)
def test_pydent_relationship(check: str, results: dict[str, Any], expected: dict[str, Any]) -> None:
    assert value(results, check) == expected[check]


def test_every_scenario_check_is_asserted(results: dict[str, Any]) -> None:
    assert sorted(results) == sorted(CHECKS)


def test_lazy_loads_send_pydents_bodies(
    results: dict[str, Any], live_fake: LiveFake, params: dict[str, Any], demo_store: Any
) -> None:
    """The fake saw the relationship queries exactly as pydent 1.0.11 phrases them."""
    value(results, "plan.wires")
    sample = demo_store.get("samples", params["sample_id"])
    bodies = live_fake.json_bodies()
    assert {"model": "SampleType", "id": sample["sample_type_id"]} in bodies
    assert {
        "model": "FieldValue",
        "method": "where",
        "arguments": {"parent_id": sample["id"], "parent_class": "Sample"},
        "options": {"offset": -1, "limit": -1, "reverse": False},
    } in bodies
    assert {
        "model": "Plan",
        "include": ["plan_associations", "operations"],
        "id": params["plan_id"],
    } in bodies
    wire_queries = [b for b in bodies if b["model"] == "Wire"]
    assert len(wire_queries) == 1
    assert set(wire_queries[0]["arguments"]) == {"from_id", "to_id"}
