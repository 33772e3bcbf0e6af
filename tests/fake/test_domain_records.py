"""aqfake.domain.records: Model.find, data associations and the parent class they record."""

from __future__ import annotations

import json

import pytest

from aqfake.casting import RubyError
from aqfake.domain.records import associate, find, parent_class_of
from aqfake.domain.transaction import Transaction
from aqfake.lab import LabBuilder
from aqfake.lab.seed import seed_lab
from aqfake.store import Store


class Missing(Exception):
    pass


@pytest.fixture
def b() -> LabBuilder:
    builder = seed_lab(Store())
    builder.collection_type("Plate", 2, 3)
    builder.object_type("Tube")
    return builder


def test_find_answers_the_row_or_the_callers_error_with_rails_message(b: LabBuilder) -> None:
    assert find(b.store, "User", "1")["login"] == "neptune"
    with pytest.raises(RubyError, match="Couldn't find User with 'id'=42"):
        find(b.store, "User", 42)
    with pytest.raises(Missing, match="Couldn't find Item"):
        find(b.store, "Item", None, Missing)


def test_associate_rewrites_the_key_unless_duplicates_are_wanted(b: LabBuilder) -> None:
    tx = Transaction(b.store)
    first = associate(tx, "Item", 5, "note", "a<b")
    again = associate(tx, "Item", 5, "note", {"n": 1})
    assert again["id"] == first["id"] and again["object"] == '{"note":{"n":1}}'
    extra = associate(tx, "Item", 5, "note", "a<b & c", duplicates=True)
    assert extra["id"] != first["id"]
    assert extra["object"] == '{"note":"a\\u003cb \\u0026 c"}'  # Rails' to_json escapes
    assert json.loads(extra["object"]) == {"note": "a<b & c"}
    tx.rollback()
    assert b.store.count("data_associations") == 0


def test_the_lab_records_data_associations_as_the_routes_do(b: LabBuilder) -> None:
    tube = b.item(None, "Tube")
    built = b.data_association(tube, "volume", 2.5)
    routed = associate(Transaction(b.store), "Item", tube["id"], "volume", 2.5, duplicates=True)
    columns = ("parent_class", "parent_id", "key", "object", "upload_id")
    assert [built[k] for k in columns] == [routed[k] for k in columns]


def test_parent_class_of_tells_collections_from_items(b: LabBuilder) -> None:
    plate = b.collection("Plate")
    tube = b.item(None, "Tube")
    assert parent_class_of(b.store, plate) == "Collection"
    assert parent_class_of(b.store, tube) == "Item"
    assert parent_class_of(b.store, b.row("users", "neptune", by="login")) == "User"
    assert parent_class_of(b.store, {"id": 1, "nonsense": 2}) is None
