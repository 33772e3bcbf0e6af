"""Timing core: each benchmark times subjects against baselines in the same run.

A :class:`Case` is untimed preparation returning the operation to time, so state a run
consumes (a fresh cache, unloaded models) is rebuilt before every sample. Times are this
process's CPU time unless a case waits on other processes (then wall time; see
:func:`sample`). Samples of all the cases a benchmark compares alternate, in an order that
rotates each round, so drift in machine speed touches every side alike; each side's time is
the median of its samples. Absolute times vary between machines; what a benchmark's targets
bound are ratios of medians measured together (or, for a few, a figure derived from them
such as microseconds per model).

A benchmark's run yields :class:`Check` lines (a value, its :class:`Target`, PASS or MISS),
notes, and optionally :class:`Series` of cost against size for the scale picture.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

Operation = Callable[[], object]
#: Untimed preparation for one sample; returns the operation whose time is measured.
Prepare = Callable[[], Operation]


@dataclass(frozen=True)
class Case:
    """One side of a comparison: ``prepare`` runs untimed, its operation is timed.

    ``number`` calls of the operation make one sample (the time is divided by it), so an
    operation of a few microseconds is not lost in the clock's resolution. ``warm_up`` False
    skips the untimed first sample (for operations of seconds that have nothing to warm).
    ``wall`` times with the wall clock instead of this process's CPU time: for operations
    that wait on other processes (a live server).
    """

    label: str
    prepare: Prepare
    number: int = 1
    warm_up: bool = True
    wall: bool = False


@dataclass(frozen=True)
class Pair:
    """The two sides of a one-line benchmark, plus facts worth printing beside the timings."""

    subject: Case
    baseline: Case
    notes: Callable[[], list[str]] = field(default=lambda: [])


@dataclass(frozen=True)
class Target:
    """The bound a check's value must meet: at most ``bound`` (default) or at least it.

    ``unit`` says how the value reads: ``"x"`` a ratio, ``"s"`` a duration in seconds, ``"n"``
    a count.
    """

    bound: float
    at_least: bool = False
    unit: str = "x"

    def met(self, value: float) -> bool:
        """Whether ``value`` is within the bound (equality meets it)."""
        return value >= self.bound if self.at_least else value <= self.bound

    def show(self, value: float) -> str:
        """``value`` in this target's unit (``"n"``: a count)."""
        if self.unit == "s":
            return format_seconds(value)
        if self.unit == "n":
            return f"{value:g}"
        return format_ratio(value)

    def __str__(self) -> str:
        return f"{'>=' if self.at_least else '<='} {self.show(self.bound)}"


@dataclass(frozen=True)
class Check:
    """One printed line: a measured value against its target.

    ``subject`` and ``baseline`` are the median seconds the value came from (None where the
    line is not a two-sided timing, e.g. a figure measured in another process).
    """

    name: str
    value: float
    target: Target
    subject: float | None = None
    baseline: float | None = None
    subject_label: str = ""
    baseline_label: str = ""

    @property
    def passed(self) -> bool:
        """Whether the value meets the target."""
        return self.target.met(self.value)


@dataclass(frozen=True)
class Series:
    """Cost against size for one subject or baseline, drawn as one line of the scale picture."""

    benchmark: str
    label: str
    sizes: tuple[int, ...]
    seconds: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.sizes) != len(self.seconds):
            raise ValueError(
                f"series {self.label!r} has {len(self.sizes)} sizes but {len(self.seconds)} timings"
            )


@dataclass(frozen=True)
class Outcome:
    """What one benchmark run produced."""

    checks: list[Check]
    notes: list[str] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Whether every check met its target."""
        return all(check.passed for check in self.checks)


#: ``run(repeats, quick)``: a quick run may also measure fewer or smaller sizes.
Run = Callable[[int, bool], Outcome]


@dataclass(frozen=True)
class Benchmark:
    """A named benchmark: ``run(repeats, quick)`` measures and returns its checks.

    ``repeats`` samples are taken of each side (``quick_repeats`` with ``--quick``);
    ``in_quick`` False leaves the benchmark out of quick runs (it cannot be made short).
    """

    name: str
    summary: str
    run: Run
    repeats: int = 15
    quick_repeats: int = 5
    in_quick: bool = True


def sample(case: Case) -> float:
    """Seconds per call of the case's operation, over ``case.number`` calls, GC paused.

    The time is this process's CPU time (all its threads) unless the case asks for wall time:
    on a shared machine, wall time also counts whatever else runs, CPU time stays comparable.
    """
    operation = case.prepare()
    clock = time.perf_counter if case.wall else time.process_time
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = clock()
        for _ in range(case.number):
            operation()
        elapsed = clock() - start
    finally:
        if enabled:
            gc.enable()
    return elapsed / case.number


def rotations(count: int, rounds: int) -> Iterator[list[int]]:
    """The order of the cases in each round: rotated by one every round, reversed every other,
    so no case always runs first or always follows the same neighbour."""
    base = list(range(count))
    for rep in range(rounds):
        shift = rep % count if count else 0
        order = base[shift:] + base[:shift]
        yield order if rep % 2 == 0 else order[::-1]


def measure(cases: Sequence[Case], repeats: int) -> list[float]:
    """Median seconds of each case, after an untimed warm-up (unless the case declines it),
    samples interleaved."""
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    for case in cases:
        if case.warm_up:
            sample(case)
    times: list[list[float]] = [[] for _ in cases]
    for order in rotations(len(cases), repeats):
        for index in order:
            times[index].append(sample(cases[index]))
    return [statistics.median(t) for t in times]


def compare(subject: Case, baseline: Case, repeats: int) -> tuple[float, float]:
    """Median seconds of subject and baseline, measured interleaved."""
    subject_time, baseline_time = measure([subject, baseline], repeats)
    return subject_time, baseline_time


def ratio(subject: float, baseline: float) -> float:
    """Subject time over baseline time (infinite when the baseline took no time)."""
    return subject / baseline if baseline > 0 else float("inf")


def ratio_check(
    name: str, subject: Case, baseline: Case, times: tuple[float, float], target: Target
) -> Check:
    """The check on two medians: with an ``at_least`` target the value is the subject's speedup
    (baseline time over subject time, "N times faster"), otherwise subject time over baseline."""
    value = ratio(times[1], times[0]) if target.at_least else ratio(*times)
    return Check(name, value, target, times[0], times[1], subject.label, baseline.label)


def paired(name: str, setup: Callable[[], AbstractContextManager[Pair]], target: Target) -> Run:
    """A run for a one-line benchmark: set up a :class:`Pair`, time it, check the ratio."""

    def run(repeats: int, quick: bool) -> Outcome:
        with setup() as pair:
            times = compare(pair.subject, pair.baseline, repeats)
            notes = pair.notes()
        return Outcome([ratio_check(name, pair.subject, pair.baseline, times, target)], notes)

    return run


# -- reporting ---------------------------------------------------------------------------------

HEADER = ("check", "subject", "baseline", "value", "target", "result")
WIDTHS = (44, 10, 10, 10, 11, 6)


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


def check_row(check: Check) -> str:
    """The check's table row: times of both sides, its value, target and PASS or MISS."""
    return _row(
        (
            check.name,
            "-" if check.subject is None else format_seconds(check.subject),
            "-" if check.baseline is None else format_seconds(check.baseline),
            check.target.show(check.value),
            str(check.target),
            "PASS" if check.passed else "MISS",
        )
    )


def report(outcome: Outcome) -> Iterator[str]:
    """Every check's row, what each side measured (once per distinct pair), and the notes."""
    shown: set[tuple[str, str]] = set()
    for check in outcome.checks:
        yield check_row(check)
        sides = (check.subject_label, check.baseline_label)
        if any(sides) and sides not in shown:
            shown.add(sides)
            yield f"    subject:  {check.subject_label}"
            if check.baseline_label:
                yield f"    baseline: {check.baseline_label}"
    for note in outcome.notes:
        yield f"    {note}"
