"""The index fast path of ``where`` finds exactly the rows a full scan does.

:meth:`Where.rows <aqfake.conditions.Where.rows>` answers equality, ``IN`` and ``IS NULL`` on
indexed columns from the index alone (no row re-checked) and reuses compiled hash criteria from
a cache; :meth:`Where.scan` tests every row with the compiled predicate. Both are run on the
demo lab and generated labs, for hash criteria, their SQL translation, and variants of the
string values differing only in case and trailing spaces (which MySQL's collation ignores).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from aqfake import strategies as aqst
from aqfake.conditions import compile_where
from aqfake.store import Store
from aqsession.aql import to_sql

from .conftest import examples
from .test_where_properties import LABS, MODEL_NAMES, parts, store_of


def _collation_variant(value: Any) -> Any:
    """``value`` with strings in another case and with trailing spaces: equal under MySQL."""
    if isinstance(value, str):
        return value.swapcase() + "  "
    if isinstance(value, list):
        return [_collation_variant(v) for v in value]
    return value


def _ids(rows: list[dict[str, Any]]) -> list[int]:
    return [row["id"] for row in rows]


def _agree(store: Store, model: str, arguments: Any) -> None:
    where = compile_where(model, arguments)
    fast = _ids(where.rows(store))
    assert fast == _ids(where.scan(store)), arguments
    if isinstance(arguments, dict):
        # a Mapping that is not a dict bypasses the cache: a fresh compile must agree
        fresh = compile_where(model, MappingProxyType(arguments))
        assert fresh == where, arguments
        assert _ids(fresh.rows(store)) == fast, arguments


@examples(60)
@given(lab=LABS, model=st.sampled_from(MODEL_NAMES), data=st.data())
def test_index_fast_path_finds_what_a_full_scan_finds(
    lab: Any, model: str, data: st.DataObject
) -> None:
    store = store_of(lab)
    drawn = data.draw(st.lists(aqst.where_criteria(model, store), min_size=3, max_size=3))
    for part in parts(drawn):
        variant = {key: _collation_variant(value) for key, value in part.items()}
        for arguments in (part, variant, to_sql(part), to_sql(variant)):
            _agree(store, model, arguments)


@examples(40)
@given(lab=LABS, model=st.sampled_from(MODEL_NAMES), data=st.data())
def test_cached_criteria_answer_like_fresh_ones_after_writes(
    lab: Any, model: str, data: st.DataObject
) -> None:
    """A cached compiled query holds no rows: after a write it sees the store as it is now."""
    store = store_of(lab) if lab != "demo" else Store()
    if lab == "demo":
        store.restore(store_of("demo").snapshot())
    part = data.draw(aqst.where_criteria(model, store, lists=False))
    where = compile_where(model, part)
    table = where.table
    victims = where.rows(store)[:2]
    for row in victims:
        store.delete(table, row["id"])
    _agree(store, model, part)
    assert not {row["id"] for row in victims} & set(_ids(compile_where(model, part).rows(store)))
