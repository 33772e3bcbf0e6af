"""aqfake.transaction: undo log, dirty tracking, foreign keys and ON DELETE CASCADE from tables."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from aqfake.store import Store, StoreError
from aqfake.tables import FOREIGN_KEYS, referencing
from aqfake.transaction import ConstraintError, Transaction


@pytest.fixture
def store() -> Store:
    state = {"now": datetime(2024, 1, 1, tzinfo=timezone.utc)}

    def clock() -> datetime:
        state["now"] += timedelta(seconds=1)
        return state["now"]

    fresh = Store(clock=clock)
    fresh.insert("users", {"login": "neptune", "name": "Neptune"})
    fresh.insert("sample_types", {"name": "Primer", "description": "DNA"})
    return fresh


def _sample(tx: Transaction, name: str = "fwd") -> dict:
    return tx.insert("samples", {"name": name, "sample_type_id": 1, "user_id": 1, "project": "p"})


def test_rollback_undoes_inserts_updates_and_deletes_newest_first(store: Store) -> None:
    before = store.snapshot()
    tx = Transaction(store)
    sample = _sample(tx)
    tx.update("samples", sample["id"], {"name": "renamed"})
    tx.update("sample_types", 1, {"description": "changed"})
    tx.delete("users", 1)  # cascades to the sample inserted above
    assert store.get("samples", sample["id"]) is None
    tx.rollback()
    assert store.snapshot().rows == before.rows
    assert _sample(Transaction(store))["id"] == sample["id"] + 1  # the id stays used


def test_update_writes_only_real_changes(store: Store) -> None:
    tx = Transaction(store)
    row = store.get("sample_types", 1)
    assert row is not None
    stamp = row["updated_at"]
    assert (
        tx.update("sample_types", 1, {"name": "Primer", "description": "DNA"})["updated_at"]
        == stamp
    )
    tx.rollback()
    assert store.get("sample_types", 1) == row
    changed = Transaction(store).update("sample_types", 1, {"description": "other"})
    assert changed["updated_at"] > stamp


def test_foreign_keys_are_checked_unless_turned_off(store: Store) -> None:
    values = {"name": "x", "sample_type_id": 99, "user_id": 1}
    with pytest.raises(ConstraintError, match=r"FOREIGN KEY \(`sample_type_id`\) REFERENCES"):
        Transaction(store).insert("samples", values)
    assert store.count("samples") == 0
    sample = Transaction(store, check_keys=False).insert("samples", values)
    with pytest.raises(ConstraintError, match="`user_id`"):  # the whole row is checked
        Transaction(store).update("samples", sample["id"], {"sample_type_id": 1, "user_id": 42})
    assert store.get("samples", sample["id"])["sample_type_id"] == 99


def test_update_of_a_missing_row_is_a_store_error(store: Store) -> None:
    with pytest.raises(StoreError, match="Couldn't find samples"):
        Transaction(store).update("samples", 5, {"name": "x"})


def test_cascade_targets_are_read_from_the_foreign_key_table() -> None:
    assert ("samples", "user_id") in referencing("users")
    assert ("wires", "from_id") in referencing("field_values")
    assert referencing("wizards") == ()
    every = {(child, column) for child, keys in FOREIGN_KEYS.items() for column in keys}
    reached = {pair for target in {t for k in FOREIGN_KEYS.values() for t in k.values()}
               for pair in referencing(target)}  # fmt: skip
    assert reached == every
