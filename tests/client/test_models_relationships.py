"""Relationship descriptors: lazy loading, NOT_LOADED vs None, queries, JSON/Raw/Function."""

from __future__ import annotations

import pytest
from test_models_double import FakeSession

from aqsession.exceptions import (
    AquariumModelError,
    FieldValidationError,
    ForbiddenRequestError,
    NoSessionError,
)
from aqsession.models import (
    NOT_LOADED,
    HasMany,
    HasManyThrough,
    HasOne,
    Item,
    ModelBase,
    Sample,
    get_model,
)


@pytest.fixture
def session() -> FakeSession:
    return FakeSession(
        {
            "Sample": [{"id": 5, "name": "s5", "sample_type_id": 2}],
            "SampleType": [{"id": 2, "name": "Primer"}],
            "Item": [
                {"id": 10, "sample_id": 5, "object_type_id": 1},
                {"id": 11, "sample_id": 5, "object_type_id": 1},
                {"id": 12, "sample_id": 6},
            ],
            "Code": [
                {"id": 1, "parent_id": 4, "parent_class": "OperationType", "name": "protocol"},
                {"id": 2, "parent_id": 4, "parent_class": "OperationType", "name": "protocol"},
            ],
            "OperationType": [{"id": 4, "name": "Run gel"}],
            "Plan": [{"id": 3, "name": "P3"}],
            "PlanAssociation": [{"id": 30, "plan_id": 3, "operation_id": 40}],
            "Operation": [{"id": 40, "operation_type_id": 4}],
            "FieldValue": [
                {"id": 70, "parent_id": 40, "parent_class": "Operation", "child_sample_id": 5},
            ],
        }
    )


def test_not_loaded_marker() -> None:
    assert not NOT_LOADED
    assert repr(NOT_LOADED) == "<not loaded>"
    assert type(NOT_LOADED)() is NOT_LOADED


def test_has_one_loads_once_by_id(session: FakeSession) -> None:
    sample = session.load("Sample", {"id": 5, "sample_type_id": 2})
    assert sample.sample_type.name == "Primer"
    assert sample.sample_type is sample.sample_type
    assert session.calls == [("find", "SampleType", 2)]


def test_empty_has_one_is_a_real_value_and_not_refetched(session: FakeSession) -> None:
    sample = session.load("Sample", {"id": 5, "sample_type_id": 99})
    assert sample.sample_type is None
    assert sample.sample_type is None
    assert session.calls == [("find", "SampleType", 99)]
    assert sample.is_deserialized("sample_type")


def test_has_one_without_key_sends_nothing(session: FakeSession) -> None:
    sample = session.load("Sample", {"id": 5})
    assert sample.sample_type is None
    assert session.calls == []
    sample.sample_type_id = 2
    assert sample.sample_type.name == "Primer"


def test_has_many_queries_by_ref(session: FakeSession) -> None:
    sample = session.load("Sample", {"id": 5})
    assert [i.id for i in sample.items] == [10, 11]
    _ = sample.items
    assert session.calls == [("where", "Item", {"sample_id": 5})]


def test_has_many_of_unsaved_owner_is_an_empty_list_that_keeps_appends(
    session: FakeSession,
) -> None:
    sample = Sample.new_bound(session)
    sample.items.append(Item())
    assert len(sample.items) == 1
    assert session.calls == []


def test_has_many_generic_adds_parent_class(session: FakeSession) -> None:
    item = session.load("Item", {"id": 10})
    assert item.data_associations == []
    assert session.calls == [
        ("where", "DataAssociation", {"parent_id": 10, "parent_class": "Item"})
    ]


def test_has_one_from_many_asks_for_the_newest(session: FakeSession) -> None:
    ot = session.load("OperationType", {"id": 4})
    assert ot.protocol.id == 2
    assert session.calls == [
        (
            "one",
            "Code",
            {"parent_id": 4, "parent_class": "OperationType", "name": "protocol"},
        )
    ]


def test_has_many_through_loads_associations_then_targets(session: FakeSession) -> None:
    plan = session.load("Plan", {"id": 3})
    assert [op.id for op in plan.operations] == [40]
    assert session.calls == [
        ("where", "PlanAssociation", {"plan_id": 3}),
        ("where", "Operation", {"id": [40]}),
    ]


def test_has_many_through_with_no_associations_sends_no_target_query(
    session: FakeSession,
) -> None:
    plan = session.load("Plan", {"id": 3, "plan_associations": []})
    assert plan.operations == []
    assert session.calls == []


def test_has_many_through_honours_additional_args(session: FakeSession) -> None:
    class RtOwner(ModelBase):
        plan_associations = HasMany("PlanAssociation", ref="plan_id")
        operations = HasManyThrough(
            "Operation", "PlanAssociation", additional_args={"status": "done"}
        )

    owner = RtOwner.load_from({"id": 3}, session)
    assert owner.operations == []
    assert session.calls[-1] == ("where", "Operation", {"id": [40], "status": "done"})
    relation = RtOwner.get_relationships()["operations"]
    assert relation.through == "plan_associations"
    assert relation.ref == "operation_id" and relation.attr == "id"


def test_polymorphic_parent_is_checked(session: FakeSession) -> None:
    fv = session.load("FieldValue", {"id": 1, "parent_id": 40, "parent_class": "Operation"})
    assert fv.parent_sample is None
    assert session.calls == []
    assert fv.operation.id == 40
    code = session.load("Code", {"id": 1, "parent_id": 4, "parent_class": "OperationType"})
    assert code.library is None and code.operation_type.id == 4


def test_plan_relationship_uses_the_plan_route(session: FakeSession) -> None:
    pa = session.load("PlanAssociation", {"id": 30, "plan_id": 3})
    assert pa.plan.name == "P3"
    assert session.calls == [("get", "plans/3.json", None)]


def test_plan_relationship_uses_find_under_a_caching_session() -> None:
    session = FakeSession({"Plan": [{"id": 3, "name": "P3"}]}, using_cache=True)
    pa = session.load("PlanAssociation", {"id": 30, "plan_id": 3})
    assert pa.plan.name == "P3"
    assert session.calls == [("find", "Plan", 3)]


def test_nested_data_is_loaded_eagerly(session: FakeSession) -> None:
    sample = session.load(
        "Sample", {"id": 5, "sample_type": {"id": 2, "name": "P"}, "items": [{"id": 10}]}
    )
    assert sample.is_deserialized("sample_type") and sample.is_deserialized("items")
    assert sample.sample_type.session is session
    assert isinstance(sample.items[0], Item)
    assert session.calls == []


def test_assigning_has_one_sets_the_key(session: FakeSession) -> None:
    sample = Sample.new_bound(session)
    sample_type = session.load("SampleType", {"id": 2})
    sample.sample_type = sample_type
    assert sample.sample_type_id == 2
    sample.sample_type = None
    assert sample.sample_type_id == 2 and sample.sample_type is None
    fv = get_model("FieldValue")()
    fv.operation = session.load("Operation", {"id": 40})
    assert (fv.parent_id, fv.parent_class) == (40, "Operation")


def test_assignment_checks_types(session: FakeSession) -> None:
    sample = Sample.new_bound(session)
    with pytest.raises(AquariumModelError, match="expects SampleType"):
        sample.sample_type = session.load("Item", {"id": 1})
    with pytest.raises(AquariumModelError, match="list of Item"):
        sample.items = session.load("Item", {"id": 1})
    fv = get_model("FieldValue")()
    fv.item = get_model("Collection")()
    sample.items = [{"id": 3}]
    assert isinstance(sample.items[0], Item)


def test_no_session_error_names_the_fix() -> None:
    sample = Sample.load_from({"id": 5, "sample_type_id": 2})
    with pytest.raises(NoSessionError, match=r"session\.<Model>\.new"):
        _ = sample.sample_type


def test_requests_off_propagates(session: FakeSession) -> None:
    sample = session.load("Sample", {"id": 5, "sample_type_id": 2})
    session.using_requests = False
    with pytest.raises(ForbiddenRequestError):
        _ = sample.sample_type
    assert not sample.is_deserialized("sample_type")


def test_dump_does_not_fetch_for_computed_fields(session: FakeSession) -> None:
    fv = session.load("FieldValue", {"id": 70, "child_sample_id": 5})
    dumped = fv.dump()
    assert "sid" not in dumped and "child_sample_name" not in dumped
    op = session.load("Operation", {"id": 40, "operation_type_id": 4})
    assert "routing" not in op.dump()
    assert session.calls == []
    _ = fv.sample
    assert fv.dump()["sid"] == "5: s5" and fv.dump()["child_sample_name"] == "5: s5"
    assert fv.sid == "5: s5"


def test_function_fields_cannot_be_set(session: FakeSession) -> None:
    fv = session.load("FieldValue", {"id": 70})
    with pytest.raises(AttributeError, match="computed"):
        fv.sid = "x"
    again = session.load("FieldValue", {"id": 70, "sid": "1: x"})
    assert "sid" not in again._data


def test_json_field_accepts_dicts_lists_and_strings(session: FakeSession) -> None:
    job = session.load("Job", {"id": 1, "state": '[{"time": "t0"}, {"time": "t1"}, {}]'})
    assert job.state == [{"time": "t0"}, {"time": "t1"}, {}]
    assert job.dump()["state"] == '[{"time": "t0"}, {"time": "t1"}, {}]'
    job.state = {"a": 1}
    assert job.dump()["state"] == '{"a": 1}'
    job.state = [1]
    assert job.state == [1]
    with pytest.raises(FieldValidationError, match="not valid JSON"):
        job.state = "{oops"
    with pytest.raises(FieldValidationError, match="not int"):
        job.state = 3


def test_raw_default_applies_only_when_absent(session: FakeSession) -> None:
    op = session.load("Operation", {"id": 1})
    assert op.status == "planning"
    assert "status" not in op.dump()
    assert session.load("Operation", {"id": 1, "status": "done"}).status == "done"


def test_query_for_and_relationship_attributes(session: FakeSession) -> None:
    rels = get_model("Sample").get_relationships()
    sample = session.load("Sample", {"id": 5, "sample_type_id": 2})
    assert rels["sample_type"].query_for(sample) == {"id": 2}
    assert rels["field_values"].query_for(sample) == {"parent_id": 5, "parent_class": "Sample"}
    assert rels["items"].QUERY_TYPE == "query" and rels["sample_type"].QUERY_TYPE == "by_id"
    assert rels["items"].ref == "sample_id" and rels["items"].attr == "id"
    assert (
        rels["sample_type"].ref == "sample_type_id" and rels["sample_type"].nested == "SampleType"
    )
    assert rels["items"].additional_args == {}
    assert rels["field_values"].query_for(Sample()) is None
    fv_rels = get_model("FieldValue").get_relationships()
    fv = session.load("FieldValue", {"id": 1, "parent_id": 4, "parent_class": "Sample"})
    assert fv_rels["operation"].query_for(fv) is None
    assert fv_rels["parent_sample"].query_for(fv) == {"id": 4}
    assert isinstance(fv_rels["sample"], HasOne) and fv_rels["sample"].ref == "child_sample_id"
    assert session.calls == []


def test_catalogue_matches_the_spec() -> None:
    def shape(model: str) -> dict[str, str]:
        return {
            name: type(rel).__name__ for name, rel in get_model(model).get_relationships().items()
        }

    assert shape("Item") == {
        "sample": "HasOne",
        "object_type": "HasOne",
        "data_associations": "HasManyGeneric",
        "part_associations": "HasMany",
        "collections": "HasManyThrough",
    }
    assert shape("Plan") == {
        "data_associations": "HasManyGeneric",
        "plan_associations": "HasMany",
        "operations": "HasManyThrough",
        "wires": "Many",
        "user": "HasOne",
    }
    assert shape("Code") == {"user": "HasOne", "operation_type": "One", "library": "One"}
    assert set(shape("OperationType")) == {
        "operations",
        "field_types",
        "codes",
        "cost_model",
        "documentation",
        "precondition",
        "protocol",
        "test",
    }
    assert shape("Account") == {} and shape("Group") == {} and shape("Invoice") == {}
    assert shape("User") == {
        # pydent: groups = HasMany(Group, user_id), a column groups lack; fixed via memberships
        "memberships": "HasMany",
        "groups": "HasManyThrough",
        "user_budget_associations": "HasMany",
        "budgets": "HasManyThrough",
    }
