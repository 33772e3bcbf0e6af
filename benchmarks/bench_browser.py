"""Batched relationship loading (Browser.get) vs loading lazily one model at a time.

The fake holds the demo lab topped up to 500 samples, each new one with two items. Both sides
start from the same 500 freshly fetched samples (untimed) and load their sample type with its
field types and their items with their object types: the subject in one
``browser.get(samples, spec)``, the baseline by touching the relationships model by model, as a
script would without the Browser. The fake's journal counts the requests each side sends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aqfake.app import FakeAquarium
from aqfake.lab import LabBuilder, demo_lab
from aqfake.store import Store
from aqsession.browser import Browser

from .fixtures import requests_made, signed_in
from .runner import Benchmark, Case, Operation, Pair, Target, paired

SAMPLES = 200
ITEMS_PER_SAMPLE = 2
PROJECT = "benchmarks"
SPEC = {"sample_type": "field_types", "items": "object_type"}
#: Measured 0.03-0.07 when the target was set (4 requests instead of about 1,000).
TARGET = Target(0.25)


def bench_lab(store: Store) -> None:
    """The demo lab plus samples (with items of their type's containers) up to ``SAMPLES``."""
    demo_lab(store, 0)
    builder = LabBuilder(store)
    sample_types = store.rows("sample_types")
    containers = {
        t["id"]: [o["id"] for o in store.lookup("object_types", sample_type_id=t["id"])]
        for t in sample_types
    }
    for n in range(SAMPLES - store.count("samples")):
        sample_type = sample_types[n % len(sample_types)]
        sample = builder.sample(f"bench-{n:04d}", sample_type["id"], PROJECT)
        kinds = containers[sample_type["id"]]
        for k in range(ITEMS_PER_SAMPLE if kinds else 0):
            builder.item(sample["id"], kinds[k % len(kinds)], "Bench")


def load_lazily(samples: list[Any]) -> None:
    """The baseline: touch each relationship so it loads lazily, one request at a time."""
    for sample in samples:
        sample.sample_type.field_types  # noqa: B018 -- the attribute access is the load
        for item in sample.items:
            item.object_type  # noqa: B018


def loaded_graph(samples: list[Any]) -> list[tuple[Any, ...]]:
    """What was loaded, to check both sides did the same work."""
    return [
        (
            s.id,
            s.sample_type.id,
            sorted(f.id for f in s.sample_type.field_types),
            sorted((i.id, i.object_type.id) for i in s.items),
        )
        for s in samples
    ]


@contextmanager
def setup() -> Iterator[Pair]:
    """Batched Browser.get against lazy loading, on the same samples of the fake."""
    fake = FakeAquarium(bench_lab)
    with signed_in(fake) as (session, _mock):

        def fresh() -> list[Any]:
            samples: list[Any] = list(session.Sample.all()[:SAMPLES])
            if len(samples) != SAMPLES:
                raise AssertionError(f"expected {SAMPLES} samples, the fake has {len(samples)}")
            return samples

        def batched() -> Operation:
            samples, browser = fresh(), Browser(session)
            return lambda: browser.get(samples, SPEC)

        def lazy() -> Operation:
            samples = fresh()
            return lambda: load_lazily(samples)

        def notes() -> list[str]:
            batched_samples, lazy_samples = fresh(), fresh()
            browser = Browser(session)
            batched_count = requests_made(fake, lambda: browser.get(batched_samples, SPEC))
            lazy_count = requests_made(fake, lambda: load_lazily(lazy_samples))
            if loaded_graph(batched_samples) != loaded_graph(lazy_samples):
                raise AssertionError("Browser.get and lazy loading loaded different models")
            return [f"requests: batched {batched_count}, lazy {lazy_count}"]

        yield Pair(
            Case(f"Browser.get({SAMPLES} samples, {SPEC})", batched),
            Case("the same relationships loaded lazily, model by model", lazy),
            notes,
        )


BENCHMARK = Benchmark(
    name="browser-get",
    summary=f"Browser batched loading vs lazy loading, {SAMPLES} samples",
    run=paired("browser-get", setup, TARGET),
    repeats=3,
    quick_repeats=1,
)
