"""The live fake: ``aqfake serve`` on loopback against the in-process fake, and read throughput.

The server runs as its own process (``python -m aqfake serve --port 0``, the demo lab), as other
processes and languages use it. The subject is ``session.Sample.find(id)`` through an AqSession
on that URL (one requests session, so a kept-alive connection); the baseline is the same call
in process through ``responses``. Then throughput: 1, 4 and 8 client threads, each with its own
session, reading (``Sample.find`` of varying ids) as fast as they can; requests per second are
reported, and 8 threads must reach 3 times one thread's rate (readers must not serialise).
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from aqfake.app import FakeAquarium
from aqsession import AqSession

from .fixtures import LOGIN, PASSWORD, signed_in
from .runner import Benchmark, Case, Check, Operation, Outcome, Target, measure, ratio

LATENCY_TARGET = Target(1.5)
SCALING_TARGET = Target(3.0, at_least=True)
THREADS = (1, 4, 8)
#: Reads per thread in one throughput measurement (fewer in a quick run).
READS, QUICK_READS = 300, 80
START_SECONDS = 60
SAMPLE_NAME = "pMOD-pTEF1-GFP"


@contextmanager
def served() -> Iterator[str]:
    """``aqfake serve`` with the demo lab in a subprocess; yields its base URL."""
    command = [sys.executable, "-m", "aqfake", "serve", "--host", "127.0.0.1", "--port", "0"]
    process = subprocess.Popen(
        [*command, "--lab", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], START_SECONDS)
        url = process.stdout.readline().strip() if ready else ""
        if not url.startswith("http://"):
            raise RuntimeError(f"`{' '.join(command)}` printed no URL in {START_SECONDS} s")
        yield url.rstrip("/")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def throughput(url: str, threads: int, reads: int, ids: list[int]) -> float:
    """Requests per second of ``threads`` sessions each doing ``reads`` finds at once."""
    sessions = [AqSession(LOGIN, PASSWORD, url) for _ in range(threads)]
    start_line = threading.Barrier(threads + 1)
    failures: list[BaseException] = []

    def work(session: AqSession, offset: int) -> None:
        start_line.wait()
        try:
            for n in range(reads):
                session.Sample.find(ids[(offset + n) % len(ids)])
        except BaseException as exc:  # reported after the run, never lost in a thread
            failures.append(exc)

    workers = [
        threading.Thread(target=work, args=(s, 7 * k), daemon=True) for k, s in enumerate(sessions)
    ]
    for worker in workers:
        worker.start()
    start_line.wait()
    start = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - start
    if failures:
        raise RuntimeError(f"a reader failed during the throughput run: {failures[0]!r}")
    return threads * reads / elapsed


def run(repeats: int, quick: bool) -> Outcome:
    """Latency live vs in process, then throughput at 1, 4 and 8 threads."""
    fake = FakeAquarium("demo")
    with served() as url, signed_in(fake) as (local, _mock):
        live = AqSession(LOGIN, PASSWORD, url)
        row = fake.store.first("samples", name=SAMPLE_NAME)
        if row is None:
            raise LookupError(f"the demo lab has no sample {SAMPLE_NAME!r}")
        sample_id = row["id"]
        if live.Sample.find(sample_id).name != local.Sample.find(sample_id).name:
            raise AssertionError("the live and in-process fakes answered differently")

        def live_find() -> Operation:
            return lambda: live.Sample.find(sample_id)

        def local_find() -> Operation:
            return lambda: local.Sample.find(sample_id)

        subject = Case(
            f"Sample.find(id) via `aqfake serve` at {url} (keep-alive)", live_find, 20, wall=True
        )
        baseline = Case("Sample.find(id) in process via responses", local_find, 20, wall=True)
        times = measure([subject, baseline], repeats)
        ids = [r["id"] for r in fake.store.rows("samples")]
        reads = QUICK_READS if quick else READS
        rates = {n: throughput(url, n, reads, ids) for n in THREADS}
    checks = [
        Check(
            "http-live vs in-process",
            ratio(*times),
            LATENCY_TARGET,
            *times,
            subject.label,
            baseline.label,
        ),
        Check(
            f"http-live {THREADS[-1]} threads / 1 thread",
            ratio(rates[THREADS[-1]], rates[1]),
            SCALING_TARGET,
        ),
    ]
    notes = [
        "throughput (reads/s): " + ", ".join(f"{n} threads {rates[n]:.0f}" for n in THREADS),
        f"machine: {os.cpu_count()} CPUs; the client threads share this process's GIL, the "
        "server has its own",
    ]
    return Outcome(checks, notes)


BENCHMARK = Benchmark(
    name="http-live",
    summary="aqfake serve on loopback vs in process; read throughput at 1/4/8 threads",
    run=run,
    repeats=15,
    quick_repeats=5,
)
