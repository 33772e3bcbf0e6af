"""The large lab: the demo lab grown to N samples, each with one item, built once per size.

Built through :class:`aqfake.lab.LabBuilder` (every sample gets its type's field values, every
item a container of its sample's type), as a user would grow a lab. When the lab factory takes
a ``size`` (the size knob of ``aqfake serve --size``), that is used instead, so the benchmarks
measure what users run. ``snapshot(size)`` keeps each built lab for the rest of the run.
"""

from __future__ import annotations

import inspect
from functools import cache

from aqfake.lab import LabBuilder, build_lab, demo_lab
from aqfake.store import Snapshot, Store

PROJECT = "large"


def has_size_knob() -> bool:
    """Whether ``build_lab`` takes a ``size`` (then it builds the large lab itself)."""
    return "size" in inspect.signature(build_lab).parameters


def build(store: Store, size: int) -> None:
    """Fill ``store`` with the demo lab grown to ``size`` samples, one item each."""
    if has_size_knob():
        build_lab(store, "demo", size=size)  # type: ignore[call-arg]
        return
    demo_lab(store, 0)
    builder = LabBuilder(store)
    sample_types = store.rows("sample_types")
    containers = {
        t["id"]: [o["id"] for o in store.lookup("object_types", sample_type_id=t["id"])]
        for t in sample_types
    }
    with_items = [t for t in sample_types if containers[t["id"]]]
    for n in range(size - store.count("samples")):
        sample_type = with_items[n % len(with_items)]
        sample = builder.sample(f"large-{n:06d}", sample_type["id"], PROJECT)
        kinds = containers[sample_type["id"]]
        builder.item(sample["id"], kinds[n % len(kinds)], "Bench")


@cache
def snapshot(size: int) -> Snapshot:
    """The large lab of ``size`` samples, built once per run."""
    store = Store()
    build(store, size)
    return store.snapshot()
