"""The empty lab: exactly the Docker image's seed data (protocol section 6.6)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from aqfake.lab import LABS, build_lab, check_password, empty_lab
from aqfake.store import Store

ANCHOR = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def seed() -> Store:
    store = Store()
    empty_lab(store, anchor=ANCHOR)
    return store


def test_neptune_is_user_1_and_an_up_to_date_admin_technician(seed: Store) -> None:
    neptune = seed.get("users", 1)
    assert (neptune["login"], neptune["name"]) == ("neptune", "Joe Neptune")
    assert check_password(neptune, "aquarium")
    groups = {
        seed.get("groups", m["group_id"])["name"]: m["group_id"]
        for m in seed.lookup("memberships", user_id=1)
    }
    assert groups == {"admin": 1, "technicians": 235, "neptune": 236}
    profile = {p["key"]: p["value"] for p in seed.lookup("parameters", user_id=1)}
    assert profile["lab_agreement"] == profile["aquarium"] == "true"
    assert profile["email"] and profile["phone"]


def test_budget_object_types_operation_type_and_library(seed: Store) -> None:
    assert seed.get("budgets", 1)["name"] == "My First Budget"
    (uba,) = seed.rows("user_budget_associations")
    assert (uba["user_id"], uba["budget_id"], uba["quota"]) == (1, 1, 1000.0)
    assert seed.get("object_types", 1)["name"] == "__Part"
    assert seed.get("object_types", 1)["handler"] == "sample_container"
    assert seed.get("object_types", 2)["name"] == "Orphan"
    purchase = seed.get("operation_types", 1)
    assert (purchase["name"], purchase["category"]) == ("Direct Purchase", "Misc.")
    assert purchase["deployed"] and purchase["on_the_fly"]
    codes = {c["name"] for c in seed.lookup("codes", parent_class="OperationType", parent_id=1)}
    assert codes == {"protocol", "precondition", "cost_model", "documentation", "test"}
    debug = seed.get("libraries", 1)
    assert (debug["name"], debug["category"]) == ("Debug", "Standard Libs")
    (source,) = seed.lookup("codes", parent_class="Library", parent_id=1)
    assert source["name"] == "source" and source["content"]


def test_empty_lab_has_nothing_else(seed: Store) -> None:
    for table in ("samples", "items", "operations", "plans", "jobs", "data_associations"):
        assert seed.count(table) == 0
    assert seed.count("users") == 1


def test_build_lab_empty_matches_empty_lab(seed: Store) -> None:
    store = Store()
    build_lab(store, "empty", anchor=ANCHOR)
    assert {t: store.rows(t) for t in store.tables} == {t: seed.rows(t) for t in seed.tables}


def test_unknown_lab_name_lists_the_choices() -> None:
    with pytest.raises(ValueError, match=r"unknown lab 'full'.*demo, empty"):
        build_lab(Store(), "full")
    assert set(LABS) == {"demo", "empty"}


def test_labs_refuse_a_store_that_already_has_rows(seed: Store) -> None:
    with pytest.raises(ValueError, match="empty store"):
        empty_lab(seed)
