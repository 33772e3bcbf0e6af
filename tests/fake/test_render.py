"""as_json: columns, methods, include, per-model extras and attribute overrides (protocol 3.6-4)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from query_lab import Lab, lab_store

from aqfake.render import RenderError, render_record, render_records, validate_include
from aqfake.store import Store
from aqfake.tables import MODELS, TABLES
from aqfake.timefmt import format_time


@pytest.fixture
def lab() -> tuple[Store, Lab]:
    return lab_store()


def render(store: Store, model: str, row_id: int, **kw: Any) -> dict[str, Any]:
    row = store.get(MODELS[model].table, row_id)
    assert row is not None
    return render_record(store, model, row, base_url="http://aq.test", **kw)


# -- timestamps and plain columns ----------------------------------------------------------


def test_timestamps_rendered_in_pacific_time_with_offset() -> None:
    winter = datetime(2020, 1, 15, 12, 0, 5, tzinfo=timezone.utc)
    summer = datetime(2018, 7, 17, 22, 10, 5, tzinfo=timezone.utc)
    assert format_time(winter) == "2020-01-15T04:00:05.000-08:00"
    assert format_time(summer) == "2018-07-17T15:10:05.000-07:00"


def test_columns_in_table_order_then_methods_then_include(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    out = render(store, "Item", ids["bench"], methods=["is_part"], include="sample")
    columns = [c.name for c in TABLES["items"].columns]
    assert list(out) == [*columns, "is_part", "sample"]
    assert out["created_at"].endswith("-08:00")


def test_secret_columns_never_rendered(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    user = render(store, "User", ids["neptune"])
    assert not {"password_digest", "remember_token", "key"} & set(user)
    assert user["admin"] is False and user["login"] == "neptune"
    sample = render(store, "Sample", ids["fwd"], include="user")
    assert "remember_token" not in sample["user"]
    methods = render(store, "User", ids["neptune"], methods=["remember_token", "key"])
    assert "remember_token" not in methods and "key" not in methods
    with pytest.raises(RenderError) as caught:
        render(store, "User", ids["neptune"], include="password_digest")
    assert "pbkdf2" not in str(caught.value)


def test_value_types(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    op_type = render(store, "OperationType", ids["ot"])
    assert op_type["deployed"] is True and op_type["on_the_fly"] is None
    store.update("operations", ids["op1"], x=160)
    assert render(store, "Operation", ids["op1"])["x"] == 160.0
    da = render(store, "DataAssociation", ids["da_note"])
    assert da["object"] == '{"note": 1}'


# -- attribute overrides ---------------------------------------------------------------------


def test_item_location_part_of_collection(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    assert render(store, "Item", ids["part_a"])["location"] == "Part of Collection"
    assert render(store, "Item", ids["bench"])["location"] == "Bench"


def test_item_location_from_wizard_locator(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    assert render(store, "Item", ids["slotted"])["location"] == "M20.1.2.3"


def test_item_location_unknown_when_null(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    assert render(store, "Item", ids["nowhere"])["location"] == "Unknown"


def test_item_render_fails_without_part_object_type(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    store.update("object_types", ids["part"], name="Not a part")
    with pytest.raises(RenderError, match="nil:NilClass"):
        render(store, "Item", ids["bench"])
    sample = render(store, "Sample", ids["rev"])  # other models do not care
    assert sample["name"] == "rev-GFP "


def test_object_type_rows_columns_null_for_non_collections(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    part = render(store, "ObjectType", ids["part"])
    assert part["rows"] is None and part["columns"] is None  # stored rows=5 is hidden
    plate = render(store, "ObjectType", ids["plate"])
    assert (plate["rows"], plate["columns"]) == (8, 12)
    strip = render(store, "ObjectType", ids["stripwell"])
    assert (strip["rows"], strip["columns"]) == (1, 12)


# -- methods -----------------------------------------------------------------------------------


def test_collection_dimensions_quirk(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    assert render(store, "Collection", ids["collection"], methods="dimensions")["dimensions"] == [
        8,
        12,
    ]
    assert render(store, "Collection", ids["bench"], methods=["dimensions"])["dimensions"] == [
        12,
        1,
    ]
    store.update("items", ids["bench"], object_type_id=ids["stripwell"])
    assert render(store, "Collection", ids["bench"], methods=["dimensions"])["dimensions"] == [
        1,
        12,
    ]


def test_collection_matrix_and_parts(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    out = render(store, "Collection", ids["collection"], methods=["matrix", "parts", "part_matrix"])
    assert len(out["matrix"]) == 8 and len(out["matrix"][0]) == 12
    assert out["matrix"][0][1] == ids["fwd"] and out["matrix"][7][11] == ids["rev"]
    assert out["matrix"][0][0] == -1
    assert [p["id"] for p in out["parts"]] == [ids["part_a"], ids["part_b"]]
    assert out["part_matrix"][0][1]["location"] == "Part of Collection"
    assert out["part_matrix"][3][3] is None


def test_item_methods(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    part = render(store, "Item", ids["part_a"], methods=["is_part", "containing_collection"])
    assert part["is_part"] is True
    assert part["containing_collection"]["id"] == ids["collection"]
    bench = render(store, "Item", ids["bench"], methods=["is_part", "containing_collection"])
    assert bench["is_part"] is False and bench["containing_collection"] is None
    das = render(store, "Item", ids["fridge"], methods=["data_associations"])["data_associations"]
    assert [d["key"] for d in das] == ["concentration", "concentration", "note", "Note", "gel"]


def test_unknown_methods_ignored(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    out = render(store, "Sample", ids["fwd"], methods=["no_such_method", "destroy", "name"])
    assert "no_such_method" not in out and "destroy" not in out
    assert out["name"] == "fwd-GFP"


def test_methods_must_be_names(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    with pytest.raises(RenderError, match="is not a symbol nor a string"):
        render(store, "Sample", ids["fwd"], methods=[{"a": 1}])


def test_upload_methods_and_job(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    out = render(store, "Upload", ids["upload"], methods=["size", "name", "job", "expiring_url"])
    assert out["size"] == 1234 and out["name"] == "gel.jpg"
    assert out["job"]["id"] == ids["job"] and out["job"]["state"] == "[]"
    assert out["expiring_url"].startswith("http://aq.test/")


def test_job_status_and_operations(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    out = render(store, "Job", ids["job"], methods=["status", "operations"])
    assert out["status"] == "COMPLETED"
    assert [o["id"] for o in out["operations"]] == [ids["op1"]]
    store.update("jobs", ids["job"], pc=-1)
    assert render(store, "Job", ids["job"], methods=["status"])["status"] == "PENDING"
    store.update("jobs", ids["job"], pc=3)
    assert render(store, "Job", ids["job"], methods=["status"])["status"] == "ACTIVE"


def test_user_groups_and_is_admin(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    neptune = render(store, "User", ids["neptune"], methods=["is_admin"])
    assert neptune["is_admin"] is True
    assert [g["name"] for g in neptune["groups"]] == ["neptune", "admin"]
    assert list(neptune)[-2:] == ["is_admin", "groups"]
    assert render(store, "User", ids["rookie"], methods=["is_admin"])["is_admin"] is False


def test_operation_type_code_methods_newest_version(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    out = render(store, "OperationType", ids["ot"], methods=["protocol", "cost_model"])
    assert out["protocol"]["content"] == "v2"
    assert out["cost_model"] is None


def test_field_value_methods(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    out = render(
        store, "FieldValue", ids["fv_out"], methods=["sample", "item", "operation", "routing"]
    )
    assert out["sample"]["id"] == ids["fwd"]
    assert out["item"]["location"] == "Bench"
    assert out["operation"]["id"] == ids["op1"]
    assert out["routing"] is None


def test_plan_wires_and_operation_plan(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    plan = render(store, "Plan", ids["plan"], methods=["wires", "data_associations"])
    assert [w["id"] for w in plan["wires"]] == [ids["wire"]]
    assert [d["id"] for d in plan["data_associations"]] == [ids["plan_da"]]
    assert render(store, "Operation", ids["op2"], methods="plan")["plan"]["id"] == ids["plan"]


def test_overrides_applied_to_method_values(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    out = render(store, "OperationType", ids["ot"], methods=["field_types"])
    first = out["field_types"][0]
    assert [a["id"] for a in first["allowable_field_types"]] == [ids["aft"], ids["aft_bare"]]
    assert first["allowable_field_types"][0]["sample_type"]["name"] == "Primer"


# -- include -------------------------------------------------------------------------------


def test_overrides_not_applied_to_included_records(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    sample = render(store, "Sample", ids["fwd"], include=["user"])
    assert "groups" not in sample["user"]
    field_value = render(store, "FieldValue", ids["fv_in"], include="field_type")
    assert "allowable_field_types" not in field_value["field_type"]
    item = render(store, "Item", ids["fridge"], include="data_associations")
    gel = next(d for d in item["data_associations"] if d["key"] == "gel")
    assert "upload" not in gel and "url" not in gel


def test_embedded_null_record_omitted(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    item = render(store, "Item", ids["nowhere"], include=["sample", "object_type"])
    assert "sample" not in item and item["object_type"]["id"] == ids["aliquot"]
    bare = render(store, "AllowableFieldType", ids["aft_bare"])
    assert "sample_type" not in bare and "object_type" not in bare


def test_empty_has_many_renders_empty_list(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    assert render(store, "Sample", ids["orphan_sample"], include="items")["items"] == []


def test_fixed_serializers_ignore_include_and_methods(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    aft = render(store, "AllowableFieldType", ids["aft"], include="field_type", methods=["id"])
    assert list(aft)[-2:] == ["sample_type", "object_type"] and "field_type" not in aft
    field_type = render(store, "FieldType", ids["ft_in"], include="field_values")
    assert "field_values" not in field_type
    assert [a["id"] for a in field_type["allowable_field_types"]] == [ids["aft"], ids["aft_bare"]]
    da = render(store, "DataAssociation", ids["da_gel"], include="upload", methods=["key"])
    assert list(da)[-2:] == ["upload", "url"]
    assert da["upload"]["upload_file_name"] == "gel.jpg"
    assert da["url"] == f"http://aq.test/_aqfake/uploads/{ids['upload']}/gel.jpg"


def test_data_association_without_upload_has_no_upload_keys(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    da = render(store, "DataAssociation", ids["da_note"])
    assert "upload" not in da and "url" not in da


def test_nested_include_serializer_form(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    plan = render(
        store,
        "Plan",
        ids["plan"],
        include=[
            {"operations": {"include": "operation_type", "methods": ["field_values"]}},
            "user",
        ],
    )
    assert [op["operation_type"]["name"] for op in plan["operations"]] == ["Make PCR"] * 2
    assert plan["operations"][0]["field_values"][0]["id"] == ids["fv_out"]
    assert plan["user"]["login"] == "neptune"


def test_include_array_object_uses_first_key_only(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    out = render(store, "Sample", ids["fwd"], include=[{"user": {}, "items": {}}])
    assert "user" in out and "items" not in out
    both = render(store, "Sample", ids["fwd"], include={"user": {}, "items": {"only": ["id"]}})
    assert "user" in both and all(list(i) == ["id"] for i in both["items"])


def test_invalid_include_message() -> None:
    with pytest.raises(RenderError, match=r"^Invalid include: colour$"):
        validate_include("Sample", ["items", "colour"])
    validate_include("Sample", ["items", "field_values", "name"])


def test_nested_include_validated_against_top_level_model() -> None:
    validate_include("Plan", {"operations": {"include": "operation_type"}})  # key skipped
    with pytest.raises(RenderError, match=r"^Invalid include: sample_type$"):
        validate_include("Item", {"sample": "sample_type"})
    validate_include("Item", {"sample": "object_type"})  # passes: object_type is Item's
    validate_include("Sample", {"not_an_association": "whatever"})


def test_preload_form_fails_in_serializer(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    with pytest.raises(RenderError):
        render(store, "Item", ids["bench"], include={"sample": "object_type"})


def test_include_of_scalar_or_broken_association_fails(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    with pytest.raises(RenderError, match="serializable_hash' for false:FalseClass"):
        render(store, "Item", ids["bench"], include="is_part")
    with pytest.raises(RenderError, match="uninitialized constant Item::Part"):
        render(store, "Item", ids["bench"], include="part")
    with pytest.raises(RenderError, match="undefined method `nope'"):
        render(store, "Sample", ids["fwd"], include={"nope": {}})


def test_through_associations(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    op = render(store, "Operation", ids["op1"], include=["jobs", "plans"])
    assert [j["id"] for j in op["jobs"]] == [ids["job"]]
    assert [p["id"] for p in op["plans"]] == [ids["plan"]]
    fv = render(store, "FieldValue", ids["fv_out"], include="successors")
    assert [s["id"] for s in fv["successors"]] == [ids["fv_in"]]


def test_render_records_many(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    rows = store.rows("items")
    out = render_records(store, "Item", rows, methods=["is_part"])
    assert [o["id"] for o in out] == [r["id"] for r in rows]
    assert sum(o["is_part"] for o in out) == 2


def test_every_declared_virtual_name_is_implemented() -> None:
    from aqfake.render import VIRTUALS

    missing = [
        (m.name, n) for m in MODELS.values() for n in m.methods if (m.name, n) not in VIRTUALS
    ]
    assert missing == []
