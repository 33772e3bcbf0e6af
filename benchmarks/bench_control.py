"""Control endpoints of a live fake while a writer holds the store.

The subject is ``GET /_aqfake/health`` over a socket while another request's handler holds the
store's exclusive lock (it waits inside its handler until the benchmark ends, as a 5-second
write would); the baseline is the same request to a second, idle live fake. Issue 11
asks that health answer in well under 50 ms then; with one store lock it waited for the whole
write. Control requests take no request lock, so the ratio stays near 1.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import requests

from aqfake.app import FakeAquarium
from aqfake.routing import Auth, Context, Route
from aqfake.transport import LiveServer
from aqfake.wire import Response, json_response

from .runner import Benchmark, Case, Operation, Pair, Target, paired

#: Measured 0.9-1.2 when the target was set.
TARGET = Target(2.0)
HOLD_LIMIT_SECONDS = 600  # the writer is released when the benchmark ends, at the latest


@contextmanager
def setup() -> Iterator[Pair]:
    """A live fake with a route whose handler holds the store until released."""
    entered, release = threading.Event(), threading.Event()

    def hold(ctx: Context) -> Response:
        entered.set()
        release.wait(HOLD_LIMIT_SECONDS)
        return json_response({"held": True})

    fake = FakeAquarium("empty", routes=[Route("POST", "/hold", hold, Auth.NONE)])
    with (
        LiveServer(fake) as live,
        LiveServer(FakeAquarium("empty")) as quiet,
        requests.Session() as http,
    ):
        health = f"{live.url}/_aqfake/health"
        writer: threading.Thread | None = None

        def idle() -> Operation:
            return lambda: http.get(f"{quiet.url}/_aqfake/health", timeout=60).raise_for_status()

        def busy() -> Operation:
            nonlocal writer
            if writer is None:
                writer = threading.Thread(
                    target=requests.post, args=(f"{live.url}/hold",), daemon=True
                )
                writer.start()
                entered.wait(60)
            return lambda: http.get(health, timeout=60).raise_for_status()

        def notes() -> list[str]:
            holding = writer is not None and writer.is_alive()
            return [f"writer still holding the store at the end: {holding}"]

        try:
            yield Pair(
                Case("GET /_aqfake/health while a writer holds the store", busy),
                Case("GET /_aqfake/health on an idle fake", idle),
                notes,
            )
        finally:
            release.set()
            if writer is not None:
                writer.join(60)


BENCHMARK = Benchmark(
    name="live-health-busy",
    summary="health on a live fake while a write holds the store, vs idle",
    run=paired("live-health-busy", setup, TARGET),
    repeats=200,
    quick_repeats=50,
)
