"""Compilation and execution of query documents against small test doubles.

The doubles are: model classes declaring the real relationship descriptors, a resolver
mapping names to them, and a session whose interfaces answer ``where`` from in-memory rows and
record every call, so the sequence of ``where`` calls can be compared with pydent's captures
(client-behaviour.md §6) without HTTP.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from aql_examples import NESTED, OPERATORS

from aqsession.aql import execute
from aqsession.aql.plan import build_plan
from aqsession.exceptions import AquariumQueryLanguageValidationError
from aqsession.models.relationships import (
    JSON,
    Field,
    Function,
    HasMany,
    HasManyGeneric,
    HasManyThrough,
    HasOne,
    HasOneFromMany,
    Many,
    One,
    Raw,
)

NOW = datetime(2026, 11, 26, 23, 1, 51, tzinfo=timezone.utc)


class Double:
    """Base of the model doubles: ``get_relationships`` lists the declared fields."""

    @classmethod
    def get_relationships(cls) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            found.update({k: v for k, v in vars(klass).items() if isinstance(v, Field)})
        return found


class Sample(Double):
    sample_type = HasOne("SampleType")
    items = HasMany("Item", ref="sample_id")
    field_values = HasMany(
        "FieldValue", ref="parent_id", additional_args={"parent_class": "Sample"}
    )
    user = HasOne("User")


class SampleType(Double):
    samples = HasMany("Sample", ref="sample_type_id")
    field_types = HasMany(
        "FieldType", ref="parent_id", additional_args={"parent_class": "SampleType"}
    )


class ObjectType(Double):
    items = HasMany("Item", ref="object_type_id")
    sample_type = HasOne("SampleType")


class Item(Double):
    sample = HasOne("Sample")
    object_type = HasOne("ObjectType")
    data_associations = HasManyGeneric("DataAssociation", {"parent_class": "Item"})
    data = Raw()


class DataAssociation(Double):
    object = JSON()


class FieldType(Double):
    sample_type = HasOne("SampleType", ref="parent_id", polymorphic=True)


class FieldValue(Double):
    sid = Function("get_sid")


class Plan(Double):
    plan_associations = HasMany("PlanAssociation", ref="plan_id")
    operations = HasManyThrough("Operation", "PlanAssociation")
    wires = Many("Wire", query=lambda plan: None)


class PlanAssociation(Double):
    plan = HasOne("Plan")
    operation = HasOne("Operation")


class Operation(Double):
    plan_associations = HasMany("PlanAssociation", ref="operation_id")
    plans = HasManyThrough("Plan", "PlanAssociation")


class OperationType(Double):
    protocol = HasOneFromMany(
        "Code",
        ref="parent_id",
        additional_args={"parent_class": "OperationType", "name": "protocol"},
    )


class Code(Double):
    operation_type = One("OperationType", ref="parent_id", polymorphic=True)


class User(Double):
    pass


class Wire(Double):
    pass


MODELS = {
    cls.__name__: cls
    for cls in (
        Sample,
        SampleType,
        ObjectType,
        Item,
        DataAssociation,
        FieldType,
        FieldValue,
        Plan,
        PlanAssociation,
        Operation,
        OperationType,
        Code,
        User,
        Wire,
    )
}


def resolve(name: str) -> Any:
    try:
        return MODELS[name]
    except KeyError:
        raise LookupError(f"no model {name!r}") from None


class Row(SimpleNamespace):
    """A result model double."""

    def dump(self, **flags: Any) -> dict[str, Any]:
        return {**vars(self), "flags": flags}


@dataclass
class Call:
    model: str
    conditions: Any
    opts: dict[str, Any] | None
    page_size: int | None


def matches(row: dict[str, Any], conditions: dict[str, Any]) -> bool:
    for key, wanted in conditions.items():
        value = row.get(key)
        if isinstance(wanted, list) and value not in wanted:
            return False
        if not isinstance(wanted, list) and value != wanted:
            return False
    return True


@dataclass
class FakeSession:
    """Answers dict ``where`` calls from ``rows``; SQL strings from ``sql_rows``."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    sql_rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    cache_modes: list[bool] = field(default_factory=list)
    returned: list[tuple[list[Any], Any]] = field(default_factory=list)
    inside: bool = False

    def __post_init__(self) -> None:
        self.cached: list[Any] = []
        self.browser = SimpleNamespace(get=self._get, update_cache=self.cached.extend)

    def _get(self, models: list[Any], spec: Any) -> None:
        assert self.inside, "browser.get must run inside with_cache"
        self.returned.append((list(models), spec))

    @contextlib.contextmanager
    def with_cache(self, using_models: bool = False) -> Iterator[FakeSession]:
        self.cache_modes.append(using_models)
        self.inside = True
        try:
            yield self
        finally:
            self.inside = False

    def model_interface(self, name: str) -> Any:
        return SimpleNamespace(
            where=lambda conditions, opts=None, page_size=None: self._where(
                name, conditions, opts, page_size
            )
        )

    def _where(self, model: str, conditions: Any, opts: Any, page_size: Any) -> list[Row]:
        assert self.inside, "queries must run inside with_cache"
        self.calls.append(Call(model, conditions, opts, page_size))
        if isinstance(conditions, str):
            found = list(self.sql_rows.get(model, []))
        else:
            found = [r for r in self.rows.get(model, []) if matches(r, conditions)]
        found.sort(key=lambda r: r["id"], reverse=bool((opts or {}).get("reverse", False)))
        limit = (opts or {}).get("limit", -1)
        if limit >= 0 and page_size is None:
            found = found[:limit]
        return [Row(**r) for r in found]


def run(session: FakeSession, document: dict[str, Any], **kwargs: Any) -> Any:
    return execute(session, document, now=NOW, resolve=resolve, **kwargs)


LAB = {
    "ObjectType": [
        {"id": 9, "name": "Yeast Glycerol Stock", "sample_type_id": 1},
        {"id": 10, "name": "Plasmid Stock", "sample_type_id": 2},
    ],
    "SampleType": [{"id": 1, "name": "Primer"}, {"id": 2, "name": "Plasmid"}],
    "Item": [
        {"id": 1, "sample_id": 3, "object_type_id": 9},
        {"id": 2, "sample_id": 4, "object_type_id": 9},
        {"id": 5, "sample_id": None, "object_type_id": 10},
    ],
    "Sample": [
        {"id": 3, "user_id": 1, "sample_type_id": 2},
        {"id": 4, "user_id": 1, "sample_type_id": 2},
    ],
}


def test_nested_example_compiles_innermost_first_like_pydent() -> None:
    session = FakeSession(rows=LAB)
    results = run(session, NESTED)
    assert [(c.model, c.conditions, c.opts, c.page_size) for c in session.calls] == [
        ("ObjectType", {"name": "Yeast Glycerol Stock"}, {"reverse": True}, None),
        ("Item", {"object_type_id": [9]}, {"reverse": True, "limit": 1}, None),
        ("Sample", {"id": [4], "user_id": 1}, {"reverse": True}, None),
    ]
    assert [r.id for r in results] == [4]
    assert session.returned == [(results, {"sample_type": "field_types"})]
    assert session.cache_modes == [False]


def test_use_cache_is_passed_to_with_cache() -> None:
    session = FakeSession(rows=LAB)
    run(session, {"__model__": "Sample", "__query__": {}}, use_cache=True)
    assert session.cache_modes == [True]
    assert session.calls[0].conditions == {}


def test_operator_example_becomes_one_sql_string() -> None:
    session = FakeSession(rows=LAB, sql_rows={"Item": [{"id": 1}]})
    results = run(session, OPERATORS)
    assert [(c.model, c.conditions, c.opts) for c in session.calls] == [
        ("SampleType", {"name": "Primer"}, {"reverse": True}),
        ("ObjectType", {"sample_type_id": [1]}, {"reverse": True}),
        (
            "Item",
            '( object_type_id = "9" ) AND created_at > "2026-11-19 23:01:51" '
            'AND location != "deleted"',
            {"reverse": True, "limit": 1},
        ),
    ]
    assert [r.id for r in results] == [1]


def test_relationship_lists_are_distinct_and_skip_null_references() -> None:
    session = FakeSession(rows=LAB)
    run(session, {"__model__": "Sample", "__query__": {"items": {"__query__": {}}}})
    assert session.calls[-1].conditions == {"id": [4, 3]}


def test_empty_inner_result_short_circuits_without_a_request() -> None:
    session = FakeSession(rows=LAB)
    document = {
        "__model__": "Item",
        "__query__": {
            "object_type": {"__query__": {"name": "nothing like this"}},
            "sample": {"__query__": {"user_id": 1}},
            "location": {"__not__": "deleted"},
            "__return__": "sample",
        },
    }
    assert run(session, document) == []
    assert [c.model for c in session.calls] == ["ObjectType"]
    assert session.returned == []


def test_values_of_every_kind_are_forwarded_in_dict_mode() -> None:
    session = FakeSession()
    run(
        session,
        {
            "__model__": "Sample",
            "__query__": {
                "name": 'a"b',
                "id": [1, 2],
                "flag": False,
                "description": None,
                "volume": 2.5,
                "created_at": {"__time__": {"__hours__": -1}},
            },
        },
    )
    assert session.calls[0].conditions == {
        "name": 'a"b',
        "id": [1, 2],
        "flag": False,
        "description": None,
        "volume": 2.5,
        "created_at": "2026-11-26 22:01:51",
    }


def test_injection_in_an_operator_query_stays_inert() -> None:
    session = FakeSession()
    run(session, {"__model__": "Sample", "__query__": {"name": {"__not__": 'x" OR 1=1 OR "a'}}})
    assert session.calls[0].conditions == 'name != "x\\" OR 1=1 OR \\"a"'


def test_raw_and_json_fields_are_attributes() -> None:
    session = FakeSession()
    run(session, {"__model__": "Item", "__query__": {"data": "x"}})
    run(session, {"__model__": "DataAssociation", "__query__": {"object": {"__not__": "{}"}}})
    assert [c.conditions for c in session.calls] == [{"data": "x"}, 'object != "{}"']


def test_has_many_fixed_arguments_join_the_sub_query() -> None:
    session = FakeSession(
        rows={
            "FieldValue": [
                {"id": 7, "name": "Forward Primer", "parent_id": 3, "parent_class": "Sample"}
            ]
        }
    )
    document = {
        "__model__": "Sample",
        "__query__": {"field_values": {"__query__": {"name": "Forward Primer"}}},
    }
    run(session, document)
    assert [(c.model, c.conditions) for c in session.calls] == [
        ("FieldValue", {"name": "Forward Primer", "parent_class": "Sample"}),
        ("Sample", {"id": [3]}),
    ]


def test_has_many_generic() -> None:
    session = FakeSession(
        rows={"DataAssociation": [{"id": 1, "key": "k", "parent_id": 5, "parent_class": "Item"}]}
    )
    run(
        session,
        {"__model__": "Item", "__query__": {"data_associations": {"__query__": {"key": "k"}}}},
    )
    assert [(c.model, c.conditions) for c in session.calls] == [
        ("DataAssociation", {"key": "k", "parent_class": "Item"}),
        ("Item", {"id": [5]}),
    ]


def test_repeating_a_fixed_argument_is_fine_contradicting_it_is_an_error() -> None:
    session = FakeSession()
    same = {"__query__": {"parent_class": "Sample"}}
    run(session, {"__model__": "Sample", "__query__": {"field_values": same}})
    assert session.calls[0].conditions == {"parent_class": "Sample"}
    other = {"__query__": {"parent_class": "Operation"}}
    with pytest.raises(AquariumQueryLanguageValidationError) as info:
        run(FakeSession(), {"__model__": "Sample", "__query__": {"field_values": other}})
    assert str(info.value).startswith("$.__query__.field_values.__query__.parent_class:")
    assert "Sample.field_values" in str(info.value)


def test_polymorphic_has_one_constrains_the_owner() -> None:
    session = FakeSession(rows=LAB)
    run(
        session,
        {"__model__": "FieldType", "__query__": {"sample_type": {"__query__": {"name": "Primer"}}}},
    )
    assert session.calls[-1].conditions == {"parent_id": [1], "parent_class": "SampleType"}


def test_one_is_followed_like_has_one() -> None:
    session = FakeSession(rows={"OperationType": [{"id": 4, "name": "PCR"}]})
    run(
        session,
        {"__model__": "Code", "__query__": {"operation_type": {"__query__": {"name": "PCR"}}}},
    )
    assert session.calls[-1].conditions == {"parent_id": [4], "parent_class": "OperationType"}


def test_has_many_through_goes_via_the_association() -> None:
    session = FakeSession(
        rows={
            "Operation": [{"id": 11, "status": "done"}, {"id": 12, "status": "done"}],
            "PlanAssociation": [
                {"id": 1, "plan_id": 2, "operation_id": 11},
                {"id": 2, "plan_id": 2, "operation_id": 12},
                {"id": 3, "plan_id": 8, "operation_id": 13},
            ],
            "Plan": [{"id": 2}, {"id": 8}],
        }
    )
    results = run(
        session,
        {"__model__": "Plan", "__query__": {"operations": {"__query__": {"status": "done"}}}},
    )
    assert [(c.model, c.conditions, c.opts) for c in session.calls] == [
        ("Operation", {"status": "done"}, {"reverse": True}),
        ("PlanAssociation", {"operation_id": [12, 11]}, None),
        ("Plan", {"id": [2]}, {"reverse": True}),
    ]
    assert [r.id for r in results] == [2]


def test_has_many_through_with_no_targets_sends_nothing_more() -> None:
    session = FakeSession()
    assert (
        run(
            session,
            {"__model__": "Plan", "__query__": {"operations": {"__query__": {"status": "x"}}}},
        )
        == []
    )
    assert [c.model for c in session.calls] == ["Operation"]


def test_has_one_from_many_keeps_owners_whose_newest_target_matches() -> None:
    codes = [
        # OperationType 1: the old protocol mentions "centrifuge", the newest does not
        {
            "id": 1,
            "parent_id": 1,
            "parent_class": "OperationType",
            "name": "protocol",
            "content": "centrifuge",
        },
        {
            "id": 4,
            "parent_id": 1,
            "parent_class": "OperationType",
            "name": "protocol",
            "content": "pipette",
        },
        # OperationType 2: the newest protocol matches
        {
            "id": 2,
            "parent_id": 2,
            "parent_class": "OperationType",
            "name": "protocol",
            "content": "centrifuge",
        },
        {
            "id": 3,
            "parent_id": 2,
            "parent_class": "OperationType",
            "name": "cost_model",
            "content": "x",
        },
    ]
    session = FakeSession(rows={"Code": codes, "OperationType": [{"id": 1}, {"id": 2}]})
    document = {
        "__model__": "OperationType",
        "__query__": {"protocol": {"__query__": {"content": "centrifuge"}}},
    }
    results = run(session, document)
    fixed = {"parent_class": "OperationType", "name": "protocol"}
    assert [(c.model, c.conditions) for c in session.calls] == [
        ("Code", {"content": "centrifuge", **fixed}),
        ("Code", {"parent_id": [2, 1], **fixed}),
        ("OperationType", {"id": [2]}),
    ]
    assert [r.id for r in results] == [2]


def test_options_page_size_is_not_forwarded_and_limit_is_exact() -> None:
    rows = {"Sample": [{"id": i} for i in range(1, 8)]}
    session = FakeSession(rows=rows)
    document = {
        "__model__": "Sample",
        "__query__": {"__options__": {"pageSize": 2, "limit": 3, "offset": 1, "reverse": False}},
    }
    results = run(session, document)
    assert session.calls[0].opts == {"reverse": False, "limit": 3, "offset": 1}
    assert session.calls[0].page_size == 2
    assert [r.id for r in results] == [1, 2, 3]
    assert session.cached == results


def test_unpaged_results_are_left_to_the_browser_cache() -> None:
    session = FakeSession(rows={"Sample": [{"id": 1}]})
    run(session, {"__model__": "Sample", "__query__": {"__options__": {"limit": 3}}})
    assert session.calls[0].page_size is None
    assert session.cached == []


def test_json_output() -> None:
    session = FakeSession(rows=LAB)
    base = {"__model__": "SampleType", "__query__": {"name": "Primer"}}
    assert run(session, {**base, "__json__": True}) == [
        {"id": 1, "name": "Primer", "flags": {"include_uri": True, "include_model_type": True}}
    ]
    assert run(session, {**base, "__json__": {"include_uri": False}})[0]["flags"] == {
        "include_uri": False,
        "include_model_type": True,
    }
    models = run(session, {**base, "__json__": False})
    assert isinstance(models[0], Row)


def test_json_output_includes_the_returned_relationships() -> None:
    session = FakeSession(rows=LAB)
    document = {
        "__model__": "SampleType",
        "__query__": {"name": "Primer", "__return__": {"field_types": {}}},
        "__json__": True,
    }
    (dumped,) = run(session, document)
    assert dumped["flags"] == {
        "include_uri": True,
        "include_model_type": True,
        "include": {"field_types": {}},
    }
    assert session.returned[0][1] == {"field_types": {}}


def test_time_defaults_to_the_current_utc_time() -> None:
    session = FakeSession()
    before = datetime.now(timezone.utc).replace(microsecond=0)
    execute(
        session,
        {"__model__": "Sample", "__query__": {"created_at": {"__time__": {"__seconds__": 0}}}},
        resolve=resolve,
    )
    stamp = datetime.strptime(session.calls[0].conditions["created_at"], "%Y-%m-%d %H:%M:%S")
    assert before <= stamp.replace(tzinfo=timezone.utc) <= datetime.now(timezone.utc)


# -- errors found before any request --------------------------------------------------------

ERRORS = [
    ({"__model__": "Nope", "__query__": {}}, "$.__model__:", "no model 'Nope'"),
    (
        {"__model__": "Sample", "__query__": {"items": {"__query__": {}, "__model__": "Sample"}}},
        "$.__query__.items.__model__:",
        "leads to Item, not Sample",
    ),
    (
        {"__model__": "FieldValue", "__query__": {"sid": {"__query__": {}}}},
        "$.__query__.sid:",
        "FieldValue.sid (Function) is computed in Python",
    ),
    (
        {"__model__": "FieldValue", "__query__": {"sid": "3: pMOD"}},
        "$.__query__.sid:",
        "FieldValue.sid (Function)",
    ),
    (
        {"__model__": "Plan", "__query__": {"wires": {"__query__": {}}}},
        "$.__query__.wires:",
        "Plan.wires (Many) is loaded by a custom callback",
    ),
    (
        {"__model__": "Sample", "__query__": {"sample_type": 3}},
        "$.__query__.sample_type:",
        "is a relationship to SampleType",
    ),
    (
        {"__model__": "Sample", "__query__": {"item": {"__query__": {}}}},
        "$.__query__.item:",
        "did you mean 'items'",
    ),
    (
        {
            "__model__": "Sample",
            "__query__": {"items": {"__query__": {"objecttype": {"__query__": {}}}}},
        },
        "$.__query__.items.__query__.objecttype:",
        "not a relationship of Item",
    ),
    (
        {"__model__": "Sample", "__query__": {"__return__": "sampletype"}},
        "$.__query__.__return__:",
        "did you mean 'sample_type'",
    ),
    (
        {"__model__": "Sample", "__query__": {"__return__": ["items", "fieldvalues"]}},
        "$.__query__.__return__[1]:",
        "'fieldvalues' is not a relationship of Sample",
    ),
    (
        {"__model__": "Sample", "__query__": {"__return__": {"sample_type": {"field_type": {}}}}},
        "$.__query__.__return__.sample_type.field_type:",
        "not a relationship of SampleType",
    ),
    (
        {"__model__": "Item", "__query__": {"__return__": "data"}},
        "$.__query__.__return__:",
        "'data' is not a relationship of Item",
    ),
    (
        {"__model__": "Sample", "__query__": {"items": {"query": {}}}},
        "$.__query__.items.query:",
        "renamed to '__query__'",
    ),
    (
        {"__model__": "Sample", "__query__": {"id": []}},
        "$.__query__.id:",
        "should be non-empty",
    ),
]


@pytest.mark.parametrize(("document", "path", "problem"), ERRORS)
def test_errors_name_the_path_and_come_before_any_request(
    document: dict[str, Any], path: str, problem: str
) -> None:
    session = FakeSession(rows=LAB)
    with pytest.raises(AquariumQueryLanguageValidationError) as info:
        run(session, document)
    message = str(info.value)
    assert message.startswith(path), message
    assert problem in message, message
    assert session.calls == []
    assert session.cache_modes == []


def test_unknown_model_error_chains_the_registry_error() -> None:
    with pytest.raises(AquariumQueryLanguageValidationError) as info:
        build_plan({"__model__": "Nope", "__query__": {}}, resolve)
    assert isinstance(info.value.__cause__, LookupError)


def test_plan_structure() -> None:
    plan = build_plan(NESTED, resolve)
    assert plan.model == "Sample"
    assert plan.path == "$.__query__"
    assert plan.options == {"reverse": True}
    assert plan.returns == {"sample_type": "field_types"}
    items = plan.terms[0]
    assert items.name == "items"  # type: ignore[union-attr]
    assert items.child.model == "Item"  # type: ignore[union-attr]
    assert items.child.options == {"reverse": True, "limit": 1}  # type: ignore[union-attr]
    assert items.child.path == "$.__query__.items.__query__"  # type: ignore[union-attr]


def test_two_sub_queries_on_the_same_column_must_both_hold() -> None:
    rows = {
        **LAB,
        "FieldValue": [
            {"id": 1, "name": "f", "parent_id": 3, "parent_class": "Sample"},
            {"id": 2, "name": "f", "parent_id": 8, "parent_class": "Sample"},
        ],
    }
    session = FakeSession(rows=rows)
    document = {
        "__model__": "Sample",
        "__query__": {
            "items": {"__query__": {}},
            "field_values": {"__query__": {"name": "f"}},
        },
    }
    run(session, document)
    assert session.calls[-1].conditions == {"id": [3]}


def test_an_attribute_and_a_sub_query_on_the_same_column_intersect() -> None:
    session = FakeSession(rows=LAB)
    run(session, {"__model__": "Sample", "__query__": {"id": [3, 99], "items": {"__query__": {}}}})
    assert session.calls[-1].conditions == {"id": [3]}


def test_contradicting_conditions_on_one_column_send_nothing() -> None:
    session = FakeSession(rows=LAB)
    assert (
        run(session, {"__model__": "Sample", "__query__": {"id": 99, "items": {"__query__": {}}}})
        == []
    )
    assert [c.model for c in session.calls] == ["Item"]


def test_an_operator_and_a_sub_query_on_the_same_column_are_anded() -> None:
    session = FakeSession(rows=LAB)
    run(
        session,
        {"__model__": "Sample", "__query__": {"id": {"__gt__": 3}, "items": {"__query__": {}}}},
    )
    assert session.calls[-1].conditions == 'id > "3" AND ( id = "4" OR id = "3" )'


# -- the real model catalogue ------------------------------------------------------------------


def real_relationships() -> list[tuple[str, str, Any]]:
    from aqsession.models import MODEL_NAMES, get_model

    return [
        (model, name, relation)
        for model in MODEL_NAMES
        for name, relation in get_model(model).get_relationships().items()
    ]


#: Relationships pydent declares on a key column the server does not store.
SERVERLESS_KEYS = {("FieldValue", "object_type")}


@pytest.mark.parametrize(
    ("model", "name", "relation"),
    real_relationships(),
    ids=[f"{m}.{n}" for m, n, _ in real_relationships()],
)
def test_every_real_relationship_compiles_or_is_refused_clearly(
    model: str, name: str, relation: Any
) -> None:
    document = {"__model__": model, "__query__": {name: {"__query__": {}}}}
    kind = type(relation).__name__
    if kind in ("Function", "Many") or (model, name) in SERVERLESS_KEYS:
        with pytest.raises(AquariumQueryLanguageValidationError, match=rf"{model}\.{name} \("):
            build_plan(document)
        return
    plan = build_plan(document)
    (edge,) = [t for t in plan.terms if not hasattr(t, "column")]
    assert edge.child.model == relation.nested
    if kind == "HasManyThrough":
        assert edge.through.nested in (
            "PlanAssociation",
            "JobAssociation",
            "PartAssociation",
            "UserBudgetAssociation",
            "Membership",
        )


def test_real_models_resolve_by_default() -> None:
    plan = build_plan(NESTED)
    assert plan.terms[0].child.model == "Item"  # type: ignore[union-attr]
    with pytest.raises(
        AquariumQueryLanguageValidationError,
        match=r"^\$\.__model__: Model 'Sampel' is not registered\. Did you mean",
    ):
        build_plan({"__model__": "Sampel", "__query__": {}})
