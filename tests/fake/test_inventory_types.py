"""``/object_types`` and ``/sample_types`` (protocol sections 5.12 and 5.13)."""

from __future__ import annotations

from typing import Any

import pytest
from test_inventory_lab import IDS, call, new_fake, row

from aqfake.app import FakeAquarium


@pytest.fixture
def fake() -> FakeAquarium:
    return new_fake()


def object_type(**overrides: Any) -> dict[str, Any]:
    """What pydent's ``ObjectType.dump()`` sends: every column, no wrapper key."""
    return {
        "id": None,
        "name": "Falcon Tube",
        "description": "50 mL",
        "min": 0,
        "max": 10,
        "handler": "sample_container",
        "safety": "No safety information",
        "cleanup": "No cleanup information",
        "data": "No data",
        "vendor": "No vendor information",
        "created_at": None,
        "updated_at": None,
        "unit": "tube",
        "cost": 0.5,
        "release_method": "return",
        "release_description": "",
        "sample_type_id": None,
        "image": None,
        "prefix": "",
        "rows": 4,
        "columns": 6,
        **overrides,
    }


# -- object types ------------------------------------------------------------------------------


def test_object_type_create_answers_201(fake):
    response = call(fake, "POST", "/object_types.json", object_type())
    assert response.status == 201
    body = response.json()
    assert body["name"] == "Falcon Tube"
    assert body["rows"] is None and body["columns"] is None  # not a collection
    assert response.header("Location") == f"http://aquarium.test/object_types/{body['id']}"
    stored = row(fake, "object_types", body["id"])
    assert (stored["rows"], stored["columns"]) == (None, None)


def test_object_type_create_collection_keeps_dimensions(fake):
    body = call(fake, "POST", "/object_types.json", object_type(handler="collection")).json()
    assert (body["rows"], body["columns"]) == (4, 6)


def test_object_type_create_ignores_body_id(fake):
    body = call(fake, "POST", "/object_types.json", object_type(id=77)).json()
    assert body["id"] != 77


def test_object_type_create_invalid_is_422_bare_errors(fake):
    response = call(
        fake,
        "POST",
        "/object_types.json",
        object_type(name="Primer Aliquot", min=5, max=1, cost=0, release_method="keep"),
    )
    assert response.status == 422
    assert response.json() == {
        "min": ["min must be greater than zero and less than or equal to max"],
        "cost": ["must be at least $0.01"],
        "release_method": ["must be either return, dispose, or query"],
        "name": ["has already been taken"],
    }


def test_object_type_create_blank_body_lists_every_field(fake):
    response = call(fake, "POST", "/object_types.json", {})
    assert response.status == 422
    assert list(response.json()) == [
        "name",
        "unit",
        "min",
        "max",
        "release_method",
        "description",
        "cost",
    ]


def test_object_type_create_reads_wrapper_key_when_sent(fake):
    response = call(
        fake, "POST", "/object_types.json", {"object_type": object_type(name="Wrapped")}
    )
    assert response.json()["name"] == "Wrapped"


def test_object_type_update_answers_204(fake):
    response = call(
        fake,
        "PUT",
        f"/object_types/{IDS['stock']}.json",
        object_type(id=IDS["stock"], name="Primer Stock", description="renamed", prefix=None),
    )
    assert response.status == 204
    assert response.body == b""
    assert row(fake, "object_types", IDS["stock"])["description"] == "renamed"


def test_object_type_update_invalid_is_422(fake):
    response = call(
        fake,
        "PUT",
        f"/object_types/{IDS['stock']}.json",
        object_type(name="Primer Aliquot", prefix=None),
    )
    assert response.status == 422
    assert response.json() == {"name": ["has already been taken"]}


def test_object_type_prefix_change_with_wizard_items_renders_edit_page(fake):
    response = call(
        fake,
        "PUT",
        f"/object_types/{IDS['aliquot']}.json",
        object_type(name="Primer Aliquot", prefix="M80"),
    )
    assert response.status == 200
    assert response.header("Content-Type").startswith("text/html")
    assert "Cannot change location wizard to M80" in response.body.decode()
    assert row(fake, "object_types", IDS["aliquot"])["prefix"] == "M20"


def test_object_type_update_missing_is_json_404(fake):
    response = call(fake, "PUT", "/object_types/999.json", object_type())
    assert response.json() == {"status": "404", "error": "Not Found"}


# -- sample types ------------------------------------------------------------------------------


def test_sample_types_index_sorted_with_field_types(fake):
    body = call(fake, "GET", "/sample_types.json").json()
    assert [st["name"] for st in body] == ["Plasmid", "Primer"]
    (parent,) = body[0]["field_types"]
    assert parent["name"] == "Parent"
    (aft,) = parent["allowable_field_types"]
    assert aft["sample_type"]["name"] == "Primer"


def test_sample_types_index_without_json_is_html(fake):
    response = call(fake, "GET", "/sample_types")
    assert response.header("Content-Type").startswith("text/html")


def sample_type_body(**overrides: Any) -> dict[str, Any]:
    return {
        "sample_type": {
            "name": "Yeast",
            "description": "A strain",
            "field_types": [
                {
                    "name": "Mating Type",
                    "ftype": "string",
                    "choices": "a,alpha",
                    "required": True,
                    "array": False,
                },
                {
                    "name": "Plasmid",
                    "ftype": "sample",
                    "allowable_field_types": [{"sample_type_id": IDS["plasmid"]}],
                },
            ],
            **overrides,
        }
    }


def test_sample_type_create_answers_wrapped_sample_type(fake):
    response = call(fake, "POST", "/sample_types.json", sample_type_body())
    assert response.status == 200
    created = response.json()["sample_type"]
    assert created["name"] == "Yeast"
    assert "field_types" not in created
    fields = fake.store.lookup("field_types", parent_class="SampleType", parent_id=created["id"])
    assert [f["name"] for f in fields] == ["Mating Type", "Plasmid"]
    assert fields[0]["choices"] == "a,alpha" and fields[0]["required"] is True
    (aft,) = fake.store.lookup("allowable_field_types", field_type_id=fields[1]["id"])
    assert aft["sample_type_id"] == IDS["plasmid"]


def test_sample_type_create_invalid_is_200_errors_object(fake):
    response = call(fake, "POST", "/sample_types.json", sample_type_body(name="Primer"))
    assert response.status == 200
    assert response.json() == {"errors": {"name": ["has already been taken"]}}


def test_sample_type_create_bad_field_type_keeps_sample_type(fake):
    body = sample_type_body()
    body["sample_type"]["field_types"][1]["ftype"] = "colour"
    response = call(fake, "POST", "/sample_types.json", body)
    assert response.status == 500
    assert response.json() == {"errors": "You cannot call create unless the parent is saved"}
    assert fake.store.first("sample_types", name="Yeast") is not None  # no transaction


def test_sample_type_create_requires_up_to_date_user(fake):
    fake.store.insert("users", name="Newbie", login="newbie", remember_token="tok-n")
    response = call(fake, "POST", "/sample_types.json", sample_type_body(), login="newbie")
    assert response.status == 302


def test_sample_type_update_uses_body_id_and_saves_field_types(fake):
    (parent,) = fake.store.lookup(
        "field_types", parent_class="SampleType", parent_id=IDS["plasmid"]
    )
    body = {
        "sample_type": {
            "id": IDS["plasmid"],
            "name": "Plasmid",
            "description": "Circular DNA",
            "field_types": [
                {"id": parent["id"], "deleted": True},
                {"name": "Length", "ftype": "number"},
            ],
        }
    }
    response = call(fake, "PUT", "/sample_types/999", body)
    assert response.status == 200
    assert response.json()["sample_type"]["description"] == "Circular DNA"
    names = [
        f["name"]
        for f in fake.store.lookup(
            "field_types", parent_class="SampleType", parent_id=IDS["plasmid"]
        )
    ]
    assert names == ["Length"]
    assert fake.store.lookup("allowable_field_types", field_type_id=parent["id"]) == []


def test_object_type_create_html_redirects_to_list(fake):
    response = call(fake, "POST", "/object_types", object_type(name="Html Tube"))
    assert response.status == 302
    assert response.header("Location") == "http://aquarium.test/object_types"
    assert fake.store.first("object_types", name="Html Tube") is not None


def test_object_type_create_html_invalid_shows_form(fake):
    response = call(fake, "POST", "/object_types", object_type(cost=0))
    assert response.status == 200
    assert "Cost must be at least $0.01" in response.body.decode()
