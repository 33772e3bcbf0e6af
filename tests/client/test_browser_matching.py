"""The Browser's server-semantics matcher, ordering and completeness bookkeeping."""

from __future__ import annotations

import pytest

from aqsession.browser.matching import (
    CompletenessIndex,
    arrange,
    integer_ids,
    is_unbounded,
    match,
    parse_conditions,
    plain_match,
    window,
)
from aqsession.server_values import ColumnKind, compare, equality_key


def _c(query):
    conditions = parse_conditions(query)
    assert conditions is not None
    return conditions


@pytest.mark.parametrize(
    ("stored", "wanted", "expected"),
    [
        ("GFP", "gfp", True),
        ("GFP  ", "gfp", True),
        ("GFP", "gfpx", False),
        ("Ünïcode", "ünïcode", None),
        (5, 5, True),
        (5, "5", True),
        (5, " 5 ", True),
        (5, "6", False),
        (5, "5abc", None),
        (5, 5.0, True),
        (5, 5.5, None),
        (1, True, True),
        (True, 1, True),
        (False, 0, True),
        (True, "true", None),
        (None, None, True),
        (5, None, False),
        (None, 5, False),
        (None, "x", False),
        ("2026-11-01T10:00:00.000-07:00", "2026-11-01", None),
        ("5", 5, None),
        (1.5, 1.5, None),
        ({"a": 1}, 1, None),
    ],
)
def test_compare_follows_the_server_or_abstains(stored, wanted, expected):
    assert compare(stored, wanted) is expected


def test_parse_conditions_accepts_scalars_and_lists_and_rejects_other_shapes():
    conditions = parse_conditions({"name": "a", "id": [1, 2], "x": None})
    assert conditions is not None
    assert conditions["id"].values == (1, 2)
    assert conditions["x"].values == (None,)
    assert parse_conditions({"samples.name": "a"}) is None
    assert parse_conditions({"t": {"c": 1}}) is None
    assert parse_conditions({"id": [1, None]}) is None
    assert parse_conditions({"id": []}) is None


def test_match_is_three_valued():
    conditions = parse_conditions({"name": "gfp", "sample_type_id": ["1", 2]})
    assert conditions is not None
    assert match("Sample", {"name": "GFP", "sample_type_id": 1}, conditions) is True
    assert match("Sample", {"name": "GFP", "sample_type_id": 3}, conditions) is False
    # a definite False wins over an unknown column
    assert match("Sample", {"name": "other"}, conditions) is False
    assert match("Sample", {"name": "GFP"}, conditions) is None
    assert match("Sample", None, conditions) is None


def test_computed_columns_are_never_judged_from_the_cache():
    conditions = parse_conditions({"location": "Unknown"})
    assert conditions is not None
    assert match("Item", {"location": "Unknown"}, conditions) is None
    assert match("Sample", {"location": "Unknown"}, conditions) is True


def test_plain_match_falls_back_to_equality_where_uncertain():
    stamp = "2026-01-01T00:00:00Z"
    assert plain_match({"created_at": stamp}, {"created_at": stamp})
    assert plain_match({"name": "GFP"}, {"name": ["x", "gfp"]})
    assert not plain_match({"name": "GFP"}, {"name": "x"})
    assert not plain_match(None, {})


def test_integer_ids():
    assert integer_ids(_c({"id": [3, "4", 3]})["id"]) == [3, 4]
    assert integer_ids(_c({"id": "x"})["id"]) is None
    assert integer_ids(_c({"id": True})["id"]) is None
    assert integer_ids(None) is None


def test_equality_key_collides_server_equal_values():
    def key(value):
        return equality_key(value, ColumnKind.INTEGER)

    def text(value):
        return equality_key(value, ColumnKind.TEXT)

    assert text("ABC ") == text("abc")
    assert key("5") == key(5) == key(5.0)
    assert key(True) == key(1)
    assert text(" abc") != text("abc")  # only trailing spaces are ignored


def test_window_reads_options_as_the_server_does():
    assert window(None) == (False, 0, 0)
    assert window({"offset": -1, "limit": -1, "reverse": False}) == (False, 0, 0)
    assert window({"reverse": 0, "limit": 2, "offset": 1}) == (True, 1, 2)
    assert window({"reverse": "false"})[0] is True
    assert window({"reverse": None})[0] is False
    assert is_unbounded({"reverse": True})
    assert not is_unbounded({"limit": 1})


def _row(model_id, created):
    return model_id, {"created_at": created}, f"m{model_id}"


def test_arrange_orders_like_the_server():
    rows = [
        _row(3, "2026-01-01T10:00:00.000-08:00"),
        _row(1, "2026-01-01T11:00:00.000-08:00"),
        _row(2, "2026-01-01T10:00:00.000-08:00"),
    ]
    assert arrange(rows, None) == ["m1", "m2", "m3"]
    # newest first, ties broken by descending id
    assert arrange(rows, {"reverse": True}) == ["m1", "m3", "m2"]
    assert arrange(rows, {"reverse": True, "limit": 2, "offset": 1}) == ["m3", "m2"]
    assert arrange(rows, {"reverse": False, "limit": 2}) == ["m1", "m2"]
    assert arrange([(1, {}, "m1")], {"reverse": True}) is None


def test_completeness_covers_subsets_only():
    index = CompletenessIndex()
    index.record("Item", _c({"sample_id": [1, 2, 3]}))
    assert index.covers("Item", _c({"sample_id": 2}))
    assert index.covers("Item", _c({"sample_id": [1, 3], "x": 1}))
    assert not index.covers("Item", _c({"sample_id": [1, 4]}))
    assert not index.covers("Item", _c({}))
    assert not index.covers("Sample", _c({"sample_id": 2}))
    index.record("Item", _c({}))
    assert index.covers("Item", _c({"anything": "x"}))
    index.forget("Item")
    assert not index.covers("Item", _c({"sample_id": 2}))


def test_completeness_widens_records_that_differ_in_one_column():
    index = CompletenessIndex()
    index.record("Item", _c({"sample_id": 1, "kind": "a"}))
    index.record("Item", _c({"sample_id": 2, "kind": "a"}))
    assert index.covers("Item", _c({"sample_id": [1, 2], "kind": "A "}))
    index.record("Item", _c({"sample_id": 3, "kind": "b"}))
    assert not index.covers("Item", _c({"sample_id": [1, 3], "kind": ["a", "b"]}))
    other = CompletenessIndex()
    other.absorb(index)
    assert other.covers("Item", _c({"sample_id": 3, "kind": "b"}))


def test_integer_text_is_covered_by_a_recorded_integer_but_not_the_reverse():
    index = CompletenessIndex()
    index.record("Sample", _c({"sample_type_id": 1}))
    assert index.covers("Sample", _c({"sample_type_id": " 1"}))
    index.record("Sample", _c({"user_id": "2"}))
    assert not index.covers("Sample", _c({"user_id": 2}))
