"""``python -m benchmarks [NAME...] [--quick] [--repeats N] [--list] [--plot FILE.svg]``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .catalogue import BENCHMARKS, NAMES
from .runner import Benchmark, Outcome, header, report

EXIT_FAILED = 1


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The command line, checked: only known benchmark names and a positive repeat count."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time each subject against its baseline in the same run; "
        "exit 1 if a check misses its target.",
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"one of: {', '.join(NAMES)}")
    parser.add_argument(
        "--quick", action="store_true", help="fewer repetitions and sizes (a smoke run)"
    )
    parser.add_argument("--repeats", type=int, help="samples per side, overriding the defaults")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument(
        "--plot",
        type=Path,
        metavar="FILE.svg",
        help="also draw cost against size (log-log) of the benchmarks that measure it",
    )
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in NAMES]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from: {', '.join(NAMES)}")
    if args.repeats is not None and args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    if args.plot is not None and args.plot.suffix.lower() != ".svg":
        parser.error(f"--plot writes an SVG picture; give a FILE.svg, not {args.plot}")
    return args


def repeats_for(benchmark: Benchmark, args: argparse.Namespace) -> int:
    """Samples per side: ``--repeats`` if given, else the benchmark's quick or full count."""
    if args.repeats is not None:
        return int(args.repeats)
    return benchmark.quick_repeats if args.quick else benchmark.repeats


def selected(args: argparse.Namespace) -> list[Benchmark]:
    """The benchmarks named (all by default); a quick run leaves out those that cannot be
    short unless they are named."""
    if args.names:
        return [b for b in BENCHMARKS if b.name in args.names]
    return [b for b in BENCHMARKS if b.in_quick or not args.quick]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected benchmarks and print their checks; 1 if any target was missed."""
    args = parse(sys.argv[1:] if argv is None else argv)
    benchmarks = selected(args)
    if args.list:
        for benchmark in benchmarks:
            print(f"{benchmark.name:16}  {benchmark.summary}")
        return 0
    print(header(), flush=True)
    failed: list[str] = []
    outcomes: list[Outcome] = []
    start = time.perf_counter()
    for benchmark in benchmarks:
        outcome = benchmark.run(repeats_for(benchmark, args), args.quick)
        outcomes.append(outcome)
        for line in report(outcome):
            print(line, flush=True)
        failed.extend(check.name for check in outcome.checks if not check.passed)
    elapsed = time.perf_counter() - start
    checks = sum(len(outcome.checks) for outcome in outcomes)
    verdict = f"MISSED: {', '.join(failed)}" if failed else "all targets met"
    print(f"{len(benchmarks)} benchmarks, {checks} checks in {elapsed:.1f} s; {verdict}")
    if args.plot is not None:
        from .plot import draw

        series = [s for outcome in outcomes for s in outcome.series]
        draw(series, args.plot)
        print(f"scale picture ({len(series)} lines) written to {args.plot}")
    return EXIT_FAILED if failed else 0


if __name__ == "__main__":
    sys.exit(main())
