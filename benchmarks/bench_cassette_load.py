"""Loading a 10,000-interaction cassette: ``aqfake.cassettes.use_cassette`` vs stock vcrpy.

The cassette is written once per run the way the pytest plugin writes one (scrubbed, audited,
sealed, JSON bodies as indented blocks), in a temporary directory; its interactions are
``/json`` queries answered with records the fake renders for the demo lab. The subject opens it
with :func:`aqfake.cassettes.use_cassette` (parse, requests, the replay index); the baseline
opens the same file with ``vcr.use_cassette`` and vcrpy's default serializer (PyYAML with
libyaml). The first check leaves the context at once: what is timed is everything before the
first request. Work left for first use would hide there, so a second check times what a test
does: open the cassette and replay :data:`PLAYED` requests through ``requests`` (ours checks each
answer is the recorded one; vcrpy, with its default matchers, answers them in recording order).
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
import vcr
from vcr.request import Request

from aqfake.app import FakeAquarium
from aqfake.cassettes import Scrubber, serializer, use_cassette
from aqfake.cassettes.persist import AuditedPersister

from .fixtures import signed_in
from .runner import Benchmark, Case, Operation, Outcome, Pair, Target, measure, ratio_check

INTERACTIONS = 10_000
#: Requests replayed by the second check (spread over the cassette).
PLAYED = 10
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


def query(n: int) -> dict[str, Any]:
    """The request body of interaction ``n``."""
    return {"model": "Sample", "method": "where", "arguments": {"id": n + 1}}


def write_cassette(path: Path, size: int) -> list[str]:
    """``size`` distinct interactions, written by the audited persister the plugin uses; the
    response bodies they cycle through."""
    bodies = rendered_samples()
    recorded = []
    responses = []
    for n in range(size):
        recorded.append(
            Request(
                "POST",
                URL,
                json.dumps(query(n)),
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
    cassette: dict[str, Any] = {"requests": recorded, "responses": responses}
    AuditedPersister(Scrubber()).save_cassette(path, cassette, serializer)
    return bodies


def load_ours(path: Path) -> int:
    """Open the cassette as the plugin does; the number of interactions it holds."""
    with use_cassette(path) as cassette:
        return len(cassette.data)


def load_vcrpy(path: Path) -> int:
    """Open the cassette with stock vcrpy and its default serializer."""
    with vcr.use_cassette(str(path), record_mode="none") as cassette:
        return len(cassette.data)


def played() -> list[int]:
    """The interactions the second check replays, spread over the whole cassette."""
    return [n * INTERACTIONS // PLAYED + n for n in range(PLAYED)]


def play_ours(path: Path, bodies: list[str]) -> int:
    """Open the cassette as the plugin does and replay :func:`played`, each answer checked."""
    with use_cassette(path):
        for n in played():
            answer = requests.post(URL, json=query(n)).json()
            if answer != json.loads(bodies[n % len(bodies)]):
                raise AssertionError(f"interaction {n} replayed {answer!r}")
    return PLAYED


def play_vcrpy(path: Path) -> int:
    """Open the cassette with stock vcrpy and replay as many requests."""
    with vcr.use_cassette(str(path), record_mode="none"):
        for n in played():
            requests.post(URL, json=query(n)).raise_for_status()
    return PLAYED


def checked(load: Callable[[Path], int], path: Path) -> None:
    """Load the cassette; an error if not every interaction was loaded (so both sides are
    known to do the whole work, in the timed calls themselves)."""
    loaded = load(path)
    if loaded != INTERACTIONS:
        raise AssertionError(f"{load.__name__} loaded {loaded} of {INTERACTIONS} interactions")


@contextmanager
def setup(quick: bool = False) -> Iterator[tuple[Pair, Pair]]:
    """Our loading against vcrpy's, and our opening and replaying against vcrpy's, on one
    freshly written cassette; a full run also times a copy without the seal (a note)."""
    with tempfile.TemporaryDirectory(prefix="aqfake-bench-") as folder:
        path = Path(folder) / "big.yaml"
        bodies = write_cassette(path, INTERACTIONS)

        def ours() -> Operation:
            return lambda: checked(load_ours, path)

        def theirs() -> Operation:
            return lambda: checked(load_vcrpy, path)

        def notes() -> list[str]:
            if quick:
                return [f"{INTERACTIONS} interactions (quick run: no unsealed-copy timing)"]
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

        def ours_playing() -> Operation:
            return lambda: play_ours(path, bodies)

        def theirs_playing() -> Operation:
            return lambda: play_vcrpy(path)

        load = Pair(
            Case(f"aqfake use_cassette, {INTERACTIONS} interactions", ours, warm_up=False),
            Case("vcr.use_cassette, default serializer (PyYAML)", theirs, warm_up=False),
            notes,
        )
        play = Pair(
            Case(f"aqfake use_cassette + {PLAYED} requests", ours_playing, warm_up=False),
            Case(f"vcr.use_cassette + {PLAYED} requests", theirs_playing, warm_up=False),
        )
        yield load, play


def run(repeats: int, quick: bool) -> Outcome:
    """Two checks: how many times faster our load is than vcrpy's, and our load and replay
    of a few requests than vcrpy's (all four timed interleaved)."""
    with setup(quick) as (load, play):
        cases = [load.subject, load.baseline, play.subject, play.baseline]
        ours, theirs, ours_playing, theirs_playing = measure(cases, repeats)
        notes = load.notes()
    return Outcome(
        [
            ratio_check("cassette-load", load.subject, load.baseline, (ours, theirs), TARGET),
            ratio_check(
                f"cassette-load + {PLAYED} requests",
                play.subject,
                play.baseline,
                (ours_playing, theirs_playing),
                TARGET,
            ),
        ],
        notes,
    )


BENCHMARK = Benchmark(
    name="cassette-load",
    summary=f"loading a {INTERACTIONS}-interaction cassette (and replaying {PLAYED}) vs vcrpy",
    run=run,
    repeats=3,
    quick_repeats=1,
)
