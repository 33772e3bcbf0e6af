"""The Browser against the in-memory fake Aquarium (aq_fake / aq_session fixtures)."""

from __future__ import annotations

import csv
import io

import pytest

from aqfake.lab.builder import LabBuilder
from aqsession.browser import Browser
from aqsession.exceptions import BrowserException, ForbiddenRequestError

SPEC = {"sample_type": "field_types", "items": "object_type", "field_values": {}}


def json_posts(aq_fake, mark):
    return [e for e in aq_fake.journal.since(mark) if e.path == "/json"]


def add_samples(aq_fake, count):
    builder = LabBuilder(aq_fake.store, seed=7)
    for n in range(count):
        name = f"bulk plasmid {n}"
        builder.sample(name, "Plasmid", "bulk", {"Bacterial Marker": "Amp", "Length": n})
        builder.item(name, "Plasmid Stock")


@pytest.mark.parametrize("count", [10, 100, 1000])
def test_loading_a_nested_spec_costs_the_same_few_requests_for_any_number(
    aq_fake, aq_session, count
):
    add_samples(aq_fake, count)
    samples = aq_session.Sample.where({"project": "bulk"})
    assert len(samples) == count
    mark = aq_fake.journal.mark()
    aq_session.browser.get(samples, SPEC)
    sent = aq_fake.journal.since(mark)
    assert len(sent) == 5
    assert [e.body["model"] for e in sent] == [
        "SampleType",
        "FieldType",
        "Item",
        "ObjectType",
        "FieldValue",
    ]
    aq_session.using_requests = False
    for sample in samples:
        assert sample.sample_type.name == "Plasmid"
        assert [ft.name for ft in sample.sample_type.field_types] == [
            "Sequence",
            "Bacterial Marker",
            "Length",
        ]
        assert [item.object_type.name for item in sample.items] == ["Plasmid Stock"]
        assert {fv.name for fv in sample.field_values} == {"Sequence", "Bacterial Marker", "Length"}
    assert aq_fake.journal.since(mark) == sent


def test_loaded_graph_can_be_walked_from_a_requests_off_session(aq_fake, aq_session):
    add_samples(aq_fake, 3)
    cached = aq_session.with_cache()
    samples = cached.Sample.where({"project": "bulk"})
    cached.browser.get(samples, SPEC)
    mark = aq_fake.journal.mark()
    offline = cached.with_requests_off()
    assert offline.Sample.find(samples[0].id) is samples[0]
    assert offline.Sample.where({"id": [s.id for s in samples]}) == samples
    # the derived session adopted what the parent knows about complete queries
    assert offline.Sample.where({"project": "BULK"}) == samples
    assert offline.Item.where({"sample_id": samples[1].id}) == samples[1].items
    field_types = offline.FieldType.where(
        {"parent_id": samples[0].sample_type_id, "parent_class": "SampleType"}
    )
    assert field_types == samples[0].sample_type.field_types
    with pytest.raises(ForbiddenRequestError):
        offline.Sample.where({"project": "elsewhere"})
    assert aq_fake.journal.since(mark) == []


def test_cached_session_queries(aq_fake, aq_session):
    cached = aq_session.with_cache()
    mark = aq_fake.journal.mark()
    primers = cached.Sample.where({"sample_type_id": 1})
    assert primers
    assert cached.Sample.find(primers[0].id) is primers[0]
    assert cached.Sample.where({"sample_type_id": "1", "name": primers[1].name.upper()}) == [
        primers[1]
    ]
    assert cached.Sample.first(2, query={"sample_type_id": 1}) == primers[:2]
    assert len(json_posts(aq_fake, mark)) == 1
    assert cached.Sample.find_by_name(primers[2].name.lower()) is primers[2]
    assert cached.Sample.find_by_name(primers[2].name) is primers[2]
    assert len(json_posts(aq_fake, mark)) == 2
    newest = cached.Sample.one(query={"sample_type_id": 1})
    assert newest is aq_session.Sample.one(query={"sample_type_id": 1}) or (
        newest.id == aq_session.Sample.one(query={"sample_type_id": 1}).id
    )


def test_data_associations_are_always_asked_for(aq_fake, aq_session):
    cached = aq_session.with_cache()
    first = cached.DataAssociation.where({"parent_class": "Item"})
    mark = aq_fake.journal.mark()
    second = cached.DataAssociation.where({"parent_class": "Item"})
    assert len(json_posts(aq_fake, mark)) == 1
    assert [d.id for d in first] == [d.id for d in second]


def test_item_locations_are_computed_so_the_server_judges_them(aq_fake, aq_session):
    cached = aq_session.with_cache()
    cached.Item.all()
    mark = aq_fake.journal.mark()
    assert [i.id for i in cached.Item.where({"location": "Bench"})] == [
        i.id for i in aq_session.Item.where({"location": "Bench"})
    ]
    assert len(json_posts(aq_fake, mark)) == 2


def test_plan_operations_through_associations_cost_two_requests(aq_fake, aq_session):
    plans = aq_session.Plan.all()
    assert plans
    for plan in plans:
        plan.reset_field("operations")
        plan.reset_field("plan_associations")
    mark = aq_fake.journal.mark()
    operations = aq_session.browser.retrieve(plans, "operations")
    assert [e.body["model"] for e in aq_fake.journal.since(mark)] == [
        "PlanAssociation",
        "Operation",
    ]
    aq_session.using_requests = False
    assert {op.id for plan in plans for op in plan.operations} == {op.id for op in operations}
    for plan in plans:
        assert [pa.operation for pa in plan.plan_associations] == plan.operations


def test_polymorphic_field_value_parents(aq_fake, aq_session):
    values = aq_session.FieldValue.all()
    assert {v.parent_class for v in values} >= {"Sample", "Operation"}
    samples = aq_session.browser.retrieve(values, "parent_sample")
    operations = aq_session.browser.retrieve(values, "operation")
    aq_session.using_requests = False
    for value in values:
        if value.parent_class == "Sample":
            assert value.parent_sample.id == value.parent_id and value.operation is None
        else:
            assert value.operation.id == value.parent_id and value.parent_sample is None
    assert samples and operations


def test_search_close_matches_and_descriptions(aq_fake, aq_session):
    browser = aq_session.browser
    primers = aq_session.Sample.where({"sample_type_id": 1})
    name = primers[0].name
    found = browser.search(f"^{name}$")
    assert [s.id for s in found] == [primers[0].id]
    assert [s.id for s in browser.close_matches(name, n=1)] == [primers[0].id]
    by_type = browser.search(".*", sample_type="Primer")
    assert {s.id for s in by_type} == {s.id for s in primers}
    described = [s for s in primers if s.description]
    if described:
        word = described[0].description.split()[0]
        assert described[0] in browser.search_description(word, samples=primers)
    assert [e.path for e in aq_fake.journal.filter("GET")].count("/sample_list") == 1


def test_samples_to_rows_and_csv_export(aq_fake, aq_session, tmp_path):
    fragments = aq_session.Sample.where({"sample_type_id": 3})
    rows = aq_session.browser.samples_to_rows(fragments)
    assert [r["Fragment"] for r in rows] == [s.name for s in fragments]
    template = fragments[0].field_values
    names = {fv.name: fv for fv in template}
    expected = names["Template"].sample.name if names["Template"].sample else None
    assert rows[0]["Template"] == expected
    path = tmp_path / "fragments.csv"
    aq_session.browser.export_samples_to_csv(fragments, path)
    with path.open(newline="") as handle:
        written = list(csv.DictReader(handle))
    assert [w["Fragment"] for w in written] == [s.name for s in fragments]
    assert list(written[0]) == list(rows[0])
    assert list(rows[0]) == [
        "Fragment",
        "Description",
        "Project",
        "Length",
        "Template",
        "Forward Primer",
        "Reverse Primer",
    ]
    buffer = io.StringIO()
    aq_session.browser.export_samples_to_csv(fragments[:1], buffer)
    assert buffer.getvalue().splitlines()[0].startswith("Fragment,Description,Project")


def test_sample_network_links_samples_through_sample_fields(aq_fake, aq_session):
    fragments = aq_session.Sample.where({"sample_type_id": 3})
    graph = Browser.sample_network(fragments)
    fragment = fragments[0]
    inputs = [fv.sample for fv in fragment.field_values if fv.sample is not None]
    for sample in inputs:
        assert graph.has_edge(("Sample", sample.id), ("Sample", fragment.id))
    assert aq_session.using_requests is True


def test_new_sample_of_a_named_type(aq_fake, aq_session):
    sample = aq_session.browser.new_sample(
        "Primer", "my primer", "for a test", "tests", properties={"T Anneal": 60}
    )
    assert sample.id is None
    assert sample.sample_type.name == "Primer"
    assert sample.name == "my primer"


def test_plan_wires_from_several_varying_columns_cost_one_request(aq_fake, aq_session):
    plans = aq_session.Plan.all()
    aq_session.browser.get(plans, {"operations": "field_values"})
    mark = aq_fake.journal.mark()
    wires = aq_session.browser.retrieve(plans, "wires")
    assert [e.body["model"] for e in aq_fake.journal.since(mark)] == ["Wire"]
    assert wires
    fresh = {p.id: p for p in aq_session().Plan.all()}
    for plan in plans:
        assert sorted(w.id for w in plan.wires) == sorted(w.id for w in fresh[plan.id].wires)


def test_list_field_values_of_the_current_model(aq_fake, aq_session):
    browser = aq_session.browser
    samples = aq_session.Sample.where({"sample_type_id": 3})
    ids = [s.id for s in samples[:2]]
    values = browser.list_field_values(ids, name="Length")
    assert sorted((v.parent_id, v.name) for v in values) == sorted((i, "Length") for i in ids)
    browser.set_model("Operation")
    operation = aq_session.Operation.first()[0]
    assert {v.parent_class for v in browser.list_field_values([operation.id])} == {"Operation"}


def test_method_results_are_not_mistaken_for_columns(aq_fake, aq_session):
    cached = aq_session.with_cache()
    items = cached.Item.all()
    assert any(i.is_part is False for i in items)
    expected = [i.id for i in aq_session.Item.where({"is_part": False})]
    assert [i.id for i in cached.Item.where({"is_part": False})] == expected == []


def test_computed_fields_are_not_relationships(aq_session):
    values = aq_session.FieldValue.first(2)
    with pytest.raises(BrowserException, match=r"FieldValue\.sid is a Function field"):
        aq_session.browser.retrieve(values, "sid")
    assert aq_session.browser.retrieve(values, "sid", strict=False) == []


def test_batched_loading_reads_a_key_as_the_server_does(aq_session, caplog):
    """An owner whose foreign key is integer text (``"2.0"``) gets the target the server
    answers for it: on an integer column Aquarium reads ``"2.0"`` as 2."""
    cached = aq_session.with_cache()
    sample = cached.Sample.first()[0]
    type_id = sample.sample_type_id
    sample._data["sample_type_id"] = f"{type_id}.0"
    with caplog.at_level("WARNING", logger="aqsession.browser"):
        found = cached.browser.retrieve([sample], "sample_type")
    assert [t.id for t in found] == [type_id]
    assert sample.sample_type is found[0]
    assert "INCONSISTENT" not in caplog.text


def test_caching_find_by_name_answers_exact_cached_names(aq_fake, aq_session):
    """As in pydent, a caching session finds a cached Sample/SampleType by its exact name with
    no request, so the lookup also works with requests off; other spellings still ask."""
    cached = aq_session.with_cache()
    sample = cached.Sample.find(1)
    sample_type = cached.SampleType.find(sample.sample_type_id)
    mark = aq_fake.journal.mark()
    assert cached.SampleType.find_by_name(sample_type.name) is sample_type
    assert cached.Sample.find_by_name(sample.name) is sample
    assert aq_fake.journal.mark() == mark
    with cached.with_requests_off() as off:
        assert off.Sample.find_by_name(sample.name) is sample
        with pytest.raises(ForbiddenRequestError):
            off.Sample.find_by_name(sample.name.upper())
    assert cached.Sample.find_by_name(sample.name.upper()) is sample
    assert aq_fake.journal.mark() == mark + 1
