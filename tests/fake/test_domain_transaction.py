"""aqfake.domain.transaction: undo log, dirty tracking, keys, cascades, clock, Rails casts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from aqfake.casting import RubyError
from aqfake.domain.transaction import ConstraintError, RailsTransaction, Transaction
from aqfake.store import Store, StoreError
from aqfake.tables import FOREIGN_KEYS, referencing


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


def test_a_clock_stamps_new_and_changed_rows_instead_of_the_stores(store: Store) -> None:
    lab_time = datetime(2020, 5, 5, tzinfo=timezone.utc)
    tx = Transaction(store, clock=lambda: lab_time)
    sample = _sample(tx)
    assert sample["created_at"] == sample["updated_at"] == lab_time
    given = lab_time - timedelta(days=1)
    other = tx.insert(
        "samples",
        {"name": "rev", "sample_type_id": 1, "user_id": 1, "project": "p", "created_at": given},
    )
    assert other["created_at"] == other["updated_at"] == given
    later = lab_time + timedelta(hours=1)
    tx.clock = lambda: later
    assert tx.update("samples", sample["id"], {"name": "renamed"})["updated_at"] == later
    kept = tx.update("samples", other["id"], {"name": "kept", "updated_at": given})
    assert kept["updated_at"] == given
    tx.rollback()
    assert store.get("samples", sample["id"]) is None


def test_without_a_clock_the_store_stamps_rows(store: Store) -> None:
    sample = _sample(Transaction(store))
    assert sample["created_at"] == store.clock() - timedelta(seconds=1)  # the last tick


def test_rails_transaction_casts_attribute_writes_and_words_refusals_as_ruby(
    store: Store,
) -> None:
    tx = RailsTransaction(store)
    sample = tx.insert(
        "samples", {"name": "fwd", "sample_type_id": "1", "user_id": 1, "project": "p"}
    )
    assert sample["sample_type_id"] == 1
    with pytest.raises(RubyError, match="foreign key constraint fails"):
        tx.insert("samples", {"name": "x", "sample_type_id": 99, "user_id": 1, "project": "p"})
    with pytest.raises(RubyError, match="unknown attribute 'colour' for samples"):
        tx.update("samples", sample["id"], {"colour": "red"})
    with pytest.raises(RubyError, match="Couldn't find samples row"):
        tx.update("samples", 999, {"name": "y"})
    tx.rollback()
    assert store.count("samples") == 0
