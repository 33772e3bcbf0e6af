"""Cost against lab size: building labs, and batched loading from a large one.

``lab-build``: the default (demo) lab must build in at most 0.5 s, and the large lab of 100,000
samples (one item each; see :mod:`benchmarks.large_lab`) in at most 30 s; builds of 1,000 and
10,000 samples draw the line between. A quick run builds 10,000 at most and checks it against
the same per-sample budget (3 s).

``browser-scale``: ``Browser.get`` of sample types with their field types and items with their
object types, for 100, 1,000 and 10,000 samples of the large lab. The request count must stay
constant apart from the chunks (at most 3 + ceil(n / chunk size): one request each for sample
types, field types and object types, and the items in chunks of the browser's documented
size), and the time per model must stay flat (10k per model / 100 per model <= 1.5). The
baseline of each size is the same samples' first fetch (``Sample.where`` on the ids), timed
alongside, so the per-model figures can be read against plain loading.
"""

from __future__ import annotations

import math
import statistics
import time
from typing import Any

from aqfake.app import FakeAquarium
from aqfake.lab import build_lab
from aqfake.store import Store
from aqsession.browser import Browser

from . import large_lab
from .fixtures import requests_made, signed_in
from .runner import Benchmark, Case, Check, Operation, Outcome, Series, Target, measure, ratio

BUILD_SIZES = (1_000, 10_000, 100_000)
QUICK_BUILD_SIZES = (1_000, 10_000)
DEFAULT_LAB_TARGET = Target(0.5, unit="s")
#: 30 s for 100,000 samples: 0.3 ms per sample (and item).
SECONDS_PER_SAMPLE = 30 / 100_000
BROWSE_SIZES = (100, 1_000, 10_000)
SPEC = {"sample_type": "field_types", "items": "object_type"}
FLAT_TARGET = Target(1.5)


def cpu_seconds(operation: Any) -> tuple[float, float]:
    """CPU seconds of this process and wall seconds one call of ``operation`` takes."""
    cpu, wall = time.process_time(), time.perf_counter()
    operation()
    return time.process_time() - cpu, time.perf_counter() - wall


def run_lab_build(repeats: int, quick: bool) -> Outcome:
    """The demo lab's build time (median), then one build of each large size.

    Builds are absolute times, so they are taken as this process's CPU time: on a shared
    machine, wall time also counts the other processes (it is reported beside).
    """
    demo_runs = [cpu_seconds(lambda: build_lab(Store(), "demo")) for _ in range(repeats)]
    demo = statistics.median(cpu for cpu, _ in demo_runs)
    sizes = QUICK_BUILD_SIZES if quick else BUILD_SIZES
    runs = [cpu_seconds(lambda n=size: large_lab.snapshot(n)) for size in sizes]
    seconds = [cpu for cpu, _ in runs]
    biggest = sizes[-1]
    checks = [
        Check(
            "lab-build default lab",
            demo,
            DEFAULT_LAB_TARGET,
            demo,
            None,
            "build_lab(Store(), 'demo') (CPU time)",
        ),
        Check(
            f"lab-build {biggest:,}-sample lab",
            seconds[-1],
            Target(SECONDS_PER_SAMPLE * biggest, unit="s"),
            seconds[-1],
            None,
            f"the demo lab grown to {biggest:,} samples by the size knob",
        ),
    ]
    notes = [
        f"demo lab wall time {statistics.median(w for _, w in demo_runs):.3f} s; large-lab "
        "builds (CPU, wall): "
        + ", ".join(f"{n:,} {c:.1f} s, {w:.1f} s" for n, (c, w) in zip(sizes, runs, strict=True)),
        "built with aqfake's size knob (FakeAquarium(size=N), aqfake serve --size N)",
    ]
    return Outcome(checks, notes, [Series("lab-build", "build the lab", sizes, tuple(seconds))])


def requests_for(fake: FakeAquarium, browser: Browser, samples: list[Any]) -> int:
    """How many requests one ``browser.get`` of ``samples`` sends."""
    return requests_made(fake, lambda: browser.get(samples, SPEC))


def run_browser_scale(repeats: int, quick: bool) -> Outcome:
    """Browser.get at each size on the large lab, interleaved, with request counts."""
    size = BROWSE_SIZES[-1]
    snapshot = large_lab.snapshot(QUICK_BUILD_SIZES[-1] if quick else BUILD_SIZES[-1])
    fake = FakeAquarium(lambda store: store.restore(snapshot))
    with signed_in(fake) as (session, _mock):
        ids = [row["id"] for row in fake.store.rows("samples")]
        if len(ids) < size:
            raise AssertionError(f"the large lab has {len(ids)} samples, {size} needed")
        chunk = Browser(session).chunk_size

        def fetch(n: int) -> list[Any]:
            return list(session.Sample.where({"id": ids[:n]}))

        def batched(n: int) -> Case:
            def prepare() -> Operation:
                samples, browser = fetch(n), Browser(session)
                return lambda: browser.get(samples, SPEC)

            return Case(f"Browser.get({n} samples, {SPEC})", prepare, warm_up=n < size)

        def plain(n: int) -> Case:
            return Case(f"Sample.where(id in {n} ids)", lambda: lambda: fetch(n), warm_up=n < size)

        cases = [case for n in BROWSE_SIZES for case in (batched(n), plain(n))]
        times = measure(cases, repeats)
        counts = {n: requests_for(fake, Browser(session), fetch(n)) for n in BROWSE_SIZES}
    get_times, fetch_times = times[0::2], times[1::2]
    per_model = [t / n for t, n in zip(get_times, BROWSE_SIZES, strict=True)]
    checks = [
        Check(
            f"browser-scale requests at {n:,}",
            counts[n],
            Target(3 + math.ceil(n / chunk), unit="n"),
        )
        for n in BROWSE_SIZES
    ]
    checks.append(
        Check(
            f"browser-scale per model {BROWSE_SIZES[-1]:,}/{BROWSE_SIZES[0]}",
            ratio(per_model[-1], per_model[0]),
            FLAT_TARGET,
            get_times[-1],
            get_times[0],
            cases[-2].label,
            cases[0].label,
        )
    )
    notes = [
        "per model: "
        + ", ".join(
            f"{n:,} {t * 1e6:.0f} us" for n, t in zip(BROWSE_SIZES, per_model, strict=True)
        ),
        "requests: "
        + ", ".join(f"{n:,} -> {counts[n]}" for n in BROWSE_SIZES)
        + f" (chunk size {chunk})",
    ]
    series = [
        Series(
            "browser-scale", "Browser.get (batched relationships)", BROWSE_SIZES, tuple(get_times)
        ),
        Series(
            "browser-scale",
            "Sample.where on the ids (plain fetch)",
            BROWSE_SIZES,
            tuple(fetch_times),
        ),
    ]
    return Outcome(checks, notes, series)


LAB_BUILD = Benchmark(
    name="lab-build",
    summary="building the demo lab and the 100k-sample lab",
    run=run_lab_build,
    repeats=5,
    quick_repeats=3,
)

BROWSER_SCALE = Benchmark(
    name="browser-scale",
    summary="Browser.get at 100 / 1,000 / 10,000 samples of the large lab",
    run=run_browser_scale,
    repeats=3,
    quick_repeats=1,
)
