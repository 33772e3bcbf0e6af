"""In-process fake vs the requests stack floor.

The subject is a whole client call, ``session.Sample.find(id)``: AqSession builds the ``/json``
body, requests sends it, ``responses`` hands it to the fake, which authenticates, queries,
renders and journals, and the client turns the JSON into a model. The baseline is the floor no
in-process fake can go below: the same POST with the same cookies through requests and
``responses`` to a callback that returns the fake's answer as a constant, decoded with
``.json()``. The ratio is what the fake and the client model layer add on top of that floor.

Part of what the client adds is taken back: requests reads the environment's proxy settings
on every request, and AqSession's requests session remembers them per host
(:mod:`aqsession.environment`). The notes print both costs and the fake's own time, so the
ratio can be read apart.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from aqfake.app import FakeAquarium
from aqfake.transport import request_from_prepared

from .fixtures import requests_made, signed_in
from .runner import Benchmark, Case, Operation, Pair, Target, format_seconds, measure, paired

FLOOR_URL = "http://floor.test"
#: A demo-lab sample every seed has (see aqfake.lab).
SAMPLE_NAME = "pMOD-pTEF1-GFP"
#: The design's "the fake must add little on top": at most 20% over the floor.
TARGET = Target(1.2)


@contextmanager
def setup() -> Iterator[Pair]:
    """One find through the client and the fake against the bare HTTP mock floor."""
    fake = FakeAquarium("demo")
    with signed_in(fake) as (session, mock):
        row = fake.store.first("samples", name=SAMPLE_NAME)
        if row is None:
            raise LookupError(f"the demo lab has no sample {SAMPLE_NAME!r}; see aqfake.lab")
        sample_id = row["id"]

        mark = fake.journal.mark()
        session.Sample.find(sample_id)
        body = fake.journal.since(mark)[-1].body
        answer = session.aqhttp.http_session.post(f"{fake.base_url}/json", json=body, timeout=60)
        request, origin = request_from_prepared(answer.request)
        canned = (200, {"Content-Type": answer.headers["Content-Type"]}, answer.content)
        mock.add_callback("POST", f"{FLOOR_URL}/json", callback=lambda _request: canned)

        floor = requests.Session()  # the fake's cookies, sent to the floor's host as well
        floor.cookies.update({c.name: c.value or "" for c in session.aqhttp.http_session.cookies})

        def find() -> Operation:
            return lambda: session.Sample.find(sample_id)

        def post() -> Operation:
            def call() -> Any:
                return floor.post(f"{FLOOR_URL}/json", json=body, timeout=60).json()

            return call

        def notes() -> list[str]:
            count = requests_made(fake, lambda: session.Sample.find(sample_id))
            url = f"{fake.base_url}/json"
            ours, plain, fake_alone = measure(
                [
                    environment_case(session.aqhttp.http_session, url),
                    environment_case(requests.Session(), url),
                    Case("the fake's answer", lambda: lambda: fake.handle(request, origin), 200),
                ],
                15,
            )
            return [
                f"requests per find: {count}; response body {len(answer.content)} bytes",
                f"the fake's own answer: {format_seconds(fake_alone)}; environment settings "
                f"per request: {format_seconds(plain)} in requests ({len(os.environ)} "
                f"variables set), {format_seconds(ours)} in AqSession (remembered per host)",
            ]

        def environment_case(http: requests.Session, url: str) -> Case:
            def settings() -> Operation:
                return lambda: http.merge_environment_settings(url, {}, None, None, None)

            return Case(f"{type(http).__name__}.merge_environment_settings", settings, 200)

        yield Pair(
            Case("session.Sample.find(id) via AqSession -> requests -> responses -> fake", find),
            Case("the same POST via requests -> responses -> constant body, .json()", post),
            notes,
        )


BENCHMARK = Benchmark(
    name="http-find",
    summary="in-process fake vs the requests + responses floor, one Sample.find",
    run=paired("http-find", setup, TARGET),
    repeats=400,
    quick_repeats=100,
)
