"""The whole test suite's wall time on 2 cores (``pytest -n 2``), as CI and users run it.

Left out of ``--quick`` runs. The suite must stay well under two minutes so it is run on every
change; what the machine is doing meanwhile counts too, so the load average is printed beside.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from .runner import Benchmark, Check, Outcome, Target

ROOT = Path(__file__).resolve().parents[1]
WORKERS = 2
TARGET = Target(120, unit="s")
TIMEOUT_SECONDS = 1800


def run(repeats: int, quick: bool) -> Outcome:
    """One run of the suite (it takes a minute or two; repeats do not apply)."""
    command = [sys.executable, "-m", "pytest", "-n", str(WORKERS), "--dist", "loadgroup", "-q"]
    load = os.getloadavg()[0]
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
    )
    elapsed = time.perf_counter() - start
    summary = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
    checks = [
        Check(
            f"suite wall time, {WORKERS} workers",
            elapsed,
            TARGET,
            elapsed,
            None,
            " ".join(command[2:]),
        )
    ]
    notes = [
        f"pytest: {summary}",
        f"load average when it started: {load:.1f} on {os.cpu_count()} CPUs",
    ]
    if done.returncode != 0:
        notes.append(f"the suite FAILED (exit {done.returncode}); its time is still reported")
    return Outcome(checks, notes)


BENCHMARK = Benchmark(
    name="suite",
    summary=f"the whole test suite's wall time with {WORKERS} workers",
    run=run,
    repeats=1,
    quick_repeats=1,
    in_quick=False,
)
