"""Rows in memory: ids, timestamps, secondary indexes, snapshots.

The store knows tables and columns (from :mod:`aqfake.tables`) and nothing of HTTP or of
Aquarium's query semantics. Rows are plain dicts holding every column of their table; the dicts
the store hands out are its own, so treat them as read-only and change rows through
:meth:`Store.update` / :meth:`Store.replace`, which keep the indexes right.

Values are kept in Python types: ``int``, ``float``, ``bool``, ``str`` and timezone-aware UTC
``datetime`` with whole seconds (MySQL ``datetime`` precision).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any

from .rwlock import ReadWriteLock
from .tables import TABLES, Column, ColumnType, Table

Row = dict[str, Any]


class StoreError(ValueError):
    """A write the database would refuse: unknown table or column, or a value of the wrong type."""


def utc_now() -> datetime:
    """Now, in UTC, truncated to whole seconds as MySQL stores it."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def parse_datetime(text: str) -> datetime:
    """Parse an ISO-8601 or MySQL ``YYYY-MM-DD HH:MM:SS`` string; naive values are taken as UTC."""
    value = text.strip().replace(" ", "T", 1)
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise StoreError(f"Incorrect datetime value: {text!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).replace(microsecond=0)


def coerce(column: Column, value: Any) -> Any:
    """Convert ``value`` to the Python type the store keeps for ``column``, as MySQL would cast."""
    if value is None:
        return None
    kind = column.type
    try:
        if kind is ColumnType.INT:
            if isinstance(value, bool):
                return int(value)
            if isinstance(value, float):
                return round(value)
            return int(str(value).strip()) if isinstance(value, str) else int(value)
        if kind is ColumnType.FLOAT:
            return float(value)
        if kind is ColumnType.BOOL:
            if isinstance(value, str):
                return value.strip().lower() in ("1", "true", "t", "yes")
            return bool(value)
        if kind is ColumnType.DATETIME:
            if isinstance(value, datetime):
                aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
                return aware.astimezone(timezone.utc).replace(microsecond=0)
            return parse_datetime(str(value))
    except (TypeError, ValueError) as exc:
        if isinstance(exc, StoreError):
            raise
        raise StoreError(
            f"Incorrect {kind.value} value: {value!r} for column '{column.name}'"
        ) from exc
    if isinstance(value, (dict, list)):
        raise StoreError(f"Column '{column.name}' holds text; got {type(value).__name__}")
    return value if isinstance(value, str) else str(value)


def index_key(value: Any) -> Any:
    """The key a value is indexed under: strings compare case- and trailing-space-insensitively."""
    if isinstance(value, str):
        return value.rstrip(" ").casefold()
    if isinstance(value, bool):
        return int(value)
    return value


def _indexed_columns(table: Table) -> tuple[str, ...]:
    names = ("name", "login", "key", "parent_class", "remember_token", "location", "status")
    return tuple(c.name for c in table.columns if c.name.endswith("_id") or c.name in names)


@dataclass(frozen=True)
class Snapshot:
    """A frozen copy of every row and id counter, for :meth:`Store.restore`."""

    rows: Mapping[str, tuple[Row, ...]]
    next_ids: Mapping[str, int]


#: Hands out the write marks of :meth:`Store.write_marks`, increasing across every store.
_WRITE_MARKS = itertools.count(1)


class _TableData:
    __slots__ = ("defaults", "indexes", "mark", "names", "next_id", "rows", "table")

    def __init__(self, table: Table) -> None:
        self.table = table
        self.rows: dict[int, Row] = {}
        self.next_id = 1
        self.indexes: dict[str, dict[Any, set[int]]] = {c: {} for c in _indexed_columns(table)}
        self.names = frozenset(table.column_names)
        self.defaults = {c.name: c.default for c in table.columns}
        self.mark = next(_WRITE_MARKS)

    def index_add(self, row: Row) -> None:
        self.mark = next(_WRITE_MARKS)
        for column, index in self.indexes.items():
            index.setdefault(index_key(row[column]), set()).add(row["id"])

    def index_remove(self, row: Row) -> None:
        self.mark = next(_WRITE_MARKS)
        for column, index in self.indexes.items():
            key = index_key(row[column])
            ids = index.get(key)
            if ids is not None:
                ids.discard(row["id"])
                if not ids:
                    del index[key]


class Store:
    """Thread-safe in-memory tables with auto-increment ids and secondary indexes.

    :attr:`lock` is a :class:`~aqfake.rwlock.ReadWriteLock`: every read method holds it shared
    and every write method exclusively, so readers never wait for each other. The app holds it
    for a whole request (shared for queries, exclusive for writes); ``with store.lock:`` makes
    several calls one consistent step outside a request.

    ``clock`` supplies "now" for timestamps (the demo lab passes a deterministic one).
    """

    def __init__(
        self,
        tables: Mapping[str, Table] = TABLES,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.tables: Mapping[str, Table] = MappingProxyType(dict(tables))
        self.clock = clock
        self.lock = ReadWriteLock()
        self._data = {name: _TableData(table) for name, table in self.tables.items()}

    # -- reading -------------------------------------------------------------------------------

    def table(self, name: str) -> Table:
        """The schema of table ``name`` (its columns); :class:`StoreError` if there is none."""
        return self._table_data(name).table

    def get(self, table: str, row_id: Any) -> Row | None:
        """The row with that id, or None."""
        try:
            key = int(row_id)
        except (TypeError, ValueError, OverflowError):
            return None
        return self._table_data(table).rows.get(key)

    def rows(self, table: str) -> list[Row]:
        """Every row of the table, in ascending id order."""
        with self.lock.read():
            data = self._table_data(table)
            return [data.rows[i] for i in sorted(data.rows)]

    def count(self, table: str) -> int:
        """How many rows the table holds, without copying them as :meth:`rows` does."""
        return len(self._table_data(table).rows)

    def is_indexed(self, table: str, column: str) -> bool:
        """Whether the table keeps an index on ``column`` (lookups on it need no scan)."""
        return column in self._table_data(table).indexes

    def ids_matching(self, table: str, column: str, values: Iterable[Any]) -> set[int]:
        """Ids of rows whose indexed ``column`` equals one of ``values`` (MySQL string equality).

        ``values`` must already be cast to the column's type; ``None`` finds NULLs.
        """
        with self.lock.read():
            index = self._table_data(table).indexes[column]
            found: set[int] = set()
            for value in values:
                found |= index.get(index_key(value), set())
            return found

    def indexed_ids(self, table: str, column: str, keys: Iterable[Any]) -> set[int] | None:
        """Ids of rows whose ``column`` is indexed under one of ``keys`` (already
        :func:`index_key` keys; ``id`` is its own index), or None if ``column`` has no index.

        Takes no lock: the caller holds :attr:`lock` (as :meth:`Where.rows
        <aqfake.conditions.Where.rows>` does), so one query takes it once.
        """
        data = self._table_data(table)
        if column == "id":
            return {k for k in keys if type(k) is int and k in data.rows}
        index = data.indexes.get(column)
        if index is None:
            return None
        found: set[int] = set()
        for key in keys:
            found.update(index.get(key, ()))
        return found

    def indexed_rows(self, table: str, column: str, keys: tuple[Any, ...]) -> list[Row] | None:
        """The rows of :meth:`indexed_ids`, by ascending id (None if ``column`` has no index).

        The fast path of an equality query: one key is one dict lookup and a sort of its ids.
        The caller holds :attr:`lock`.
        """
        if len(keys) == 1 and column != "id":
            data = self._table_data(table)
            index = data.indexes.get(column)
            if index is None:
                return None
            rows = data.rows
            return [rows[i] for i in sorted(index.get(keys[0], ()))]
        ids = self.indexed_ids(table, column, keys)
        if ids is None:
            return None
        rows = self._table_data(table).rows
        return [rows[i] for i in sorted(ids)]

    def lookup(self, table: str, **criteria: Any) -> list[Row]:
        """Rows whose columns equal the given values (strings case-insensitively), by id."""
        with self.lock.read():
            data = self._table_data(table)
            candidates: set[int] | None = None
            rest: dict[str, Any] = {}
            for column, raw in criteria.items():
                value = coerce(self._column(data.table, column), raw)
                if column in data.indexes:
                    ids = data.indexes[column].get(index_key(value), set())
                    candidates = set(ids) if candidates is None else candidates & ids
                else:
                    rest[column] = index_key(value)
            pool: Iterable[int] = (
                sorted(candidates) if candidates is not None else sorted(data.rows)
            )
            return [
                data.rows[i]
                for i in pool
                if all(index_key(data.rows[i][c]) == v for c, v in rest.items())
            ]

    def first(self, table: str, **criteria: Any) -> Row | None:
        """The lowest-id row matching ``criteria`` (see :meth:`lookup`), or None."""
        found = self.lookup(table, **criteria)
        return found[0] if found else None

    def __iter__(self) -> Iterator[str]:
        """The names of the tables the store holds."""
        return iter(self.tables)

    # -- writing -------------------------------------------------------------------------------

    def insert(self, table: str, values: Mapping[str, Any] | None = None, **kw: Any) -> Row:
        """Add a row; missing columns take their defaults, timestamps default to now."""
        fields = {**(values or {}), **kw}
        with self.lock.write():
            data = self._table_data(table)
            row = self._build_row(data.table, fields)
            row_id = row["id"]
            if row_id is None:
                row_id = data.next_id
            elif row_id in data.rows:
                raise StoreError(f"Duplicate entry '{row_id}' for key 'PRIMARY' in {table}")
            row["id"] = row_id
            data.next_id = max(data.next_id, row_id + 1)
            self._stamp_created(row)
            data.rows[row_id] = row
            data.index_add(row)
            return row

    def insert_many(self, table: str, rows: Iterable[Mapping[str, Any]]) -> list[Row]:
        """Add many rows at once: the fast path for building large labs.

        Unlike :meth:`insert`, values are not converted: give them in the store's own types
        (``int``, ``float``, ``bool``, ``str``, UTC ``datetime`` with whole seconds). Missing
        columns take their defaults, missing ids the next free ones; unknown columns raise
        :class:`StoreError`.
        """
        with self.lock:
            data = self._table_data(table)
            names, defaults, indexes = data.names, data.defaults, data.indexes.items()
            stamped: list[str] = [c for c in ("created_at", "updated_at") if c in names]
            added: list[Row] = []
            for values in rows:
                if not names.issuperset(values):
                    unknown = sorted(set(values) - names)[0]
                    raise StoreError(f"Unknown column '{unknown}' in '{table}'")
                row = {**defaults, **values}
                row_id = row["id"]
                if row_id is None:
                    row_id = row["id"] = data.next_id
                elif row_id in data.rows:
                    raise StoreError(f"Duplicate entry '{row_id}' for key 'PRIMARY' in {table}")
                if row_id >= data.next_id:
                    data.next_id = row_id + 1
                for column in stamped:
                    if row[column] is None:
                        row[column] = self.clock()
                data.rows[row_id] = row
                for column, index in indexes:
                    value = row[column]
                    if isinstance(value, str):
                        value = value.rstrip(" ").casefold()
                    elif value is True or value is False:
                        value = int(value)
                    bucket = index.get(value)
                    if bucket is None:
                        index[value] = {row_id}
                    else:
                        bucket.add(row_id)
                added.append(row)
            if added:
                data.mark = next(_WRITE_MARKS)
            return added

    def update(
        self, table: str, row_id: int, values: Mapping[str, Any] | None = None, **kw: Any
    ) -> Row:
        """Change some columns of an existing row; ``updated_at`` becomes now unless given."""
        fields = {**(values or {}), **kw}
        with self.lock.write():
            data = self._table_data(table)
            row = self._existing(data, row_id)
            changes = {
                name: coerce(self._column(data.table, name), value)
                for name, value in fields.items()
                if name != "id"
            }
            if "updated_at" not in changes and "updated_at" in row:
                changes["updated_at"] = self.clock()
            data.index_remove(row)
            row.update(changes)
            data.index_add(row)
            return row

    def replace(self, table: str, row_id: int, values: Mapping[str, Any]) -> Row:
        """Overwrite every column of a row from ``values``; absent columns become NULL."""
        with self.lock.write():
            data = self._table_data(table)
            row = self._existing(data, row_id)
            fresh = self._build_row(data.table, {**values, "id": row_id}, use_defaults=False)
            data.index_remove(row)
            row.clear()
            row.update(fresh)
            data.index_add(row)
            return row

    def next_id(self, table: str) -> int:
        """The id the next row inserted into ``table`` without one will get."""
        return self._table_data(table).next_id

    def reserve_ids(self, table: str, next_id: int) -> None:
        """Make the next auto-increment id of ``table`` at least ``next_id``."""
        with self.lock.write():
            data = self._table_data(table)
            data.next_id = max(data.next_id, int(next_id))

    def delete(self, table: str, row_id: int) -> Row:
        """Remove a row and return it."""
        with self.lock.write():
            data = self._table_data(table)
            row = self._existing(data, row_id)
            data.index_remove(row)
            del data.rows[row["id"]]
            return row

    # -- snapshots -----------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """A copy of the whole store that later writes do not affect."""
        with self.lock.read():
            return Snapshot(
                rows=MappingProxyType(
                    {
                        name: tuple(dict(data.rows[i]) for i in sorted(data.rows))
                        for name, data in self._data.items()
                    }
                ),
                next_ids=MappingProxyType({n: d.next_id for n, d in self._data.items()}),
            )

    def restore(self, snapshot: Snapshot) -> None:
        """Put every table back exactly as it was when ``snapshot`` was taken."""
        with self.lock.write():
            for name, data in self._data.items():
                fresh = _TableData(data.table)
                for row in snapshot.rows.get(name, ()):
                    copy = dict(row)
                    fresh.rows[copy["id"]] = copy
                    fresh.index_add(copy)
                fresh.next_id = snapshot.next_ids.get(name, 1)
                self._data[name] = fresh

    # -- self-check ----------------------------------------------------------------------------

    def write_marks(self) -> dict[str, int]:
        """A number per table that changes whenever a row of it is written (inserted, updated,
        replaced, deleted or restored): equal marks mean the table was left alone."""
        with self.lock.read():
            return {name: data.mark for name, data in self._data.items()}

    def integrity_problems(self) -> list[str]:
        """What is wrong with the store's own bookkeeping (empty when all is well): a row kept
        under another id than its own, an id the auto-increment counter could hand out again,
        a row with missing or extra columns, an index entry that disagrees with the rows.

        For tests and tools (see :mod:`aqfake.invariants`); it reads every row, so it is slow.
        """
        problems: list[str] = []
        with self.lock.read():
            for name, data in self._data.items():
                problems.extend(_table_problems(name, data))
        return problems

    # -- internals -----------------------------------------------------------------------------

    def _table_data(self, name: str) -> _TableData:
        try:
            return self._data[name]
        except KeyError:
            raise StoreError(f"Table '{name}' doesn't exist") from None

    @staticmethod
    def _column(table: Table, name: str) -> Column:
        column = table.column(name)
        if column is None:
            raise StoreError(f"Unknown column '{name}' in '{table.name}'")
        return column

    @staticmethod
    def _existing(data: _TableData, row_id: Any) -> Row:
        try:
            return data.rows[int(row_id)]
        except (KeyError, TypeError, ValueError):
            raise StoreError(f"Couldn't find {data.table.name} row with id={row_id!r}") from None

    def _build_row(
        self, table: Table, fields: Mapping[str, Any], *, use_defaults: bool = True
    ) -> Row:
        unknown = set(fields) - set(table.column_names)
        if unknown:
            raise StoreError(f"Unknown column '{sorted(unknown)[0]}' in '{table.name}'")
        return {
            c.name: coerce(c, fields[c.name])
            if c.name in fields
            else (c.default if use_defaults else None)
            for c in table.columns
        }

    def _stamp_created(self, row: Row) -> None:
        now = self.clock()
        for name in ("created_at", "updated_at"):
            if name in row and row[name] is None:
                row[name] = now


def _table_problems(name: str, data: _TableData) -> list[str]:
    problems: list[str] = []
    columns = set(data.table.column_names)
    expected: dict[str, dict[Any, set[int]]] = {column: {} for column in data.indexes}
    for key, row in data.rows.items():
        if row.get("id") != key or not isinstance(key, int) or isinstance(key, bool):
            problems.append(f"{name}: row kept under id {key!r} has id {row.get('id')!r}")
        if isinstance(key, int) and key >= data.next_id:
            problems.append(f"{name}: id {key} is not below the next auto-increment id")
        if set(row) != columns:
            wrong = sorted(set(row) ^ columns)
            problems.append(f"{name} #{key}: columns {wrong} missing or not in the table")
            continue
        for column, index in expected.items():
            index.setdefault(index_key(row[column]), set()).add(key)
    for column, index in data.indexes.items():
        if index != expected[column]:
            stale = sorted(set(index) ^ set(expected[column]), key=repr)[:3]
            differing = [
                k for k in index.keys() & expected[column] if index[k] != expected[column][k]
            ]
            under = sorted(differing, key=repr)[:3]
            problems.append(
                f"{name}: index on {column} disagrees with the rows (keys only on one side: "
                f"{stale!r}, ids differ under: {under!r})"
            )
    return problems
