"""The client's one reading of Aquarium's value rules (``aqsession.server_values``), by example.

``tests/property/test_server_values_oracle.py`` holds the same rules against the fake over
generated values; these examples pin the cases the issue names and the decisions per kind.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from aqsession.aql.execute import as_dict
from aqsession.browser.matching import CompletenessIndex, parse_conditions
from aqsession.server_values import (
    ColumnKind,
    cast,
    compare,
    distinct,
    equal,
    equality_key,
    exact_integer,
    kind_of,
    kind_of_column,
    option_count,
    parse_timestamp,
    ruby_text,
    ruby_to_i,
    ruby_truthy,
    sql_time_text,
)

INTEGER, TEXT = ColumnKind.INTEGER, ColumnKind.TEXT


def test_one_point_zero_equals_one_on_integer_columns_only() -> None:
    assert equality_key("1.0", INTEGER) == equality_key(1, INTEGER)
    assert equality_key("1.0", TEXT) != equality_key(1, TEXT)
    assert equal(1, "1.0") and not equal("1", "1.0")
    # the cache leaves the truncating reading to the server
    assert compare(1, "1.0") is None


@pytest.mark.parametrize(
    ("value", "kind", "literal"),
    [
        ("5", INTEGER, 5),
        (" 5", INTEGER, 5),
        ("5abc", INTEGER, 5),
        ("1_000", INTEGER, 1000),
        ("abc", INTEGER, 0),
        ("  ", INTEGER, None),
        (2.7, INTEGER, 2),
        (True, INTEGER, 1),
        (5, TEXT, "5"),
        (1.0, TEXT, "1.0"),
        (1e20, TEXT, "1.0e+20"),
        (True, TEXT, "t"),
        ("", ColumnKind.FLOAT, None),
        (False, ColumnKind.BOOLEAN, 0),
        (None, INTEGER, None),
    ],
)
def test_cast_is_rails_reading_for_the_column(value, kind, literal) -> None:
    assert cast(value, kind) == literal


def test_values_that_are_not_single_values_cannot_be_cast() -> None:
    with pytest.raises(ValueError, match="not a single value"):
        cast([1], INTEGER)
    with pytest.raises(ValueError, match="out of range"):
        cast(float("inf"), INTEGER)


def test_ruby_conversions() -> None:
    assert ruby_to_i("  -12x") == -12
    assert ruby_to_i("\u00a05") == 0  # Ruby skips ASCII whitespace only
    assert ruby_to_i("٣") == 0  # and reads ASCII digits only
    assert ruby_text(1.5e-07) == "1.5e-07"
    assert ruby_text(float("-inf")) == "-Infinity"


def test_kinds_come_from_rendered_values_or_key_column_names() -> None:
    assert [kind_of(v) for v in (1, "a", True, 1.5, None)] == [
        INTEGER,
        TEXT,
        ColumnKind.BOOLEAN,
        ColumnKind.FLOAT,
        None,
    ]
    assert kind_of_column("id") is INTEGER
    assert kind_of_column("sample_type_id") is INTEGER
    assert kind_of_column("name") is None


def test_a_key_for_an_unknown_kind_collides_only_what_every_kind_equates() -> None:
    assert equality_key(5, None) == equality_key("5 ", None)
    assert equality_key("ABC", None) == equality_key("abc", None)
    assert equality_key("1.0", None) != equality_key(1, None)
    assert equality_key(True, None) != equality_key("t", None)


def test_a_boolean_column_equals_only_its_own_number() -> None:
    assert compare(True, 1) is True
    assert compare(True, 2) is False  # MySQL: 1 = 2 is false (read as true before)
    assert compare(False, 0) is True


def test_distinct_keeps_the_first_spelling_of_server_equal_values() -> None:
    assert distinct([5, "5", " 5", None, 6, 5.0], INTEGER) == [5, 6]
    assert distinct(["GFP", "gfp ", "Gfp2"], TEXT) == ["GFP", "Gfp2"]


def test_exact_integers_are_the_lossless_readings() -> None:
    assert [exact_integer(v) for v in (5, " 5 ", "+5", "-5")] == [5, 5, 5, -5]
    assert [exact_integer(v) for v in (True, 5.0, "1.0", "5abc", "")] == [None] * 5


def test_aql_intersection_of_key_columns_uses_the_integer_rule() -> None:
    assert as_dict([("id", "1.0"), ("id", [1, 2])]) == {"id": ["1.0"]}
    assert as_dict([("id", [1, 2]), ("id", "5abc")]) is None
    assert as_dict([("id", [1, 5]), ("id", "5abc")]) == {"id": [5]}


def test_completeness_extends_integer_text_to_its_integer_on_key_columns_only() -> None:
    index = CompletenessIndex()
    conditions = parse_conditions({"name": 1, "sample_type_id": 1})
    assert conditions is not None
    index.record("Sample", conditions)
    on_key = parse_conditions({"name": 1, "sample_type_id": " 1"})
    on_text = parse_conditions({"name": " 1", "sample_type_id": 1})
    assert on_key is not None and on_text is not None
    assert index.covers("Sample", on_key)
    assert not index.covers("Sample", on_text)  # " 1" is not "1" on a text column


def test_options_and_truthiness_as_the_server_reads_them() -> None:
    assert [ruby_truthy(v) for v in (0, "", "false", [], None, False)] == [True] * 4 + [False] * 2
    assert [option_count(v) for v in (3, "3", -1, "x", True, 2.5)] == [3, 3, 0, 0, 0, 0]


def test_timestamps() -> None:
    stamp = parse_timestamp("2018-07-17T15:10:05.000-07:00")
    assert stamp == datetime(2018, 7, 17, 22, 10, 5, tzinfo=timezone.utc)
    assert parse_timestamp("2018-07-17 22:10:05") == stamp
    assert parse_timestamp("yesterday") is None
    assert parse_timestamp(5) is None
    pacific_morning = datetime(2026, 3, 7, 9, 0, tzinfo=timezone(timedelta(hours=-8)))
    assert sql_time_text(pacific_morning, timedelta(days=1)) == "2026-03-08 17:00:00"
