"""``POST /browser/create_samples`` and ``GET /sample_list`` (protocol sections 5.6, 5.7)."""

from __future__ import annotations

from typing import Any

import pytest
from test_inventory_lab import IDS, call, new_fake

from aqfake.app import FakeAquarium


@pytest.fixture
def fake() -> FakeAquarium:
    return new_fake()


def primer(name: str, *field_values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "sample_type_id": IDS["primer"],
        "project": "p",
        "description": "d",
        "field_values": list(field_values),
        **extra,
    }


def create(fake: FakeAquarium, *samples: Any) -> Any:
    response = call(fake, "POST", "/browser/create_samples", {"samples": list(samples)})
    assert response.status == 200
    return response.json()


def field_values(fake: FakeAquarium, sample_id: int) -> list[dict[str, Any]]:
    return fake.store.lookup("field_values", parent_class="Sample", parent_id=sample_id)


def test_create_samples_answers_plain_sample_columns_in_order(fake):
    body = create(fake, primer("p1"), primer("p2"))
    names = [s["name"] for s in body["samples"]]
    assert names == ["p1", "p2"]
    first = body["samples"][0]
    assert list(first) == [
        "id",
        "name",
        "sample_type_id",
        "project",
        "created_at",
        "updated_at",
        "user_id",
        "description",
        "data",
    ]
    assert first["user_id"] == 1


def test_create_samples_ignores_user_id_in_body(fake):
    body = create(fake, primer("mine", user_id=999))
    assert body["samples"][0]["user_id"] == 1


def test_create_samples_leaves_field_type_id_null(fake):
    body = create(fake, primer("p", {"name": "Overhang", "value": "GC"}))
    (fv,) = field_values(fake, body["samples"][0]["id"])
    assert fv["name"] == "Overhang"
    assert fv["value"] == "GC"
    assert fv["field_type_id"] is None
    assert fv["role"] is None


def test_create_samples_stores_numbers_as_float_text(fake):
    body = create(
        fake,
        primer("a", {"name": "T Anneal", "value": "5"}),
        primer("b", {"name": "T Anneal", "value": None}),
        primer("c", {"name": "T Anneal", "value": 61.5}),
    )
    values = [field_values(fake, s["id"])[0]["value"] for s in body["samples"]]
    assert values == ["5.0", "0.0", "61.5"]


def test_create_samples_ignores_unknown_field_names(fake):
    body = create(fake, primer("p", {"name": "Colour", "value": "red"}))
    assert field_values(fake, body["samples"][0]["id"]) == []


def test_create_samples_finds_child_sample_by_name_not_id(fake):
    plasmid = {
        "name": "pX",
        "sample_type_id": IDS["plasmid"],
        "project": "p",
        "field_values": [
            {"name": "Parent", "child_sample_id": IDS["fwd"], "child_sample_name": "9999: rev"}
        ],
    }
    body = create(fake, plasmid)
    (fv,) = field_values(fake, body["samples"][0]["id"])
    assert fv["child_sample_id"] == IDS["rev"]


def test_create_samples_creates_new_child_sample(fake):
    plasmid = {
        "name": "pY",
        "sample_type_id": IDS["plasmid"],
        "project": "p",
        "field_values": [{"name": "Parent", "new_child_sample": primer("child")}],
    }
    body = create(fake, plasmid)
    child = fake.store.first("samples", name="child")
    assert child is not None
    assert field_values(fake, body["samples"][0]["id"])[0]["child_sample_id"] == child["id"]


def test_create_samples_rolls_back_on_duplicate_name(fake):
    before = fake.store.count("samples"), fake.store.count("field_values")
    body = create(fake, primer("new-one", {"name": "Overhang", "value": "A"}), primer("fwd"))
    assert body == {"errors": ["Name The sample name 'fwd' is the name of an existing sample"]}
    assert (fake.store.count("samples"), fake.store.count("field_values")) == before
    assert fake.store.first("samples", name="new-one") is None


def test_create_samples_duplicate_within_one_request_rolls_back_both(fake):
    body = create(fake, primer("twin"), primer("twin"))
    assert body["errors"] == ["Name The sample name 'twin' is the name of an existing sample"]
    assert fake.store.first("samples", name="twin") is None


def test_create_samples_name_uniqueness_is_case_sensitive(fake):
    body = create(fake, primer("FWD"))
    assert body["samples"][0]["name"] == "FWD"


def test_create_samples_joins_several_messages(fake):
    body = create(fake, {"sample_type_id": IDS["primer"]})
    assert body == {"errors": ["Name can't be blank, Project can't be blank"]}


def test_create_samples_rolled_back_ids_are_not_reused(fake):
    last = fake.store.rows("samples")[-1]["id"]
    create(fake, primer("gone"), primer("fwd"))
    body = create(fake, primer("kept"))
    assert body["samples"][0]["id"] == last + 2  # "gone" used last + 1, as InnoDB would


def test_create_samples_required_child_missing(fake):
    plasmid = {
        "name": "pZ",
        "sample_type_id": IDS["plasmid"],
        "project": "p",
        "field_values": [{"name": "Parent", "child_sample_name": "1: no such primer"}],
    }
    body = create(fake, plasmid)
    assert body == {
        "errors": ["Required Sample required for field 'Parent' not found or not specified."]
    }
    assert fake.store.first("samples", name="pZ") is None


def test_create_samples_empty_child_name_clears_link(fake):
    plasmid = {
        "name": "pE",
        "sample_type_id": IDS["plasmid"],
        "project": "p",
        "field_values": [{"name": "Parent", "child_sample_name": ""}],
    }
    body = create(fake, plasmid)
    (fv,) = field_values(fake, body["samples"][0]["id"])
    assert fv["child_sample_id"] is None


def test_create_samples_child_error_names_field(fake):
    plasmid = {
        "name": "pC",
        "sample_type_id": IDS["plasmid"],
        "project": "p",
        "field_values": [{"name": "Parent", "new_child_sample": primer("rev")}],
    }
    body = create(fake, plasmid)
    assert body == {
        "errors": [
            "Child error Parent: Name The sample name 'rev' is the name of an existing sample"
        ]
    }


def test_create_samples_unknown_sample_type_is_error_with_trace(fake):
    before = fake.store.count("samples")
    body = create(fake, {**primer("orphan"), "sample_type_id": 999})
    message, trace = body["errors"]
    assert message == "Couldn't find SampleType with 'id'=999"
    assert "create_samples" in trace
    assert fake.store.count("samples") == before


def test_create_samples_missing_field_value_id(fake):
    body = create(fake, primer("p", {"name": "Overhang", "id": 4242, "value": "x"}))
    assert body == {
        "errors": [
            "Missing field value Field value 4242 not found in db., "
            "Missing field value Couldn't find FieldValue with 'id'=4242"
        ]
    }


def test_create_samples_deleted_field_value_is_destroyed(fake):
    (overhang,) = [fv for fv in field_values(fake, IDS["fwd"]) if fv["name"] == "Overhang"]
    create(fake, primer("p", {"name": "Overhang", "id": overhang["id"], "deleted": True}))
    assert fake.store.get("field_values", overhang["id"]) is None


def test_create_samples_without_samples_key_is_error_not_500(fake):
    response = call(fake, "POST", "/browser/create_samples", {})
    assert response.status == 200
    assert response.json()["errors"][0] == "undefined method `each' for nil:NilClass"


def test_create_samples_non_hash_entry_is_error(fake):
    body = create(fake, 5)
    assert body["errors"][0] == "no implicit conversion of Symbol into Integer"


def test_create_samples_number_value_without_to_f(fake):
    body = create(fake, primer("p", {"name": "T Anneal", "value": True}))
    assert body["errors"][0] == "undefined method `to_f' for true:TrueClass"
    assert fake.store.first("samples", name="p") is None


def test_create_samples_requires_up_to_date_user(fake):
    newbie = fake.store.insert("users", name="Newbie", login="newbie", remember_token="tok-n")
    response = call(fake, "POST", "/browser/create_samples", {"samples": []}, login="newbie")
    assert response.status == 302
    assert response.header("Location") == f"http://aquarium.test/users/{newbie['id']}"


def test_create_samples_anonymous_redirects_to_signin(fake):
    response = call(fake, "POST", "/browser/create_samples", {"samples": []}, login=None)
    assert response.status == 302
    assert response.header("Location") == "http://aquarium.test/signin"


def test_sample_list_lists_id_colon_name(fake):
    body = call(fake, "GET", "/sample_list").json()
    assert body == [f"{s['id']}: {s['name']}" for s in fake.store.rows("samples")]


def test_sample_list_by_sample_type(fake):
    body = call(fake, "GET", f"/sample_list/{IDS['plasmid']}").json()
    assert body == []
    primers = call(fake, "GET", f"/sample_list/{IDS['primer']}.json").json()
    assert primers == [f"{IDS['fwd']}: fwd", f"{IDS['rev']}: rev"]


def test_sample_list_non_numeric_type_matches_nothing(fake):
    assert call(fake, "GET", "/sample_list/abc").json() == []


def test_create_samples_out_of_range_id_is_error_not_500(fake):
    body = create(fake, {**primer("big"), "sample_type_id": 2**31})
    assert (
        body["errors"][0]
        == "2147483648 is out of range for ActiveRecord::Type::Integer with limit 4"
    )
