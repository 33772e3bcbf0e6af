"""pydent's query interface against the served fake: every answer equals the demo lab's rows."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest

from . import truth
from .harness import LiveFake, value

# One worker per module under `--dist loadgroup`, so its fake and scenario run once.
pytestmark = [pytest.mark.pydent, pytest.mark.xdist_group("pydent-queries")]
PAGE_SIZE = 2


@pytest.fixture(scope="module")
def params(demo_store: Any) -> dict[str, Any]:
    """Pick the busiest two sample types and a sample of the first from the demo lab."""
    counts = Counter(s["sample_type_id"] for s in demo_store.rows("samples"))
    (st_id, st_count), (other_id, _) = counts.most_common(2)
    assert st_count >= 4, "the demo lab needs a sample type with at least 4 samples"
    st = demo_store.get("sample_types", st_id)
    other = demo_store.get("sample_types", other_id)
    of_type = truth.rows(demo_store, "samples", sample_type_id=st_id)
    sample = of_type[1]
    samples = demo_store.rows("samples")
    return {
        "sample": {"id": sample["id"], "name": sample["name"]},
        "other_sample_id": next(s["id"] for s in samples if s["sample_type_id"] == other_id),
        "missing_id": samples[-1]["id"] + 1000,
        "sample_type": {"id": st_id, "name": st["name"]},
        "other_sample_type": {"id": other_id, "name": other["name"]},
        "page_size": PAGE_SIZE,
        "user_id": truth.neptune(demo_store)["id"],
        "collection_type_id": truth.first_where(
            demo_store,
            "object_types",
            lambda ot: (
                ot["handler"] == "collection"
                and truth.rows(demo_store, "items", object_type_id=ot["id"]) != []
            ),
            "collection object type with collections",
        )["id"],
    }


@pytest.fixture(scope="module")
def results(scenario: Any, params: dict[str, Any]) -> dict[str, Any]:
    return scenario("queries", params)


@pytest.fixture(scope="module")
def expected(demo_store: Any, params: dict[str, Any]) -> dict[str, Any]:
    """The answer each check must produce, from the rows (see truth.py for the semantics)."""
    store = demo_store
    sample = store.get("samples", params["sample"]["id"])
    st, other = params["sample_type"], params["other_sample_type"]
    of_type = truth.rows(store, "samples", sample_type_id=st["id"])
    of_user = truth.rows(store, "samples", user_id=params["user_id"])
    everything = store.rows("samples")
    by_name = truth.rows(store, "samples", name=sample["name"])
    newest = truth.newest_first(everything)
    part_type = truth.rows(store, "object_types", name="__Part")
    collection_type = store.get("object_types", params["collection_type_id"])
    collection_dimensions = [  # stored size, else Aquarium's 1 x 12 default for collections
        1 if collection_type["rows"] is None else collection_type["rows"],
        12 if collection_type["columns"] is None else collection_type["columns"],
    ]
    return {
        "current_user": {"id": params["user_id"], "login": "neptune"},
        "find": {k: sample[k] for k in ("id", "name", "sample_type_id")},
        "find_list": sorted([sample["id"], params["other_sample_id"]]),
        "find_missing": None,
        "find_by_name": {"id": by_name[0]["id"], "name": by_name[0]["name"]},
        "find_by_name_other_case": {"id": st["id"], "name": st["name"]},
        "find_by_name_missing": None,
        "where_scalar": truth.ids(of_type),
        "where_list": truth.ids(
            s for s in everything if s["sample_type_id"] in (st["id"], other["id"])
        ),
        "where_name_other_case": truth.ids(by_name),
        "where_names_list_other_case": sorted([st["id"], other["id"]]),
        "where_no_match": [],
        "where_sql_string": truth.ids(of_type),
        "all": truth.ids(everything),
        "first": [everything[0]["id"]],
        "first_3_query": truth.ids(of_type[:3]),
        "last": [newest[0]["id"]],
        "last_2_query": truth.ids(truth.newest_first(of_type)[:2]),
        "one": {"id": newest[0]["id"]},
        "one_first_query": {"id": of_type[0]["id"]},
        "where_limit_offset": truth.ids(of_type[1:3]),
        "pagination": {
            "result": truth.ids(of_user),
            "requests": math.ceil(len(of_user) / PAGE_SIZE) + 1,
        },
        "item_where_is_part": [
            {
                "id": i["id"],
                "is_part": bool(part_type) and i["object_type_id"] == part_type[0]["id"],
            }
            for i in truth.rows(store, "items", sample_id=sample["id"])
        ],
        "find_with_include": {
            "result": {
                "embedded": True,
                "sample_type": store.get("sample_types", sample["sample_type_id"])["name"],
            },
            "requests": 0,
        },
        "collection_dimensions": [
            {"id": c["id"], "dimensions": collection_dimensions}
            for c in truth.rows(store, "items", object_type_id=collection_type["id"])
        ],
        "user_secrets_absent": [],
        "where_empty_list_is_null": truth.ids(truth.rows(store, "items", sample_id=None)),
        "timestamps": {
            "created_at": truth.rails_time(sample["created_at"]),
            "updated_at": truth.rails_time(sample["updated_at"]),
        },
    }


CHECKS = [
    "current_user",
    "find",
    "find_list",
    "find_missing",
    "find_by_name",
    "find_by_name_other_case",
    "find_by_name_missing",
    "where_scalar",
    "where_list",
    "where_name_other_case",
    "where_names_list_other_case",
    "where_no_match",
    "where_sql_string",
    "all",
    "first",
    "first_3_query",
    "last",
    "last_2_query",
    "one",
    "one_first_query",
    "where_limit_offset",
    "pagination",
    "item_where_is_part",
    "find_with_include",
    "collection_dimensions",
    "user_secrets_absent",
    "where_empty_list_is_null",
    "timestamps",
]


@pytest.mark.parametrize("check", CHECKS)
def test_pydent_query_answer(check: str, results: dict[str, Any], expected: dict[str, Any]) -> None:
    got = value(results, check)
    if check in ("find_list", "where_names_list_other_case"):
        got = sorted(got)
    assert got == expected[check]


def test_every_scenario_check_is_asserted(results: dict[str, Any]) -> None:
    assert sorted(results) == sorted(CHECKS)


def test_pagination_requests_walk_the_offsets(
    results: dict[str, Any], live_fake: LiveFake, params: dict[str, Any]
) -> None:
    """pydent pages with limit=page_size and offsets 0, n, 2n, ... until an empty page."""
    pages = value(results, "pagination")
    paged = [
        b["options"]
        for b in live_fake.json_bodies("Sample")
        if b.get("arguments") == {"user_id": params["user_id"]}
        and b["options"].get("limit") == PAGE_SIZE
    ]
    count = len(pages["result"])
    assert [o["offset"] for o in paged] == [
        min(k * PAGE_SIZE, count) for k in range(pages["requests"])
    ]


def test_find_is_sent_as_pydent_sends_it(
    results: dict[str, Any], live_fake: LiveFake, params: dict[str, Any]
) -> None:
    value(results, "find")
    assert {"model": "Sample", "id": params["sample"]["id"]} in live_fake.json_bodies("Sample")
