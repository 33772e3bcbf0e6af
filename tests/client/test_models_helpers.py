"""Model helpers: operations and wires, plans, collections, jobs, items, field types."""

from __future__ import annotations

from typing import Any

import pytest
from test_models_double import FakeSession

from aqsession.exceptions import AquariumModelError, ForbiddenRequestError


def lab() -> dict[str, list[dict[str, Any]]]:
    return {
        "OperationType": [{"id": 4, "name": "PCR", "category": "c"}],
        "FieldType": [
            {
                "id": 41,
                "parent_id": 4,
                "parent_class": "OperationType",
                "name": "Template",
                "role": "input",
                "ftype": "sample",
                "array": False,
                "routing": "T",
            },
            {
                "id": 42,
                "parent_id": 4,
                "parent_class": "OperationType",
                "name": "Product",
                "role": "output",
                "ftype": "sample",
                "array": False,
                "routing": "P",
            },
            {
                "id": 43,
                "parent_id": 4,
                "parent_class": "OperationType",
                "name": "Primers",
                "role": "input",
                "ftype": "sample",
                "array": True,
                "routing": "R",
            },
        ],
        "AllowableFieldType": [
            {"id": 51, "field_type_id": 41, "sample_type_id": 2, "object_type_id": 6},
            {"id": 52, "field_type_id": 41, "sample_type_id": 2, "object_type_id": 7},
            {"id": 53, "field_type_id": 42, "sample_type_id": 2, "object_type_id": 6},
        ],
        "ObjectType": [
            {"id": 6, "name": "Tube", "rows": None, "columns": None},
            {"id": 7, "name": "Plate", "rows": 2, "columns": 3},
        ],
        "Sample": [{"id": 5, "name": "s5", "sample_type_id": 2}],
    }


@pytest.fixture
def session() -> FakeSession:
    return FakeSession(lab())


# -- operations ----------------------------------------------------------------------------
def test_operation_type_instance_and_inputs(session: FakeSession) -> None:
    ot = session.load("OperationType", {"id": 4, "name": "PCR"})
    op = ot.instance(xpos=10, ypos=20)
    assert (op.x, op.y, op.operation_type_id) == (10, 20, 4)
    assert [(fv.name, fv.role) for fv in op.field_values] == [
        ("Template", "input"),
        ("Product", "output"),
    ]
    assert op.input("Template").field_type_id == 41
    assert op.output("Product").role == "output"
    assert [fv.name for fv in op.inputs] == ["Template"]
    assert ot.field_type("Primers").array is True
    assert ot.field_type("Primers", role="output") is None
    assert ot.field_type_names("input") == ["Template", "Primers"]


def test_set_input_chooses_the_allowable_field_type_from_object_type(
    session: FakeSession,
) -> None:
    op = session.load("OperationType", {"id": 4}).instance()
    sample = session.load("Sample", {"id": 5, "sample_type_id": 2, "name": "s5"})
    plate = session.load("ObjectType", {"id": 7, "name": "Plate"})
    op.set_input("Template", sample=sample, object_type=plate)
    fv = op.input("Template")
    assert fv.child_sample_id == 5 and fv.allowable_field_type_id == 52
    op.set_input("Template", sample=sample, container=session.load("ObjectType", {"id": 6}))
    assert fv.allowable_field_type_id == 51
    with pytest.raises(AquariumModelError, match="no allowable field type"):
        op.set_output("Product", sample=sample, container=plate)


def test_input_arrays(session: FakeSession) -> None:
    op = session.load("OperationType", {"id": 4}).instance()
    s1 = session.load("Sample", {"id": 5, "sample_type_id": 2, "name": "a"})
    s2 = session.load("Sample", {"id": 6, "sample_type_id": 2, "name": "b"})
    op.add_to_input_array("Primers", sample=s1)
    op.add_to_input_array("Primers", sample=s2)
    assert [fv.child_sample_id for fv in op.input_array("Primers")] == [5, 6]
    op.set_input_array("Primers", [s2])
    assert [fv.child_sample_id for fv in op.input_array("Primers")] == [6]


def test_operation_routing_is_computed_from_field_values(session: FakeSession) -> None:
    op = session.load("OperationType", {"id": 4}).instance()
    op.set_input("Template", sample=session.load("Sample", {"id": 5, "name": "s5"}))
    assert op.routing == {"T": "5: s5"}
    assert op.dump()["routing"] == {"T": "5: s5"}


# -- wires and plans -----------------------------------------------------------------------
def two_operations(session: FakeSession) -> tuple[Any, Any]:
    ot = session.load("OperationType", {"id": 4})
    return ot.instance(), ot.instance()


def test_wire_validation(session: FakeSession) -> None:
    a, b = two_operations(session)
    wire_class = type(session.new("Wire"))
    out, inp = a.output("Product"), b.input("Template")
    wire = session.new("Wire", source=out, destination=inp)
    assert wire.active is True and wire.source is out and wire.destination is inp
    with pytest.raises(AquariumModelError, match="both a source and a destination"):
        wire_class(source=out)
    with pytest.raises(AquariumModelError, match="must be an output"):
        wire_class(source=inp, destination=inp)
    with pytest.raises(AquariumModelError, match="must be an input"):
        wire_class(source=out, destination=out)
    sample_fv = session.new("FieldValue", role="output", parent_class="Sample")
    with pytest.raises(AquariumModelError, match="belongs to Sample"):
        wire_class(source=sample_fv, destination=inp)


def test_plan_to_save_json(session: FakeSession) -> None:
    a, b = two_operations(session)
    sample = session.load("Sample", {"id": 5, "name": "s5", "sample_type_id": 2})
    a.set_output("Product", sample=sample)
    b.set_input("Template", sample=sample)
    plan = session.new("Plan", name="p")
    plan.add_operations([a, b])
    wire = plan.wire(a.output("Product"), b.input("Template"))
    plan.add_wire(wire)
    body = plan.to_save_json()
    assert body["name"] == "p" and body["layout"]["parent_id"] == -1
    ops = body["operations"]
    assert [op["rid"] for op in ops] == [a.rid, b.rid]
    assert ops[0]["routing"] == {"P": "5: s5"}
    fv_entry = ops[1]["field_values"][0]
    assert fv_entry["rid"] == b.input("Template").rid
    assert fv_entry["routing"] == "T" and fv_entry["array"] is False
    assert fv_entry["child_sample_id"] == 5
    assert len(body["wires"]) == 1
    assert body["wires"][0]["from"] == {"rid": a.output("Product").rid}
    assert body["wires"][0]["to"] == {"rid": b.input("Template").rid}
    assert body["wires"][0]["active"] is True


def test_saved_plan_wires_are_queried_through_field_values() -> None:
    session = FakeSession(
        {
            "PlanAssociation": [{"id": 1, "plan_id": 3, "operation_id": 40}],
            "Operation": [{"id": 40}],
            "FieldValue": [
                {"id": 70, "parent_id": 40, "parent_class": "Operation"},
                {"id": 71, "parent_id": 40, "parent_class": "Operation"},
            ],
            "Wire": [{"id": 9, "from_id": 70, "to_id": 71}, {"id": 8, "from_id": 1, "to_id": 2}],
        }
    )
    plan = session.load("Plan", {"id": 3})
    assert [w.id for w in plan.wires] == [9]
    assert session.calls[-1] == ("where", "Wire", {"from_id": [70, 71], "to_id": [70, 71]})
    body = plan.to_save_json()
    assert body["wires"] == [{"id": 9, "from_id": 70, "to_id": 71, "rid": plan.wires[0].rid}]


def test_plan_without_operations_sends_no_wire_query() -> None:
    session = FakeSession()
    plan = session.load("Plan", {"id": 3, "plan_associations": []})
    assert plan.wires == []
    assert session.calls == []


def test_plan_loaded_from_the_plan_route(session: FakeSession) -> None:
    plan = session.load(
        "Plan",
        {
            "id": 3,
            "layout": '{"wires": []}',
            "operations": [
                {"id": 40, "field_values": [{"id": 70, "field_type": {"id": 41, "routing": "T"}}]}
            ],
            "wires": [{"id": 9, "from_id": 70, "to_id": 70}],
        },
    )
    assert plan.layout == {"wires": []}
    assert plan.operations[0].field_values[0].field_type.routing == "T"
    assert plan.wires[0].id == 9
    assert session.calls == []


def test_plan_server_actions(session: FakeSession) -> None:
    plan = session.load("Plan", {"id": 3})
    user, budget = session.load("User", {"id": 1}), session.load("Budget", {"id": 2})
    assert plan.submit(user, budget) == {"result": "ok"}
    assert session.calls == [("utils.submit_plan", 3, 1, 2)]


# -- field values --------------------------------------------------------------------------
def test_field_value_wires_and_neighbours() -> None:
    session = FakeSession(
        {
            "FieldValue": [{"id": 70}, {"id": 71}],
            "Wire": [{"id": 9, "from_id": 70, "to_id": 71}],
        }
    )
    out = session.load("FieldValue", {"id": 70, "parent_class": "Operation", "parent_id": 40})
    inp = session.load("FieldValue", {"id": 71})
    assert [w.id for w in out.outgoing_wires] == [9]
    assert [fv.id for fv in out.successors] == [71]
    assert [fv.id for fv in inp.predecessors] == [70]
    assert out.parent is None or out.parent.id == 40


def test_field_value_val(session: FakeSession) -> None:
    assert session.load("FieldValue", {"id": 1, "value": "3"}).val == "3"
    assert session.load("FieldValue", {"id": 1, "child_sample_id": 5}).val.name == "s5"


def test_field_type_helpers(session: FakeSession) -> None:
    ft = session.load("FieldType", {"id": 1, "choices": "a, b,,c", "ftype": "string"})
    assert ft.choices_list == ["a", "b", "c"] and ft.is_parameter()
    st = session.load("SampleType", {"id": 2, "name": "Primer"})
    fv = st.new_sample("x", "", "p").field_values
    assert fv == []


# -- collections, items, jobs ----------------------------------------------------------------
def test_collection_dimensions_and_matrix() -> None:
    session = FakeSession(
        {
            "ObjectType": [{"id": 7, "rows": 2, "columns": 3}],
            "PartAssociation": [
                {"id": 1, "collection_id": 20, "part_id": 30, "row": 0, "column": 1},
                {"id": 2, "collection_id": 20, "part_id": 31, "row": 1, "column": 2},
            ],
            "Item": [{"id": 30, "sample_id": 5}, {"id": 31, "sample_id": 6}],
        }
    )
    collection = session.load("Collection", {"id": 20, "object_type_id": 7})
    assert collection.dimensions == [2, 3]
    assert collection.matrix == [[None, 5, None], [None, None, 6]]  # pydent: None when empty
    assert collection.part(1, 2).id == 31 and collection.part(0, 0) is None
    served = session.load("Collection", {"id": 21, "dimensions": [8, 12]})
    assert served.dimensions == [8, 12]


def test_item_is_part(session: FakeSession) -> None:
    assert session.load("Item", {"id": 1, "is_part": True}).is_part is True
    session.server.insert("ObjectType", {"id": 1, "name": "__Part"})
    assert session.load("Item", {"id": 2, "object_type_id": 1}).is_part is True
    assert session.load("Item", {"id": 3}).is_part is False


def test_job_helpers(session: FakeSession) -> None:
    job = session.load(
        "Job",
        {"id": 1, "pc": -2, "state": '[{"time": "t0"}, {"time": "t1"}, {"operation": "complete"}]'},
    )
    assert job.is_complete and job.start_time == "t0" and job.end_time == "t1"
    assert session.load("Job", {"id": 2, "pc": -1, "state": "[]"}).start_time is None
    session.aqhttp.routes["krill/uploads?job=1"] = {"uploads": [{"id": 4, "name": "a.csv"}]}
    assert job.uploads == [{"id": 4, "name": "a.csv"}]


def test_upload_data_respects_requests_off(session: FakeSession) -> None:
    session.server.insert("Upload", {"id": 9})
    session.methods["expiring_url"] = "http://files.test/9"
    upload = session.load("Upload", {"id": 9})
    assert upload.temp_url() == "http://files.test/9"
    session.using_requests = False
    with pytest.raises(ForbiddenRequestError):
        _ = upload.data


def test_field_values_need_their_type(session: FakeSession) -> None:
    with pytest.raises(AquariumModelError, match="has no sample_type"):
        session.new("Sample", name="x").set_field_value("a", value=1)
    with pytest.raises(AquariumModelError, match="has no operation_type"):
        session.new("Operation").set_input("a", value=1)


def test_operation_type_save_json_includes_only_known_code(session: FakeSession) -> None:
    ot = session.load("OperationType", {"id": 4, "name": "PCR"})
    ot.protocol = session.new("Code", name="protocol", content="def main; end")
    body = ot.to_save_json()
    assert body["protocol"] == {"content": "def main; end", "name": "protocol"}
    assert "precondition" not in body
    assert [ft["name"] for ft in body["field_types"]] == ["Template", "Product", "Primers"]
    aft = body["field_types"][0]["allowable_field_types"][0]
    assert aft["object_type"]["name"] == "Tube"
    assert not any(call[1] == "Code" for call in session.calls)
