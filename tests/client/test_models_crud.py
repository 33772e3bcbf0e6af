"""Persistence: the CRUD mixins and the per-model save/create/update/delete overrides."""

from __future__ import annotations

import json

import pytest
from test_models_double import FakeSession

from aqsession.exceptions import AquariumModelError, UpdateFailed
from aqsession.models import Plan, get_model


@pytest.fixture
def session() -> FakeSession:
    return FakeSession(
        {
            "SampleType": [{"id": 2, "name": "Primer"}],
            "FieldType": [
                {
                    "id": 21,
                    "parent_id": 2,
                    "parent_class": "SampleType",
                    "name": "Anneal",
                    "ftype": "number",
                    "required": True,
                    "array": False,
                },
                {
                    "id": 22,
                    "parent_id": 2,
                    "parent_class": "SampleType",
                    "name": "Template",
                    "ftype": "sample",
                    "required": False,
                    "array": False,
                },
                {
                    "id": 23,
                    "parent_id": 2,
                    "parent_class": "SampleType",
                    "name": "Tags",
                    "ftype": "string",
                    "required": False,
                    "array": True,
                },
            ],
            "Sample": [{"id": 5, "name": "s5", "sample_type_id": 2, "project": "p"}],
        }
    )


def call_names(session: FakeSession) -> list[str]:
    return [call[0] for call in session.calls]


# -- REST mixins ---------------------------------------------------------------------------
def test_object_type_save_creates_then_updates(session: FakeSession) -> None:
    ot = session.new("ObjectType", name="Tube", unit="each")
    ot.save()
    name, table, data, params = session.calls[0]
    assert (name, table, params) == ("utils.model_create", "object_types", None)
    assert data["name"] == "Tube" and data["id"] is None
    assert ot.id == 77
    ot.save()
    assert session.calls[1][:3] == ("utils.model_update", "object_types", 77)


def test_update_without_id_in_the_answer_fails(session: FakeSession) -> None:
    ot = session.load("ObjectType", {"id": 3})
    session.utils.model_update = lambda *a, **k: {"id": None}  # type: ignore[method-assign]
    with pytest.raises(UpdateFailed, match="returned no id"):
        ot.update()


def test_plan_create_update_and_delete(session: FakeSession) -> None:
    session.current_user = session.load("User", {"id": 1})
    plan = session.new("Plan", name="mine")
    plan.save()
    name, table, body, params = session.calls[0]
    assert (name, table, params) == ("utils.model_create", "plans", {"user_id": 1})
    assert body["name"] == "mine" and isinstance(body["layout"], dict)
    assert body["operations"] == [] and body["wires"] == []
    plan.save()
    assert session.calls[-1][0:3] == ("utils.model_update", "plans", 77)
    plan.delete()
    assert session.calls[-1] == ("utils.model_delete", "plans", 77)


# -- JSON mixins ---------------------------------------------------------------------------
def test_json_save_and_delete(session: FakeSession) -> None:
    pa = session.new("PartAssociation", part_id=1, collection_id=2, row=0, column=3)
    result = pa.save()
    assert result["id"] == pa.id and pa.id is not None
    assert session.calls[0][0:2] == ("utils.json_save", "PartAssociation")
    fv = session.load("FieldValue", {"id": 70, "name": "x"})
    fv.delete()
    assert session.calls[-1][0:2] == ("utils.json_delete", "FieldValue")
    assert session.calls[-1][2]["id"] == 70


def test_data_association_save_needs_a_parent(session: FakeSession) -> None:
    da = session.new("DataAssociation", key="k", object={"k": 1})
    with pytest.raises(ValueError, match="parent_id and parent_class"):
        da.save()
    da.parent_id, da.parent_class = 4, "Item"
    da.save()
    sent = session.calls[0][2]
    assert sent["object"] == '{"k": 1}' and sent["parent_class"] == "Item"


def test_data_association_value(session: FakeSession) -> None:
    da = session.load("DataAssociation", {"id": 1, "key": "k", "object": '{"k": [1, 2]}'})
    assert da.value == [1, 2]
    da.value = {"x": 1}
    assert da.object == {"k": {"x": 1}}
    assert json.loads(da.dump()["object"]) == {"k": {"x": 1}}


# -- samples -------------------------------------------------------------------------------
def test_sample_create_sends_field_values(session: FakeSession) -> None:
    st = session.load("SampleType", {"id": 2, "name": "Primer"})
    template = session.load("Sample", {"id": 5, "name": "s5"})
    sample = st.new_sample(
        "new", "", "proj", properties={"Anneal": 60, "Template": template, "Tags": ["a", "b"]}
    )
    sample.save()
    (name, dumps) = session.calls[-1]
    assert name == "utils.create_samples"
    sent = dumps[0]
    assert sent["sample_type_id"] == 2 and sent["name"] == "new"
    by_name = {}
    for fv in sent["field_values"]:
        by_name.setdefault(fv["name"], []).append(fv)
    assert by_name["Anneal"][0]["value"] == 60
    assert by_name["Template"][0]["child_sample_id"] == 5
    assert by_name["Template"][0]["child_sample_name"] == "5: s5"
    assert [fv["value"] for fv in by_name["Tags"]] == ["a", "b"]
    assert sample.id is not None


def test_sample_create_refuses_missing_required_properties(session: FakeSession) -> None:
    sample = session.load("SampleType", {"id": 2}).new_sample("n", "", "p")
    with pytest.raises(AquariumModelError, match=r"required properties \['Anneal'\]"):
        sample.save()
    assert "utils.create_samples" not in call_names(session)


def test_sample_properties(session: FakeSession) -> None:
    session.server.insert(
        "FieldValue",
        {"id": 90, "parent_id": 5, "parent_class": "Sample", "name": "Anneal", "value": "55"},
    )
    session.server.insert(
        "FieldValue",
        {"id": 91, "parent_id": 5, "parent_class": "Sample", "name": "Template",
         "child_sample_id": 5},
    )  # fmt: skip
    sample = session.load("Sample", {"id": 5, "sample_type_id": 2, "name": "s5"})
    props = sample.properties
    assert props["Anneal"] == 55 and props["Tags"] == []
    assert props["Template"].id == 5
    assert sample.field_value("Anneal").id == 90
    assert sample.field_value("Nope") is None
    with pytest.raises(AquariumModelError, match="has no field type 'Nope'"):
        sample.set_field_value("Nope", value=1)
    sample.properties = {"Anneal": 61}
    assert sample.field_value("Anneal").value == 61


def test_sample_update_saves_field_values_and_unlinks_removed_ones(
    session: FakeSession,
) -> None:
    session.server.insert(
        "FieldValue",
        {"id": 90, "parent_id": 5, "parent_class": "Sample", "name": "Anneal", "value": "55"},
    )
    session.server.insert(
        "FieldValue", {"id": 92, "parent_id": 5, "parent_class": "Sample", "name": "Old"}
    )
    sample = session.load("Sample", {"id": 5, "sample_type_id": 2, "name": "s5"})
    sample.field_values = [fv for fv in sample.field_values if fv.name == "Anneal"]
    sample.name = "renamed"
    with pytest.warns(UserWarning, match="unlinking"):
        sample.save()
    saves = [c for c in session.calls if c[0] == "utils.json_save"]
    assert [(c[1], c[2]["id"]) for c in saves] == [
        ("FieldValue", 90),
        ("FieldValue", 92),
        ("Sample", 5),
    ]
    assert saves[1][2]["parent_id"] is None
    assert saves[2][2]["name"] == "renamed"


# -- items ---------------------------------------------------------------------------------
def test_item_create_reloads_and_saves_pending_associations(session: FakeSession) -> None:
    item = session.new("Item", sample_id=5, object_type_id=1)
    da = item.associate("conc", 12.5)
    assert da.id is None and session.calls == []
    item.save()
    assert session.calls[0] == ("utils.create_items", [(5, 1)])
    assert item.id is not None
    save = session.calls[1]
    assert save[0:2] == ("utils.json_save", "DataAssociation")
    assert save[2]["parent_id"] == item.id and json.loads(save[2]["object"]) == {"conc": 12.5}
    assert da.id is not None


def test_item_update_keeps_server_location_then_moves(session: FakeSession) -> None:
    session.server.insert("Item", {"id": 10, "location": "A1"})
    item = session.load("Item", {"id": 10, "location": "A1", "quantity": 1})
    item.location = "B2"
    item.quantity = 2
    item.save()
    save, move = session.calls
    assert save[0:2] == ("utils.json_save", "Item")
    assert save[2]["location"] == "A1" and save[2]["quantity"] == 2
    assert move == ("utils.move_item", 10, "B2")
    assert item.location == "B2"


def test_item_location_helpers(session: FakeSession) -> None:
    item = session.load("Item", {"id": 10, "location": "A1"})
    item.mark_as_deleted()
    assert item.is_deleted() and session.calls == [("utils.move_item", 10, "deleted")]
    with pytest.raises(ValueError, match="mark_as_deleted"):
        item.delete()


def test_collection_create(session: FakeSession) -> None:
    collection = session.new("Collection", object_type_id=6)
    collection.save()
    assert session.calls[0] == ("utils.model_update", "collections", 6, {}, None)
    assert collection.id == 88 and collection.location == "Bench"
    with pytest.raises(AquariumModelError, match="object_type"):
        session.new("Collection").create()


# -- data associations ---------------------------------------------------------------------
def test_associate_on_a_saved_model(session: FakeSession) -> None:
    item = session.load("Item", {"id": 10})
    da = item.associate("k", {"v": 1})
    assert da.id is not None and item.get("k") == {"v": 1}
    assert item.data_associations == [da]
    again = item.associate("k", 2)
    assert again is da and da.value == 2
    assert session.calls[-1][0:2] == ("utils.json_save", "DataAssociation")
    item.associate("k", 3, create_new=True)
    assert item.get("k") == [3, 2]
    assert item.associations == {"k": 3}
    assert item.get_data_association("k").value == 3
    deleted = item.delete_data_associations("k")
    assert len(deleted) == 2 and item.get("k") is None
    assert [c[0] for c in session.calls].count("utils.json_delete") == 2


def test_associate_locally_without_saving(session: FakeSession) -> None:
    plan = session.new("Plan")
    da = plan.associate("note", "hi")
    assert da.parent_class == "Plan" and da.parent_id is None
    assert plan.get("note") == "hi" and session.calls == []


# -- code, uploads, operation types ------------------------------------------------------------
def test_code_update_and_upload_save(session: FakeSession) -> None:
    code = session.load("Code", {"id": 1, "parent_id": 4, "parent_class": "OperationType"})
    code.content = "new"
    code.update()
    assert session.calls[0] == ("utils.update_code", "OperationType", 4, "new")
    upload = session.new("Upload", job_id=3, file=b"x")
    assert "file" not in upload.dump()
    upload.save()
    assert upload.id == 9 and session.calls[-1] == ("utils.create_upload", 3)
    with pytest.raises(AquariumModelError, match="no file"):
        session.new("Upload").save()


def test_operation_type_save(session: FakeSession) -> None:
    ot = session.new("OperationType", name="Gel", category="c")
    ot.field_types = [session.new("FieldType", name="in", role="input", ftype="sample")]
    ot.save()
    name, body = session.calls[0]
    assert name == "utils.create_operation_type"
    assert body["name"] == "Gel" and body["field_types"][0]["name"] == "in"
    ot.id = 8
    ot.save()
    assert session.calls[-1] == ("utils.update_operation_type", 8)


def test_wire_delete_explains(session: FakeSession) -> None:
    with pytest.raises(AquariumModelError, match="save the plan"):
        session.load("Wire", {"id": 1}).delete()


def test_plan_is_not_saved_with_foreign_wires(session: FakeSession) -> None:
    plan = session.new("Plan")
    src = session.new("FieldValue", name="o", role="output", parent_class="Operation")
    dst = session.new("FieldValue", name="i", role="input", parent_class="Operation")
    plan.wire(src, dst)
    with pytest.raises(AquariumModelError, match="not in plan"):
        plan.to_save_json()


def test_plan_defaults_survive_a_dump_reload() -> None:
    plan = Plan()
    again = Plan.load_from(plan.dump())
    assert again.layout == plan.layout and again.name == "MyPlan"
    assert get_model("Plan").load_from({"id": 1}).layout is None
