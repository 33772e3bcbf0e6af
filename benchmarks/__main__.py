"""``python -m benchmarks [NAME...] [--quick] [--repeats N] [--list]``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from .catalogue import BENCHMARKS, NAMES
from .runner import Benchmark, header, report, run

EXIT_FAILED = 1


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The command line, checked: only known benchmark names and a positive repeat count."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time each subject against its baseline in the same run; "
        "exit 1 if a ratio misses its target.",
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"one of: {', '.join(NAMES)}")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    parser.add_argument("--repeats", type=int, help="samples per side, overriding the defaults")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in NAMES]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from: {', '.join(NAMES)}")
    if args.repeats is not None and args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    return args


def repeats_for(benchmark: Benchmark, args: argparse.Namespace) -> int:
    """Samples per side: ``--repeats`` if given, else the benchmark's quick or full count."""
    if args.repeats is not None:
        return int(args.repeats)
    return benchmark.quick_repeats if args.quick else benchmark.repeats


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected benchmarks and print their reports; 1 if any target was missed."""
    args = parse(sys.argv[1:] if argv is None else argv)
    selected = [b for b in BENCHMARKS if not args.names or b.name in args.names]
    if args.list:
        for benchmark in selected:
            print(f"{benchmark.name:16}  {benchmark.summary} (target < {benchmark.target:g}x)")
        return 0
    print(header(), flush=True)
    failed = []
    start = time.perf_counter()
    for benchmark in selected:
        result = run(benchmark, repeats_for(benchmark, args))
        for line in report(result):
            print(line, flush=True)
        if not result.passed:
            failed.append(benchmark.name)
    elapsed = time.perf_counter() - start
    verdict = f"FAILED: {', '.join(failed)}" if failed else "all targets met"
    print(f"{len(selected)} benchmarks in {elapsed:.1f} s; {verdict}")
    return EXIT_FAILED if failed else 0


if __name__ == "__main__":
    sys.exit(main())
