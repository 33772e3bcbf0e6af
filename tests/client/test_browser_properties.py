"""Property: a caching session answers every query exactly as a non-caching session does.

Queries are drawn from the demo lab's own values, in the spellings the server treats as equal
(other letter case, trailing spaces, ids as strings, lists), with random windows (reverse,
offset, limit). One caching session lives through all examples, so later examples are
answered more and more from its cache.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

COLUMNS = {
    "Sample": ("id", "name", "sample_type_id", "project", "user_id", "description"),
    "Item": ("id", "sample_id", "object_type_id", "quantity", "inuse", "location"),
    "FieldValue": ("id", "parent_id", "parent_class", "name", "child_sample_id", "role"),
    "SampleType": ("id", "name"),
    "ObjectType": ("id", "name", "handler", "rows", "columns", "sample_type_id"),
    "Operation": ("id", "status", "operation_type_id", "user_id", "x"),
    "DataAssociation": ("id", "parent_id", "parent_class", "key"),
    "Collection": ("id", "object_type_id", "location"),
}
TABLES = {
    "Sample": "samples",
    "Item": "items",
    "FieldValue": "field_values",
    "SampleType": "sample_types",
    "ObjectType": "object_types",
    "Operation": "operations",
    "DataAssociation": "data_associations",
    "Collection": "items",
}


@pytest.fixture
def cached(aq_session):
    return aq_session.with_cache()


def spelling(value: Any) -> st.SearchStrategy[Any]:
    """Spellings of ``value`` that the server considers equal to it."""
    if isinstance(value, bool) or value is None:
        return st.just(value)
    if isinstance(value, int):
        return st.sampled_from([value, str(value)])
    if isinstance(value, str):
        return st.sampled_from([value, value.upper(), value.lower(), value + "  "])
    return st.just(value)


@st.composite
def queries(draw: Any, store: Any) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
    model = draw(st.sampled_from(sorted(COLUMNS)))
    rows = store.rows(TABLES[model])
    columns = draw(st.lists(st.sampled_from(COLUMNS[model]), unique=True, max_size=3))
    query: dict[str, Any] = {}
    for column in columns:
        seen = [row.get(column) for row in rows]
        pool = sorted({v for v in seen if not isinstance(v, (dict, list))}, key=repr)
        pool = [*pool[:40], "no such value", 987654]
        pick = st.sampled_from(pool).flatmap(spelling)
        if column == "location":
            pick = st.sampled_from(["Bench", "bench", "Unknown", "deleted"])
        query[column] = draw(st.one_of(pick, st.lists(pick, min_size=1, max_size=4)))
    opts = draw(
        st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {},
                optional={
                    "limit": st.integers(1, 6),
                    "offset": st.integers(0, 4),
                    "reverse": st.booleans(),
                },
            ),
        )
    )
    return model, query, opts


def ids(models: Any) -> Any:
    if models is None:
        return None
    if isinstance(models, list):
        return [m.id for m in models]
    return models.id


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_cached_where_answers_like_the_server(aq_fake, aq_session, cached, data):
    if data.draw(st.integers(0, 9)) == 0:
        cached.browser.clear()
    model, query, opts = data.draw(queries(aq_fake.store))
    plain = getattr(aq_session, model)
    caching = getattr(cached, model)
    assert ids(caching.where(query, opts=opts)) == ids(plain.where(query, opts=opts))
    method = data.draw(st.sampled_from(["first", "last", "one", "all", "find", "find_by_name"]))
    if method in ("first", "last"):
        num = data.draw(st.integers(1, 4))
        expected = ids(getattr(plain, method)(num, query=query))
        assert ids(getattr(caching, method)(num, query=query)) == expected
    elif method == "one":
        first = data.draw(st.booleans())
        assert ids(caching.one(query=query, first=first)) == ids(plain.one(query, first=first))
    elif method == "all":
        assert ids(caching.all()) == ids(plain.all())
    elif method == "find":
        wanted = data.draw(st.sampled_from([r["id"] for r in aq_fake.store.rows(TABLES[model])]))
        assert ids(caching.find(wanted)) == ids(plain.find(wanted))
    elif "name" in COLUMNS[model] and model not in ("FieldValue", "DataAssociation"):
        names = [r["name"] for r in aq_fake.store.rows(TABLES[model])]
        name = data.draw(st.sampled_from(names).flatmap(spelling))
        assert ids(caching.find_by_name(name)) == ids(plain.find_by_name(name))
