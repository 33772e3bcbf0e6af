"""Property: the client's value rules (``aqsession.server_values``) agree with the fake's
``where`` evaluation (``aqfake.conditions``), the oracle, over generated values.

Each example puts one stored value in one row of a column of a known type and asks the fake
whether ``where({column: wanted})`` selects that row; the client's equality key must say the
same, and its three-valued ``compare`` must say the same or abstain. Text is drawn from ASCII
(digits, signs, dots, underscores, letters in both cases and Ruby's whitespace), where Ruby,
MySQL and the fake read numbers alike.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from aqfake.casting import ruby_truthy as fake_ruby_truthy
from aqfake.conditions import QueryError, compile_where
from aqfake.timefmt import format_time
from aqsession.aql.execute import as_dict
from aqsession.server_values import (
    ColumnKind,
    compare,
    equality_key,
    exact_integer,
    kind_of,
    parse_timestamp,
    ruby_truthy,
)

from .conftest import examples

#: (model, column) per column kind; the stored value is rendered as its JSON value
COLUMNS = {
    ColumnKind.INTEGER: ("Sample", "sample_type_id"),
    ColumnKind.TEXT: ("Sample", "name"),
    ColumnKind.FLOAT: ("ObjectType", "cost"),
    ColumnKind.BOOLEAN: ("Wire", "active"),
}
NUMBER_TEXT = st.text(alphabet="0123456789+-._eE aA \t\n", max_size=8)
WORDS = st.text(alphabet="0123456789abcXYZ +-.t_", max_size=6)
TEXT = st.one_of(NUMBER_TEXT, WORDS, st.integers(-3, 3).map(str))
INTEGERS = st.integers(min_value=-(2**31), max_value=2**31 - 1)
FLOATS = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e20, max_value=1e20)
WANTED = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), INTEGERS, FLOATS, st.floats(-5, 5), TEXT
)
STORED = {
    ColumnKind.INTEGER: st.one_of(st.integers(-5, 5), INTEGERS),
    ColumnKind.TEXT: TEXT,
    ColumnKind.FLOAT: st.one_of(st.floats(-5, 5), FLOATS, st.integers(-5, 5).map(float)),
    ColumnKind.BOOLEAN: st.booleans(),
}


def server_selects(kind: ColumnKind, stored: Any, wanted: Any) -> bool:
    """The oracle: does the fake's ``where({column: wanted})`` select a row holding ``stored``?"""
    model, column = COLUMNS[kind]
    try:
        where = compile_where(model, {column: wanted})
    except QueryError:
        assume(False)  # a value Rails refuses (out of range): no row to compare
    return where.matches({"id": 1, column: stored})


@st.composite
def stored_and_wanted(draw: st.DrawFn) -> tuple[ColumnKind, Any, Any]:
    kind = draw(st.sampled_from(list(COLUMNS)))
    stored = draw(STORED[kind])
    # half of the examples ask for a spelling of the stored value itself
    spelled = st.sampled_from([stored, str(stored), f"{stored} ", str(stored).upper()])
    wanted = draw(st.one_of(WANTED, spelled))
    return kind, stored, wanted


@examples(1500)
@given(case=stored_and_wanted())
def test_equality_key_selects_what_the_server_selects(case: tuple[ColumnKind, Any, Any]) -> None:
    kind, stored, wanted = case
    expected = server_selects(kind, stored, wanted)
    assert kind_of(stored) is kind
    key = equality_key(wanted, kind)
    assert (key is not None and key == equality_key(stored, kind)) is expected


@examples(1500)
@given(case=stored_and_wanted())
def test_compare_agrees_with_the_server_or_abstains(case: tuple[ColumnKind, Any, Any]) -> None:
    kind, stored, wanted = case
    verdict = compare(stored, wanted)
    assert verdict is None or verdict is server_selects(kind, stored, wanted)


@examples(500)
@given(value=st.one_of(INTEGERS.map(str), TEXT, INTEGERS, st.booleans(), FLOATS))
def test_exact_integer_is_the_id_the_server_finds(value: Any) -> None:
    number = exact_integer(value)
    assume(number is not None and -(2**31) < number < 2**31 - 1)
    assert server_selects(ColumnKind.INTEGER, number, value)
    assert not server_selects(ColumnKind.INTEGER, number + 1, value)


@examples(500)
@given(
    first=st.one_of(WANTED, st.lists(WANTED, min_size=1, max_size=3)),
    second=st.lists(st.one_of(st.integers(1, 6), WANTED), min_size=1, max_size=3),
)
def test_a_column_constrained_twice_selects_the_rows_both_select(first: Any, second: Any) -> None:
    """``aql``'s intersection of two conditions on one key column, sent as one hash, selects
    the rows each condition selects on its own."""
    rows = range(-1, 8)

    def selected(conditions: Any) -> set[int]:
        return {row for row in rows if server_selects(ColumnKind.INTEGER, row, conditions)}

    both = selected(first) & selected(second)
    merged = as_dict([("sample_type_id", first), ("sample_type_id", second)])
    found = set() if merged is None else selected(merged["sample_type_id"])
    assert found == both


@examples(300)
@given(value=st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3), FLOATS))
def test_ruby_truthiness_is_the_servers(value: Any) -> None:
    assert ruby_truthy(value) is fake_ruby_truthy(value)


@examples(300)
@given(
    moment=st.datetimes(
        min_value=datetime(1900, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.just(timezone.utc),
    )
)
def test_rendered_timestamps_parse_back_to_the_millisecond(moment: datetime) -> None:
    """Whatever Pacific offset the fake renders (PST, PDT, wartime), the client reads the
    moment back in UTC."""
    parsed = parse_timestamp(format_time(moment))
    assert parsed is not None
    assert parsed == moment.replace(microsecond=(moment.microsecond // 1000) * 1000)
