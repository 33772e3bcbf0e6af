"""The large lab: the demo lab grown to N samples by aqfake's size knob, built once per size.

This is the lab ``aqfake serve --size N`` and ``FakeAquarium(size=N)`` build, so the benchmarks
measure what users run. ``snapshot(size)`` keeps each built lab for the rest of the run.
"""

from __future__ import annotations

from functools import cache

from aqfake.lab import build_lab
from aqfake.store import Snapshot, Store


def build(store: Store, size: int) -> None:
    """Fill ``store`` with the demo lab grown to ``size`` samples."""
    build_lab(store, "demo", size=size)


@cache
def snapshot(size: int) -> Snapshot:
    """The large lab of ``size`` samples, built once per run."""
    store = Store()
    build(store, size)
    return store.snapshot()
