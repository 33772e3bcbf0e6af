"""Creating a FakeAquarium (one per test) vs restoring the cached demo snapshot into a Store.

The demo lab is built once per process and kept as a snapshot; ``FakeAquarium("demo")``
restores it and takes its own reset snapshot. The baseline is the restore alone, the least a
fresh copy of the lab can cost. The one-time build of the lab is reported beside it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from aqfake.app import FakeAquarium, seeded_snapshot
from aqfake.lab import build_lab
from aqfake.store import Store

from .runner import Benchmark, Case, Operation, Pair, Target, paired

LAB = "demo"
#: Measured about 1.2-1.3 when the target was set (a restore plus the fake's reset snapshot).
TARGET = Target(2.0)


@contextmanager
def setup() -> Iterator[Pair]:
    """Building a fake against restoring the cached snapshot of the same lab."""
    start = time.perf_counter()
    build_lab(Store(), LAB)
    built = time.perf_counter() - start
    snapshot = seeded_snapshot(LAB)
    rows = sum(len(table) for table in snapshot.rows.values())

    def create() -> Operation:
        return lambda: FakeAquarium(LAB)

    def restore() -> Operation:
        return lambda: Store().restore(snapshot)

    yield Pair(
        Case(f"FakeAquarium({LAB!r})", create),
        Case(f"Store().restore(seeded_snapshot({LAB!r}))", restore),
        lambda: [f"{rows} rows; building the lab from scratch (once per process): {built:.3f} s"],
    )


BENCHMARK = Benchmark(
    name="fake-create",
    summary="FakeAquarium('demo') creation vs restoring the cached demo snapshot",
    run=paired("fake-create", setup, TARGET),
    repeats=40,
    quick_repeats=15,
)
