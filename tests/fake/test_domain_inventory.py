"""aqfake.domain.inventory: Aquarium's item, wizard-slot and collection rules on a store."""

from __future__ import annotations

import pytest

from aqfake.casting import RubyError
from aqfake.domain.inventory import (
    BENCH,
    DELETED_STATE,
    begin,
    dimensions,
    make_item,
    mark_as_deleted,
    move_to,
    new_collection,
    part_grid,
    part_type,
    place,
    release_slot,
    set_part,
    slot_locator,
    store_item,
)
from aqfake.lab import LabBuilder
from aqfake.lab.seed import seed_lab
from aqfake.store import Row, Store


@pytest.fixture
def b() -> LabBuilder:
    builder = seed_lab(Store())
    builder.wizard("M20", [("Hotel", 99), ("Box", 2), ("Slot", 3)], "-20C freezer")
    builder.object_type("Primer Stock", prefix="M20")
    builder.object_type("Loose Tube")
    builder.collection_type("Plate", 2, 3)
    builder.sample_type("Primer", fields=())
    builder.sample("fwd", "Primer", "tests")
    builder.sample("rev", "Primer", "tests")
    return builder


def _type(b: LabBuilder, name: str) -> Row:
    return b.row("object_types", name)


def _locator(store: Store, item: Row) -> Row | None:
    return store.get("locators", item["locator_id"]) if item["locator_id"] else None


def test_make_item_takes_the_next_wizard_slot_reusing_the_lowest_empty_locator(
    b: LabBuilder,
) -> None:
    store = b.store
    stock = _type(b, "Primer Stock")
    first = make_item(begin(store), stock, 1)
    second = make_item(begin(store), stock, 1)
    assert (first["location"], second["location"]) == ("M20.0.0.0", "M20.0.0.1")
    assert (first["quantity"], first["inuse"]) == (1, 0)
    held = _locator(store, first)
    assert held is not None and held["item_id"] == first["id"] and held["number"] == 0
    mark_as_deleted(begin(store), first)
    third = make_item(begin(store), stock, 1)
    assert third["location"] == "M20.0.0.0" and third["locator_id"] == held["id"]
    loose = make_item(begin(store), _type(b, "Loose Tube"), 1)
    assert loose["location"] is None and loose["locator_id"] is None


def test_move_to_a_slot_refuses_a_taken_one_and_frees_the_old_one(b: LabBuilder) -> None:
    store = b.store
    stock = _type(b, "Primer Stock")
    a = make_item(begin(store), stock, 1)
    c = make_item(begin(store), stock, 2)
    old = _locator(store, a)
    assert move_to(begin(store), a, "M20.0.0.1") == [
        ("locator_taken", f"Location taken by item {c['id']}.")
    ]
    assert a["location"] == "M20.0.0.0"
    assert move_to(begin(store), a, "M20.0.0.0") == [
        ("already_there", "Item is already at M20.0.0.0.")
    ]
    b.store.update("items", a["id"], quantity=3)
    assert move_to(begin(store), a, "M20.0.1.2") == []
    assert (a["location"], a["quantity"], a["inuse"]) == ("M20.0.1.2", 1, 0)
    new = _locator(store, a)
    assert new is not None and new["number"] == 5 and new["item_id"] == a["id"]
    assert old is not None and old["item_id"] is None
    assert move_to(begin(store), a, "on the bench") == []
    assert (a["location"], a["locator_id"], new["item_id"]) == ("on the bench", None, None)


def test_store_item_without_a_wizard_goes_to_the_bench(b: LabBuilder) -> None:
    item = make_item(begin(b.store), _type(b, "Loose Tube"), 1)
    assert store_item(begin(b.store), item) == [] and item["location"] == BENCH
    stock = make_item(begin(b.store), _type(b, "Primer Stock"), 1)
    move_to(begin(b.store), stock, "fridge")
    assert store_item(begin(b.store), stock) == [] and stock["location"] == "M20.0.0.0"


def test_mark_as_deleted_frees_the_slot_and_writes_the_deleted_state(b: LabBuilder) -> None:
    item = make_item(begin(b.store), _type(b, "Primer Stock"), 1)
    locator = _locator(b.store, item)
    mark_as_deleted(begin(b.store), item)
    assert {k: item[k] for k in DELETED_STATE} == dict(DELETED_STATE)
    assert item["locator_id"] is None and locator is not None and locator["item_id"] is None


def test_the_lab_builder_deletes_and_places_by_the_same_rules(b: LabBuilder) -> None:
    built = b.item("fwd", "Primer Stock", "M20.1.1.2")
    routed = make_item(begin(b.store), _type(b, "Primer Stock"), 1)
    b.delete_item(built)
    mark_as_deleted(begin(b.store), routed)
    columns = ("location", "quantity", "inuse", "locator_id")
    assert [built[k] for k in columns] == [routed[k] for k in columns]
    assert not b.store.lookup("locators", item_id=built["id"])
    again = b.item("rev", "Primer Stock", "M20.1.1.2")
    slot = b.store.lookup("locators", number=(1 * 2 + 1) * 3 + 2)
    assert len(slot) == 1 and slot[0]["item_id"] == again["id"]  # the freed locator, reused


def test_slot_locator_and_place_keep_one_locator_per_slot(b: LabBuilder) -> None:
    store = b.store
    wizard = b.row("wizards", "M20")
    item = make_item(begin(store), _type(b, "Loose Tube"), 1)
    tx = begin(store)
    first = slot_locator(tx, wizard, 4)
    assert slot_locator(tx, wizard, 4)["id"] == first["id"]
    place(tx, item, first, "M20.0.1.1")
    second = slot_locator(tx, wizard, 7)
    place(tx, item, second, "M20.0.2.1")
    assert (item["locator_id"], second["item_id"], first["item_id"]) == (
        second["id"],
        item["id"],
        None,
    )
    release_slot(tx, item)
    assert item["locator_id"] is None and second["item_id"] is None
    assert item["location"] == "M20.0.2.1"
    tx.rollback()
    assert store.get("locators", first["id"]) is None and item["location"] is None


def test_dimensions_follow_collection_dimensions(b: LabBuilder) -> None:
    store = b.store
    plate = b.collection("Plate")
    assert dimensions(store, plate) == (2, 3)
    store.update("object_types", plate["object_type_id"], rows=None, columns=None)
    assert dimensions(store, plate) == (1, 12)
    store.update("object_types", plate["object_type_id"], rows=0)
    assert dimensions(store, plate) == (0, 12)  # Ruby's 0 is truthy: no default
    tube = make_item(begin(store), _type(b, "Loose Tube"), 1)
    assert dimensions(store, tube) == (12, 1)  # the quirk for non-collections
    store.update("items", tube["id"], object_type_id=None)
    with pytest.raises(RubyError, match="undefined method `rows'"):
        dimensions(store, tube)
    other = make_item(begin(store), _type(b, "Loose Tube"), 1)
    assert b.dimensions(other) == dimensions(store, other) == (12, 1)  # the lab agrees
    with pytest.raises(ValueError, match="is not a collection"):
        b.part(other, 0, 0, "fwd")


def test_new_collection_goes_to_the_bench_or_the_next_slot(b: LabBuilder) -> None:
    plate = new_collection(begin(b.store), _type(b, "Plate"))
    assert (plate["location"], plate["quantity"], plate["sample_id"]) == (BENCH, 1, None)
    b.store.update("object_types", plate["object_type_id"], prefix="M20")
    boxed = new_collection(begin(b.store), _type(b, "Plate"))
    assert boxed["location"] == "M20.0.0.0"


def test_set_part_makes_a_part_item_and_replaces_the_wells_association(b: LabBuilder) -> None:
    store = b.store
    plate = b.collection("Plate")
    fwd, rev = b.row("samples", "fwd"), b.row("samples", "rev")
    first = set_part(begin(store), plate, 1, 2, fwd["id"])
    assert first["object_type_id"] == part_type(store)["id"] and first["sample_id"] == fwd["id"]
    second = set_part(begin(store), plate, "1", 2.0, rev["id"])
    links = store.lookup("part_associations", collection_id=plate["id"])
    assert [(pa["row"], pa["column"], pa["part_id"]) for pa in links] == [(1, 2, second["id"])]
    grid = part_grid(store, plate)
    assert [[p and p["sample_id"] for p in line] for line in grid] == [
        [None, None, None],
        [None, None, rev["id"]],
    ]
    built = b.part(plate, 0, 0, "fwd")
    assert {k: built[k] for k in ("object_type_id", "quantity", "inuse", "location")} == {
        k: first[k] for k in ("object_type_id", "quantity", "inuse", "location")
    }


def test_part_grid_assigns_as_ruby_arrays_do(b: LabBuilder) -> None:
    store = b.store
    plate = b.collection("Plate")
    part = b.part(plate, 0, 0, "fwd")
    link = store.first("part_associations", part_id=part["id"])
    assert link is not None
    store.update("part_associations", link["id"], column=-1)
    last = part_grid(store, plate)[0][-1]
    assert last is not None and last["id"] == part["id"]
    store.update("part_associations", link["id"], column=4)
    assert len(part_grid(store, plate)[0]) == 5  # a column past the end grows the row
    store.update("part_associations", link["id"], row=2, column=0)
    with pytest.raises(RubyError, match=r"undefined method `\[\]=' for nil"):
        part_grid(store, plate)


def test_part_type_is_required(b: LabBuilder) -> None:
    b.store.update("object_types", part_type(b.store)["id"], name="renamed")
    with pytest.raises(RubyError, match="undefined method `id'"):
        part_type(b.store)
    with pytest.raises(ValueError, match="no __Part object type"):
        b.part_type_id()


def test_a_failed_action_rolls_every_inventory_write_back(b: LabBuilder) -> None:
    before = {t: b.store.count(t) for t in ("items", "locators", "part_associations")}
    tx = begin(b.store)
    make_item(tx, _type(b, "Primer Stock"), 1)
    set_part(tx, b.collection("Plate"), 0, 0, 1)
    tx.rollback()
    after = {t: b.store.count(t) for t in before}
    assert after == {**before, "items": before["items"] + 1}  # only the builder's plate stays
