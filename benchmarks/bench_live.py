"""The live fake: ``aqfake serve`` on loopback against the in-process fake, and read throughput.

The server runs as its own process (``python -m aqfake serve --port 0``, the demo lab), as other
processes and languages use it. The subject is ``session.Sample.find(id)`` through an AqSession
on that URL (one requests session, so a kept-alive connection); the baseline is the same call
in process through ``responses``. Then throughput: 1, 4 and 8 client threads, each with its own
session, reading (``Sample.find`` of varying ids) as fast as they can; requests per second are
reported, and 8 threads must reach 3 times one thread's rate (readers must not serialise).

Two measurements say where the limits are. The client stack's own floor: a bare requests POST
to a server that answers at once with the same bytes (:mod:`benchmarks.canned_server`, its own
process) against the same POST through ``responses``; no live server can make the first ratio
smaller than this one. And the CPU each read costs the client process and the server process
(from ``/proc``): each is one interpreter whose threads share a GIL, so with N CPUs no number
of client threads can read faster than ``min(1 / client, 1 / server, N / (client + server))``
per second; the notes print that ceiling as a multiple of one thread's rate.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import requests
import responses

from aqfake.app import FakeAquarium
from aqsession import AqSession

from .bench_http import FLOOR_URL
from .fixtures import LOGIN, PASSWORD, signed_in
from .runner import (
    Benchmark,
    Case,
    Check,
    Operation,
    Outcome,
    Target,
    format_ratio,
    format_seconds,
    measure,
    ratio,
)

LATENCY_TARGET = Target(1.5)
SCALING_TARGET = Target(3.0, at_least=True)
THREADS = (1, 4, 8)
#: Reads per thread in one throughput measurement (fewer in a quick run).
READS, QUICK_READS = 300, 80
#: Reads of one thread whose CPU is accounted in both processes (fewer in a quick run).
ACCOUNTED_READS, QUICK_ACCOUNTED_READS = 1500, 500
START_SECONDS = 60
SAMPLE_NAME = "pMOD-pTEF1-GFP"


@contextmanager
def served() -> Iterator[tuple[str, int]]:
    """``aqfake serve`` with the demo lab in a subprocess; yields its base URL and pid."""
    command = [sys.executable, "-m", "aqfake", "serve", "--host", "127.0.0.1", "--port", "0"]
    with started([*command, "--lab", "demo"]) as running:
        yield running


@contextmanager
def started(command: Sequence[str]) -> Iterator[tuple[str, int]]:
    """A server subprocess that prints its base URL first; yields that URL and its pid."""
    process = subprocess.Popen(
        command,
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
        yield url.rstrip("/"), process.pid
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


def process_cpu_seconds(pid: int) -> float | None:
    """CPU seconds (user and system, every thread) another process has used; None where
    ``/proc`` does not tell."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def cpu_per_read(url: str, pid: int, reads: int, sample_id: int) -> tuple[float, float] | None:
    """CPU seconds one read costs this (client) process and the server process, one thread
    reading ``reads`` times; None where the server's CPU cannot be read."""
    session = AqSession(LOGIN, PASSWORD, url)
    session.Sample.find(sample_id)
    server_before, client_before = process_cpu_seconds(pid), time.process_time()
    for _ in range(reads):
        session.Sample.find(sample_id)
    server_after, client_after = process_cpu_seconds(pid), time.process_time()
    if server_before is None or server_after is None:
        return None
    return (client_after - client_before) / reads, (server_after - server_before) / reads


def ceiling_note(one_thread_rate: float, client: float, server: float) -> str:
    """The highest read rate two GIL-bound processes allow on this machine, against one
    thread's measured rate."""
    cpus = os.cpu_count() or 1
    best = min(1 / client, 1 / server, cpus / (client + server))
    return (
        f"CPU per read: client {format_seconds(client)}, server {format_seconds(server)}; "
        f"with {cpus} CPUs and one GIL per process no number of threads reads faster than "
        f"{best:.0f}/s, {format_ratio(best / one_thread_rate)} one thread's rate"
    )


@contextmanager
def client_floor(body: bytes, mock: responses.RequestsMock) -> Iterator[tuple[Case, Case]]:
    """A bare requests POST answered with ``body`` by :mod:`benchmarks.canned_server` over
    loopback, and the same POST answered by ``mock`` (``responses``): what the client stack
    alone pays for real HTTP."""
    with tempfile.TemporaryDirectory(prefix="aqfake-bench-") as folder:
        answer = Path(folder) / "answer.json"
        answer.write_bytes(body)
        command = [sys.executable, "-m", "benchmarks.canned_server", str(answer)]
        mock.add("POST", f"{FLOOR_URL}/json", body=body, content_type="application/json")
        with started(command) as (url, _pid):
            live, mocked = requests.Session(), requests.Session()
            query = {"model": "Sample", "id": 1}

            def over_loopback() -> Operation:
                return lambda: live.post(f"{url}/json", json=query, timeout=60).json()

            def through_responses() -> Operation:
                return lambda: mocked.post(f"{FLOOR_URL}/json", json=query, timeout=60).json()

            yield (
                Case("bare requests POST to a canned loopback server", over_loopback, 20, True),
                Case("bare requests POST through responses", through_responses, 20, True),
            )


def run(repeats: int, quick: bool) -> Outcome:
    """Latency live vs in process, then throughput at 1, 4 and 8 threads."""
    fake = FakeAquarium("demo")
    with served() as (url, pid), signed_in(fake) as (local, mock):
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
        body = local.aqhttp.http_session.post(
            f"{fake.base_url}/json", json={"model": "Sample", "id": sample_id}, timeout=60
        ).content
        with client_floor(body, mock) as (floor_live, floor_mocked):
            times = measure([subject, baseline, floor_live, floor_mocked], repeats)
        ids = [r["id"] for r in fake.store.rows("samples")]
        reads = QUICK_READS if quick else READS
        rates = {n: throughput(url, n, reads, ids) for n in THREADS}
        accounted = QUICK_ACCOUNTED_READS if quick else ACCOUNTED_READS
        per_read = cpu_per_read(url, pid, accounted, sample_id)
    checks = [
        Check(
            "http-live vs in-process",
            ratio(times[0], times[1]),
            LATENCY_TARGET,
            times[0],
            times[1],
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
        f"client stack floor: {format_seconds(times[2])} over loopback vs "
        f"{format_seconds(times[3])} through responses ({format_ratio(ratio(times[2], times[3]))}"
        "), a bare requests POST of the same bytes to a server that does no work",
        "throughput (reads/s): " + ", ".join(f"{n} threads {rates[n]:.0f}" for n in THREADS),
        ceiling_note(rates[1], *per_read)
        if per_read
        else f"machine: {os.cpu_count()} CPUs (no /proc here to account each process's CPU)",
    ]
    return Outcome(checks, notes)


BENCHMARK = Benchmark(
    name="http-live",
    summary="aqfake serve on loopback vs in process; read throughput at 1/4/8 threads",
    run=run,
    repeats=15,
    quick_repeats=5,
)
