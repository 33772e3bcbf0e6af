"""Every benchmark, in the order ``python -m benchmarks`` runs them."""

from __future__ import annotations

from . import bench_browser, bench_cassette, bench_fake, bench_http, bench_live, bench_where
from .runner import Benchmark

BENCHMARKS: tuple[Benchmark, ...] = (
    bench_http.BENCHMARK,
    bench_where.BENCHMARK,
    bench_cassette.SIZE,
    bench_cassette.VCRPY,
    bench_browser.BENCHMARK,
    bench_fake.BENCHMARK,
    bench_live.BENCHMARK,
)
NAMES = tuple(b.name for b in BENCHMARKS)
