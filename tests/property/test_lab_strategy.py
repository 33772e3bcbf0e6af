"""Property: every lab ``aqfake.strategies.labs()`` draws builds into a consistent store."""

from __future__ import annotations

from typing import Any

from hypothesis import given

from aqfake import strategies as aqst
from aqfake.lab import number_text
from aqfake.store import Store
from aqfake.tables import MODELS, TABLES, Kind

from .conftest import examples

#: (table, column) -> table its value must be an id of, from the declared belongs_to links
FOREIGN_KEYS: dict[tuple[str, str], str] = {
    (model.table, assoc.key): MODELS[assoc.target].table
    for model in MODELS.values()
    for assoc in model.associations
    if assoc.kind is Kind.BELONGS_TO
    and assoc.target in MODELS
    and not assoc.broken
    and TABLES[model.table].column(assoc.key) is not None
}
FOREIGN_KEYS.update(
    {
        ("items", "locator_id"): "locators",
        ("locators", "item_id"): "items",
        ("locators", "wizard_id"): "wizards",
    }
)
POLYMORPHIC = ("field_values", "data_associations", "field_types", "codes")


def dangling_references(store: Store) -> list[str]:
    problems = []
    for (table, column), target in FOREIGN_KEYS.items():
        for row in store.rows(table):
            if row[column] is not None and store.get(target, row[column]) is None:
                problems.append(f"{table} {row['id']}: {column} {row[column]} not in {target}")
    for table in POLYMORPHIC:
        for row in store.rows(table):
            parent = store.get(MODELS[row["parent_class"]].table, row["parent_id"])
            if parent is None:
                problems.append(f"{table} {row['id']}: no {row['parent_class']} {row['parent_id']}")
    return problems


def expected_value_columns(ftype: str, value: Any, store: Store) -> dict[str, Any]:
    if value is None:
        return {"value": None, "child_sample_id": None}
    if ftype == "sample":
        found = store.first("samples", name=value)
        return {"child_sample_id": found["id"] if found else "missing"}
    if ftype == "number":
        return {"value": number_text(value)}
    if ftype == "json":
        return {}
    return {"value": str(value)}


@examples(40)
@given(lab=aqst.labs())
def test_generated_labs_resolve_every_reference_and_hold_their_spec(lab: aqst.LabSpec) -> None:
    store = lab.store()
    assert dangling_references(store) == []
    assert [r["name"] for r in store.rows("samples")] == [s.name for s in lab.samples]
    assert store.count("items") == len(lab.items)
    assert store.count("data_associations") == len(lab.associations)
    for spec, row in zip(lab.samples, store.rows("samples"), strict=True):
        field_types = store.lookup(
            "field_types", parent_class="SampleType", parent_id=row["sample_type_id"]
        )
        values = dict(spec.properties)
        assert set(values) == {ft["name"] for ft in field_types}
        for ft in field_types:
            rows = store.lookup("field_values", parent_class="Sample", parent_id=row["id"])
            mine = [fv for fv in rows if fv["field_type_id"] == ft["id"]]
            given_values = values[ft["name"]] if ft["array"] else [values[ft["name"]]]
            assert len(mine) == len(given_values), (spec.name, ft["name"])
            for fv, value in zip(mine, given_values, strict=True):
                expected = expected_value_columns(ft["ftype"], value, store)
                assert {k: fv[k] for k in expected} == expected
    for item in store.rows("items"):
        if item["locator_id"] is not None:
            locator = store.get("locators", item["locator_id"])
            assert locator is not None and locator["item_id"] == item["id"]


@examples(10)
@given(lab=aqst.labs(names=aqst.sample_names(hostile=True)))
def test_the_same_spec_builds_the_same_rows(lab: aqst.LabSpec) -> None:
    first, second = lab.store().snapshot(), lab.store().snapshot()
    assert first == second
