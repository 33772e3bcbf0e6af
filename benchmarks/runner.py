"""Timing core: each benchmark times a subject against a baseline in the same run.

A :class:`Case` is untimed preparation returning the operation to time, so state a run
consumes (a fresh cache, unloaded models) is rebuilt before every sample. Samples of the
subject and the baseline alternate, so drift in machine speed touches both alike; each side's
time is the median of its samples. Absolute times vary between machines; the ratio of the two
medians is what a benchmark's target bounds.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

Operation = Callable[[], object]
#: Untimed preparation for one sample; returns the operation whose time is measured.
Prepare = Callable[[], Operation]


@dataclass(frozen=True)
class Case:
    """One side of a comparison: ``prepare`` runs untimed, its operation is timed.

    ``number`` calls of the operation make one sample (the time is divided by it), so an
    operation of a few microseconds is not lost in the clock's resolution.
    """

    label: str
    prepare: Prepare
    number: int = 1


@dataclass(frozen=True)
class Pair:
    """The two sides of a benchmark, plus facts worth printing beside the timings."""

    subject: Case
    baseline: Case
    notes: Callable[[], list[str]] = field(default=lambda: [])


@dataclass(frozen=True)
class Benchmark:
    """A named comparison; it passes when subject median / baseline median < ``target``.

    ``setup`` builds the data both sides need; it is a context manager so transports and
    mocks stay installed while the cases run. ``repeats`` samples are taken of each side
    (``quick_repeats`` with ``--quick``).
    """

    name: str
    summary: str
    target: float
    setup: Callable[[], AbstractContextManager[Pair]]
    repeats: int = 15
    quick_repeats: int = 5


@dataclass(frozen=True)
class Result:
    """The outcome of one benchmark."""

    benchmark: Benchmark
    subject_label: str
    baseline_label: str
    subject: float
    baseline: float
    notes: list[str]

    @property
    def ratio(self) -> float:
        """Subject time over baseline time (infinite when the baseline took no time)."""
        return self.subject / self.baseline if self.baseline > 0 else float("inf")

    @property
    def passed(self) -> bool:
        """Whether the ratio is under the benchmark's target."""
        return self.ratio < self.benchmark.target


def sample(case: Case) -> float:
    """Seconds per call of the case's operation, over ``case.number`` calls, GC paused."""
    operation = case.prepare()
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(case.number):
            operation()
        elapsed = time.perf_counter() - start
    finally:
        if enabled:
            gc.enable()
    return elapsed / case.number


def compare(subject: Case, baseline: Case, repeats: int) -> tuple[float, float]:
    """Median seconds of subject and baseline, after one untimed warm-up of each."""
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    sample(subject)
    sample(baseline)
    times: dict[str, list[float]] = {"subject": [], "baseline": []}
    for rep in range(repeats):
        order = [("subject", subject), ("baseline", baseline)]
        for side, case in order if rep % 2 == 0 else reversed(order):
            times[side].append(sample(case))
    return statistics.median(times["subject"]), statistics.median(times["baseline"])


def run(benchmark: Benchmark, repeats: int) -> Result:
    """Set the benchmark up, time both sides, collect its notes."""
    with benchmark.setup() as pair:
        subject, baseline = compare(pair.subject, pair.baseline, repeats)
        notes = pair.notes()
    return Result(benchmark, pair.subject.label, pair.baseline.label, subject, baseline, notes)


# -- reporting ---------------------------------------------------------------------------------

HEADER = ("benchmark", "subject", "baseline", "ratio", "target", "result")
WIDTHS = (16, 11, 11, 9, 10, 6)


def format_seconds(seconds: float) -> str:
    """A duration in s, ms, us or ns, with one decimal below 100 of the unit."""
    units = (("s", 1.0), ("ms", 1e-3), ("us", 1e-6))
    unit, scale = next(((u, s) for u, s in units if seconds >= s), ("ns", 1e-9))
    value = seconds / scale
    return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"


def format_ratio(ratio: float) -> str:
    """A ratio to three significant digits, e.g. ``1.33x``."""
    return f"{ratio:.3g}x"


def _row(cells: tuple[str, ...]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, WIDTHS, strict=True)).rstrip()


def header() -> str:
    """The table's column titles, aligned with :func:`report` rows."""
    return _row(HEADER)


def report(result: Result) -> Iterator[str]:
    """The result's table row, what each side measured, and its notes."""
    yield _row(
        (
            result.benchmark.name,
            format_seconds(result.subject),
            format_seconds(result.baseline),
            format_ratio(result.ratio),
            f"< {format_ratio(result.benchmark.target)}",
            "PASS" if result.passed else "FAIL",
        )
    )
    yield f"    subject:  {result.subject_label}"
    yield f"    baseline: {result.baseline_label}"
    for note in result.notes:
        yield f"    {note}"
