"""This repository's own recorded sessions, replayed with the network blocked.

Each test runs one scenario of :mod:`demo_scenarios` through ``aq_recorded_session``. In a
normal run (``--aq-record-mode=none``) it replays ``cassettes/test_demo_sessions/<test>.yaml``
without credentials and without any server; ``python tests/cassettes/record_cassettes.py``
records them again from ``aqfake serve`` (the demo lab, seed 0, a fixed anchor) standing in for
a real Aquarium. The assertions hold for a recording and for its replay alike.
"""

from __future__ import annotations

from typing import Any

import pytest

from . import demo_scenarios as scenarios

pytestmark = pytest.mark.aq_cassette(repeats="last")


def test_login_and_queries(aq_recorded_session: Any) -> None:
    seen = scenarios.login_and_queries(aq_recorded_session)
    assert seen["user"]["login"] == aq_recorded_session.login
    assert scenarios.SAMPLE_TYPE in seen["sample_types"]
    assert seen["first"]["id"] in seen["primers"]
    assert seen["first"]["by_name"] == seen["first"]["id"]
    assert len(seen["several"]) == min(3, len(seen["primers"]))
    assert set(seen["several"]) <= set(seen["primers"])
    assert len(seen["last_items"]) == 3
    assert seen["unknown"] is None


def test_lazy_relationships(aq_recorded_session: Any) -> None:
    seen = scenarios.lazy_relationships(aq_recorded_session)
    assert seen["sample_type"] == scenarios.SAMPLE_TYPE
    assert seen["items"] and seen["item_sample"] == seen["sample"]
    assert seen["field_values"], "a demo primer has field values"
    assert {name for name, _ in seen["field_values"]} <= set(seen["field_types"])
    assert isinstance(seen["item_object_type"], str) and seen["item_object_type"]


def test_cached_browsing(aq_recorded_session: Any) -> None:
    seen = scenarios.cached_browsing(aq_recorded_session)
    offline = seen["offline"]
    assert 0 < len(offline) <= 4
    assert {view["sample_type"] for view in offline.values()} == {scenarios.SAMPLE_TYPE}
    items = {item_id for view in offline.values() for item_id, _ in view["items"]}
    assert items, "the browsed primers have items"
    assert seen["cached_find_is_same"]


def test_query_language(aq_recorded_session: Any) -> None:
    seen = scenarios.query_language(aq_recorded_session)
    assert seen["nested"] == seen["primers"]
    # sample names are unique, so excluding one name drops exactly one primer
    assert set(seen["others"]) < set(seen["primers"])
    assert len(seen["others"]) == len(seen["primers"]) - 1
    assert seen["limited"] == 2
    assert seen["returned_type"] == [scenarios.SAMPLE_TYPE]


def test_data_associations(aq_recorded_session: Any) -> None:
    seen = scenarios.data_associations(aq_recorded_session)
    assert seen["keys"], "the chosen item holds data associations"
    assert seen["new"] == {
        "key": scenarios.NEW_KEY,
        "value": scenarios.NEW_VALUE,
        "parent_id": seen["item"],
    }
    assert seen["read_back"] == scenarios.NEW_VALUE
