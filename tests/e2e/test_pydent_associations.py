"""pydent's ``associate`` writes through ``/json/save`` and reads back what it wrote."""

from __future__ import annotations

from typing import Any

import pytest

from . import truth
from .harness import LiveFake, value

pytestmark = pytest.mark.pydent
KEY = "e2e_od600"
VALUE = {"od600": 0.42, "note": "grown <overnight> & spun"}


@pytest.fixture(scope="module")
def params(demo_store: Any) -> dict[str, Any]:
    store = demo_store
    assert not truth.rows(store, "data_associations", key=KEY), "pick a key the lab lacks"
    return {
        "sample_id": store.rows("samples")[0]["id"],
        "item_id": truth.first_where(store, "items", lambda i: True, "item")["id"],
        "key": KEY,
    }


@pytest.fixture(scope="module")
def results(scenario: Any, params: dict[str, Any]) -> dict[str, Any]:
    return scenario("associations", params)


def test_associate_returns_the_saved_association(
    results: dict[str, Any], params: dict[str, Any]
) -> None:
    saved = value(results, "associate_sample")
    assert isinstance(saved["id"], int)
    assert {k: v for k, v in saved.items() if k != "id"} == {
        "key": KEY,
        "value": VALUE,
        "parent_id": params["sample_id"],
        "parent_class": "Sample",
    }


def test_a_new_session_reads_the_association_back(results: dict[str, Any]) -> None:
    saved = value(results, "associate_sample")
    assert value(results, "read_back_get") == VALUE
    assert value(results, "read_back_where") == [{"id": saved["id"], "value": VALUE}]
    assert value(results, "read_back_find") == {KEY: VALUE}


def test_associating_an_existing_key_updates_it(results: dict[str, Any]) -> None:
    assert value(results, "update_existing") == {"same_id": True, "value": "replaced", "count": 1}


def test_items_take_associations_too(results: dict[str, Any]) -> None:
    assert value(results, "associate_item") == [1, 2, 3]


def test_the_fake_received_pydents_save_envelope(
    results: dict[str, Any], live_fake: LiveFake, params: dict[str, Any]
) -> None:
    value(results, "associate_sample")
    saves = [e for e in live_fake.journal() if e["path"].rstrip("/") == "/json/save"]
    first = saves[0]["body"]
    assert first["model"] == {
        "model": "DataAssociation",
        "record_methods": {},
        "record_getters": {},
    }
    assert (first["parent_class"], first["parent_id"], first["key"]) == (
        "Sample",
        params["sample_id"],
        KEY,
    )
    assert [e["status"] for e in saves] == [200] * len(saves)
