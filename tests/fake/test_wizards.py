"""aqfake.wizards: Aquarium's location wizards read from a store."""

from __future__ import annotations

import json

import pytest

from aqfake import wizards
from aqfake.casting import RubyError
from aqfake.store import Row, Store

M20_SPEC = {
    "fields": [
        {"name": "Hotel", "capacity": -1},
        {"name": "Box", "capacity": 16},
        {"name": "Slot", "capacity": 81},
    ]
}


def wizard_row(spec: object, name: str = "M20") -> Row:
    text = spec if isinstance(spec, str) or spec is None else json.dumps(spec)
    return {"id": 1, "name": name, "specification": text}


@pytest.fixture
def store() -> Store:
    fresh = Store()
    fresh.insert("wizards", name="M20", specification=json.dumps(M20_SPEC))
    fresh.insert("wizards", name="SF2", specification='{"fields":[{"capacity":-1}]}')
    fresh.insert("object_types", name="Primer Stock", prefix="m20", cost=1.0)
    fresh.insert("object_types", name="Loose", prefix=None, cost=1.0)
    for _ in range(3):
        fresh.insert("items", quantity=1, inuse=0, object_type_id=1)
    return fresh


def m20(store: Store) -> Row:
    found = store.first("wizards", name="M20")
    assert found is not None
    return found


# -- specification -----------------------------------------------------------------------------


def test_capacities_of_a_list_of_fields() -> None:
    assert wizards.capacities(wizard_row(M20_SPEC)) == [-1, 16, 81]


def test_capacities_of_fields_keyed_by_position_follow_the_keys_as_numbers() -> None:
    spec = {"fields": {"10": {"capacity": 5}, "2": {"capacity": 9}, "1": {"capacity": -1}}}
    assert wizards.capacities(wizard_row(spec)) == [-1, 9, 5]


def test_capacities_read_as_ruby_to_i_does() -> None:
    spec = {"fields": [{"capacity": -1}, {"capacity": "12abc"}, {}, 7, {"capacity": 4.9}]}
    assert wizards.capacities(wizard_row(spec)) == [-1, 12, 0, 0, 4]


@pytest.mark.parametrize("spec", [None, "", "null", "[1, 2]", '{"fields": 3}', '{"x": []}'])
def test_capacities_without_fields_are_empty(spec: str | None) -> None:
    assert wizards.capacities(wizard_row(spec)) == []


def test_capacities_of_a_specification_that_is_not_json_fail_as_ruby_does() -> None:
    with pytest.raises(RubyError, match="unexpected token"):
        wizards.capacities(wizard_row("{fields"))


# -- location text <-> slot number -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("M20.1.2.3", ("M20", [1, 2, 3])),
        ("SF2.40", ("SF2", [40])),
        ("M20", None),
        ("M20.1.x.3", None),
        ("M20.1.-2.3", None),
        ("", None),
        (None, None),
    ],
)
def test_slot_digits(text: str | None, parsed: tuple[str, list[int]] | None) -> None:
    assert wizards.slot_digits(text) == parsed


def test_slot_index_is_mixed_radix_by_inner_capacities() -> None:
    assert wizards.slot_index([-1, 16, 81], [1, 2, 3]) == 1 * 16 * 81 + 2 * 81 + 3
    assert wizards.slot_index([-1], [40]) == 40


@pytest.mark.parametrize("number", [0, 1, 80, 81, 1 * 16 * 81 + 2 * 81 + 3, 5000])
def test_slot_location_inverts_location_to_int(number: int) -> None:
    wizard = wizard_row(M20_SPEC)
    text = wizards.slot_location(wizard, number)
    assert text is not None and text.startswith("M20.")
    assert wizards.has_correct_form(wizard, text)
    assert wizards.location_to_int(wizard, text) == number


def test_slot_location_example() -> None:
    assert wizards.slot_location(wizard_row(M20_SPEC), 1 * 16 * 81 + 2 * 81 + 3) == "M20.1.2.3"
    assert wizards.slot_location(wizard_row({"fields": [{"capacity": -1}]}, "SF2"), 7) == "SF2.7"


@pytest.mark.parametrize(
    "spec",
    ["{fields", "null", {"fields": []}, {"fields": [{"capacity": -1}, {"capacity": 0}]}],
)
def test_slot_location_is_none_when_the_specification_cannot_place_a_number(spec: object) -> None:
    assert wizards.slot_location(wizard_row(spec), 3) is None


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("M20.1.2.3", True),
        ("M20.0.15.80", True),
        ("M20.999.0.0", True),
        ("M20.1.16.3", False),
        ("M20.1.2.81", False),
        ("M20.-1.2.3", False),
        ("M20.1.2", False),
        ("M20.1.2.3.4", False),
        ("M80.1.2.3", False),
        ("m20.1.2.3", False),
        (None, False),
        (5, False),
    ],
)
def test_has_correct_form(location: object, expected: bool) -> None:
    assert wizards.has_correct_form(wizard_row(M20_SPEC), location) is expected


def test_location_to_int_is_zero_past_three_fields() -> None:
    spec = {"fields": [{"capacity": -1}, *({"capacity": 2} for _ in range(3))]}
    assert wizards.location_to_int(wizard_row(spec), "M20.1.1.1.1") == 0
    assert wizards.location_to_int(wizard_row(M20_SPEC), "M20.1.2.3") == 1 * 16 * 81 + 2 * 81 + 3


def test_find_slot_names_the_wizard_and_number(store: Store) -> None:
    found = wizards.find_slot(store, "M20.1.2.3")
    assert found is not None
    assert found[0]["id"] == m20(store)["id"]
    assert found[1] == 1 * 16 * 81 + 2 * 81 + 3


@pytest.mark.parametrize("location", ["Bench", "M80.1.2.3", "M20.1.2", None])
def test_find_slot_is_none_for_free_text(store: Store, location: str | None) -> None:
    assert wizards.find_slot(store, location) is None


def test_find_slot_refuses_a_number_past_its_capacity(store: Store) -> None:
    with pytest.raises(ValueError, match=r"'M20\.0\.16\.0': 16 exceeds capacity 16"):
        wizards.find_slot(store, "M20.0.16.0")


# -- wizards and locators in a store -----------------------------------------------------------


def test_wizard_for_an_object_type_matches_its_prefix_case_insensitively(store: Store) -> None:
    found = wizards.wizard_for(store, store.get("object_types", 1))
    assert found is not None and found["name"] == "M20"
    assert wizards.wizard_for(store, store.get("object_types", 2)) is None
    assert wizards.wizard_for(store, None) is None


def test_next_free_on_a_wizard_without_locators_is_slot_zero(store: Store) -> None:
    assert wizards.next_free(store, m20(store)) == 0
    assert wizards.largest(store, m20(store)) is None


def test_next_free_is_one_past_the_newest_when_all_are_taken(store: Store) -> None:
    wizard = m20(store)
    store.insert("locators", wizard_id=wizard["id"], item_id=1, number=7)
    store.insert("locators", wizard_id=wizard["id"], item_id=2, number=3)
    assert wizards.next_free(store, wizard) == 4
    newest = wizards.largest(store, wizard)
    assert newest is not None and newest["number"] == 3


def test_next_free_is_the_lowest_id_empty_locator(store: Store) -> None:
    wizard = m20(store)
    store.insert("locators", wizard_id=wizard["id"], item_id=1, number=0)
    empty_high = store.insert("locators", wizard_id=wizard["id"], item_id=None, number=9)
    store.insert("locators", wizard_id=wizard["id"], item_id=None, number=1)
    assert wizards.next_free(store, wizard) == empty_high


def test_locators_of_and_at_keep_to_the_wizard(store: Store) -> None:
    wizard = m20(store)
    other = store.first("wizards", name="SF2")
    assert other is not None
    first = store.insert("locators", wizard_id=wizard["id"], item_id=1, number=5)
    store.insert("locators", wizard_id=other["id"], item_id=2, number=5)
    second = store.insert("locators", wizard_id=wizard["id"], item_id=None, number=5)
    both = [first["id"], second["id"]]
    assert [loc["id"] for loc in wizards.locators_of(store, wizard)] == both
    assert [loc["id"] for loc in wizards.locators_at(store, wizard, 5)] == both
    assert wizards.locators_at(store, wizard, 6) == []


def test_locator_holding_an_item(store: Store) -> None:
    wizard = m20(store)
    held = store.insert("locators", wizard_id=wizard["id"], item_id=2, number=1)
    item = store.get("items", 2)
    assert item is not None
    assert wizards.locator_holding(store, item) == held
    other = store.get("items", 3)
    assert other is not None
    assert wizards.locator_holding(store, other) is None


def test_attached_locator_follows_locator_id(store: Store) -> None:
    wizard = m20(store)
    locator = store.insert("locators", wizard_id=wizard["id"], item_id=None, number=2)
    item = store.update("items", 3, locator_id=locator["id"])
    assert wizards.attached_locator(store, item) == locator
    assert wizards.attached_locator(store, {**item, "locator_id": None}) is None
    assert wizards.attached_locator(store, {**item, "locator_id": 999}) is None


def test_wizard_location_and_locator_text(store: Store) -> None:
    wizard = m20(store)
    locator = store.insert("locators", wizard_id=wizard["id"], item_id=1, number=81 + 2)
    assert wizards.wizard_location(store, locator) == "M20.0.1.2"
    assert wizards.locator_text(store, locator) == "M20.0.1.2"


def test_a_locator_whose_wizard_is_gone(store: Store) -> None:
    orphan: Row = {"id": 50, "wizard_id": 99, "item_id": None, "number": 3}
    assert wizards.wizard_location(store, orphan) is None
    assert wizards.locator_text(store, orphan) == "ERROR"


def test_a_locator_whose_wizard_cannot_place_it_prints_the_wizard_name(store: Store) -> None:
    broken = store.insert("wizards", name="B1", specification='{"fields": []}')
    locator: Row = {"id": 51, "wizard_id": broken["id"], "item_id": None, "number": 3}
    assert wizards.wizard_location(store, locator) is None
    assert wizards.locator_text(store, locator) == "B1"
    unnumbered = {**locator, "wizard_id": m20(store)["id"], "number": None}
    assert wizards.wizard_location(store, unnumbered) is None
