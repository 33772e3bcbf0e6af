"""``POST /json/save``, ``/json/delete``, ``GET /json/current`` and ``POST /json/items``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from query_lab import ROOKIE_TOKEN, Lab, build, context, lab_store

from aqfake.app import FakeAquarium
from aqfake.errors import NotFound
from aqfake.handlers.json import current, delete, items, save
from aqfake.store import Row, Store
from aqfake.wire import Request, Response


@pytest.fixture
def lab() -> tuple[Store, Lab]:
    return lab_store()


def model(name: str) -> dict[str, Any]:
    return {"model": name, "record_methods": {}, "record_getters": {}}


def call(handler: Any, store: Store, body: Any, user: Row | None = None) -> Response:
    path = {save: "/json/save", delete: "/json/delete", items: "/json/items"}[handler]
    return handler(context(store, body, user, path))  # type: ignore[no-any-return]


def user(store: Store, lab: Lab, name: str = "neptune") -> Row:
    row = store.get("users", lab[name])
    assert row is not None
    return row


def echo(store: Store, table: str, row_id: int) -> dict[str, Any]:
    """What pydent sends back: the record's JSON as it was received, plus ``model``."""
    from aqfake.render import render_record
    from aqfake.tables import MODELS

    name = next(n for n, m in MODELS.items() if m.table == table and n != "Collection")
    row = store.get(table, row_id)
    assert row is not None
    return {**render_record(store, name, row), "model": model(name)}


# -- save ----------------------------------------------------------------------------------


def test_json_save_creates_with_timestamps(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    body = {
        "model": model("DataAssociation"),
        "parent_id": ids["bench"],
        "parent_class": "Item",
        "key": "k",
        "object": '{"k": 1}',
        "upload_id": None,
    }
    response = call(save, store, body)
    assert response.status == 200
    data = response.json()
    row = store.get("data_associations", data["id"])
    assert row is not None and row["key"] == "k" and row["created_at"] is not None
    assert data["object"] == '{"k": 1}' and data["created_at"].endswith("-08:00")


def test_json_save_full_overwrite(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    body = echo(store, "data_associations", ids["da_gel"])
    del body["upload_id"], body["object"]
    assert call(save, store, body).status == 200
    row = store.get("data_associations", ids["da_gel"])
    assert row is not None
    assert row["upload_id"] is None and row["object"] is None and row["key"] == "gel"


def test_json_save_item_without_location_nulls_it(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    body = echo(store, "items", ids["bench"])
    del body["location"]
    data = call(save, store, body).json()
    assert data["location"] == "Unknown"
    stored = store.get("items", ids["bench"])
    assert stored is not None and stored["location"] is None


def test_json_save_update_bumps_updated_at_only_on_change(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    before = store.get("samples", ids["fwd"])
    assert before is not None
    stamp = before["updated_at"]
    call(save, store, echo(store, "samples", ids["fwd"]))
    assert before["updated_at"] == stamp  # nothing changed: no UPDATE at all
    body = {**echo(store, "samples", ids["fwd"]), "description": "new"}
    call(save, store, body)
    after = store.get("samples", ids["fwd"])
    assert after is not None and after["updated_at"] > stamp
    assert after["created_at"] == before["created_at"]


def test_json_save_keeps_client_updated_at_when_different(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    body = {**echo(store, "samples", ids["fwd"]), "updated_at": "2001-02-03T04:05:06.000-08:00"}
    body["description"] = "changed"
    data = call(save, store, body).json()
    assert data["updated_at"] == "2001-02-03T04:05:06.000-08:00"


def test_json_save_missing_timestamp_is_a_server_error(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    body = echo(store, "samples", ids["fwd"])
    del body["created_at"]
    assert call(save, store, body).status == 500


def test_json_save_validation_errors(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    body = {"model": model("Sample"), "sample_type_id": ids["primer"], "name": "fwd-GFP"}
    response = call(save, store, body)
    assert response.status == 422
    assert response.json() == {  # Aquarium's own uniqueness message, checked first
        "errors": {
            "name": ["The sample name 'fwd-GFP' is the name of an existing sample"],
            "project": ["can't be blank"],
            "user_id": ["can't be blank"],
        }
    }
    body = {**body, "name": "FWD-GFP", "project": "p", "user_id": ids["rookie"]}
    assert call(save, store, body).status == 200  # uniqueness is case-sensitive


def test_json_save_item_quantity_rules(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    body = {**echo(store, "items", ids["bench"]), "inuse": 5, "quantity": -3}
    errors = call(save, store, body).json()["errors"]
    assert errors == {  # Item's own messages (the model's custom validators)
        "quantity": ["Must be non-negative."],
        "inuse": ["must non-negative and not greater than the quantity."],
    }


def test_json_save_duplicate_part_association_singular_error(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    body = {
        "model": model("PartAssociation"),
        "part_id": ids["bench"],
        "collection_id": ids["collection"],
        "row": 0,
        "column": 1,
    }
    response = call(save, store, body)
    assert response.status == 422
    message = response.json()["error"]
    assert "errors" not in response.json()
    assert message.startswith(f"Mysql2::Error: Duplicate entry '{ids['collection']}-0-1'")
    assert call(save, store, {**body, "column": 2}).status == 200


def test_json_save_missing_record_is_404(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    with pytest.raises(NotFound):
        call(save, store, {"model": model("Sample"), "id": 99999})


def test_json_save_foreign_key_to_missing_row_is_500(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    body = {**echo(store, "items", ids["bench"]), "sample_id": 99999}
    assert call(save, store, body).status == 500
    assert store.get("items", ids["bench"])["sample_id"] == ids["fwd"]  # type: ignore[index]


def test_json_save_string_model_is_500(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    assert call(save, store, {"model": "Sample", "name": "x"}).status == 500
    assert call(save, store, {"name": "x"}).status == 500
    assert call(save, store, {"model": model("Kernel")}).status == 500


@pytest.mark.parametrize("name", ["User", "Membership", "Group"])
def test_json_save_refuses_privilege_tables(lab: tuple[Store, Lab], name: str) -> None:
    store, ids = lab
    before = store.snapshot()
    body = {"model": model(name), "id": 1, "user_id": ids["rookie"], "group_id": ids["admin"]}
    response = call(save, store, body)
    assert response.status == 422 and name in response.json()["errors"]
    assert store.snapshot() == before


def test_json_save_text_column_stores_ruby_inspect(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    body = {**echo(store, "data_associations", ids["da_note"]), "object": {"k": 1, "l": None}}
    assert call(save, store, body).json()["object"] == '{"k"=>1, "l"=>nil}'


# -- delete --------------------------------------------------------------------------------


def test_json_delete_only_data_associations(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    response = call(delete, store, {"model": model("FieldValue"), "id": ids["fv_in"]}, None)
    assert response.status == 422
    assert response.json() == {"errors": ["Insufficient permission to delete FieldValue"]}
    assert store.get("field_values", ids["fv_in"]) is not None


def test_json_delete_data_association_of_item_with_sample(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    body = {"model": model("DataAssociation"), "id": ids["da_gel"]}
    response = call(delete, store, body, user(store, lab[1], "rookie"))
    assert response.status == 200
    assert response.json()["id"] == ids["da_gel"] and "url" in response.json()
    assert store.get("data_associations", ids["da_gel"]) is None


def test_json_delete_item_without_sample_denied(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    da = store.insert("data_associations", parent_id=ids["nowhere"], parent_class="Item", key="x")
    response = call(delete, store, {"model": model("DataAssociation"), "id": da["id"]})
    assert response.json() == {"errors": ["Insufficient permission to delete DataAssociation"]}


def test_json_delete_collection_parent_needs_admin(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    da = store.insert(
        "data_associations", parent_id=ids["collection"], parent_class="Collection", key="x"
    )
    body = {"model": model("DataAssociation"), "id": da["id"]}
    assert call(delete, store, body, user(store, lab[1], "rookie")).status == 422
    assert call(delete, store, body, user(store, lab[1], "neptune")).status == 200


def test_json_delete_operation_and_plan_parents_allowed(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    for name in ("op_da", "plan_da"):
        body = {"model": model("DataAssociation"), "id": ids[name]}
        assert call(delete, store, body).status == 200


def test_json_delete_missing_parent_or_record(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    with pytest.raises(NotFound):
        call(delete, store, {"model": model("DataAssociation"), "id": 99999})
    orphan = store.insert("data_associations", parent_id=99999, parent_class="Plan", key="x")
    with pytest.raises(NotFound):
        call(delete, store, {"model": model("DataAssociation"), "id": orphan["id"]})
    odd = store.insert("data_associations", parent_id=1, parent_class="Widget", key="x")
    assert call(delete, store, {"model": model("DataAssociation"), "id": odd["id"]}).status == 500


# -- current and items ---------------------------------------------------------------------


def test_json_current_has_is_admin_and_groups_without_secrets(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    response = current(context(store, None, user(store, lab[1]), "/json/current", "GET"))
    data = response.json()
    assert data["login"] == "neptune" and data["is_admin"] is True
    assert [g["name"] for g in data["groups"]] == ["neptune", "admin"]
    assert not {"password_digest", "remember_token", "key"} & set(data)
    assert b"TYmoWfyV42AL7dSoYcgmug" not in response.body


def test_json_items_for_sample_and_plain_object_type(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    data = call(items, store, {"sid": ids["fwd"], "oid": ids["aliquot"]}).json()
    assert [d["id"] for d in data] == [ids["bench"], ids["fridge"], ids["slotted"]]
    assert data[0]["object_type"]["name"] == "Primer Aliquot"


def test_json_items_for_collection_type(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    data = call(items, store, {"sid": ids["rev"], "oid": ids["plate"]}).json()
    assert [(d["row"], d["column"], d["collection"]["id"]) for d in data] == [
        (7, 11, ids["collection"])
    ]
    assert data[0]["collection"]["matrix"][7][11] == ids["rev"]


def test_json_items_without_sample(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    data = call(items, store, {"sid": 99999, "oid": ids["aliquot"]}).json()
    assert [d["id"] for d in data] == [ids["bench"], ids["fridge"], ids["slotted"]]
    assert call(items, store, {"sid": ids["fwd"], "oid": 99999}).json() == []
    response = call(items, store, {"sid": 99999, "oid": 99999})
    assert response.status == 422 and response.json()["errors"].startswith("Could not find sample")


# -- through the app -----------------------------------------------------------------------


def test_save_and_delete_through_the_app() -> None:
    fake = FakeAquarium(build)
    headers = {"Cookie": f"remember_token={ROOKIE_TOKEN}", "Content-Type": "application/json"}

    def send(path: str, body: Any) -> Response:
        return fake.handle(Request("POST", path, "", headers, json.dumps(body).encode()))

    created = send(
        "/json/save",
        {"model": model("DataAssociation"), "parent_id": 1, "parent_class": "Plan", "key": "a"},
    )
    assert created.status == 200
    new_id = created.json()["id"]
    found = send("/json", {"model": "DataAssociation", "id": new_id})
    assert found.json()["key"] == "a"
    assert send("/json/delete", {"model": model("DataAssociation"), "id": new_id}).status == 200
    assert send("/json/save", {"model": model("Sample"), "id": 424242}).status == 404


def test_json_save_plan_data_association_steps_the_plan() -> None:
    store = Store()
    ot = store.insert("operation_types", name="Check", category="QC", on_the_fly=False)
    store.insert(
        "codes",
        name="precondition",
        content="def precondition(op)\n  true\nend",
        parent_id=ot["id"],
        parent_class="OperationType",
    )
    plan = store.insert("plans", name="p", status=None)
    waiting = store.insert("operations", operation_type_id=ot["id"], status="waiting")
    planning = store.insert("operations", operation_type_id=ot["id"], status="planning")
    for op in (waiting, planning):
        store.insert("plan_associations", plan_id=plan["id"], operation_id=op["id"])
    body = {"model": model("DataAssociation"), "parent_id": plan["id"], "parent_class": "Plan"}
    response = call(save, store, {**body, "key": "note", "object": '{"note": 1}'})
    assert response.status == 200
    assert store.get("operations", waiting["id"])["status"] == "pending"
    assert store.get("operations", planning["id"])["status"] == "planning"
