"""The pydent model and Browser methods the manifest asked for, against the in-process fake.

Each test uses a method the way a pydent script does (pydent's argument order and forms) and
checks the result on the server side where something is written.
"""

from __future__ import annotations

import io
import warnings

import pytest

from aqsession.exceptions import AquariumModelError, TridentDepreciationWarning

# -- data associations with files --------------------------------------------------------------


def test_associate_file_uploads_and_links_the_file(aq_session, aq_fake):
    item = aq_session.Item.find(1)
    handle = io.BytesIO(b"lane 1: 1.2 kb")
    handle.name = "gel.txt"
    association = item.associate_file("gel", {"lane": 1}, handle)
    assert association.id is not None and association.upload.id is not None
    assert association.upload_id == association.upload.id
    fresh = aq_session.Item.find(1)
    assert fresh.get("gel") == {"lane": 1}
    stored = fresh.get_data_association("gel").upload
    assert stored.upload_file_name == "gel.txt"
    assert stored.data == b"lane 1: 1.2 kb"


def test_associate_file_from_path_on_a_saved_model(aq_session, tmp_path):
    path = tmp_path / "reading.csv"
    path.write_bytes(b"od,0.4\n")
    plan = aq_session.Plan.find(1)
    association = plan.associate_file_from_path("plate reader", "done", path)
    assert association.upload.upload_file_name == "reading.csv"
    assert aq_session.Upload.find(association.upload.id).data == b"od,0.4\n"


def test_associate_file_from_path_waits_for_an_unsaved_model(aq_session, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"later")
    item = aq_session.Sample.find(1).items[0]
    new_item = aq_session.ObjectType.find(3).new_item(item.sample_id)
    association = new_item.associate_file_from_path("notes", "n", path)
    assert association.id is None and association.upload.id is None
    path.unlink()  # the bytes were kept: saving later does not need the file any more
    new_item.save()
    saved = aq_session.Item.find(new_item.id).get_data_association("notes")
    assert saved is not None and saved.upload.data == b"later"


# -- operations, plans and wires -----------------------------------------------------------------


def test_operation_successors_and_predecessors_follow_the_wires(aq_session):
    wire = aq_session.Wire.find(1)
    source_op = wire.source.operation
    target_op = wire.destination.operation
    assert target_op.id in [op.id for op in source_op.successors]
    assert source_op.id in [op.id for op in target_op.predecessors]


def test_plan_helpers_on_a_new_plan(aq_session, capsys):
    rehydrate = aq_session.OperationType.find(2).instance()
    pcr = aq_session.OperationType.find(3).instance()
    primer = aq_session.Sample.find(1)
    rehydrate.set_input("Primer", sample=primer)
    rehydrate.set_output("Primer Aliquot", sample=primer)
    plan = aq_session.Plan.new()
    plan.add_operations([rehydrate, pcr])
    source, dest = rehydrate.output("Primer Aliquot"), pcr.input("Forward Primer")
    wire = plan.wire(source, dest)
    assert plan.find_wires(source, dest) == [wire]
    assert plan.find_wires(dest, source) == []
    assert wire.does_wire(source, dest) and not wire.does_wire(dest, source)
    assert wire.identifier == f"r{source.rid}_r{dest.rid}"
    assert [op.rid for op in rehydrate.successors] == [pcr.rid]
    assert [op.rid for op in pcr.predecessors] == [rehydrate.rid]
    assert plan.validate(raise_error=False) == []
    stray = aq_session.OperationType.find(5).instance()
    plan.wire(pcr.output("Fragment"), stray.input("Fragment"))
    errors = plan.validate(raise_error=False)
    assert len(errors) == 1 and "destination" in errors[0]
    with pytest.raises(AquariumModelError, match="not in plan"):
        plan.validate()
    plan.show()
    assert "Rehydrate Primer" in capsys.readouterr().out


def test_plan_all_data_associations_collects_operations_and_items(aq_session):
    plan = aq_session.Plan.find(1)
    plan.associate("plan note", 1)
    operation = plan.operations[0]
    operation.associate("op note", 2)
    keys = {da.key for da in plan.all_data_associations()}
    assert {"plan note", "op note"} <= keys


def test_output_arrays_and_init_field_values(aq_session):
    operation = aq_session.OperationType.find(3).instance()
    operation.init_field_values()
    assert sorted(fv.name for fv in operation.field_values) == sorted(
        ft.name for ft in operation.operation_type.field_types
    )
    fragment = aq_session.Sample.where({"sample_type_id": 3})[0]
    added = operation.add_to_output_array("Fragment", sample=fragment)
    assert added.role == "output" and added.sample is fragment
    replaced = operation.set_output_array("Fragment", [{"sample": fragment}, fragment])
    assert len(replaced) == 2 and all(fv.sample is fragment for fv in replaced)


# -- field values and field types ----------------------------------------------------------------


def test_pydent_forms_of_set_field_value(aq_session):
    fragment_type = aq_session.SampleType.find(3)
    template = aq_session.Sample.where({"sample_type_id": 2})[0]
    sample = fragment_type.new_sample("frag-new", "a description", "a project")
    assert (sample.description, sample.project) == ("a description", "a project")
    sample.set_field_value("Template", None, {"sample": template})
    sample.set_field_value("Length", None, {"value": 1200})
    assert sample.properties["Template"] is template and sample.properties["Length"] == 1200
    sample.update_field_values({"Length": 900})
    assert sample.properties["Length"] == 900
    assert sample.field_value_dictionary()["Length"].value == 900
    assert sample.get_field_type("Length", None).name == "Length"
    assert sample.get_metatype() is fragment_type and sample.METATYPE == "sample_type"


def test_field_value_parent_and_allowable_field_type_helpers(aq_session):
    operation = aq_session.OperationType.find(2).instance()
    fv = operation.input("Primer")
    assert fv.get_parent_key() == "operation" and fv.get_parent() is operation
    primer = aq_session.Sample.find(1)
    fv.set_value(sample=primer)
    assert fv.valid_afts() and fv.allowable_field_type in fv.valid_afts()
    fv.set_aft()
    assert fv.allowable_field_type_id == fv.valid_afts()[0].id
    assert fv.get_sid() == primer.identifier == f"1: {primer.name}"
    fv.reset()
    assert fv.sample is None and fv.allowable_field_type is None and fv.value is None
    field_type = fv.field_type
    other = aq_session.FieldValue.new()
    other.set_field_type(field_type)
    assert (other.name, other.role, other.parent_class) == ("Primer", "input", "Operation")
    assert field_type.find_field_parent("OperationType", field_type.parent_id).id == 2
    assert field_type.find_field_parent("SampleType", field_type.parent_id) is None


def test_field_type_helpers(aq_session):
    fragment_type = aq_session.SampleType.find(3)
    integrant = fragment_type.field_type("Template")
    assert [a.sample_type_id for a in integrant.get_allowable_field_types()] == [2]
    assert integrant.get_allowable_field_types(sample_type_id=1) == []
    created = integrant.create_allowable_field_type(sample_type=fragment_type)
    assert created in integrant.allowable_field_types and created.field_type is integrant
    assert fragment_type.properties["Length"] == "number"
    pcr = aq_session.OperationType.find(3)
    assert pcr.input("Template").name == "Template" and pcr.output("Fragment").role == "output"
    assert pcr.sample_type() and all(st is None or st.name for st in pcr.sample_type())


# -- samples and items -----------------------------------------------------------------------------


def test_available_items_skips_deleted_ones_and_filters_by_container(aq_session):
    sample = aq_session.Sample.find(1)
    everything = sample.available_items()
    assert [i.id for i in everything] == [i.id for i in sample.items]
    everything[0].mark_as_deleted()
    assert everything[0].id not in [i.id for i in aq_session.Sample.find(1).available_items()]
    aliquots = sample.available_items(object_type_name="Primer Aliquot")
    assert aliquots and all(i.object_type_id == 3 for i in aliquots)
    assert sample.available_items(object_type_id=4) == [
        i for i in sample.available_items() if i.object_type_id == 4
    ]


def test_item_make_warns_then_creates(aq_session, aq_fake):
    item = aq_session.ObjectType.find(3).new_item(aq_session.Sample.find(1))
    with pytest.warns(TridentDepreciationWarning, match="save"):
        item.make()
    assert item.id is not None
    assert aq_fake.store.get("items", item.id)["sample_id"] == 1


def test_collections_cannot_be_deleted(aq_session):
    collection = aq_session.Collection.first()[0]
    with pytest.raises(ValueError, match="mark_as_deleted"):
        collection.delete()


def test_sample_merge_updates_the_existing_sample(aq_session):
    existing = aq_session.Sample.find(1)
    kept = existing.properties
    duplicate = existing.sample_type.new_sample(existing.name, "merged description", "p2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert duplicate.merge() is True
    fresh = aq_session.Sample.find(1)
    assert (fresh.description, fresh.project) == ("merged description", "p2")
    assert fresh.properties == kept  # unset properties of the duplicate overwrite nothing
    assert duplicate.id == 1
    brand_new = existing.sample_type.new_sample(
        "merge-new-primer", "d", "p", properties={"Anneal Sequence": "ACGT", "T Anneal": 58}
    )
    assert brand_new.merge() is False and brand_new.id is not None


def test_upload_download_names_and_async_download(aq_session, tmp_path):
    item = aq_session.Item.find(2)
    handles = []
    for n in range(2):
        handle = io.BytesIO(f"file {n}".encode())
        handle.name = f"f{n}.txt"
        handles.append(item.associate_file(f"k{n}", n, handle).upload)
    path = handles[0].download(tmp_path)
    assert path.name == f"{handles[0].id}_f0.txt" and path.read_bytes() == b"file 0"
    path.write_bytes(b"kept")
    assert handles[0].fetch(tmp_path, overwrite=False).read_bytes() == b"kept"
    paths = type(handles[0]).async_download(handles, tmp_path)
    assert [p.read_bytes() for p in paths] == [b"file 0", b"file 1"]


# -- model base helpers and the Browser -----------------------------------------------------------


def test_model_callbacks_and_constants(aq_session):
    sample = aq_session.Sample.find(1)
    assert sample.find_callback("SampleType", sample.sample_type_id).name == "Primer"
    assert sample.find_callback("SampleType", None) is None
    assert [i.id for i in sample.where_callback("Item", {"sample_id": 1})] == [
        i.id for i in sample.items
    ]
    assert sample.where_callback("Item", {"sample_id": None}) is None
    assert sample.one_callback("Item", {"sample_id": 1}).sample_id == 1
    assert sample.create_interface().model_name == "Sample"
    sample.sample_type  # noqa: B018 (load it)
    assert sample.get_deserialized("sample_type").id == sample.sample_type_id
    with pytest.raises(KeyError):
        aq_session.Sample.find(2).get_deserialized("items")
    assert "items" in type(sample).fields and sample.PRIMARY_KEY == "id"
    assert sample.dump(include_model_type=True)[sample.MODEL_TYPE_DUMP_KEY] == "Sample"
    sample.add_data({"description": "added"})
    assert sample.description == "added"


def test_browser_pydent_signatures(aq_session):
    browser = aq_session.with_cache().browser
    primers = browser.first(2, "Sample", "Primer")  # pydent: num, model_class, sample_type
    assert len(primers) == 2 and all(p.sample_type_id == 1 for p in primers)
    newest = browser.last(1, "Sample", "Primer")
    assert newest[0].id == max(s.id for s in aq_session.Sample.where({"sample_type_id": 1}))
    found = browser.server_where({"id": [1, 2]}, "Sample", None, None, None, None)
    assert sorted(s.id for s in found) == [1, 2]
    assert all(s in browser.models for s in found)
    assert browser.cached_find("Sample", id=1) is found[0] or browser.cached_find("Sample", 1)
    listed = browser.list_models("Primer")
    assert listed and all(": " in entry for entry in listed)
    with_methods = browser.cached_where({"id": 1}, "Item", "id", ["is_part"])
    assert with_methods[0].raw.get("is_part") is not None
    assert browser.INTERFACE_CLASS.__name__ == "QueryInterface"
