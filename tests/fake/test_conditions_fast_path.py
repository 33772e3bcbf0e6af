"""The compiled-criteria cache and the exact index path of ``where``."""

from __future__ import annotations

from typing import Any

import pytest

from aqfake.conditions import Cmp, Col, Lit, QueryError, Where, compile_where, select
from aqfake.store import Store
from aqfake.tables import ColumnType


@pytest.fixture
def store() -> Store:
    store = Store()
    for name in ("GFP", "gfp  ", "RFP", "t", "1", "0.0", "-0.0"):
        store.insert("samples", name=name, project="p")
    for sample_id in (1, 1, 2, None):
        store.insert("items", sample_id=sample_id, location="Bench")
    return store


def names(rows: list[dict[str, Any]]) -> list[str]:
    return [row["name"] for row in rows]


def literal(where: Where) -> Any:
    assert isinstance(where.node, Cmp) and isinstance(where.node.right, Lit)
    return where.node.right.value


def test_cached_criteria_tell_equal_values_of_different_types_apart(store: Store) -> None:
    """``True == 1`` in Python, but Rails sends ``"t"`` and ``"1"`` to a string column."""
    for _ in range(2):
        assert names(select(store, "Sample", {"name": True})) == ["t"]
        assert names(select(store, "Sample", {"name": 1})) == ["1"]


def test_floats_are_compiled_each_time_since_equal_floats_differ_as_text(store: Store) -> None:
    assert literal(compile_where("Sample", {"name": 0.0})) == "0.0"
    assert literal(compile_where("Sample", {"name": -0.0})) == "-0.0"
    assert names(select(store, "Sample", {"name": -0.0})) == ["-0.0"]


def test_refused_criteria_are_refused_every_time() -> None:
    for _ in range(2):
        with pytest.raises(QueryError, match="Unknown column"):
            compile_where("Sample", {"no_such_column": 1})


def test_long_strings_compile_and_match_like_short_ones(store: Store) -> None:
    long = "x" * 10_000
    store.insert("samples", name=long)
    assert names(select(store, "Sample", {"name": long.upper() + " "})) == [long]


def test_indexed_equality_takes_the_index_hit_without_testing_rows(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_row_tests(self: Where, row: dict[str, Any]) -> bool:
        raise AssertionError(f"row {row['id']} was tested one by one")

    monkeypatch.setattr(Where, "matches", no_row_tests)
    assert names(select(store, "Sample", {"name": "gfp"})) == ["GFP", "gfp  "]
    assert names(select(store, "Sample", {"name": ["rfp", "GFP "]})) == ["GFP", "gfp  ", "RFP"]
    assert [r["id"] for r in select(store, "Item", {"sample_id": [1, None]})] == [1, 2, 4]
    assert [r["id"] for r in select(store, "Item", "sample_id = '2' OR id = 1")] == [1, 3]
    assert select(store, "Item", {"id": None}) == []
    assert [r["id"] for r in select(store, "Item", {"id": [2, 99, "3"]})] == [2, 3]


def test_conditions_the_index_cannot_settle_still_test_each_row(store: Store) -> None:
    where = compile_where("Sample", "name = 'gfp' AND project LIKE 'q%'")
    assert where.probe is None
    assert where.rows(store) == [] == where.scan(store)
    text_number = Where("samples", Cmp("=", Col("name", ColumnType.STRING), Lit(0)))
    assert text_number.probe is None  # MySQL compares text with a number numerically
    assert names(text_number.rows(store)) == ["GFP", "gfp  ", "RFP", "t", "0.0", "-0.0"]
    assert text_number.rows(store) == text_number.scan(store)


def test_a_query_inside_a_held_lock_reads_the_rows_as_they_are(store: Store) -> None:
    with store.lock.read():
        assert names(select(store, "Sample", {"name": "RFP"})) == ["RFP"]
    store.update("samples", 3, name="YFP")
    assert select(store, "Sample", {"name": "RFP"}) == []
    assert names(select(store, "Sample", {"name": "yfp"})) == ["YFP"]
