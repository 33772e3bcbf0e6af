"""Every benchmark, in the order ``python -m benchmarks`` runs them."""

from __future__ import annotations

from . import (
    bench_browser,
    bench_cassette,
    bench_cassette_load,
    bench_client_models,
    bench_control,
    bench_fake,
    bench_http,
    bench_live,
    bench_scale,
    bench_suite,
    bench_where,
    bench_where_sqlite,
)
from .runner import Benchmark

BENCHMARKS: tuple[Benchmark, ...] = (
    bench_http.BENCHMARK,
    bench_live.BENCHMARK,
    bench_where.BENCHMARK,
    bench_where_sqlite.BENCHMARK,
    bench_cassette.SIZE,
    bench_cassette.VCRPY,
    bench_cassette_load.BENCHMARK,
    bench_client_models.BENCHMARK,
    bench_browser.BENCHMARK,
    bench_fake.BENCHMARK,
    bench_control.BENCHMARK,
    bench_scale.LAB_BUILD,
    bench_scale.BROWSER_SCALE,
    bench_suite.BENCHMARK,
)
NAMES = tuple(b.name for b in BENCHMARKS)
