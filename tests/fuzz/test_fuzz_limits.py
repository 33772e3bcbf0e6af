"""Oversized bodies: both transports refuse a body over the limit with 413 and an ``errors``
message naming the limit, answer everything up to it, and keep serving afterwards.

The limit is lowered for the test (``aqfake.transport.MAX_BODY_BYTES``) so sizes around it
are cheap to generate; the real limit's wording is pinned in tests/fake/test_hostile_requests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from fuzz_profiles import Budget, fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

import aqfake.transport as transport
from aqfake.app import FakeAquarium

LIMIT = 4096
SIZE_BUDGET = Budget(ci=40, thorough=1_000)


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    monkeypatch.setattr(transport, "MAX_BODY_BYTES", LIMIT)
    yield LIMIT


def sizes() -> st.SearchStrategy[int]:
    return st.one_of(st.integers(0, 3 * LIMIT), st.sampled_from([LIMIT - 1, LIMIT, LIMIT + 1]))


def _check(response: requests.Response, size: int) -> None:
    if size > LIMIT:
        assert response.status_code == 413, (size, response.text[:200])
        assert str(LIMIT) in response.json()["errors"]
    else:
        assert response.status_code in (200, 400, 422), (size, response.text[:200])


def _body(size: int, filler: bytes) -> bytes:
    return (filler * (size // max(len(filler), 1) + 1))[:size]


FILLERS = st.sampled_from([b" ", b"[", b'{"model":"Sample"}', b"\xff"])


def test_in_process_bodies_over_the_limit_are_413(small_limit: int) -> None:
    fake = FakeAquarium("demo")
    with fake.mock(), requests.Session() as http:
        http.cookies.set(fake.cookie_name, fake.user_token("neptune"))

        @fuzz_settings(SIZE_BUDGET)
        @given(size=sizes(), filler=FILLERS)
        def post(size, filler):
            url = fake.base_url + "/json"
            answer = http.post(
                url, data=_body(size, filler), headers={"Content-Type": "application/json"}
            )
            _check(answer, size)

        post()
        assert http.get(fake.base_url + "/json/current.json").status_code == 200


def test_live_bodies_over_the_limit_are_413_and_the_server_keeps_serving(small_limit: int) -> None:
    fake = FakeAquarium("demo")
    with fake.live() as server:

        @fuzz_settings(SIZE_BUDGET)
        @given(size=sizes(), filler=FILLERS, chunked=st.booleans())
        def post(size, filler, chunked):
            body = _body(size, filler)
            data = (
                iter([body[i : i + 1000] for i in range(0, len(body), 1000)]) if chunked else body
            )
            with requests.Session() as http:
                http.cookies.set(fake.cookie_name, fake.user_token("neptune"))
                answer = http.post(server.url + "/json", data=data, timeout=10,
                                   headers={"Content-Type": "application/json"})  # fmt: skip
                _check(answer, size)
                assert http.get(server.url + "/json/current.json", timeout=10).status_code == 200

        post()
