"""Operators, times and the SQL-fragment rendering of query conditions."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aqfake.conditions import And, Cmp, Col, Lit, Or, parse_sql
from aqfake.tables import ColumnType
from aqsession.aql import to_sql
from aqsession.aql.sql import MATCH_NOTHING, quote
from aqsession.aql.values import Operator, parse_value, resolve_time
from aqsession.exceptions import AquariumQueryLanguageValidationError

NOW = datetime(2026, 11, 26, 23, 1, 51, 482343, tzinfo=timezone.utc)


def test_pydent_examples_render_the_same_without_injection() -> None:
    conditions = {"a": {"__not__": 1}, "b": [1, 2], "c": "x"}
    assert to_sql(conditions, NOW) == 'a != "1" AND ( b = "1" OR b = "2" ) AND c = "x"'


def test_captured_operator_query_condition() -> None:
    conditions = {
        "object_type_id": [9],
        "created_at": {"__gt__": {"__time__": {"__days__": -7}}},
        "location": {"__not__": "deleted"},
    }
    assert to_sql(conditions, NOW) == (
        '( object_type_id = "9" ) AND created_at > "2026-11-19 23:01:51" AND location != "deleted"'
    )


@pytest.mark.parametrize(
    ("key", "symbol"),
    [("__not__", "!="), ("__lt__", "<"), ("__le__", "<="), ("__gt__", ">"), ("__ge__", ">=")],
)
def test_each_operator(key: str, symbol: str) -> None:
    assert to_sql({"id": {key: 5}}, NOW) == f'id {symbol} "5"'
    assert to_sql({"name": {key: "m"}}, NOW) == f'name {symbol} "m"'


def test_injection_attempt_stays_one_literal() -> None:
    attack = 'x" OR 1=1 OR "a'
    sql = to_sql({"id": [1, 2], "name": {"__lt__": attack}}, NOW)
    assert sql == '( id = "1" OR id = "2" ) AND name < "x\\" OR 1=1 OR \\"a"'
    # exactly one literal after "name <", and it decodes back to the attack text
    literal = sql.split("name < ", 1)[1]
    match = re.fullmatch(r'"((?:[^"\\]|\\.)*)"', literal)
    assert match is not None
    assert re.sub(r"\\(.)", r"\1", match.group(1)) == attack


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ('a"b\\c', '"a\\"b\\\\c"'),
        ("it's", '"it\'s"'),
        ("\\", '"\\\\"'),
        ('\\"', '"\\\\\\""'),
        ("", '""'),
        (7, '"7"'),
        (2.5, '"2.5"'),
        (True, "TRUE"),
        (False, "FALSE"),
        (None, "NULL"),
    ],
)
def test_quote(value: Any, literal: str) -> None:
    assert quote(value) == literal


def test_backslash_before_quote_cannot_close_the_literal() -> None:
    sql = to_sql({"name": 'a\\" OR 1=1 --'}, NOW)
    assert sql == 'name = "a\\\\\\" OR 1=1 --"'


def test_null_and_booleans() -> None:
    assert to_sql({"a": None, "b": {"__not__": None}, "c": True}, NOW) == (
        "a IS NULL AND b IS NOT NULL AND c = TRUE"
    )
    assert to_sql({"a": ["x", None]}, NOW) == '( a = "x" OR a IS NULL )'


def test_null_cannot_be_ordered() -> None:
    with pytest.raises(AquariumQueryLanguageValidationError, match="null cannot be compared"):
        to_sql({"a": {"__lt__": None}}, NOW)


def test_empty_list_matches_nothing_instead_of_empty_parentheses() -> None:
    sql = to_sql({"id": [], "name": {"__not__": "a"}}, NOW)
    assert sql == f'{MATCH_NOTHING} AND name != "a"'
    assert "(  )" not in sql


def test_tuples_and_sets_are_lists() -> None:
    assert to_sql({"id": (1, 2)}, NOW) == '( id = "1" OR id = "2" )'
    assert to_sql({"id": {2, 1}}, NOW) == '( id = "1" OR id = "2" )'


def test_compiled_operators_are_accepted() -> None:
    assert to_sql({"id": Operator(">=", 3)}, NOW) == 'id >= "3"'


def test_empty_conditions() -> None:
    assert to_sql({}, NOW) == ""


@pytest.mark.parametrize("column", ["name; DROP TABLE", "a b", '"a"', "1=1 OR x", "", "a.b.c", 5])
def test_column_names_must_be_identifiers(column: Any) -> None:
    with pytest.raises(AquariumQueryLanguageValidationError, match="column name"):
        to_sql({column: 1}, NOW)


def test_qualified_column_names() -> None:
    assert to_sql({"items.id": 1}, NOW) == 'items.id = "1"'


def test_other_objects_are_refused() -> None:
    with pytest.raises(AquariumQueryLanguageValidationError, match="not a single value"):
        to_sql({"a": {"b": 1}}, NOW)
    with pytest.raises(AquariumQueryLanguageValidationError, match="not a single value"):
        to_sql({"a": {"__lt__": [1]}}, NOW)


def test_time_is_utc_to_the_second() -> None:
    spec = {"__weeks__": 1, "__days__": -1, "__hours__": 2, "__minutes__": 3, "__seconds__": -4}
    expected = NOW + timedelta(weeks=1, days=-1, hours=2, minutes=3, seconds=-4)
    assert resolve_time(spec, NOW) == expected.strftime("%Y-%m-%d %H:%M:%S")
    assert resolve_time({"__days__": -7}, NOW) == "2026-11-19 23:01:51"


def test_time_converts_other_zones_to_utc() -> None:
    local = NOW.astimezone(timezone(timedelta(hours=5)))
    assert resolve_time({"__seconds__": 0}, local) == "2026-11-26 23:01:51"


def test_default_reference_time_is_now_in_utc() -> None:
    before = datetime.now(timezone.utc).replace(microsecond=0)
    sql = to_sql({"t": {"__gt__": {"__time__": {"__seconds__": 0}}}})
    after = datetime.now(timezone.utc)
    stamp = datetime.strptime(sql.split('"')[1], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
    assert before <= stamp <= after


@pytest.mark.parametrize("spec", [{"__day__": 1}, {"__days__": 1, "x": 2}])
def test_bad_time_objects(spec: dict[str, Any]) -> None:
    with pytest.raises(AquariumQueryLanguageValidationError, match="__time__"):
        resolve_time(spec, NOW)


def test_time_amounts_beside_time_are_added_as_pydent_reads_them() -> None:
    assert resolve_time({}, NOW) == "2026-11-26 23:01:51"
    beside = {"__time__": {}, "__days__": 1}
    assert parse_value({"__gt__": beside}, NOW).value == "2026-11-27 23:01:51"
    both = {"__time__": {"__hours__": 1}, "__hours__": 1}
    assert parse_value(both, NOW) == "2026-11-27 01:01:51"


def test_parse_value() -> None:
    assert parse_value("a", NOW) == "a"
    assert parse_value([1, "b"], NOW) == [1, "b"]
    assert parse_value({"__time__": {"__days__": 1}}, NOW) == "2026-11-27 23:01:51"
    assert parse_value({"__ge__": {"__time__": {"__days__": 1}}}, NOW) == Operator(
        ">=", "2026-11-27 23:01:51"
    )
    assert parse_value({"__not__": None}, NOW) == Operator("!=", None)


def test_bare_time_is_an_equality_in_sql() -> None:
    assert to_sql({"t": {"__time__": {"__hours__": 1}}}, NOW) == 't = "2026-11-27 00:01:51"'


# -- what the fake's SQL parser (MySQL's reading) makes of the rendered strings ---------------

OPERATOR_SYMBOLS = {"__not__": "!=", "__lt__": "<", "__le__": "<=", "__gt__": ">", "__ge__": ">="}


@settings(max_examples=100, deadline=None)
@given(text=st.text(), operator=st.sampled_from(sorted(OPERATOR_SYMBOLS)))
def test_any_text_is_read_back_as_one_literal(text: str, operator: str) -> None:
    name = Col("name", ColumnType.STRING)
    assert parse_sql("samples", to_sql({"name": text}, NOW)) == Cmp("=", name, Lit(text))
    parsed = parse_sql("samples", to_sql({"name": {operator: text}}, NOW))
    assert parsed == Cmp(OPERATOR_SYMBOLS[operator], name, Lit(text))


@settings(max_examples=100, deadline=None)
@given(texts=st.lists(st.text(), min_size=1, max_size=4))
def test_lists_are_read_back_as_one_disjunction(texts: list[str]) -> None:
    parsed = parse_sql("samples", to_sql({"name": texts, "id": {"__gt__": 0}}, NOW))
    name = Col("name", ColumnType.STRING)
    ors = tuple(Cmp("=", name, Lit(t)) for t in texts)
    assert isinstance(parsed, And)
    first, second = parsed.parts
    assert (first.parts if isinstance(first, Or) else (first,)) == ors
    assert second == Cmp(">", Col("id", ColumnType.INT), Lit("0"))


def test_match_nothing_is_valid_sql_for_the_fake() -> None:
    assert parse_sql("samples", MATCH_NOTHING) == Cmp("=", Lit(1), Lit(0))
