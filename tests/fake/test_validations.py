"""aqfake.validations: Aquarium's model validations as data, shared by every write path."""

from __future__ import annotations

import pytest

from aqfake.casting import (
    RubyError,
    dig,
    interpolate,
    not_found_message,
    record_id,
    ruby_each,
)
from aqfake.store import Store
from aqfake.validations import errors_object, full_messages, model_errors
from aqfake.wizards import location_to_int, slot_index


@pytest.fixture
def store() -> Store:
    fresh = Store()
    fresh.insert("object_types", {"name": "Primer Stock", "min": 1, "max": 2, "cost": 1.0})
    fresh.insert("samples", {"name": "fwd", "project": "p", "user_id": 1})
    return fresh


def test_object_type_messages_in_model_order(store: Store) -> None:
    row = {"name": "Primer Stock", "min": 3, "max": 1, "cost": 0.0, "release_method": "keep"}
    assert model_errors(store, "ObjectType", row) == [
        ("unit", "can't be blank"),
        ("description", "can't be blank"),
        ("min", "min must be greater than zero and less than or equal to max"),
        ("cost", "must be at least $0.01"),
        ("release_method", "must be either return, dispose, or query"),
        ("name", "has already been taken"),
    ]


def test_object_type_missing_bounds_and_cost_fail_their_range_checks(store: Store) -> None:
    errors = errors_object(model_errors(store, "ObjectType", {"id": 1, "name": "Primer Stock"}))
    assert errors["min"] == [
        "can't be blank",
        "min must be greater than zero and less than or equal to max",
    ]
    assert errors["cost"] == ["can't be blank", "must be at least $0.01"]
    assert errors["release_method"][0] == "can't be blank"
    assert "name" not in errors  # its own name is no clash


def test_item_messages_are_aquariums(store: Store) -> None:
    assert model_errors(store, "Item", {"quantity": 2, "inuse": 2}) == []
    assert model_errors(store, "Item", {"quantity": -1, "inuse": -1}) == []
    assert full_messages(model_errors(store, "Item", {"quantity": None, "inuse": 0})) == [
        "Quantity can't be blank",
        "Quantity Must be non-negative.",
        "Inuse must non-negative and not greater than the quantity.",
    ]
    assert model_errors(store, "Collection", {"quantity": 1, "inuse": 3}) == [
        ("inuse", "must non-negative and not greater than the quantity.")
    ]


def test_sample_uniqueness_is_checked_first_with_its_own_message(store: Store) -> None:
    assert model_errors(store, "Sample", {"name": "fwd", "project": None, "user_id": 1}) == [
        ("name", "The sample name 'fwd' is the name of an existing sample"),
        ("project", "can't be blank"),
    ]
    assert model_errors(store, "Sample", {"name": "FWD", "project": "p", "user_id": 1}) == []


def test_record_id_casts_as_rails_integer_attributes() -> None:
    assert [record_id(v) for v in ("5abc", "abc", 7, 2.7, True, None, {}, [])] == [
        5,
        0,
        7,
        2,
        1,
        None,
        None,
        None,
    ]


def test_not_found_message_interpolates_the_raw_id() -> None:
    assert not_found_message("Plan", "12x") == "Couldn't find Plan with 'id'=12x"
    assert not_found_message("Plan", None) == "Couldn't find Plan with 'id'="
    assert not_found_message("Plan", True) == "Couldn't find Plan with 'id'=true"
    assert interpolate({"a": 1.0}) == '{"a"=>1.0}'


def test_ruby_indexing_and_each_errors() -> None:
    assert dig({"name": "x"}, "name") == "x"
    with pytest.raises(RubyError, match="no implicit conversion of Symbol into Integer"):
        dig("text", "name")
    with pytest.raises(RubyError, match=r"undefined method `\[\]' for nil:NilClass") as raised:
        dig(None, "name", "frame.rb")
    assert raised.value.backtrace() == "frame.rb"
    assert ruby_each({"k": 1}) == [["k", 1]]
    with pytest.raises(RubyError, match="undefined method `each' for 5:Integer"):
        ruby_each(5)


def test_wizard_slot_numbers_agree_between_lab_and_aquariums_formula() -> None:
    wizard = {
        "name": "M20",
        "specification": '{"fields": [{"capacity": -1}, {"capacity": 16}, {"capacity": 81}]}',
    }
    assert location_to_int(wizard, "M20.1.2.3") == slot_index([-1, 16, 81], [1, 2, 3])
    assert slot_index([-1, 16, 81], [1, 2, 3]) == 1 * 16 * 81 + 2 * 81 + 3
