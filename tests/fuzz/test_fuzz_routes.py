"""Every route of the fake, hostile in every part of the request (see ``fuzz_requests``), on the
demo lab: no failure inside the fake, Aquarium-shaped answers, store invariants intact.

``AQFAKE_FUZZ_PROFILE=thorough`` runs at least 10,000 requests here (see ``fuzz_profiles``).
"""

from __future__ import annotations

import pytest
from fuzz_harness import FuzzRun, Probe
from fuzz_profiles import Budget, fuzz_settings
from fuzz_requests import ROUTES, probes
from hypothesis import given
from hypothesis import strategies as st

from aqfake.app import FakeAquarium

ROUTE_BUDGET = Budget(ci=150, thorough=10_000)
SEQUENCE_BUDGET = Budget(ci=25, thorough=1_000)


def test_every_route_answers_hostile_requests_in_aquariums_shape() -> None:
    fake = FakeAquarium("demo")
    probe = probes(fake.cookie_name, fake.user_token("neptune"), fake.store)
    with FuzzRun(fake).watching() as run:

        @fuzz_settings(ROUTE_BUDGET)
        @given(probe)
        def one_request(p):
            run.example([p])

        one_request()
    run.assert_sent_at_least(ROUTE_BUDGET.examples)
    assert len(run.statuses) > 3, run.statuses  # the probes reach more than one kind of answer


def test_sequences_of_hostile_requests_keep_the_store_consistent() -> None:
    """Writes pile up within an example, so a bad row left by one request meets the next."""
    fake = FakeAquarium("demo")
    probe = probes(fake.cookie_name, fake.user_token("neptune"), fake.store)
    with FuzzRun(fake).watching() as run:

        @fuzz_settings(SEQUENCE_BUDGET)
        @given(st.lists(probe, min_size=2, max_size=10))
        def many_requests(ps):
            run.example(ps)

        many_requests()
    run.assert_sent_at_least(2 * SEQUENCE_BUDGET.examples)


def test_the_probes_cover_every_route() -> None:
    assert len(ROUTES) > 50


def test_the_harness_checks_and_resets_after_a_write_and_only_then() -> None:
    fake = FakeAquarium("demo")
    cookie = {"Cookie": f"{fake.cookie_name}={fake.user_token('neptune')}"}
    run = FuzzRun(fake)
    run.example([Probe("GET", "/json/current.json", headers=cookie)])
    assert run.checked == 0
    save = (
        b'{"model": {"model": "Sample"}, "name": "fuzzed", "sample_type_id": 1, '
        b'"project": "p", "user_id": 1}'
    )
    headers = {**cookie, "Content-Type": "application/json"}
    (answer,) = run.example([Probe("POST", "/json/save", headers=headers, body=save)])
    assert answer.status == 200 and run.checked == 1
    assert fake.store.first("samples", name="fuzzed") is None  # back to the seeded lab
    fake.store.update("samples", 1, sample_type_id=999)  # a broken row is caught
    with pytest.raises(AssertionError, match="sample_type_id=999"):
        run.example([])
