"""Operation types, versioned code and libraries (protocol sections 5.14 - 5.16)."""

from __future__ import annotations

from typing import Any

import pytest
from planning_lab import Client, ids, planning_lab

from aqfake.app import FakeAquarium


@pytest.fixture
def fake() -> FakeAquarium:
    return FakeAquarium(planning_lab)


@pytest.fixture
def client(fake: FakeAquarium) -> Client:
    return Client(fake)


def ot_body(name: str = "Digest", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "category": "Test",
        "deployed": False,
        "on_the_fly": False,
        "field_types": [
            {
                "name": "Plasmid",
                "role": "input",
                "ftype": "sample",
                "array": False,
                "part": False,
                "routing": "P",
                "allowable_field_types": [
                    {"sample_type": {"name": "Primer"}, "object_type": {"name": "Primer Stock"}}
                ],
            }
        ],
        "protocol": {"content": "class Protocol; end", "name": "protocol"},
        "cost_model": {"content": "def cost(op) { labor: 1, materials: 1 } end"},
    }
    body.update(overrides)
    return body


# -- GET /operation_types.json ------------------------------------------------------------------


def test_operation_types_index_renders_field_types_and_code(client: Client) -> None:
    data = client.call("GET", "/operation_types.json").json()
    rehydrate = next(ot for ot in data if ot["name"] == "Rehydrate")
    assert list(rehydrate)[-5:] == [
        "field_types",
        "protocol",
        "precondition",
        "cost_model",
        "documentation",
    ]
    assert (
        rehydrate["field_types"][0]["allowable_field_types"][0]["object_type"]["name"]
        == "Primer Stock"
    )
    assert rehydrate["precondition"]["content"].startswith("def precondition")
    blank = next(ot for ot in data if ot["name"] == "Blank")
    assert blank["cost_model"] is None


def test_operation_types_index_is_500_for_non_admin(client: Client) -> None:
    response = client.as_user("walt").call("GET", "/operation_types.json")
    assert response.status == 500
    assert response.json() == {"status": "500", "error": "Internal Server Error"}


# -- POST /operation_types.json -----------------------------------------------------------------


def test_operation_type_create_makes_field_types_afts_and_five_codes(
    fake: FakeAquarium, client: Client
) -> None:
    response = client.call("POST", "/operation_types.json", ot_body())
    assert response.status == 200
    data = response.json()
    assert list(data)[-6:] == [
        "field_types",
        "protocol",
        "precondition",
        "cost_model",
        "documentation",
        "test",
    ]
    assert data["protocol"]["content"] == "class Protocol; end"
    assert data["precondition"]["content"] == ""  # no content given: an empty code
    assert data["test"]["user_id"] == 1
    (aft,) = data["field_types"][0]["allowable_field_types"]
    assert (aft["sample_type"]["name"], aft["object_type"]["name"]) == ("Primer", "Primer Stock")
    assert len(ids(fake.store, "codes", parent_class="OperationType", parent_id=data["id"])) == 5


def test_operation_type_create_name_taken_in_category_is_422_error(client: Client) -> None:
    response = client.call("POST", "/operation_types.json", ot_body("rehydrate"))
    assert response.status == 422
    assert response.json() == {"error": "An operation type named rehydrate already exists."}


def test_operation_type_create_invalid_is_422(client: Client) -> None:
    response = client.call("POST", "/operation_types.json", ot_body(category=""))
    assert (response.status, response.json()) == (422, {"error": "invalid operation type"})


def test_operation_type_create_unknown_object_type_name_is_500(client: Client) -> None:
    body = ot_body()
    body["field_types"][0]["allowable_field_types"][0]["object_type"]["name"] = "Nope"
    assert client.call("POST", "/operation_types.json", body).status == 500


def test_operation_type_admin_gate_500_after_side_effects(
    fake: FakeAquarium, client: Client
) -> None:
    response = client.as_user("walt").call("POST", "/operation_types.json", ot_body())
    assert response.status == 500
    created = fake.store.first("operation_types", name="Digest")
    assert created is not None
    assert len(ids(fake.store, "codes", parent_class="OperationType", parent_id=created["id"])) == 5


# -- PUT /operation_types/:id -------------------------------------------------------------------


def test_operation_type_update_syncs_field_types(fake: FakeAquarium, client: Client) -> None:
    existing = fake.store.lookup("field_types", parent_class="OperationType", parent_id=2)
    primer, aliquot = existing
    body = {
        "name": "Rehydrate",
        "category": "Test",
        "deployed": True,
        "field_types": [
            {
                "id": primer["id"],
                "name": "Primer!",
                "role": "input",
                "ftype": "sample",
                "allowable_field_types": [{"id": 1}],
            },
            {"id": None, "name": "Volume", "role": "input", "ftype": "number"},
        ],
    }
    response = client.call("PUT", "/operation_types/2", body)
    assert response.status == 200
    data = response.json()
    assert "test" not in data and data["on_the_fly"] is None
    names = [ft["name"] for ft in data["field_types"]]
    assert names == ["Primer!", "Volume"]
    assert fake.store.get("field_types", aliquot["id"]) is None
    assert ids(fake.store, "allowable_field_types", field_type_id=primer["id"]) == [1]


def test_operation_type_update_leaves_code_alone(fake: FakeAquarium, client: Client) -> None:
    before = fake.store.count("codes")
    client.call(
        "PUT",
        "/operation_types/2",
        {"name": "Rehydrate", "category": "Test", "protocol": {"content": "changed"}},
    )
    assert fake.store.count("codes") == before


def test_operation_type_update_invalid_is_422_with_error_list(client: Client) -> None:
    response = client.call("PUT", "/operation_types/2", {"category": "Test"})
    assert (response.status, response.json()) == (422, {"error": ["Name can't be blank"]})


def test_operation_type_update_missing_is_404_and_non_admin_500(client: Client) -> None:
    assert client.call("PUT", "/operation_types/99", {"name": "x"}).status == 404
    response = client.as_user("walt").call(
        "PUT", "/operation_types/2", {"name": "W", "category": "Test"}
    )
    assert response.status == 500


# -- code ---------------------------------------------------------------------------------------


def test_code_rows_are_versioned(fake: FakeAquarium, client: Client) -> None:
    before = ids(fake.store, "codes", parent_class="OperationType", parent_id=2, name="protocol")
    first = client.call(
        "POST", "/operation_types/code", {"id": 2, "name": "protocol", "content": "v2"}
    ).json()
    second = client.call(
        "POST", "/operation_types/code", {"id": 2, "name": "protocol", "content": "v3"}
    ).json()
    after = ids(fake.store, "codes", parent_class="OperationType", parent_id=2, name="protocol")
    assert after == [*before, first["id"], second["id"]]
    assert list(second) == [
        "id",
        "name",
        "content",
        "parent_id",
        "parent_class",
        "created_at",
        "updated_at",
        "user_id",
    ]
    assert (second["content"], second["user_id"]) == ("v3", 1)
    rehydrate = next(
        ot for ot in client.call("GET", "/operation_types.json").json() if ot["id"] == 2
    )
    assert rehydrate["protocol"]["content"] == "v3"


def test_code_for_non_admin_works(client: Client) -> None:
    response = client.as_user("walt").call(
        "POST", "/operation_types/code", {"id": 2, "name": "test", "content": "x"}
    )
    assert response.status == 200


def test_code_no_edit_and_missing_parents(client: Client) -> None:
    assert client.call("POST", "/operation_types/code", {"id": 2, "no_edit": True}).json() == {}
    missing = client.call("POST", "/operation_types/code", {"id": 99, "name": "protocol"})
    assert (missing.status, missing.json()) == (422, {"error": "invalid operation type"})
    assert client.call("POST", "/libraries/code", {"id": 99, "content": "x"}).status == 404


def test_library_code_is_always_named_source(client: Client) -> None:
    data = client.call(
        "POST", "/libraries/code", {"id": 1, "name": "protocol", "content": "lib"}
    ).json()
    assert (data["name"], data["parent_class"], data["content"]) == ("source", "Library", "lib")


# -- libraries ----------------------------------------------------------------------------------


def test_library_create_with_source(fake: FakeAquarium, client: Client) -> None:
    body = {"name": "Helpers", "category": "Test", "source": {"content": "module Helpers; end"}}
    response = client.call("POST", "/libraries.json", body)
    assert response.status == 200
    data = response.json()
    assert list(data) == ["id", "name", "category", "created_at", "updated_at"]
    (code,) = fake.store.lookup("codes", parent_class="Library", parent_id=data["id"])
    assert (code["name"], code["content"]) == ("source", "module Helpers; end")


def test_library_create_failures_are_500(fake: FakeAquarium, client: Client) -> None:
    assert (
        client.call(
            "POST",
            "/libraries.json",
            {"name": "debug", "category": "Standard Libs", "source": {"content": ""}},
        ).status
        == 500
    )
    response = client.call("POST", "/libraries.json", {"name": "NoSource", "category": "Test"})
    assert response.status == 500
    assert fake.store.first("libraries", name="NoSource") is not None  # saved before the failure


def test_library_create_admin_gate(fake: FakeAquarium, client: Client) -> None:
    body = {"name": "Walts", "category": "Test", "source": {"content": ""}}
    assert client.as_user("walt").call("POST", "/libraries.json", body).status == 500
    assert fake.store.first("libraries", name="Walts") is not None


def test_admin_check_creates_a_missing_admin_group(fake: FakeAquarium, client: Client) -> None:
    admin = fake.store.first("groups", name="admin")
    assert admin is not None
    for membership in fake.store.lookup("memberships", group_id=admin["id"]):
        fake.store.delete("memberships", membership["id"])
    fake.store.delete("groups", admin["id"])
    assert client.call("GET", "/operation_types.json").status == 500
    assert fake.store.first("groups", name="admin") is not None
