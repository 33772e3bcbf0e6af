"""End to end: aqsession's inventory helpers against the fake's inventory endpoints.

Each test drives the client (``aq_session``, demo lab) and then checks the fake's store, so the
two sides are shown to agree on the wire format and on what the server does.
"""

from __future__ import annotations

from typing import Any

import pytest

from aqfake.app import FakeAquarium
from aqsession.exceptions import TridentRequestError


def primer(session: Any, name: str, **properties: Any) -> Any:
    sample_type = session.SampleType.find_by_name("Primer")
    sample = session.Sample.new(
        name=name, project="e2e", description="made by a test", sample_type_id=sample_type.id
    )
    sample.update_properties({"Anneal Sequence": "ACGTACGT", "T Anneal": 58, **properties})
    return sample


def aliquot_type(session: Any) -> Any:
    return session.ObjectType.find_by_name("Primer Aliquot")


def test_client_sample_save_creates_sample_and_field_values(aq_session, aq_fake):
    sample = primer(aq_session, "e2e-fwd").save()
    assert sample.id
    stored = aq_fake.store.get("samples", sample.id)
    assert stored["name"] == "e2e-fwd" and stored["user_id"] == 1
    values = {
        fv["name"]: fv
        for fv in aq_fake.store.lookup("field_values", parent_class="Sample", parent_id=sample.id)
    }
    assert values["T Anneal"]["value"] == "58.0"
    assert values["Anneal Sequence"]["field_type_id"] is None  # the server's quirk
    again = aq_session.Sample.find(sample.id)
    assert again.properties["Anneal Sequence"] == "ACGTACGT"


def test_client_create_samples_duplicate_raises_and_rolls_back(aq_session, aq_fake):
    existing = aq_fake.store.rows("samples")[0]["name"]
    before = aq_fake.store.count("samples")
    with pytest.raises(TridentRequestError, match="is the name of an existing sample"):
        aq_session.utils.create_samples(
            [primer(aq_session, "e2e-new"), primer(aq_session, existing)]
        )
    assert aq_fake.store.count("samples") == before


def test_client_item_save_takes_next_wizard_slot(aq_session, aq_fake):
    sample = aq_session.Sample.find(1)
    item = aq_session.Item.new(sample_id=sample.id, object_type_id=aliquot_type(aq_session).id)
    item.save()
    assert item.id
    row = aq_fake.store.get("items", item.id)
    assert item.location == row["location"] and row["location"].startswith("M20.")
    assert row["locator_id"] is not None


def test_client_item_move_and_move_to_taken_slot(aq_session, aq_fake):
    ot = aliquot_type(aq_session)
    first, second = (
        aq_session.Item.new(sample_id=1, object_type_id=ot.id).save() for _ in range(2)
    )
    first.move("M20.3.15.80")
    assert aq_session.Item.find(first.id).location == "M20.3.15.80"
    with pytest.raises(TridentRequestError, match=f"Location taken by item {first.id}"):
        second.move("M20.3.15.80")
    assert aq_fake.store.get("items", second.id)["location"] != "M20.3.15.80"


def test_client_utils_create_items_and_move_item(aq_session, aq_fake):
    ot = aliquot_type(aq_session)
    (result,) = aq_session.utils.create_items(
        [aq_session.Item.new(sample_id=2, object_type_id=ot.id)]
    )
    item_id = result["item"]["id"]
    item = aq_session.Item.find(item_id)
    aq_session.utils.move_item(item, "Bench 4")
    assert aq_fake.store.get("items", item_id)["location"] == "Bench 4"
    assert aq_fake.store.first("locators", item_id=item_id) is None


def test_client_item_store_uses_the_real_id(aq_session, aq_fake):
    item = aq_session.Item.new(sample_id=1, object_type_id=aliquot_type(aq_session).id).save()
    item.move("Bench")
    item.store()
    assert item.location.startswith("M20.")
    assert aq_fake.store.get("items", item.id)["locator_id"] is not None


def test_client_browser_sample_list_matches_store(aq_session, aq_fake):
    type_id = aq_session.SampleType.find_by_name("Primer").id
    listing = aq_session.browser.sample_list(type_id)
    expected = [
        f"{s['id']}: {s['name']}" for s in aq_fake.store.lookup("samples", sample_type_id=type_id)
    ]
    assert listing == expected


def collection_type(fake: FakeAquarium) -> dict[str, Any]:
    return next(ot for ot in fake.store.rows("object_types") if ot["handler"] == "collection")


def test_client_collection_create_assign_and_remove(aq_session, aq_fake):
    ot = collection_type(aq_fake)
    collection = aq_session.Collection.new(object_type_id=ot["id"]).save()
    assert collection.id and collection.created_at
    collection.assign_sample(1, [(0, 0), (0, 1)])
    matrix = aq_session.Collection.find(collection.id).matrix
    assert matrix[0][:2] == [1, 1]
    collection.remove_sample([(0, 1)])
    assert aq_session.Collection.find(collection.id).matrix[0][:2] == [1, None]
    keys = {
        da["key"]
        for da in aq_fake.store.lookup("data_associations", parent_id=collection.id)
        if da["parent_class"] == "Collection"
    }
    assert keys == {"Part Deleted"}


def test_client_object_type_create_then_update(aq_session, aq_fake):
    ot = aq_session.ObjectType.new(
        name="e2e Tube",
        description="a tube",
        min=0,
        max=5,
        handler="sample_container",
        unit="tube",
        cost=1.5,
        release_method="return",
    )
    ot.save()
    assert ot.id and aq_fake.store.get("object_types", ot.id)["name"] == "e2e Tube"
    ot.description = "a better tube"
    ot.save()  # the server answers 204 No Content
    assert aq_fake.store.get("object_types", ot.id)["description"] == "a better tube"


def test_client_create_sample_type_with_field_types(aq_session, aq_fake):
    st = aq_session.SampleType.new(name="e2e Strain", description="a strain")
    st.field_types = [aq_session.FieldType.new(name="Mating Type", ftype="string")]
    aq_session.utils.create_sample_type(st)
    row = aq_fake.store.first("sample_types", name="e2e Strain")
    assert row is not None
    (field,) = aq_fake.store.lookup("field_types", parent_class="SampleType", parent_id=row["id"])
    assert field["name"] == "Mating Type"
    assert st.id == row["id"]


def test_client_sample_fields_link_child_samples_by_name(aq_session, aq_fake):
    fragment = aq_session.SampleType.find_by_name("Fragment")
    fwd = aq_session.Sample.find_by_name("fwd-GFP-01")
    rev = aq_session.Sample.find_by_name("rev-GFP-01")
    sample = aq_session.Sample.new(
        name="e2e-frag", project="e2e", description="x", sample_type_id=fragment.id
    )
    sample.update_properties({"Length": 700, "Forward Primer": fwd, "Reverse Primer": rev})
    sample.save()
    links = {
        fv["name"]: fv["child_sample_id"]
        for fv in aq_fake.store.lookup("field_values", parent_class="Sample", parent_id=sample.id)
    }
    assert links["Forward Primer"] == fwd.id and links["Reverse Primer"] == rev.id
    assert "Template" not in links  # the client sent no value for it, so none was made
    assert aq_session.Sample.find(sample.id).properties["Forward Primer"].id == fwd.id
