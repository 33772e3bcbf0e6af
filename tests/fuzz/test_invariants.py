"""The invariant checker the fuzz suite relies on finds each kind of broken store."""

from __future__ import annotations

import pytest

from aqfake.app import FakeAquarium
from aqfake.invariants import StoreInconsistent, assert_store_consistent, store_problems
from aqfake.store import Store


@pytest.fixture
def store() -> Store:
    return FakeAquarium("demo").store


def test_the_demo_lab_is_consistent(store: Store) -> None:
    assert store_problems(store) == []
    assert_store_consistent(store)


def test_a_dangling_foreign_key_is_found(store: Store) -> None:
    sample = store.rows("samples")[0]
    store.update("samples", sample["id"], sample_type_id=99_999)
    assert store_problems(store) == [
        f"samples #{sample['id']}: sample_type_id=99999 but sample_types has no such row"
    ]


def test_a_row_deleted_under_its_children_is_found(store: Store) -> None:
    sample_type = store.rows("sample_types")[0]
    store.delete("sample_types", sample_type["id"])
    problems = store_problems(store)
    assert problems and all("sample_types has no such row" in p for p in problems)


def test_an_index_out_of_step_with_its_rows_is_found(store: Store) -> None:
    row = store.rows("samples")[0]
    row["name"] = "renamed behind the store's back"  # what a handler must never do
    (problem,) = store_problems(store)
    assert problem.startswith("samples: index on name disagrees with the rows")


def test_a_reusable_id_is_found(store: Store) -> None:
    store.insert("wizards", {"id": 500, "name": "w"})
    store.reserve_ids("wizards", 1)  # cannot lower the counter ...
    assert store_problems(store) == []
    row = store.rows("wizards")[-1]
    row["id"] = 7  # ... but a row whose id differs from its key is caught
    assert any("row kept under id 500 has id 7" in p for p in store_problems(store))


def test_wrong_types_nulls_and_duplicates_are_found(store: Store) -> None:
    item = store.rows("items")[0]
    store.rows("items")[0]["quantity"] = "3"  # index-free column, wrong Python type
    store.rows("users")[0]["created_at"] = None  # NOT NULL
    part = store.rows("part_associations")[0]
    store.insert("part_associations", {**part, "id": None})
    problems = "\n".join(store_problems(store))
    assert f"items #{item['id']}: quantity holds str '3', not int" in problems
    assert "created_at is NULL (NOT NULL column)" in problems
    assert "share index_part_associations_on_collection_id_and_row_and_column" in problems
    with pytest.raises(StoreInconsistent, match=r"3 store invariant\(s\) broken"):
        assert_store_consistent(store)


def test_write_marks_change_with_every_kind_of_write(store: Store) -> None:
    before = store.write_marks()
    row = store.insert("wizards", {"name": "w"})
    after_insert = store.write_marks()
    assert {t for t in before if before[t] != after_insert[t]} == {"wizards"}
    store.update("wizards", row["id"], name="v")
    assert store.write_marks()["wizards"] != after_insert["wizards"]
    marks = store.write_marks()
    store.delete("wizards", row["id"])
    assert store.write_marks()["wizards"] != marks["wizards"]
    marks = store.write_marks()
    store.restore(store.snapshot())
    assert all(store.write_marks()[t] != marks[t] for t in marks)
    assert store.write_marks() == store.write_marks()  # reading changes nothing
