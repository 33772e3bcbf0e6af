"""Collection grids against the fake (demo lab, in-process ``aq_session``).

Every answer is checked against the fake's store (``part_associations``, ``items``,
``data_associations``), so the views are shown to agree with what the server holds.
"""

from __future__ import annotations

from typing import Any

import pytest

from aqfake.app import FakeAquarium
from aqsession.exceptions import AquariumModelError
from aqsession.models.collections import CollectionMatrix

#: The tests use the demo's hand-filled plates (partly filled, last well free); the grown lab
#: adds full ones.
pytestmark = pytest.mark.aq_lab("demo", size="small")

# -- the store's truth -----------------------------------------------------------------------


def plate_row(fake: FakeAquarium) -> dict[str, Any]:
    """The demo lab's 96-well plate holding the most parts."""
    plate_type = next(ot for ot in fake.store.rows("object_types") if ot["name"] == "96 Well Plate")
    plates = fake.store.lookup("items", object_type_id=plate_type["id"])
    return max(
        plates, key=lambda p: len(fake.store.lookup("part_associations", collection_id=p["id"]))
    )


def links(fake: FakeAquarium, collection_id: int) -> dict[tuple[int, int], dict[str, Any]]:
    """``{(row, column): part_associations row}`` of a collection."""
    rows = fake.store.lookup("part_associations", collection_id=collection_id)
    return {(r["row"], r["column"]): r for r in rows}


def stored_matrix(fake: FakeAquarium, collection_id: int, rows: int, cols: int) -> list[list[Any]]:
    grid: list[list[Any]] = [[None] * cols for _ in range(rows)]
    for (r, c), link in links(fake, collection_id).items():
        grid[r][c] = fake.store.get("items", link["part_id"])["sample_id"]
    return grid


def part_type_id(fake: FakeAquarium) -> int:
    return next(ot["id"] for ot in fake.store.rows("object_types") if ot["name"] == "__Part")


def collection_notes(fake: FakeAquarium, collection_id: int) -> list[str]:
    rows = fake.store.lookup("data_associations", parent_id=collection_id)
    return [da["key"] for da in rows if da["parent_class"] == "Collection"]


@pytest.fixture
def plate(aq_session: Any, aq_fake: FakeAquarium) -> Any:
    return aq_session.Collection.find(plate_row(aq_fake)["id"])


@pytest.fixture
def empty_slot(plate: Any, aq_fake: FakeAquarium) -> tuple[int, int]:
    taken = links(aq_fake, plate.id)
    return next((r, c) for r in range(8) for c in range(12) if (r, c) not in taken)


@pytest.fixture
def filled_slot(plate: Any, aq_fake: FakeAquarium) -> tuple[int, int]:
    return sorted(links(aq_fake, plate.id))[0]


def other_sample_id(aq_fake: FakeAquarium, not_this: Any) -> int:
    return next(s["id"] for s in aq_fake.store.rows("samples") if s["id"] != not_this)


# -- reading ---------------------------------------------------------------------------------


def test_matrix_is_the_stored_grid_with_none_for_empty_slots(plate, aq_fake):
    expected = stored_matrix(aq_fake, plate.id, 8, 12)
    assert plate.dimensions == [8, 12]
    assert plate.matrix == expected
    assert plate.matrix[:] == expected
    assert any(None in row for row in expected) and any(
        v is not None for row in expected for v in row
    )


def test_matrix_costs_two_requests_however_many_parts(plate, aq_session, aq_fake):
    assert len(links(aq_fake, plate.id)) > 10
    before = aq_session.aqhttp.num_requests
    plate.matrix  # noqa: B018
    assert aq_session.aqhttp.num_requests - before == 2  # part associations, then all parts


def test_indexing_shapes_follow_pydent(plate, aq_fake, filled_slot, empty_slot):
    grid = stored_matrix(aq_fake, plate.id, 8, 12)
    r, c = filled_slot
    assert plate[r, c] == grid[r][c] and plate[empty_slot] is None
    assert plate[1] == grid[1]
    assert plate[:, 0] == [row[0] for row in grid]
    assert plate[1:3, 2:5] == [row[2:5] for row in grid[1:3]]
    assert plate[2, 1:4] == grid[2][1:4]
    assert plate[-1, -1] == grid[7][11]
    assert plate[::4] == grid[::4]


def test_bad_indexes_name_the_problem(plate):
    with pytest.raises(IndexError, match="row 8"):
        plate[8, 0]
    with pytest.raises(IndexError, match="column 12"):
        plate[0, 12]
    with pytest.raises(TypeError, match="str"):
        plate["A1"]
    with pytest.raises(IndexError, match="3 parts"):
        plate[0, 1, 2]


def test_part_and_part_association_matrices_match_the_store(
    plate, aq_fake, filled_slot, empty_slot
):
    stored = links(aq_fake, plate.id)
    parts = plate.part_matrix
    associations = plate.part_association_matrix
    for (r, c), link in stored.items():
        assert parts[r, c].id == link["part_id"]
        assert associations[r, c].id == link["id"]
    assert parts[empty_slot] is None and associations[empty_slot] is None
    r, c = filled_slot
    assert plate.part(r, c).id == stored[(r, c)]["part_id"]
    assert plate.part_association(r, c).part_id == stored[(r, c)]["part_id"]
    assert plate.part(*empty_slot) is None


def test_sample_matrix_loads_samples_in_one_request(plate, aq_session, aq_fake):
    grid = stored_matrix(aq_fake, plate.id, 8, 12)
    plate.part_matrix  # noqa: B018 - parts loaded first
    before = aq_session.aqhttp.num_requests
    samples = plate.sample_matrix
    assert aq_session.aqhttp.num_requests - before == 1
    for r in range(8):
        for c in range(12):
            sample = samples[r, c]
            assert (sample.id if sample is not None else None) == grid[r][c]
            if sample is not None:
                assert sample.name == aq_fake.store.get("samples", sample.id)["name"]


def test_views_iterate_flatten_and_contain_values(plate, aq_fake):
    grid = stored_matrix(aq_fake, plate.id, 8, 12)
    matrix = plate.matrix
    assert list(matrix) == grid
    assert matrix.flatten() == [v for row in grid for v in row]
    present = next(v for row in grid for v in row if v is not None)
    assert present in matrix
    absent = max(s["id"] for s in aq_fake.store.rows("samples")) + 1
    assert absent not in matrix
    assert len(matrix) == 8 and matrix.dimensions == (8, 12)
    assert str(matrix) == str(grid)


def test_item_and_part_association_helpers(plate, aq_session, aq_fake, filled_slot):
    link = links(aq_fake, plate.id)[filled_slot]
    part = aq_session.Item.find(link["part_id"])
    assert part.is_part and not part.is_collection
    assert part.collection.id == plate.id
    assert (part.part_association.row, part.part_association.column) == filled_slot
    assert part.as_collection() is None
    as_item = plate.as_item()
    assert as_item.id == plate.id and as_item.is_collection
    assert as_item.as_collection().id == plate.id
    loose = next(
        i
        for i in aq_fake.store.rows("items")
        if not aq_fake.store.lookup("part_associations", part_id=i["id"])
    )
    assert aq_session.Item.find(loose["id"]).collection is None
    association = plate.part_association_matrix[filled_slot]
    sample_id = aq_fake.store.get("items", link["part_id"])["sample_id"]
    assert association.get_sample_id() == sample_id
    assert association.is_empty() is (sample_id is None)
    assert not association.has_unsaved_sample()


def test_an_empty_plate_is_a_collection(aq_session, aq_fake):
    plate_type = aq_session.ObjectType.find_by_name("96 Well Plate")
    collection = aq_session.Collection.new(object_type=plate_type).save()
    assert aq_fake.store.lookup("part_associations", collection_id=collection.id) == []
    assert aq_session.Item.find(collection.id).is_collection
    assert collection.matrix == [[None] * 12 for _ in range(8)]


# -- changing parts on the server ------------------------------------------------------------


def test_assign_sample_fills_an_empty_slot_and_reloads(plate, aq_fake, empty_slot):
    sample_id = aq_fake.store.rows("samples")[0]["id"]
    plate.matrix  # noqa: B018 - the old grid is loaded, so the reload must replace it
    assert plate.assign_sample(sample_id, [empty_slot]) is plate
    link = links(aq_fake, plate.id)[empty_slot]
    part = aq_fake.store.get("items", link["part_id"])
    assert part["sample_id"] == sample_id and part["object_type_id"] == part_type_id(aq_fake)
    assert plate.matrix[empty_slot] == sample_id
    assert plate.matrix == stored_matrix(aq_fake, plate.id, 8, 12)


def test_assign_sample_reassigns_an_occupied_slot(plate, aq_fake, filled_slot):
    before = links(aq_fake, plate.id)[filled_slot]
    old = aq_fake.store.get("items", before["part_id"])["sample_id"]
    new = other_sample_id(aq_fake, old)
    notes = collection_notes(aq_fake, plate.id)
    plate.assign_sample(aq_fake.store.get("samples", new)["id"], [filled_slot])
    after = links(aq_fake, plate.id)[filled_slot]
    assert after["part_id"] == before["part_id"]
    assert aq_fake.store.get("items", after["part_id"])["sample_id"] == new
    assert collection_notes(aq_fake, plate.id) == [*notes, "Sample Reassigned"]
    assert plate[filled_slot] == new


def test_assign_sample_takes_a_sample_model_and_negative_pairs(plate, aq_session, aq_fake):
    taken = links(aq_fake, plate.id)
    assert (7, 11) not in taken
    sample = aq_session.Sample.find(aq_fake.store.rows("samples")[1]["id"])
    plate.assign_sample(sample, [(-1, -1)])
    assert (7, 11) in links(aq_fake, plate.id)
    assert plate[7, 11] == sample.id


def test_assign_sample_refuses_bad_pairs_before_any_request(plate, aq_session, aq_fake):
    before_links = len(aq_fake.store.rows("part_associations"))
    before = aq_session.aqhttp.num_requests
    with pytest.raises(IndexError, match="row 8"):
        plate.assign_sample(1, [(8, 0)])
    with pytest.raises(ValueError, match="row, column"):
        plate.assign_sample(1, [(1, 2, 3)])
    with pytest.raises(ValueError, match="None"):
        plate.assign_sample(None, [(0, 0)])
    unsaved = aq_session.Sample.new(name="not saved yet")
    with pytest.raises(AquariumModelError, match="not saved"):
        plate.assign_sample(unsaved, [(0, 0)])
    assert aq_session.aqhttp.num_requests == before
    assert len(aq_fake.store.rows("part_associations")) == before_links


def test_unsaved_collection_cannot_change_parts_on_the_server(aq_session):
    collection = aq_session.Collection.new(
        object_type=aq_session.ObjectType.find_by_name("Stripwell")
    )
    with pytest.raises(AquariumModelError, match="Save"):
        collection.assign_sample(1, [(0, 0)])


def test_remove_sample_deletes_parts_and_reloads(plate, aq_fake, filled_slot):
    link = links(aq_fake, plate.id)[filled_slot]
    plate.matrix  # noqa: B018
    notes = collection_notes(aq_fake, plate.id)
    assert plate.remove_sample([filled_slot]) is plate
    assert filled_slot not in links(aq_fake, plate.id)
    part = aq_fake.store.get("items", link["part_id"])
    assert part["location"] == "deleted" and part["quantity"] == -1
    assert collection_notes(aq_fake, plate.id) == [*notes, "Part Deleted"]
    assert plate.matrix[filled_slot] is None
    assert plate.part(*filled_slot) is None


# -- staging with collection[r, c] = sample ------------------------------------------------------


def test_setting_slots_is_local_until_save(plate, aq_session, aq_fake, empty_slot):
    sample_id = aq_fake.store.rows("samples")[2]["id"]
    r, _ = empty_slot
    before = links(aq_fake, plate.id)
    plate[r, :] = sample_id
    assert plate[r] == [sample_id] * 12
    assert links(aq_fake, plate.id) == before
    plate.save()
    stored = links(aq_fake, plate.id)
    assert all(
        aq_fake.store.get("items", stored[(r, c)]["part_id"])["sample_id"] == sample_id
        for c in range(12)
    )
    assert plate.matrix == stored_matrix(aq_fake, plate.id, 8, 12)
    assert aq_session.Collection.find(plate.id)[r] == [sample_id] * 12


def test_setting_none_empties_the_slot_on_save(plate, aq_fake, filled_slot):
    plate[filled_slot] = None
    assert plate[filled_slot] is None
    assert filled_slot in links(aq_fake, plate.id)
    plate.save()
    assert filled_slot not in links(aq_fake, plate.id)
    assert plate[filled_slot] is None


def test_setting_a_slot_checks_the_value(plate):
    with pytest.raises(ValueError, match="sample id"):
        plate[0, 0] = "pMOD8"
    with pytest.raises(ValueError, match="sample id"):
        plate[0, 0] = True


def test_new_collection_with_staged_samples_is_created_then_filled(aq_session, aq_fake):
    stripwell = aq_session.ObjectType.find_by_name("Stripwell")
    sample = aq_session.Sample.find(aq_fake.store.rows("samples")[3]["id"])
    collection = aq_session.Collection.new(object_type=stripwell)
    assert collection.object_type_id == stripwell.id and collection.dimensions == [1, 12]
    collection[0, :3] = sample
    assert collection.matrix[0, :4] == [sample.id] * 3 + [None]
    assert collection.sample_matrix[0, 0] is sample
    collection.save()
    assert collection.id
    stored = links(aq_fake, collection.id)
    assert sorted(stored) == [(0, 0), (0, 1), (0, 2)]
    assert collection.matrix == stored_matrix(aq_fake, collection.id, 1, 12)


def test_staged_unsaved_sample_is_refused_on_save(plate, aq_session, aq_fake, empty_slot):
    plate[empty_slot] = aq_session.Sample.new(name="never saved")
    before = links(aq_fake, plate.id)
    with pytest.raises(AquariumModelError, match="not saved"):
        plate.save()
    assert links(aq_fake, plate.id) == before
    assert plate.part_association_matrix[empty_slot].has_unsaved_sample()


# -- data on parts ---------------------------------------------------------------------------


def test_data_matrix_writes_to_parts_and_reads_the_newest(
    plate, aq_session, aq_fake, filled_slot, empty_slot
):
    part_id = links(aq_fake, plate.id)[filled_slot]["part_id"]
    plate.data_matrix[filled_slot] = {"concentration": 12.5}
    plate.associate_to("concentration", 20.0, *filled_slot)
    plate.part(*filled_slot).associate("volume", 3, create_new=True)
    stored = [
        da
        for da in aq_fake.store.lookup("data_associations", parent_id=part_id)
        if da["parent_class"] == "Item"
    ]
    assert sorted(da["key"] for da in stored) == ["concentration", "volume"]
    fresh = aq_session.Collection.find(plate.id)
    before = aq_session.aqhttp.num_requests
    values = fresh.data_matrix
    assert aq_session.aqhttp.num_requests - before == 3  # associations, parts, parts' data
    assert values[filled_slot] == {"concentration": 20.0, "volume": 3}
    assert values[empty_slot] is None
    others = [values[rc] for rc in links(aq_fake, plate.id) if rc != filled_slot]
    assert others and all(v == {} for v in others)
    associations = fresh.data_association_matrix[filled_slot]
    assert {k: da.value for k, da in associations.items()} == {"concentration": 20.0, "volume": 3}
    assert {da.parent_id for da in associations.values()} == {part_id}


def test_data_matrix_keeps_every_part_apart(plate, aq_session, aq_fake):
    first, second = sorted(links(aq_fake, plate.id))[:2]
    plate.data_matrix[first] = {"note": "a"}
    plate.data_matrix[second] = {"note": "b"}
    fresh = aq_session.Collection.find(plate.id).data_matrix
    assert (fresh[first], fresh[second]) == ({"note": "a"}, {"note": "b"})


def test_data_on_an_empty_slot_is_refused(plate, empty_slot):
    with pytest.raises(ValueError, match="no sample"):
        plate.data_matrix[empty_slot] = {"concentration": 1}


def test_delete_association_at_skips_empty_slots(plate, aq_session, aq_fake):
    row = min(r for r, _ in links(aq_fake, plate.id))
    filled = [(r, c) for (r, c) in links(aq_fake, plate.id) if r == row]
    assert len(filled) < 12
    for rc in filled:
        plate.associate_to("od", 0.5, *rc)
    plate.delete_association_at("od", row, slice(None))
    part_ids = {links(aq_fake, plate.id)[rc]["part_id"] for rc in filled}
    left = [
        da
        for da in aq_fake.store.rows("data_associations")
        if da["parent_id"] in part_ids and da["key"] == "od"
    ]
    assert left == []
    assert all(
        v == {} for v in aq_session.Collection.find(plate.id).data_matrix[row] if v is not None
    )


def test_read_only_views_refuse_writes(plate, filled_slot):
    for view in (plate.part_matrix, plate.sample_matrix, plate.part_association_matrix):
        with pytest.raises(ValueError, match="read-only"):
            view[filled_slot] = 1


# -- the matrix type -------------------------------------------------------------------------


def test_collection_matrix_without_getter_or_setter():
    m = CollectionMatrix([[1, 2, 3], [4, 5, 6]])
    assert m == [[1, 2, 3], [4, 5, 6]] and m == CollectionMatrix([[1, 2, 3], [4, 5, 6]])
    assert m != [[1, 2, 3]] and m != "123"
    m[:, 1] = 0
    assert m.data == [[1, 0, 3], [4, 0, 6]]
    assert m.positions((slice(None), -1)) == [(0, 2), (1, 2)]
    assert m.get((slice(None), slice(0, 2)), as_mapping=True).dimensions == (2, 2)
    assert CollectionMatrix([]).dimensions == (0, 0)
    with pytest.raises(ValueError, match="one length"):
        CollectionMatrix([[1, 2], [3]])


def test_changes_show_through_a_caching_session(aq_session, aq_fake):
    collection_id = plate_row(aq_fake)["id"]
    filled = sorted(links(aq_fake, collection_id))[0]
    with aq_session.with_cache() as cached:
        plate = cached.Collection.find(collection_id)
        old = plate[filled]
        new = other_sample_id(aq_fake, old)
        plate.assign_sample(new, [filled])
        assert plate[filled] == new
        again = cached.Collection.find(collection_id)
        assert again.matrix == stored_matrix(aq_fake, collection_id, 8, 12)
        assert again.part(*filled).sample_id == new
        plate.remove_sample([filled])
        assert cached.Collection.find(collection_id)[filled] is None
        assert plate.matrix == stored_matrix(aq_fake, collection_id, 8, 12)


def test_item_takes_ids_from_the_models_given(aq_session, aq_fake):
    sample = aq_session.Sample.find(aq_fake.store.rows("samples")[0]["id"])
    tube = aq_session.ObjectType.find_by_name("Primer Aliquot")
    item = aq_session.Item.new(sample=sample, object_type=tube, location="Bench")
    assert (item.sample_id, item.object_type_id, item.location) == (sample.id, tube.id, "Bench")
    assert item.sample is sample and item.object_type is tube
    item.save()
    stored = aq_fake.store.get("items", item.id)
    assert (stored["sample_id"], stored["object_type_id"]) == (sample.id, tube.id)
