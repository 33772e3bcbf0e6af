"""Loading a 10,000-interaction cassette: ``aqfake.cassettes.use_cassette`` vs stock vcrpy.

The cassette is written once per run the way the pytest plugin writes one (scrubbed, audited,
sealed, JSON bodies as indented blocks), in a temporary directory; its interactions are
``/json`` queries answered with records the fake renders for the demo lab. The subject opens it
with :func:`aqfake.cassettes.use_cassette` (parse, requests, the replay index); the baseline
opens the same file with ``vcr.use_cassette`` and vcrpy's default serializer (PyYAML with
libyaml). Both leave the context at once: what is timed is everything before the first request.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import vcr
from vcr.request import Request

from aqfake.app import FakeAquarium
from aqfake.cassettes import Scrubber, serializer, use_cassette
from aqfake.cassettes.persist import AuditedPersister

from .fixtures import signed_in
from .runner import Benchmark, Case, Operation, Pair, Target, paired

INTERACTIONS = 10_000
URL = "http://aquarium.test/json"
#: At least ten times faster than vcrpy (which takes about half a millisecond per interaction).
TARGET = Target(10, at_least=True)


def rendered_samples() -> list[str]:
    """The demo lab's samples as the fake renders them for ``Sample.find``."""
    fake = FakeAquarium("demo")
    with signed_in(fake) as (session, _mock):
        http = session.aqhttp.http_session
        return [
            http.post(f"{fake.base_url}/json", json={"model": "Sample", "id": row["id"]}).text
            for row in fake.store.rows("samples")
        ]


def write_cassette(path: Path, size: int) -> None:
    """``size`` distinct interactions, written by the audited persister the plugin uses."""
    bodies = rendered_samples()
    requests = []
    responses = []
    for n in range(size):
        query = {"model": "Sample", "method": "where", "arguments": {"id": n + 1}}
        requests.append(
            Request(
                "POST",
                URL,
                json.dumps(query),
                {
                    "Content-Type": "application/json",
                    "Cookie": "remember_token=<AQ:remember_token>",
                },
            )
        )
        body = bodies[n % len(bodies)].encode()
        responses.append(
            {
                "status": {"code": 200, "message": "OK"},
                "headers": {
                    "Content-Type": ["application/json; charset=utf-8"],
                    "Content-Length": [str(len(body))],
                },
                "body": {"string": body},
            }
        )
    cassette: dict[str, Any] = {"requests": requests, "responses": responses}
    AuditedPersister(Scrubber()).save_cassette(path, cassette, serializer)


def load_ours(path: Path) -> int:
    """Open the cassette as the plugin does; the number of interactions it holds."""
    with use_cassette(path) as cassette:
        return len(cassette.data)


def load_vcrpy(path: Path) -> int:
    """Open the cassette with stock vcrpy and its default serializer."""
    with vcr.use_cassette(str(path), record_mode="none") as cassette:
        return len(cassette.data)


@contextmanager
def setup() -> Iterator[Pair]:
    """Our loading against vcrpy's, on one freshly written cassette."""
    with tempfile.TemporaryDirectory(prefix="aqfake-bench-") as folder:
        path = Path(folder) / "big.yaml"
        write_cassette(path, INTERACTIONS)
        for load in (load_ours, load_vcrpy):
            if load(path) != INTERACTIONS:
                raise AssertionError(f"{load.__name__} did not load {INTERACTIONS} interactions")

        def ours() -> Operation:
            return lambda: load_ours(path)

        def theirs() -> Operation:
            return lambda: load_vcrpy(path)

        def notes() -> list[str]:
            unsealed = Path(folder) / "unsealed.yaml"
            text = path.read_text()
            unsealed.write_text(text.rpartition("aqfake_sealed:")[0])
            start = time.process_time()
            load_ours(unsealed)
            elapsed = time.process_time() - start
            return [
                f"{INTERACTIONS} interactions, {len(text) / 1e6:.1f} MB; the same file without "
                f"its seal (written by another tool) loads in {elapsed:.2f} s CPU (hooks re-run)"
            ]

        yield Pair(
            Case(f"aqfake use_cassette, {INTERACTIONS} interactions", ours, warm_up=False),
            Case("vcr.use_cassette, default serializer (PyYAML)", theirs, warm_up=False),
            notes,
        )


BENCHMARK = Benchmark(
    name="cassette-load",
    summary=f"loading a {INTERACTIONS}-interaction cassette vs stock vcrpy",
    run=paired("cassette-load", setup, TARGET),
    repeats=3,
    quick_repeats=1,
)
