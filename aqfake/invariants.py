"""What must hold of a fake's store after any sequence of requests, however hostile.

A real Aquarium's database enforces these itself (MySQL's keys and column types); the fake's
store is plain dicts, so a handler bug could break them silently and later answers would be
wrong in ways no single response shows. :func:`store_problems` lists every violation:

- the store's own bookkeeping (:meth:`aqfake.store.Store.integrity_problems`): ids unique and
  below the auto-increment counter, every row with exactly its table's columns, indexes equal
  to what the rows say;
- values of the Python type the store keeps for their column (:mod:`aqfake.store`);
- NOT NULL columns filled;
- foreign keys (:data:`aqfake.tables.FOREIGN_KEYS`) pointing at rows that exist;
- unique indexes (:data:`aqfake.tables.UNIQUE_INDEXES`) holding no duplicates.

Use :func:`assert_store_consistent` in tests (the fuzz suite checks it after every example).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from .store import Row, Store
from .tables import FOREIGN_KEYS, UNIQUE_INDEXES, Column, ColumnType

_TYPES: dict[ColumnType, tuple[type, ...]] = {
    ColumnType.INT: (int,),
    ColumnType.FLOAT: (float, int),
    ColumnType.BOOL: (bool,),
    ColumnType.STRING: (str,),
    ColumnType.TEXT: (str,),
    ColumnType.DATETIME: (datetime,),
}


class StoreInconsistent(AssertionError):
    """The store breaks an invariant; the message lists every problem found."""


def _value_problem(column: Column, value: Any) -> str | None:
    if value is None:
        return None if column.nullable or column.name == "id" else "is NULL (NOT NULL column)"
    stray_bool = isinstance(value, bool) and column.type is not ColumnType.BOOL
    if stray_bool or not isinstance(value, _TYPES[column.type]):
        return f"holds {type(value).__name__} {value!r}, not {column.type.value}"
    if isinstance(value, datetime) and (
        value.utcoffset() != timedelta(0) or value.microsecond != 0
    ):
        return f"holds {value.isoformat()}, not a whole-second UTC time"
    return None


def _row_problems(store: Store, table: str, row: Row) -> Iterator[str]:
    for column in store.table(table).columns:
        problem = _value_problem(column, row.get(column.name))
        if problem is not None:
            yield f"{table} #{row['id']}: {column.name} {problem}"
    for name, target in FOREIGN_KEYS.get(table, {}).items():
        value = row.get(name)
        if value is not None and store.get(target, value) is None:
            yield f"{table} #{row['id']}: {name}={value!r} but {target} has no such row"


def _unique_problems(store: Store, table: str) -> Iterator[str]:
    for index, columns in UNIQUE_INDEXES.get(table, ()):
        seen: dict[tuple[Any, ...], int] = {}
        for row in store.rows(table):
            key = tuple(row[c] for c in columns)
            if any(v is None for v in key):
                continue
            if key in seen:
                yield f"{table}: rows #{seen[key]} and #{row['id']} share {index} {key!r}"
            seen.setdefault(key, row["id"])


def store_problems(store: Store) -> list[str]:
    """Every invariant the store breaks, as readable lines (empty when consistent)."""
    with store.lock:
        problems = store.integrity_problems()
        for table in store:
            for row in store.rows(table):
                problems.extend(_row_problems(store, table, row))
            problems.extend(_unique_problems(store, table))
    return problems


def assert_store_consistent(store: Store, limit: int = 20) -> None:
    """Raise :class:`StoreInconsistent` naming the first ``limit`` problems, if there are any."""
    problems = store_problems(store)
    if problems:
        shown = "\n  ".join(problems[:limit])
        more = f"\n  ... and {len(problems) - limit} more" if len(problems) > limit else ""
        raise StoreInconsistent(f"{len(problems)} store invariant(s) broken:\n  {shown}{more}")
