"""Cassette replay lookup: :class:`aqfake.cassettes.AqCassette` against cassette size and vcrpy.

Cassettes are filled in memory with distinct ``/json`` interactions (one per sample id), and one
request from the middle is looked up with ``play_response``. ``cassette-size`` compares a
20,000-interaction cassette with a 20-interaction one (an index makes lookup constant-time);
``cassette-vcrpy`` compares the big one with vcrpy's stock ``Cassette`` holding the same
interactions, matched on vcrpy's own method, uri and body matchers (cheaper per comparison than
canonical matching, so the comparison favours vcrpy). Both allow repeated playback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from vcr import matchers
from vcr.cassette import Cassette
from vcr.request import Request

from aqfake.cassettes import AqCassette

from .runner import Benchmark, Case, Operation, Pair, Target, paired

BIG = 20_000
SMALL = 20
URL = "http://aquarium.test/json"
#: Lookups per timed sample of the indexed cassette (each is a few microseconds).
LOOKUPS = 200
#: At least 100 times faster per request (measured about 10^5: vcrpy scans half the cassette).
VCRPY_TARGET = Target(100, at_least=True)
SIZE_TARGET = Target(3.0)


def request(n: int) -> Request:
    """The ``n``-th recorded request (a distinct JSON body per ``n``)."""
    body = json.dumps({"model": "Sample", "id": n}).encode()
    return Request("POST", URL, body, {"Content-Type": "application/json"})


def response(n: int) -> dict[str, Any]:
    """The response recorded for request ``n``, in vcrpy's cassette form."""
    body = json.dumps({"id": n, "name": f"sample-{n}"}).encode()
    return {
        "status": {"code": 200, "message": "OK"},
        "headers": {"Content-Type": ["application/json; charset=utf-8"]},
        "body": {"string": body},
    }


@cache
def filled(kind: str, size: int) -> Cassette:
    """A cassette (``aq`` or ``vcrpy``) holding ``size`` interactions, built once per run."""
    path = f"benchmarks/{kind}-{size}.yaml"  # never read or written: nothing is loaded or saved
    cassette = (
        AqCassette(path)
        if kind == "aq"
        else Cassette(
            path,
            match_on=(matchers.method, matchers.uri, matchers.body),
            allow_playback_repeats=True,
        )
    )
    for n in range(size):
        cassette.append(request(n), response(n))
    return cassette


def lookup(kind: str, size: int) -> Case:
    """Play the middle interaction of a cassette."""
    cassette, wanted = filled(kind, size), request(size // 2)
    expected = response(size // 2)["body"]
    if cassette.play_response(wanted)["body"] != expected:
        raise AssertionError(f"{kind} cassette of {size} played the wrong response")

    def prepare() -> Operation:
        return lambda: cassette.play_response(wanted)

    label = "AqCassette" if kind == "aq" else "vcrpy Cassette"
    return Case(
        f"{label}.play_response, {size} interactions", prepare, LOOKUPS if kind == "aq" else 1
    )


@contextmanager
def size_setup() -> Iterator[Pair]:
    """A lookup in a big cassette against one in a small cassette."""
    yield Pair(lookup("aq", BIG), lookup("aq", SMALL))


@contextmanager
def vcrpy_setup() -> Iterator[Pair]:
    """AqCassette's indexed lookup against vcrpy's scan, on equally big cassettes."""
    yield Pair(lookup("aq", BIG), lookup("vcrpy", BIG))


SIZE = Benchmark(
    name="cassette-size",
    summary=f"AqCassette lookup, {BIG} vs {SMALL} interactions (constant time)",
    run=paired("cassette-size", size_setup, SIZE_TARGET),
    repeats=30,
    quick_repeats=10,
)

VCRPY = Benchmark(
    name="cassette-vcrpy",
    summary=f"AqCassette vs vcrpy's stock Cassette lookup, {BIG} interactions",
    run=paired("cassette-vcrpy", vcrpy_setup, VCRPY_TARGET),
    repeats=5,
    quick_repeats=3,
)
