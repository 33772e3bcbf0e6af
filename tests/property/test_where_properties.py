"""Properties of ``where`` in the fake: hash criteria, their SQL translation, SQL fragments.

The store is either the demo lab or a generated one; the models cover plain, polymorphic and
secret-bearing tables. Everything runs in-process on the conditions layer (no HTTP).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from aqfake import strategies as aqst
from aqfake.app import seeded_snapshot
from aqfake.conditions import select
from aqfake.store import Store
from aqfake.tables import MODELS
from aqsession.aql import to_sql

from .conftest import examples
from .reference import matching_ids, text_key

MODEL_NAMES = ("Sample", "Item", "FieldValue", "DataAssociation", "ObjectType", "FieldType", "User")


@cache
def demo_store() -> Store:
    """The demo lab, built once; the tests only read it."""
    store = Store()
    store.restore(seeded_snapshot("demo", 0))
    return store


def store_of(lab: Any) -> Store:
    return demo_store() if lab == "demo" else lab.store()


LABS = st.one_of(st.just("demo"), aqst.labs())


def parts(many: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each criteria dict, then each of its columns alone (an AND of several often matches
    nothing, which would hide a wrong answer for one column)."""
    return [*many, *({k: v} for criteria in many for k, v in criteria.items())]


def ids(store: Store, model: str, arguments: Any) -> list[int]:
    return [row["id"] for row in select(store, model, arguments)]


@examples(50)
@given(lab=LABS, model=st.sampled_from(MODEL_NAMES), data=st.data())
def test_hash_criteria_select_what_the_reference_filter_selects(
    lab: Any, model: str, data: st.DataObject
) -> None:
    store = store_of(lab)
    for part in parts(
        data.draw(st.lists(aqst.where_criteria(model, store), min_size=4, max_size=4))
    ):
        assert ids(store, model, part) == matching_ids(store, model, part), part


@examples(50)
@given(lab=LABS, model=st.sampled_from(MODEL_NAMES), data=st.data())
def test_hash_criteria_and_their_sql_translation_select_the_same_rows(
    lab: Any, model: str, data: st.DataObject
) -> None:
    store = store_of(lab)
    for part in parts(
        data.draw(st.lists(aqst.where_criteria(model, store), min_size=4, max_size=4))
    ):
        sql = to_sql(part)
        assert ids(store, model, sql) == ids(store, model, part), sql


@examples(50)
@given(lab=LABS, model=st.sampled_from(MODEL_NAMES), data=st.data())
def test_a_fragment_its_negation_and_its_null_case_partition_the_table(
    lab: Any, model: str, data: st.DataObject
) -> None:
    store = store_of(lab)
    fragment = data.draw(aqst.sql_fragments(model, store), label="fragment")
    true = set(ids(store, model, fragment))
    false = set(ids(store, model, f"NOT ({fragment})"))
    unknown = set(ids(store, model, f"({fragment}) IS NULL"))
    assert not true & false and not true & unknown and not false & unknown
    assert true | false | unknown == {row["id"] for row in store.rows(MODELS[model].table)}


@examples(40)
@given(lab=LABS, model=st.sampled_from(MODEL_NAMES), data=st.data())
def test_and_or_of_fragments_are_intersection_and_union(
    lab: Any, model: str, data: st.DataObject
) -> None:
    store = store_of(lab)
    first = data.draw(aqst.sql_fragments(model, store, max_leaves=3), label="first")
    second = data.draw(aqst.sql_fragments(model, store, max_leaves=3), label="second")
    a, b = set(ids(store, model, first)), set(ids(store, model, second))
    assert set(ids(store, model, f"({first}) AND ({second})")) == a & b
    assert set(ids(store, model, f"({first}) OR ({second})")) == a | b


@examples(50)
@given(lab=aqst.labs(names=aqst.sample_names(hostile=True), max_items=0), data=st.data())
def test_every_spelling_of_a_hostile_literal_means_the_value(lab: Any, data: st.DataObject) -> None:
    store = lab.store()
    names = [row["name"] for row in store.rows("samples")]
    value = data.draw(
        st.one_of(aqst.hostile_strings(), st.sampled_from(names or ["x"])), label="value"
    )
    expected = [
        row["id"] for row in store.rows("samples") if text_key(row["name"]) == text_key(value)
    ]
    literal = data.draw(aqst.sql_literals(value), label="literal")
    assert ids(store, "Sample", f"name = {literal}") == expected
    assert ids(store, "Sample", ["name = ?", value]) == expected
    assert ids(store, "Sample", ["name = :n", {"n": value}]) == expected
    assert ids(store, "Sample", {"name": value}) == expected
