"""A slice of the route fuzz through the live server: the same probes over real sockets, so
the HTTP layer (header parsing, cookies, framing) sees them too. The answers must keep the
shapes the in-process fuzz checks, and the server must keep serving. Every method the probes
use (TRACE and PROPFIND included) reaches the app through the live server's own framing.
"""

from __future__ import annotations

from urllib.parse import quote

import requests
from fuzz_harness import FuzzRun, Probe, check_response
from fuzz_profiles import Budget, fuzz_settings
from fuzz_requests import probes
from hypothesis import given

from aqfake.app import FakeAquarium
from aqfake.invariants import assert_store_consistent
from aqfake.wire import Response

LIVE_BUDGET = Budget(ci=25, thorough=1_000)


def test_live_server_answers_hostile_requests_and_keeps_serving() -> None:
    fake = FakeAquarium("demo")
    probe = probes(fake.cookie_name, fake.user_token("neptune"), fake.store)
    with fake.live() as server, requests.Session() as http, FuzzRun(fake).watching() as run:

        @fuzz_settings(LIVE_BUDGET)
        @given(probe)
        def over_the_wire(p: Probe) -> None:
            url = server.url + quote(p.path, safe="/") + (f"?{p.query}" if p.query else "")
            # what a client can send: no line breaks or leading blanks in a header value, and
            # text beyond latin-1 as its UTF-8 bytes (as browsers send it)
            headers = {
                k: v.replace("\r", "").replace("\n", "").lstrip()
                .encode("utf-8", "surrogatepass").decode("latin-1")
                for k, v in p.headers.items()
                if k != "Host"
            }  # fmt: skip
            try:
                answer = http.request(p.method, url, data=p.body, headers=headers, timeout=10,
                                      allow_redirects=False)  # fmt: skip
                run.sent += 1
                seen = Response(answer.status_code, list(answer.headers.items()), answer.content)
                if p.method != "HEAD":
                    check_response(p, seen)
                assert_store_consistent(fake.store)
            finally:
                fake.restore(run.seed)

        over_the_wire()
        assert http.get(server.url + "/_aqfake/health", timeout=10).json()["status"] == "ok"
    run.assert_sent_at_least(LIVE_BUDGET.examples)
