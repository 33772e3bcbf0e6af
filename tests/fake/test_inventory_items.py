"""``GET /items/make``, ``/items/move`` and ``/items/store`` (protocol sections 5.8-5.10)."""

from __future__ import annotations

import pytest
from test_inventory_lab import IDS, call, locator_of, new_fake, row

from aqfake.app import FakeAquarium


@pytest.fixture
def fake() -> FakeAquarium:
    return new_fake()


def make(fake: FakeAquarium, sample_id: object, object_type_id: object):
    return call(fake, "GET", f"/items/make/{sample_id}/{object_type_id}")


def move(fake: FakeAquarium, item_id: int, location: str | None):
    query = "" if location is None else f"location={location}"
    return call(fake, "GET", f"/items/move/{item_id}", query=query)


# -- make --------------------------------------------------------------------------------------


def test_items_make_assigns_next_wizard_slot(fake):
    body = make(fake, IDS["rev"], IDS["aliquot"]).json()
    item = body["item"]
    assert item["location"] == "M20.0.0.1"  # M20.0.0.0 is held
    assert item["quantity"] == 1 and item["inuse"] == 0
    assert item["sample_id"] == IDS["rev"]
    assert item["locator"]["number"] == 1
    assert item["locator"]["item_id"] == item["id"]
    assert item["locator_id"] == item["locator"]["id"]
    assert row(fake, "items", item["id"])["location"] == "M20.0.0.1"


def test_items_make_reuses_lowest_empty_locator(fake):
    first = make(fake, IDS["rev"], IDS["aliquot"]).json()["item"]
    move(fake, IDS["held"], "Bench")  # frees locator 0 (the oldest)
    again = make(fake, IDS["fwd"], IDS["aliquot"]).json()["item"]
    assert first["location"] == "M20.0.0.1"
    assert again["location"] == "M20.0.0.0"


def test_items_make_without_wizard_has_unknown_location(fake):
    item = make(fake, IDS["rev"], IDS["stock"]).json()["item"]
    assert item["location"] == "Unknown"
    assert item["locator_id"] is None
    assert "locator" not in item
    assert row(fake, "items", item["id"])["location"] is None


def test_items_make_collection_gets_empty_matrix_and_no_sample(fake):
    item = make(fake, IDS["fwd"], IDS["rack"]).json()["item"]
    assert item["data"] == '{"matrix":[]}'
    assert item["sample_id"] is None
    assert item["location"] == "Unknown"


def test_items_make_collection_with_wizard_gives_its_slot_back(fake):
    item = make(fake, IDS["fwd"], IDS["boxed"]).json()["item"]
    assert item["location"] == "Unknown"
    assert item["locator_id"] is None
    freed = fake.store.first("locators", number=1)
    assert freed is not None and freed["item_id"] is None


def test_items_make_missing_object_type_is_404(fake):
    response = make(fake, IDS["fwd"], 999)
    assert response.status == 404
    assert call(fake, "GET", f"/items/make/{IDS['fwd']}/999.json").json() == {
        "status": "404",
        "error": "Not Found",
    }


def test_items_make_missing_sample_is_foreign_key_500(fake):
    before = fake.store.count("items")
    response = call(fake, "GET", f"/items/make/999/{IDS['stock']}.json")
    assert response.status == 500
    assert response.json() == {"status": "500", "error": "Internal Server Error"}
    assert fake.store.count("items") == before


def test_items_make_anonymous_redirects(fake):
    response = call(fake, "GET", f"/items/make/1/{IDS['stock']}", login=None)
    assert response.status == 302


# -- move --------------------------------------------------------------------------------------


def test_move_without_wizard_stores_slot_text_only(fake):
    body = move(fake, IDS["loose"], "M20.0.0.5").json()  # Primer Stock has no wizard
    assert body == {"message": f"Item {IDS['loose']} successfully moved to M20.0.0.5"}
    assert locator_of(fake, IDS["loose"]) is None
    assert fake.store.first("locators", number=5) is None


def test_move_to_wizard_slot(fake):
    item = make(fake, IDS["rev"], IDS["aliquot"]).json()["item"]
    body = move(fake, item["id"], "M20.0.2.5").json()
    assert body == {"message": f"Item {item['id']} successfully moved to M20.0.2.5"}
    moved = row(fake, "items", item["id"])
    locator = locator_of(fake, item["id"])
    assert locator is not None and locator["number"] == 2 * 81 + 5
    assert moved["locator_id"] == locator["id"]
    old = fake.store.first("locators", number=1)
    assert old is not None and old["item_id"] is None


def test_move_to_wizard_slot_taken(fake):
    item = make(fake, IDS["rev"], IDS["aliquot"]).json()["item"]
    body = move(fake, item["id"], "M20.0.0.0").json()
    assert body == {
        "error": f"Could not move item {item['id']} to M20.0.0.0: "
        f"Locator taken Location taken by item {IDS['held']}."
    }
    assert row(fake, "items", item["id"])["location"] == "M20.0.0.1"


def test_move_to_same_slot_is_already_there(fake):
    body = move(fake, IDS["held"], "M20.0.0.0").json()
    assert body["error"].endswith("Already there Item is already at M20.0.0.0.")


def test_move_to_wizard_slot_forces_quantity_one(fake):
    fake.store.update("items", IDS["held"], quantity=5, inuse=3)
    move(fake, IDS["held"], "M20.1.0.0")
    held = row(fake, "items", IDS["held"])
    assert (held["quantity"], held["inuse"]) == (1, 0)


def test_move_out_of_wizard_frees_slot(fake):
    body = move(fake, IDS["held"], "Bench").json()
    assert body["message"].endswith("moved to Bench")
    held = row(fake, "items", IDS["held"])
    assert held["locator_id"] is None and held["location"] == "Bench"
    assert locator_of(fake, IDS["held"]) is None


def test_move_wizard_name_is_case_sensitive_in_the_form(fake):
    body = move(fake, IDS["held"], "m20.0.0.3").json()
    assert body["message"].endswith("moved to m20.0.0.3")
    assert row(fake, "items", IDS["held"])["locator_id"] is None


def test_move_slot_out_of_range_is_free_text(fake):
    move(fake, IDS["held"], "M20.0.16.0")  # box 16 does not exist (capacity 16)
    assert row(fake, "items", IDS["held"])["location"] == "M20.0.16.0"
    assert locator_of(fake, IDS["held"]) is None


def test_move_without_location_stores_null(fake):
    body = move(fake, IDS["loose"], None).json()
    assert body == {"message": f"Item {IDS['loose']} successfully moved to Unknown"}
    assert row(fake, "items", IDS["loose"])["location"] is None


def test_move_invalid_item_is_500_and_frees_the_slot(fake):
    fake.store.update("items", IDS["held"], quantity=-5)
    response = move(fake, IDS["held"], "Bench")
    assert response.status == 500
    assert row(fake, "items", IDS["held"])["location"] == "M20.0.0.0"
    assert locator_of(fake, IDS["held"]) is None  # freed before Aquarium raises


def test_move_missing_item_is_404(fake):
    assert move(fake, 999, "Bench").status == 404


def test_move_into_empty_wizard_takes_slot_zero(fake):
    fake.store.insert(
        "wizards", name="SF2", specification='{"fields":[{"name":"Slot","capacity":-1}]}'
    )
    fake.store.update("object_types", IDS["stock"], prefix="SF2")
    body = move(fake, IDS["loose"], "SF2.7").json()
    assert body["message"].endswith("moved to SF2.0")  # Aquarium's addnew makes locator 0 only
    assert row(fake, "items", IDS["loose"])["location"] == "SF2.7"


# -- store -------------------------------------------------------------------------------------


def test_items_store_literal_placeholder_is_404(fake):
    response = call(fake, "GET", "/items/store/{item_id}")
    assert response.status == 404
    assert response.header("Content-Type").startswith("text/html")


def test_items_store_puts_item_in_next_slot(fake):
    move(fake, IDS["held"], "Bench")
    body = call(fake, "GET", f"/items/store/{IDS['held']}").json()
    assert body["id"] == IDS["held"]
    assert body["location"] == "M20.0.0.0"


def test_items_store_without_wizard_goes_to_bench(fake):
    body = call(fake, "GET", f"/items/store/{IDS['loose']}.json").json()
    assert body["location"] == "Bench"


def test_items_store_moves_to_a_fresh_slot_when_none_is_empty(fake):
    body = call(fake, "GET", f"/items/store/{IDS['held']}").json()
    assert body["location"] == "M20.0.0.1"


def _colliding_locators(fake: FakeAquarium) -> tuple[int, int]:
    """Two items whose locators were numbered out of creation order (2, then 1)."""
    b = make(fake, IDS["rev"], IDS["aliquot"]).json()["item"]
    c = make(fake, IDS["rev"], IDS["aliquot"]).json()["item"]
    fake.store.update("locators", b["locator_id"], number=2)
    fake.store.update("locators", c["locator_id"], number=1)
    return b["id"], c["id"]


def test_items_make_keeps_slot_text_when_locator_number_collides(fake):
    _colliding_locators(fake)
    item = make(fake, IDS["fwd"], IDS["aliquot"]).json()["item"]
    assert row(fake, "items", item["id"])["location"] == "M20.0.0.2"
    assert item["locator_id"] is None and "locator" not in item


def test_items_store_refused_is_422_with_error(fake):
    b, _ = _colliding_locators(fake)
    item = make(fake, IDS["fwd"], IDS["aliquot"]).json()["item"]
    refused = call(fake, "GET", f"/items/store/{item['id']}")
    assert refused.status == 422
    assert refused.json() == {
        "error": f"Could not move item {item['id']} to : Locator taken Location taken by item {b}."
    }
