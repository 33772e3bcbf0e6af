"""pydent's query language (``session.query``) against the served fake."""

from __future__ import annotations

from typing import Any

import pytest

from . import truth
from .harness import LiveFake, value

# One worker per module under `--dist loadgroup`, so its fake and scenario run once.
pytestmark = [pytest.mark.pydent, pytest.mark.xdist_group("pydent-aql")]


@pytest.fixture(scope="module")
def params(demo_store: Any) -> dict[str, Any]:
    store = demo_store
    item = truth.first_where(
        store, "items", lambda i: i["sample_id"] is not None, "item belonging to a sample"
    )
    sample = store.get("samples", item["sample_id"])
    st = store.get("sample_types", sample["sample_type_id"])
    return {
        "object_type_name": store.get("object_types", item["object_type_id"])["name"],
        "sample_type": {"id": st["id"], "name": st["name"]},
        "excluded_name": sample["name"],
        "hours": truth.hours_window(store, "items"),
        "return_sample_id": sample["id"],
    }


@pytest.fixture(scope="module")
def results(scenario: Any, params: dict[str, Any]) -> dict[str, Any]:
    return scenario("aql", params)


@pytest.fixture(scope="module")
def expected(demo_store: Any, params: dict[str, Any], live_fake: LiveFake) -> dict[str, Any]:
    store = demo_store
    st = params["sample_type"]
    ots = {ot["id"] for ot in truth.rows(store, "object_types", name=params["object_type_name"])}
    of_type = truth.rows(store, "samples", sample_type_id=st["id"])
    excluded = truth.text_key(params["excluded_name"])
    sample = store.get("samples", params["return_sample_id"])
    return {
        "nested": sorted(
            {i["sample_id"] for i in store.rows("items") if i["object_type_id"] in ots} - {None}
        ),
        "not": truth.ids(
            s for s in of_type if s["name"] is not None and truth.text_key(s["name"]) != excluded
        ),
        "gt_time_documented_form": [],
        "gt_time": truth.created_within(store, "items", params["hours"]),
        "nested_by_sample_type_name_with_limit": truth.ids(truth.newest_first(of_type)[:2]),
        "page_size": truth.ids(of_type),
        "return": {
            "result": [
                {
                    "id": sample["id"],
                    "sample_type": st["name"],
                    "field_types": sorted(
                        ft["name"] for ft in truth.field_types_of(store, "SampleType", st["id"])
                    ),
                }
            ],
            "requests": 0,
        },
        "json": [
            {
                "id": sample["id"],
                "name": sample["name"],
                "__model__": "Sample",
                "__uri__": f"{live_fake.url}/samples/{sample['id']}",
            }
        ],
    }


CHECKS = [
    "nested",
    "not",
    "gt_time_documented_form",
    "gt_time",
    "nested_by_sample_type_name_with_limit",
    "page_size",
    "return",
    "json",
]


@pytest.mark.parametrize("check", CHECKS)
def test_pydent_aql(check: str, results: dict[str, Any], expected: dict[str, Any]) -> None:
    assert value(results, check) == expected[check]


def test_every_scenario_check_is_asserted(results: dict[str, Any]) -> None:
    assert sorted(results) == sorted(CHECKS)


def test_time_window_splits_the_items(expected: dict[str, Any], demo_store: Any) -> None:
    """The chosen window is a real filter: some items fall inside it and some outside."""
    assert 0 < len(expected["gt_time"]) < demo_store.count("items")


def test_operator_queries_reach_the_fake_as_sql_strings(
    results: dict[str, Any], live_fake: LiveFake, params: dict[str, Any]
) -> None:
    value(results, "gt_time")
    sql = [b["arguments"] for b in live_fake.json_bodies() if isinstance(b.get("arguments"), str)]
    assert any(a.startswith("created_at > ") for a in sql)
    assert any(f'name != "{params["excluded_name"]}"' in a for a in sql)
