"""``IN`` over literal lists uses set lookups; they must agree with MySQL comparison exactly."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aqfake.conditions import Col, In, Lit, compare
from aqfake.conditions.compile import _compile_in
from aqfake.tables import ColumnType

scalars = st.one_of(
    st.none(),
    st.integers(-5, 5),
    st.floats(-5, 5, allow_nan=False).map(lambda f: round(f, 1)),
    st.sampled_from(["1", "2.0", "GFP", "gfp ", "x1", "", "0", "-3"]),
)


def reference(value: object, items: list[object], negated: bool) -> bool | None:
    if value is None:
        return None
    unknown = False
    for item in items:
        result = compare(value, item)
        if result == 0:
            return not negated
        unknown = unknown or result is None
    return None if unknown else negated


@settings(max_examples=300, deadline=None)
@given(value=scalars, items=st.lists(scalars, min_size=1, max_size=6), negated=st.booleans())
def test_literal_in_agrees_with_pairwise_comparison(value, items, negated):
    node = In(Col("v", ColumnType.STRING), tuple(Lit(i) for i in items), negated)
    test = _compile_in(node)
    assert test({"v": value}) == reference(value, items, negated)
