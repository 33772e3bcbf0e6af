"""The in-memory store: ids, timestamps, coercion, indexes, snapshots, thread safety."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest

from aqfake.store import Store, StoreError, coerce, parse_datetime
from aqfake.tables import MODEL_NAMES, MODELS, SECRET_COLUMNS, TABLES, ColumnType


def fixed_clock(start: datetime):
    state = {"now": start}

    def clock() -> datetime:
        state["now"] += timedelta(seconds=1)
        return state["now"]

    return clock


@pytest.fixture
def store() -> Store:
    return Store(clock=fixed_clock(datetime(2024, 1, 1, tzinfo=timezone.utc)))


def test_all_27_models_are_declared_with_known_tables():
    assert len(MODEL_NAMES) == 27
    assert MODELS["Collection"].table == MODELS["Item"].table == "items"
    for model in MODELS.values():
        assert model.table in TABLES
        assert TABLES[model.table].column_names[0] == "id"


def test_secret_columns_are_marked():
    assert SECRET_COLUMNS["users"] == {"password_digest", "remember_token", "key"}
    assert "password_digest" not in {c.name for c in TABLES["users"].public_columns}


def test_insert_assigns_ids_defaults_and_timestamps(store: Store):
    first = store.insert("items", quantity=1)
    second = store.insert("items", quantity=2)
    assert (first["id"], second["id"]) == (1, 2)
    assert first["inuse"] == 0
    assert first["created_at"] == first["updated_at"]
    assert second["created_at"] > first["created_at"]
    assert list(first) == list(TABLES["items"].column_names)


def test_insert_with_explicit_id_moves_the_counter(store: Store):
    store.insert("samples", id=10, name="a")
    assert store.insert("samples", name="b")["id"] == 11
    with pytest.raises(StoreError, match="Duplicate entry"):
        store.insert("samples", id=10, name="c")


def test_unknown_column_is_refused(store: Store):
    with pytest.raises(StoreError, match="Unknown column 'colour'"):
        store.insert("samples", colour="blue")


def test_values_are_cast_to_column_types(store: Store):
    row = store.insert("samples", name="x", sample_type_id="7", created_at="2020-05-01 10:11:12")
    assert row["sample_type_id"] == 7
    assert row["created_at"] == datetime(2020, 5, 1, 10, 11, 12, tzinfo=timezone.utc)
    column = TABLES["wires"].column("active")
    assert column is not None and column.type is ColumnType.BOOL
    assert coerce(column, "true") is True
    with pytest.raises(StoreError):
        store.insert("samples", sample_type_id="seven")


def test_parse_datetime_accepts_offsets_and_drops_fractions():
    parsed = parse_datetime("2018-07-17T15:10:05.123-07:00")
    assert parsed == datetime(2018, 7, 17, 22, 10, 5, tzinfo=timezone.utc)


def test_lookup_is_case_and_trailing_space_insensitive(store: Store):
    store.insert("samples", name="GFP")
    store.insert("samples", name="rfp")
    assert [r["name"] for r in store.lookup("samples", name="gfp  ")] == ["GFP"]
    assert store.first("samples", name="RFP")["name"] == "rfp"
    assert store.first("samples", name="yfp") is None


def test_indexes_follow_updates_and_deletes(store: Store):
    row = store.insert("items", sample_id=3)
    store.update("items", row["id"], sample_id=4)
    assert store.ids_matching("items", "sample_id", [3]) == set()
    assert store.ids_matching("items", "sample_id", [4]) == {row["id"]}
    store.delete("items", row["id"])
    assert store.ids_matching("items", "sample_id", [4]) == set()
    assert store.get("items", row["id"]) is None


def test_update_bumps_updated_at_unless_given(store: Store):
    row = store.insert("samples", name="a")
    created = row["created_at"]
    store.update("samples", row["id"], name="b")
    assert row["updated_at"] > created
    store.update("samples", row["id"], updated_at="2001-01-01 00:00:00")
    assert row["updated_at"].year == 2001


def test_replace_is_a_full_overwrite(store: Store):
    row = store.insert("samples", name="a", project="p", description="d")
    store.replace("samples", row["id"], {"name": "b", "created_at": row["created_at"]})
    assert (row["name"], row["project"], row["description"]) == ("b", None, None)


def test_snapshot_and_restore_round_trip(store: Store):
    store.insert("samples", name="keep")
    snap = store.snapshot()
    store.insert("samples", name="drop")
    store.update("samples", 1, name="changed")
    store.restore(snap)
    assert [r["name"] for r in store.rows("samples")] == ["keep"]
    assert store.insert("samples", name="next")["id"] == 2
    assert store.first("samples", name="keep") is not None


def test_concurrent_inserts_get_distinct_ids():
    store = Store()

    def work() -> None:
        for _ in range(200):
            store.insert("items", quantity=1)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [r["id"] for r in store.rows("items")]
    assert ids == list(range(1, 801))
