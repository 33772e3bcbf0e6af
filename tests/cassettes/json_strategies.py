"""JSON values for the cassette property tests: what request and response bodies hold."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st


def json_values(*, floats: bool = False, max_leaves: int = 10) -> st.SearchStrategy[Any]:
    """Small JSON documents: null, booleans, integers, short text (and floats, -0.0 among
    them, when asked), nested in short lists and objects."""
    leaves = [st.none(), st.booleans(), st.integers(), st.text(max_size=12)]
    if floats:
        leaves += [st.floats(), st.just(-0.0)]
    return st.recursive(
        st.one_of(leaves),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
        ),
        max_leaves=max_leaves,
    )
