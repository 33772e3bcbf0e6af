"""pydent's ``associate`` writes through ``/json/save`` and reads back what it wrote."""

from __future__ import annotations

from typing import Any

import pytest

from . import truth
from .harness import LiveFake, error, value

# One worker per module under `--dist loadgroup`, so its fake and scenario run once.
pytestmark = [pytest.mark.pydent, pytest.mark.xdist_group("pydent-associations")]
KEY = "e2e_od600"
VALUE = {"od600": 0.42, "note": "grown <overnight> & spun"}


@pytest.fixture(scope="module")
def params(demo_store: Any) -> dict[str, Any]:
    store = demo_store
    assert not truth.rows(store, "data_associations", key=KEY), "pick a key the lab lacks"
    return {
        "item_id": store.rows("items")[0]["id"],
        "other_item_id": store.rows("items")[1]["id"],
        "plan_id": store.rows("plans")[0]["id"],
        "sample_id": store.rows("samples")[0]["id"],
        "key": KEY,
    }


@pytest.fixture(scope="module")
def results(scenario: Any, params: dict[str, Any]) -> dict[str, Any]:
    return scenario("associations", params)


def test_associate_returns_the_saved_association(
    results: dict[str, Any], params: dict[str, Any]
) -> None:
    saved = value(results, "associate_item")
    assert isinstance(saved["id"], int)
    assert {k: v for k, v in saved.items() if k != "id"} == {
        "key": KEY,
        "value": VALUE,
        "parent_id": params["item_id"],
        "parent_class": "Item",
    }


def test_a_new_session_reads_the_association_back(results: dict[str, Any]) -> None:
    saved = value(results, "associate_item")
    assert value(results, "read_back_get") == VALUE
    assert value(results, "read_back_where") == [{"id": saved["id"], "value": VALUE}]
    assert value(results, "read_back_find") == {KEY: VALUE}


def test_associating_an_existing_key_updates_it(results: dict[str, Any]) -> None:
    assert value(results, "update_existing") == {"same_id": True, "value": "replaced", "count": 1}


def test_plans_take_associations_too(results: dict[str, Any]) -> None:
    assert value(results, "associate_plan") == [1, 2, 3]


def test_list_queries_keep_only_the_most_recent_association_per_key(
    results: dict[str, Any],
) -> None:
    assert value(results, "two_with_one_key") == {
        "distinct_ids": True,
        "value": "newer",
        "listed": ["newer"],
        "by_id": "older",
    }


def test_samples_have_no_associate_in_pydent_but_the_row_is_saved(
    results: dict[str, Any],
) -> None:
    assert value(results, "sample_has_associate") is False
    raised = error(results, "sample_via_utils")
    assert raised["error"] == "AttributeError"
    assert "data_associations" in raised["message"]
    assert value(results, "sample_read_back_where") == ["on a sample"]


def test_every_scenario_check_is_asserted(results: dict[str, Any]) -> None:
    assert sorted(results) == sorted(
        [
            "associate_item",
            "read_back_get",
            "read_back_where",
            "read_back_find",
            "update_existing",
            "associate_plan",
            "two_with_one_key",
            "sample_has_associate",
            "sample_via_utils",
            "sample_read_back_where",
        ]
    )


def test_the_fake_received_pydents_save_envelope(
    results: dict[str, Any], live_fake: LiveFake, params: dict[str, Any]
) -> None:
    value(results, "associate_item")
    saves = [e for e in live_fake.journal() if e["path"].rstrip("/") == "/json/save"]
    first = saves[0]["body"]
    envelope = {"model": "DataAssociation", "record_methods": {}, "record_getters": {}}
    assert first["model"] == envelope
    assert (first["parent_class"], first["parent_id"], first["key"]) == (
        "Item",
        params["item_id"],
        KEY,
    )
    assert [e["status"] for e in saves] == [200] * len(saves)
