"""ModelBase: registry, loading, attribute access, dump, reload/refresh, copies, binding."""

from __future__ import annotations

import copy

import pytest
from test_models_double import FakeSession

from aqsession.exceptions import (
    AquariumModelError,
    AquariumModelNotFound,
    ModelRegistryError,
    NoSessionError,
    SessionAlreadySet,
    TridentDepreciationWarning,
)
from aqsession.models import (
    MODEL_NAMES,
    NOT_LOADED,
    Item,
    ModelBase,
    Plan,
    Sample,
    builtin_names,
    get_model,
    registered_names,
)

PYDENT_ORDER = [
    "Code",
    "Library",
    "DataAssociation",
    "Upload",
    "Sample",
    "SampleType",
    "ObjectType",
    "Item",
    "PartAssociation",
    "Collection",
    "AllowableFieldType",
    "FieldType",
    "FieldValue",
    "Job",
    "JobAssociation",
    "Operation",
    "OperationType",
    "Plan",
    "PlanAssociation",
    "Wire",
    "User",
    "UserBudgetAssociation",
    "Membership",
    "Group",
    "Account",
    "Budget",
    "Invoice",
]


@pytest.fixture
def session() -> FakeSession:
    return FakeSession(
        {
            "Sample": [
                {"id": 5, "name": "s5", "sample_type_id": 2, "user_id": 1, "project": "p"},
            ],
            "SampleType": [{"id": 2, "name": "Primer", "description": "d"}],
            "Plan": [{"id": 3, "name": "P3", "status": "planning", "layout": "{}"}],
        }
    )


# -- registry ------------------------------------------------------------------------------
def test_model_names_are_the_27_in_pydent_order() -> None:
    assert list(MODEL_NAMES) == PYDENT_ORDER
    assert registered_names()[:27] == PYDENT_ORDER


def test_get_model_returns_classes_and_hints_close_names() -> None:
    assert get_model("Sample") is Sample
    with pytest.raises(ModelRegistryError, match='Did you mean "Item"'):
        get_model("Itme")
    with pytest.raises(ModelRegistryError, match="Did you mean any of these"):
        get_model("Sampl")
    with pytest.raises(ModelRegistryError, match="Known models: Code, Library"):
        get_model("Zzzzzz")


def test_class_names_and_tables() -> None:
    assert get_model("Library").get_tableized_name() == "libraries"
    assert get_model("FieldValue").get_tableized_name() == "field_values"
    assert get_model("UserBudgetAssociation").get_tableized_name() == "user_budget_associations"
    assert Sample.get_server_model_name() == "Sample"


def test_query_hooks() -> None:
    assert get_model("Item").query_hook == {"methods": ["is_part"]}
    assert get_model("Collection").query_hook == {"methods": ["dimensions"]}
    assert get_model("Upload").query_hook == {"methods": ["size", "name", "job"]}
    assert get_model("Plan").query_hook == {"include": ["plan_associations", "operations"]}
    assert Sample.query_hook == {}


# -- loading -------------------------------------------------------------------------------
def test_load_from_dict_and_list_binds_the_owner_session(session: FakeSession) -> None:
    one = Sample.load_from({"id": 1, "name": "a"}, session)
    many = Sample.load_from([{"id": 1}, {"id": 2}], session)
    assert isinstance(one, Sample) and one.session is session
    assert [m.id for m in many] == [1, 2]
    child = Item.load_from({"id": 9}, one)
    assert child.session is session


def test_rids_increase_across_all_models(session: FakeSession) -> None:
    a = Sample.load_from({"id": 1}, session)
    b = Item.load_from({"id": 1}, session)
    c = Sample.new_bound(session)
    assert a.rid < b.rid < c.rid


def test_raw_is_an_untouched_copy(session: FakeSession) -> None:
    data = {"id": 4, "sample": {"id": 5, "name": "s5"}, "data": {"k": [1]}}
    item = Item.load_from(data, session)
    assert isinstance(item.sample, Sample)
    item.data["k"].append(2)
    assert item.raw == {"id": 4, "sample": {"id": 5, "name": "s5"}, "data": {"k": [1]}}
    assert data["data"] == {"k": [1]}
    assert item.raw is not data


def test_unknown_keys_become_attributes_and_missing_columns_read_none(
    session: FakeSession,
) -> None:
    sample = Sample.load_from({"id": 1, "weird": 3}, session)
    assert sample.weird == 3
    assert sample.description is None
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        _ = sample.nonsense


def test_user_secrets_are_dropped_on_load(session: FakeSession) -> None:
    user = get_model("User").load_from(
        {"id": 1, "login": "n", "password_digest": "x", "remember_token": "y", "key": "z"},
        session,
    )
    dumped = user.dump()
    assert not {"password_digest", "remember_token", "key"} & set(dumped)
    assert not {"password_digest", "remember_token", "key"} & set(user._data)


def test_loading_applies_no_constructor_defaults(session: FakeSession) -> None:
    plan = Plan.load_from({"id": 1}, session)
    assert plan.name is None
    assert plan.layout is None
    op = get_model("Operation").load_from({"id": 2}, session)
    assert "x" not in op._data and op.x is None
    assert get_model("Item").load_from({"id": 3}, session).dump() == {"id": 3, "rid": op.rid + 1}


def test_constructors_set_their_defaults() -> None:
    plan = Plan()
    assert plan.name == "MyPlan" and plan.status == "planning"
    assert isinstance(plan.layout, dict)
    op = get_model("Operation")()
    assert (op.x, op.y, op.status) == (0, 0, "planning")


def test_deprecated_load_raises() -> None:
    with pytest.raises(TridentDepreciationWarning, match="load_from"):
        Sample.load({"id": 1})


# -- session binding -----------------------------------------------------------------------
def test_session_binding_rules(session: FakeSession) -> None:
    sample = Sample(name="x")
    assert sample.session is None
    with pytest.raises(NoSessionError):
        sample.session = object()
    sample.connect_to_session(session)
    assert sample.session is session
    with pytest.raises(SessionAlreadySet):
        sample.session = FakeSession()


def test_new_bound_and_session_keyword(session: FakeSession) -> None:
    a = Sample.new_bound(session, name="a")
    b = Sample(name="b", session=session)
    assert a.session is session and b.session is session
    assert (a.name, b.name) == ("a", "b")


# -- dump ----------------------------------------------------------------------------------
def test_dump_is_fresh_data(session: FakeSession) -> None:
    item = Item.load_from({"id": 1, "data": {"a": [1]}}, session)
    dumped = item.dump()
    dumped["data"]["a"].append(2)
    assert item.data == {"a": [1]}
    assert dumped["rid"] == item.rid


def test_dump_only_include_ignore(session: FakeSession) -> None:
    sample = session.load("Sample", session.server.find("Sample", 5))
    assert sample.dump(only="name") == {"name": "s5"}
    assert "project" not in sample.dump(ignore=["project"])
    nested = sample.dump(include={"sample_type": "samples"})
    assert nested["sample_type"]["name"] == "Primer"
    assert [s["id"] for s in nested["sample_type"]["samples"]] == [5]
    assert sample.dump(only={"sample_type": "name"})["sample_type"] == {"name": "Primer"}


def test_dump_model_type_and_uri(session: FakeSession) -> None:
    sample = session.load("Sample", {"id": 5})
    dumped = sample.dump(include_model_type=True, include_uri=True)
    assert dumped["__model__"] == "Sample"
    assert dumped["__uri__"] == "http://aq.test/samples/5"
    unsaved = Sample(name="x")
    assert unsaved.uri == f"http://aquarium.org/samples/r{unsaved.rid}"
    assert unsaved._primary_key == f"r{unsaved.rid}"


def test_dump_of_new_model_includes_id_none() -> None:
    dumped = Sample(name="x", project="p").dump()
    assert dumped["id"] is None and dumped["name"] == "x" and dumped["project"] == "p"


def test_dunder_keys_of_a_dump_are_not_loaded_back(session: FakeSession) -> None:
    sample = session.load("Sample", {"id": 5})
    again = session.load("Sample", sample.dump(include_model_type=True, include_uri=True))
    assert "__model__" not in again._data and "__uri__" not in again._data
    assert again.rid != sample.rid


# -- reload / refresh ----------------------------------------------------------------------
def test_reload_keeps_identity_rid_and_absent_keys(session: FakeSession) -> None:
    item = Item.load_from({"id": 1, "is_part": False, "location": "A"}, session)
    rid = item.rid
    item.reload({"id": 1, "location": "B"})
    assert item.rid == rid and item.location == "B" and item.is_part is False
    assert item.raw == {"id": 1, "location": "B"}


def test_reload_forgets_relationships_not_in_the_data(session: FakeSession) -> None:
    sample = session.load("Sample", {"id": 5, "sample_type_id": 2})
    sample_type = sample.sample_type
    sample.items = []
    sample.reload({"id": 5, "sample_type_id": 2})
    assert sample.is_deserialized("sample_type") and sample.sample_type is sample_type
    assert not sample.is_deserialized("items")
    sample.reload({"id": 5, "sample_type_id": 3})
    assert not sample.is_deserialized("sample_type")


def test_refresh_fetches_raw_data_without_the_cache(session: FakeSession) -> None:
    sample = session.load("Sample", {"id": 5, "name": "old"})
    sample.refresh()
    assert sample.name == "s5"
    assert session.calls == [("post", "json", {"model": "Sample", "id": 5})]


def test_refresh_of_a_plan_uses_the_plan_route(session: FakeSession) -> None:
    plan = session.load("Plan", {"id": 3})
    plan.refresh()
    assert plan.name == "P3" and plan.layout == {}
    assert session.calls == [("get", "plans/3.json", None)]


def test_refresh_of_a_vanished_model(session: FakeSession) -> None:
    with pytest.raises(AquariumModelNotFound, match="Sample 99"):
        session.load("Sample", {"id": 99}).refresh()
    with pytest.raises(AquariumModelError, match="no id yet"):
        Sample.new_bound(session).refresh()


def test_refresh_needs_a_session() -> None:
    with pytest.raises(NoSessionError, match="connect_to_session"):
        Sample.load_from({"id": 5}).refresh()


# -- relationship store helpers ------------------------------------------------------------
def test_is_deserialized_reset_field_and_set_loaded(session: FakeSession) -> None:
    sample = session.load("Sample", {"id": 5, "sample_type_id": 2})
    assert not sample.is_deserialized("sample_type")
    assert sample._related.get("sample_type", NOT_LOADED) is NOT_LOADED
    sample.set_loaded("items", ())
    assert sample.is_deserialized("items") and sample.items == []
    _ = sample.sample_type
    assert sample.is_deserialized("sample_type")
    sample.reset_field("sample_type")
    assert not sample.is_deserialized("sample_type")
    assert sample.is_deserialized("name") is False
    with pytest.raises(AquariumModelError, match="no relationship 'nme'"):
        sample.reset_field("nme")


def test_append_to_many(session: FakeSession) -> None:
    sample = Sample.new_bound(session)
    item = Item.new_bound(session)
    sample.append_to_many("items", item)
    sample.append_to_many("items", item)
    assert sample.items == [item]
    with pytest.raises(AquariumModelError, match="holds Item models"):
        sample.append_to_many("items", Sample())
    with pytest.raises(AquariumModelError, match="single SampleType"):
        sample.append_to_many("sample_type", item)
    assert session.calls == []


def test_relationships_and_fields_catalogue() -> None:
    rels = get_model("FieldValue").get_relationships()
    assert {"sample", "item", "sid", "wires_as_source"} <= set(rels)
    assert "object_type_id" not in rels
    assert "object_type_id" in get_model("FieldValue").get_fields()


# -- copies --------------------------------------------------------------------------------
def test_copy_anonymizes_and_clears_refs(session: FakeSession) -> None:
    fv = session.load(
        "FieldValue",
        {
            "id": 7,
            "parent_id": 5,
            "parent_class": "Sample",
            "child_sample_id": 9,
            "field_type_id": 4,
            "created_at": "t",
        },
    )
    clone = fv.copy()
    assert clone is not fv and clone.session is session
    assert clone.id is None and clone.parent_id is None and clone.created_at is None
    assert clone.child_sample_id == 9 and clone.field_type_id == 4
    assert clone.rid != fv.rid and clone.raw == {}
    assert fv.id == 7 and fv.parent_id == 5


def test_copy_keeps_kept_models_and_types(session: FakeSession) -> None:
    sample = session.load(
        "Sample",
        {
            "id": 5,
            "name": "s",
            "sample_type": {"id": 2, "name": "Primer"},
            "field_values": [{"id": 8}],
        },
    )
    clone = sample.copy()
    assert clone.id is None
    assert clone.sample_type.id == 2 and clone.sample_type is not sample.sample_type
    assert clone.field_values[0].id is None
    assert copy.copy(sample).id is None
    deep = copy.deepcopy(sample)
    assert deep.id == 5 and deep.field_values[0].id == 8 and deep.session is session


def test_anonymize_leaves_types_alone(session: FakeSession) -> None:
    st = session.load("SampleType", {"id": 2, "created_at": "t"})
    assert st.anonymize() is st and st.id == 2 and st.created_at == "t"


# -- display -------------------------------------------------------------------------------
def test_str_and_repr(session: FakeSession, capsys: pytest.CaptureFixture[str]) -> None:
    sample = session.load("Sample", {"id": 5, "name": "s5", "sample_type_id": 2})
    assert str(sample) == f"<Sample id=5 name=s5 sample_type_id=2 rid={sample.rid}>"
    assert repr(sample) == str(sample)
    sample.print()
    assert "'name': 's5'" in capsys.readouterr().out


def test_a_model_class_is_all_it_takes_to_add_a_model() -> None:
    """Defining the class registers it; the built-in list is derived, pydent's order first."""
    import aqsession.models as models_package
    from aqsession.models import registry

    assert tuple(builtin_names()) == MODEL_NAMES == registry.PYDENT_ORDER

    class RgProbe(ModelBase):
        COLUMNS = ("name",)

    assert get_model("RgProbe") is RgProbe
    assert "RgProbe" in registered_names()
    assert "RgProbe" not in builtin_names()  # defined outside aqsession.models
    assert models_package.RgProbe is RgProbe  # importable from the package, no edit there
    with pytest.raises(AttributeError, match="no attribute 'RgMissing'"):
        _ = models_package.RgMissing


def test_a_model_defined_in_the_package_joins_the_builtin_models_after_pydents() -> None:
    from aqsession.models import registry

    probe = type("RgBuiltinProbe", (ModelBase,), {"__module__": "aqsession.models.inventory"})
    try:
        assert builtin_names()[:27] == PYDENT_ORDER
        assert builtin_names()[27:] == ["RgBuiltinProbe"]
        assert get_model("RgBuiltinProbe") is probe
    finally:
        registry._REGISTRY.pop("RgBuiltinProbe")
        registry._BUILTIN.pop("RgBuiltinProbe")
