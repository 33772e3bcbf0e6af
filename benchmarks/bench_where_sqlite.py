"""The fake's indexed ``where`` against its own size and against SQLite with an index.

Two queries a client sends all the time: items of one sample (``{"sample_id": id}``, ten
matching rows) and a sample by name (``{"name": "..."}``, one row, matched case-insensitively
as Aquarium's MySQL collation does). Each runs on stores of 1,000, 10,000 and 100,000 rows,
through :func:`aqfake.conditions.select` (criteria compiled, or found in the compiled-criteria
cache, answered through the store's index: what ``/json`` runs before rendering). The baseline
is SQLite in memory holding the same rows with an index on the column (``COLLATE NOCASE`` for
names), the same query through ``sqlite3`` with ``fetchall`` (its statement cache keeps the
prepared statement, as ours keeps the compiled criteria).

Query evaluation only, on both sides: each timed sample runs :data:`LOOKUPS` lookups in one
go. The fake's run inside the store's read lock, held once for the batch as a ``/json``
request holds it once for the whole request (taking the lock is the request's cost, about
2 us of Python, not the query's); SQLite's inside one open connection, whose own locking is
part of each ``execute``.

Checks: the 100k-row time over the 1k-row time (an index keeps it flat), and the fake over
SQLite at 100k rows (a Python dict index should not lose to a B-tree behind a C API).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from aqfake.conditions import select
from aqfake.store import Store

from .runner import Benchmark, Case, Check, Outcome, Series, Target, measure, ratio

SIZES = (1_000, 10_000, 100_000)
ITEMS_PER_SAMPLE = 10
#: Lookups per timed sample (each is a few microseconds), run as one batch.
LOOKUPS = 200
SCALE_TARGET = Target(1.5)
SQLITE_TARGET = Target(1.0)


@dataclass(frozen=True)
class Query:
    """One kind of lookup: the model and table, the column, and the value looked up at ``n``."""

    label: str
    model: str
    table: str
    column: str
    value: Callable[[int], object]
    collate: str = ""


QUERIES = (
    Query("items by sample_id", "Item", "items", "sample_id", lambda n: n // 2 // ITEMS_PER_SAMPLE),
    Query(
        "samples by name", "Sample", "samples", "name", lambda n: f"Sample-{n // 2:06d}", "NOCASE"
    ),
)


def fill(size: int) -> tuple[Store, sqlite3.Connection]:
    """``size`` items (ten per sample id) and ``size`` named samples, in the fake and SQLite."""
    store = Store()
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, sample_id INTEGER, location TEXT)")
    db.execute("CREATE TABLE samples (id INTEGER PRIMARY KEY, name TEXT, project TEXT)")
    items = []
    samples = []
    for n in range(size):
        item = store.insert("items", sample_id=n // ITEMS_PER_SAMPLE, location="Bench")
        sample = store.insert("samples", name=f"sample-{n:06d}", project="bench")
        items.append((item["id"], item["sample_id"], item["location"]))
        samples.append((sample["id"], sample["name"], sample["project"]))
    db.executemany("INSERT INTO items VALUES (?, ?, ?)", items)
    db.executemany("INSERT INTO samples VALUES (?, ?, ?)", samples)
    db.execute("CREATE INDEX items_sample_id ON items (sample_id)")
    db.execute("CREATE INDEX samples_name ON samples (name COLLATE NOCASE)")
    db.commit()
    return store, db


def cases(query: Query, size: int, store: Store, db: sqlite3.Connection) -> tuple[Case, Case]:
    """The fake's lookup and SQLite's, checked to find the same rows first."""
    value = query.value(size)
    criteria = {query.column: value}
    collate = f" COLLATE {query.collate}" if query.collate else ""
    sql = f"SELECT * FROM {query.table} WHERE {query.column} = ?{collate}"
    found = [row["id"] for row in select(store, query.model, criteria)]
    expected = [row[0] for row in db.execute(sql, (value,)).fetchall()]
    if not found or found != expected:
        raise AssertionError(
            f"{query.label} at {size} rows: the fake found ids {found[:5]}, SQLite {expected[:5]}"
        )

    model, params, lookups = query.model, (value,), range(LOOKUPS)

    def fake_batch() -> None:
        with store.lock.read():
            for _ in lookups:
                select(store, model, criteria)

    def sqlite_batch() -> None:
        for _ in lookups:
            db.execute(sql, params).fetchall()

    return (
        Case(f"conditions.select(store, {model!r}, {criteria!r})", lambda: fake_batch),
        Case(f"sqlite3: {sql} (indexed), fetchall", lambda: sqlite_batch),
    )


def run(repeats: int, quick: bool) -> Outcome:
    """Every query at every size, all cases interleaved; two checks per query."""
    filled = {size: fill(size) for size in SIZES}
    checks: list[Check] = []
    series: list[Series] = []
    notes = [f"sizes {', '.join(map(str, SIZES))} rows per table"]
    for query in QUERIES:
        pairs = [cases(query, size, *filled[size]) for size in SIZES]
        batches = measure([case for pair in pairs for case in pair], repeats)
        times = [batch / LOOKUPS for batch in batches]
        fake, sqlite = times[0::2], times[1::2]
        small, big = pairs[0][0], pairs[-1][0]
        checks.append(
            Check(
                f"where-sqlite {query.label} 100k/1k",
                ratio(fake[-1], fake[0]),
                SCALE_TARGET,
                fake[-1],
                fake[0],
                big.label + f" at {SIZES[-1]} rows",
                small.label + f" at {SIZES[0]} rows",
            )
        )
        checks.append(
            Check(
                f"where-sqlite {query.label} vs SQLite",
                ratio(fake[-1], sqlite[-1]),
                SQLITE_TARGET,
                fake[-1],
                sqlite[-1],
                big.label + f" at {SIZES[-1]} rows",
                pairs[-1][1].label + f" at {SIZES[-1]} rows",
            )
        )
        series.append(Series("where-sqlite", f"fake where, {query.label}", SIZES, tuple(fake)))
        series.append(Series("where-sqlite", f"SQLite, {query.label}", SIZES, tuple(sqlite)))
        notes.append(unlocked_note(query, filled[SIZES[-1]][0], fake[-1], repeats))
    return Outcome(checks, notes, series)


def unlocked_note(query: Query, store: Store, held: float, repeats: int) -> str:
    """The same lookup outside a request, taking the store's read lock on every call: not a
    check (the lock is a request's cost), printed so the difference stays visible."""
    criteria = {query.column: query.value(SIZES[-1])}
    case = Case("", lambda: lambda: select(store, query.model, criteria), LOOKUPS)
    (alone,) = measure([case], repeats)
    return (
        f"{query.label} at {SIZES[-1]} rows taking the lock per call: {alone * 1e6:.1f} us "
        f"(inside a held lock: {held * 1e6:.1f} us)"
    )


BENCHMARK = Benchmark(
    name="where-sqlite",
    summary="indexed where at 1k/10k/100k rows: flat with size, vs SQLite in memory",
    run=run,
    repeats=15,
    quick_repeats=5,
)
