"""``/collections``: create, show with ``part_matrix``, assign and delete parts (section 5.11)."""

from __future__ import annotations

import json

import pytest
from test_inventory_lab import IDS, call, new_fake, row

from aqfake.app import FakeAquarium


@pytest.fixture
def fake() -> FakeAquarium:
    return new_fake()


def collection_das(fake: FakeAquarium, key: str) -> list[dict]:
    return [
        da
        for da in fake.store.lookup("data_associations", parent_id=IDS["collection"], key=key)
        if da["parent_class"] == "Collection"
    ]


def test_new_collection_at_bench_without_wizard(fake):
    body = call(fake, "PUT", f"/collections/{IDS['rack']}.json", {"ignored": True}).json()
    assert body["location"] == "Bench"
    assert body["object_type_id"] == IDS["rack"]
    assert (body["quantity"], body["inuse"]) == (1, 0)
    assert "dimensions" not in body
    assert {"id", "created_at", "updated_at"} <= set(body)


def test_new_collection_takes_wizard_slot(fake):
    body = call(fake, "PUT", f"/collections/{IDS['boxed']}").json()
    assert body["location"] == "M20.0.0.1"
    assert body["locator_id"] is not None


def test_new_collection_missing_object_type_is_404(fake):
    assert call(fake, "PUT", "/collections/999.json").json() == {
        "status": "404",
        "error": "Not Found",
    }


def test_new_collection_anonymous_put_is_not_logged_in(fake):
    response = call(fake, "PUT", f"/collections/{IDS['rack']}.json", login=None)
    assert response.status == 200
    assert response.json() == {"error": "Not-logged-in"}


def test_show_collection_has_part_matrix(fake):
    body = call(fake, "GET", f"/collections/{IDS['collection']}").json()
    matrix = body["part_matrix"]
    assert [len(r) for r in matrix] == [3, 3]
    assert matrix[0][0] is None
    part = matrix[0][1]
    assert part["sample_id"] == IDS["fwd"]
    assert part["location"] == "Part of Collection"
    assert part["sample"]["name"] == "fwd"
    assert part["sample"]["sample_type"]["name"] == "Primer"
    assert part["object_type"]["name"] == "__Part"
    assert part["data_associations"] == []
    assert list(body)[-1] == "part_matrix"


def test_show_part_data_associations_newest_first_per_key(fake):
    part_id = call(fake, "GET", f"/collections/{IDS['collection']}").json()["part_matrix"][0][1][
        "id"
    ]
    for key, value in (("b", 1), ("a", 1), ("b", 2)):
        fake.store.insert(
            "data_associations",
            parent_class="Item",
            parent_id=part_id,
            key=key,
            object=json.dumps({key: value}),
        )
    part = call(fake, "GET", f"/collections/{IDS['collection']}").json()["part_matrix"][0][1]
    assert [
        (da["key"], json.loads(da["object"])[da["key"]]) for da in part["data_associations"]
    ] == [
        ("a", 1),
        ("b", 2),
        ("b", 1),
    ]


def test_show_missing_collection_is_404(fake):
    assert call(fake, "GET", "/collections/999").status == 404


def test_show_ordinary_item_uses_twelve_by_one(fake):
    body = call(fake, "GET", f"/collections/{IDS['loose']}").json()
    assert [len(r) for r in body["part_matrix"]] == [1] * 12


def test_assign_sample_redirects_to_collection(fake):
    response = call(
        fake,
        "POST",
        f"/collections/{IDS['collection']}/assign_sample",
        {"sample_id": IDS["rev"], "pairs": [[1, 2]]},
    )
    assert response.status == 302
    assert response.header("Location") == f"http://aquarium.test/collections/{IDS['collection']}"
    matrix = call(fake, "GET", f"/collections/{IDS['collection']}").json()["part_matrix"]
    assert matrix[1][2]["sample_id"] == IDS["rev"]
    assert matrix[1][2]["object_type_id"] == 1


def test_assign_sample_reassigns_existing_part_and_records_it(fake):
    call(
        fake,
        "POST",
        f"/collections/{IDS['collection']}/assign_sample",
        {"sample_id": IDS["rev"], "pairs": [[0, 1]]},
    )
    matrix = call(fake, "GET", f"/collections/{IDS['collection']}").json()["part_matrix"]
    assert matrix[0][1]["sample_id"] == IDS["rev"]
    (da,) = collection_das(fake, "Sample Reassigned")
    assert json.loads(da["object"]) == {
        "Sample Reassigned": f"The sample at 0, 1 was changed from {IDS['fwd']} to {IDS['rev']}."
    }


def test_assign_sample_negative_index_counts_from_end(fake):
    call(
        fake,
        "POST",
        f"/collections/{IDS['collection']}/assign_sample",
        {"sample_id": IDS["rev"], "pairs": [[-2, -2]]},
    )
    (da,) = collection_das(fake, "Sample Reassigned")
    assert "at -2, -2 was changed" in da["object"]


def test_assign_sample_row_past_end_is_500(fake):
    response = call(
        fake,
        "POST",
        f"/collections/{IDS['collection']}/assign_sample",
        {"sample_id": IDS["rev"], "pairs": [[5, 0]]},
    )
    assert response.status == 500


def test_assign_sample_missing_sample_is_404(fake):
    response = call(
        fake, "POST", f"/collections/{IDS['collection']}/assign_sample", {"pairs": [[0, 0]]}
    )
    assert response.status == 404


def test_assign_sample_without_pairs_is_500(fake):
    response = call(
        fake,
        "POST",
        f"/collections/{IDS['collection']}/assign_sample",
        {"sample_id": IDS["rev"], "pairs": []},
    )
    assert response.status == 500


def test_delete_selection_marks_part_deleted(fake):
    part_id = fake.store.first("part_associations", collection_id=IDS["collection"])["part_id"]
    response = call(
        fake,
        "POST",
        f"/collections/{IDS['collection']}/delete_selection",
        {"pairs": [[0, 1], [1, 1]]},
    )
    assert response.status == 302
    assert response.header("Location").endswith(f"/collections/{IDS['collection']}")
    part = row(fake, "items", part_id)
    assert (part["location"], part["quantity"], part["inuse"]) == ("deleted", -1, -1)
    assert fake.store.first("part_associations", collection_id=IDS["collection"]) is None
    (da,) = collection_das(fake, "Part Deleted")
    assert json.loads(da["object"])["Part Deleted"] == (
        f"The sample at 0, 1 was deleted. It used to be sample {IDS['fwd']} "
        f"via deleted part {part_id}."
    )


def test_delete_selection_string_indexes_match_rows(fake):
    call(
        fake,
        "POST",
        f"/collections/{IDS['collection']}/delete_selection",
        {"pairs": [["0", "1"]]},
    )
    assert fake.store.first("part_associations", collection_id=IDS["collection"]) is None
