"""pydent's Browser (``with_cache``, ``browser.get``) against the served fake."""

from __future__ import annotations

import re
from typing import Any

import pytest

from . import truth
from .harness import value

# One worker per module under `--dist loadgroup`, so its fake and scenario run once.
pytestmark = [pytest.mark.pydent, pytest.mark.xdist_group("pydent-browser")]


@pytest.fixture(scope="module")
def sample_ids(demo_store: Any) -> list[int]:
    """Three samples of three different sample types, each with items and field types."""
    store = demo_store
    chosen: dict[int, int] = {}
    for s in store.rows("samples"):
        if (
            s["sample_type_id"] not in chosen
            and truth.rows(store, "items", sample_id=s["id"])
            and truth.field_types_of(store, "SampleType", s["sample_type_id"])
        ):
            chosen[s["sample_type_id"]] = s["id"]
    picked = list(chosen.values())[:3]
    assert len(picked) == 3, "the demo lab needs samples with items of three sample types"
    return picked


@pytest.fixture(scope="module")
def params(demo_store: Any, sample_ids: list[int]) -> dict[str, Any]:
    """Search for a name fragment shared by several samples; a network root with sample fields."""
    store = demo_store
    named = store.get("samples", sample_ids[0])
    fragment = named["name"].split("-")[1] if "-" in named["name"] else named["name"]

    # the largest network, so the batched walk has several levels (one scan of the field
    # values; truth.sample_network per sample would scan them once per sample)
    children: dict[int, set[int]] = {}
    for fv in store.rows("field_values"):
        if fv["parent_class"] == "Sample" and fv["child_sample_id"] is not None:
            children.setdefault(fv["parent_id"], set()).add(fv["child_sample_id"])

    def reach(start: int) -> int:
        seen, frontier = {start}, [start]
        while frontier:
            for child in children.get(frontier.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    frontier.append(child)
        return len(seen)

    root = max(store.rows("samples"), key=lambda s: (reach(s["id"]), -s["id"]))
    assert truth.sample_network(store, root["id"]), "the demo lab has no sample-valued fields"
    return {
        "sample_ids": sample_ids,
        "pattern": re.escape(fragment.lower()),
        "sample_type": store.get("sample_types", named["sample_type_id"])["name"],
        "network_root": root["id"],
    }


@pytest.fixture(scope="module")
def results(scenario: Any, params: dict[str, Any]) -> dict[str, Any]:
    return scenario("browser", params)


@pytest.fixture(scope="module")
def expected(demo_store: Any, params: dict[str, Any]) -> dict[str, Any]:
    store = demo_store
    sample_ids = params["sample_ids"]
    found = [
        s
        for s in store.rows("samples")
        if re.search(params["pattern"], f"{s['id']}: {s['name']}", re.IGNORECASE)
    ]
    type_id = truth.one(store, "sample_types", name=params["sample_type"])["id"]
    samples = [store.get("samples", i) for i in sample_ids]
    st_ids = sorted({s["sample_type_id"] for s in samples})
    items = [i for i in store.rows("items") if i["sample_id"] in sample_ids]

    def ot_name(item: dict[str, Any]) -> str:
        return str(store.get("object_types", item["object_type_id"])["name"])

    def st_name(sample: dict[str, Any]) -> str:
        return str(store.get("sample_types", sample["sample_type_id"])["name"])

    def ft_names(st_id: int) -> list[str]:
        return sorted(ft["name"] for ft in truth.field_types_of(store, "SampleType", st_id))

    return {
        "find_list": sorted(sample_ids),
        "get": {
            "result": {
                "sample_type": st_ids,
                "field_types": sorted(
                    ft["id"]
                    for st in st_ids
                    for ft in truth.field_types_of(store, "SampleType", st)
                ),
                "items": sorted(i["id"] for i in items),
                "object_type": sorted({i["object_type_id"] for i in items}),
            },
            "requests": 4,
        },
        "relations_without_requests": {
            str(s["id"]): {
                "sample_type": st_name(s),
                "field_types": ft_names(s["sample_type_id"]),
                "items": sorted([i["id"], ot_name(i)] for i in items if i["sample_id"] == s["id"]),
            }
            for s in samples
        },
        "cached_find": {"result": sample_ids[0], "requests": 0},
        "cached_sample_types": sorted(store.get("sample_types", i)["name"] for i in st_ids),
        "cached_where_ids": {"result": sorted(sample_ids), "requests": 0},
        "search": truth.ids(found),
        "search_in_type": truth.ids(s for s in found if s["sample_type_id"] == type_id),
        "sample_network": truth.sample_network(store, params["network_root"]),
    }


CHECKS = [
    "find_list",
    "get",
    "relations_without_requests",
    "cached_find",
    "cached_sample_types",
    "cached_where_ids",
    "search",
    "search_in_type",
    "sample_network",
]


@pytest.mark.parametrize("check", CHECKS)
def test_pydent_browser(check: str, results: dict[str, Any], expected: dict[str, Any]) -> None:
    assert value(results, check) == expected[check]


def test_every_scenario_check_is_asserted(results: dict[str, Any]) -> None:
    assert sorted(results) == sorted(CHECKS)
