"""Any body or path a client sends to the inventory endpoints gets one of Aquarium's answers.

A handler bug would surface as the app's catch-all 500 (logged as "raised inside"); the
endpoints must instead answer as the server does: 200/201/204/302/404/422, or the 500 that
Aquarium itself gives, produced deliberately by the handler.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_inventory_lab import IDS, call, new_fake

from aqfake.app import FakeAquarium

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 40),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.just(2**31),
    st.sampled_from(
        ["", "abc", "5", "M20.0.0.3", "M20.1.2", "1: fwd", "collection", "number", "sample"]
    ),
    st.sampled_from(["T Anneal", "Overhang", "Parent", "fwd", "Primer Aliquot", "return"]),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
KEYS = (
    "name",
    "sample_type_id",
    "project",
    "field_values",
    "id",
    "deleted",
    "value",
    "child_sample_name",
    "new_child_sample",
    "sample_id",
    "pairs",
    "location",
    "handler",
    "rows",
    "min",
    "max",
    "cost",
    "prefix",
    "field_types",
    "allowable_field_types",
    "ftype",
    "object_type_id",
)
BODIES = st.dictionaries(st.sampled_from(KEYS), JSON, max_size=5)
PATH_IDS = st.one_of(st.integers(0, 12).map(str), st.sampled_from(["abc", "{item_id}", "-1"]))

ENDPOINTS = (
    ("POST", "/browser/create_samples"),
    ("GET", "/items/make/{a}/{b}"),
    ("GET", "/items/move/{a}"),
    ("GET", "/items/store/{a}.json"),
    ("PUT", "/collections/{a}.json"),
    ("POST", "/collections/{a}/assign_sample"),
    ("POST", "/collections/{a}/delete_selection"),
    ("GET", "/collections/{a}"),
    ("POST", "/object_types.json"),
    ("PUT", "/object_types/{a}.json"),
    ("POST", "/sample_types.json"),
    ("PUT", "/sample_types/{a}"),
    ("GET", "/sample_list/{a}"),
)
ANSWERS = {200, 201, 204, 302, 404, 422, 500}


@pytest.fixture(scope="module")
def shared_fake() -> FakeAquarium:
    return new_fake()


def _wrap(body: dict[str, Any]) -> Any:
    """Some bodies go as they are, some inside the wrapper keys the endpoints read."""
    return {"samples": [body], "sample_type": body, **body}


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    endpoint=st.sampled_from(ENDPOINTS),
    a=PATH_IDS,
    b=PATH_IDS,
    body=BODIES,
    wrap=st.booleans(),
)
def test_inventory_endpoints_never_crash(shared_fake, caplog, endpoint, a, b, body, wrap):
    method, pattern = endpoint
    path = pattern.format(a=a, b=b)
    shared_fake.reset()
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="aqfake"):
        response = call(shared_fake, method, path, _wrap(body) if wrap else body)
    crashes = [r for r in caplog.records if "raised inside" in r.getMessage()]
    assert not crashes, f"{method} {path} {body!r}: {crashes[0].exc_text}"
    assert response.status in ANSWERS


def test_fuzz_fixture_lab_has_the_expected_rows(shared_fake):
    assert shared_fake.store.get("items", IDS["collection"]) is not None


FIELD_VALUES = st.lists(
    st.fixed_dictionaries(
        {"name": st.sampled_from(["T Anneal", "Overhang", "Parent", "Other"])},
        optional={
            "id": st.one_of(st.none(), st.integers(0, 12), st.just("3")),
            "deleted": st.one_of(st.none(), st.booleans()),
            "value": SCALARS,
            "child_sample_name": st.sampled_from(["", "1: fwd", "x: rev", "9: nope", "fwd"]),
            "new_child_sample": st.fixed_dictionaries(
                {"name": st.sampled_from(["kid", "fwd"]), "project": st.just("p")},
                optional={"sample_type_id": st.sampled_from([IDS["primer"], 999])},
            ),
        },
    ),
    max_size=4,
)
SAMPLES = st.lists(
    st.fixed_dictionaries(
        {"name": st.sampled_from(["s1", "s2", "fwd", ""]), "project": st.sampled_from(["p", ""])},
        optional={
            "sample_type_id": st.sampled_from([IDS["primer"], IDS["plasmid"], 999, None]),
            "field_values": FIELD_VALUES,
        },
    ),
    max_size=3,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(samples=SAMPLES)
def test_create_samples_all_or_nothing(shared_fake, caplog, samples):
    shared_fake.reset()
    before = {t: shared_fake.store.count(t) for t in ("samples", "field_values")}
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="aqfake"):
        response = call(shared_fake, "POST", "/browser/create_samples", {"samples": samples})
    assert not [r for r in caplog.records if "raised inside" in r.getMessage()]
    assert response.status == 200
    body = response.json()
    if "errors" in body:
        assert shared_fake.store.count("samples") == before["samples"]
        assert shared_fake.store.count("field_values") == before["field_values"]
    else:
        assert len(body["samples"]) == len(samples)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    action=st.sampled_from(["assign_sample", "delete_selection"]),
    pairs=st.lists(st.lists(st.integers(-4, 4), max_size=3), max_size=4),
)
def test_collection_pairs_never_crash(shared_fake, caplog, action, pairs):
    shared_fake.reset()
    caplog.clear()
    body = {"sample_id": IDS["rev"], "pairs": pairs}
    with caplog.at_level(logging.ERROR, logger="aqfake"):
        response = call(shared_fake, "POST", f"/collections/{IDS['collection']}/{action}", body)
        shown = call(shared_fake, "GET", f"/collections/{IDS['collection']}")
    assert not [r for r in caplog.records if "raised inside" in r.getMessage()]
    assert response.status in (302, 500)
    assert shown.status in (200, 500)
