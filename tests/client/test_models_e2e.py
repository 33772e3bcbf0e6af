"""Models end to end: a real AqSession against the in-memory fake Aquarium (demo lab)."""

from __future__ import annotations

from typing import Any

import pytest

from aqsession.exceptions import ForbiddenRequestError
from aqsession.models import NOT_LOADED, FieldValue, Item, Operation, Sample, SampleType


def requests_made(session: Any) -> int:
    return int(session.aqhttp.num_requests)


def sample_with_field_values(session: Any) -> Any:
    for fv in session.FieldValue.where({"parent_class": "Sample"}, opts={"limit": 20}):
        if fv.parent_id is not None:
            return session.Sample.find(fv.parent_id)
    pytest.fail("the demo lab has no sample with field values")


def test_sample_relationships_load_lazily(aq_session: Any) -> None:
    sample = sample_with_field_values(aq_session)
    assert isinstance(sample, Sample) and sample.session is aq_session
    assert sample._related.get("sample_type", NOT_LOADED) is NOT_LOADED
    sample_type = sample.sample_type
    assert isinstance(sample_type, SampleType) and sample_type.id == sample.sample_type_id
    values = sample.field_values
    assert values and all(isinstance(fv, FieldValue) for fv in values)
    assert {(fv.parent_id, fv.parent_class) for fv in values} == {(sample.id, "Sample")}
    assert set(sample.properties) == {ft.name for ft in sample_type.field_types}


def test_dump_sends_no_request(aq_session: Any) -> None:
    sample = sample_with_field_values(aq_session)
    values = sample.field_values
    before = requests_made(aq_session)
    dumps = [fv.dump() for fv in values]
    assert requests_made(aq_session) == before
    assert all("sid" not in d for d in dumps if d["child_sample_id"] is not None)


def test_items_carry_is_part_and_object_type(aq_session: Any) -> None:
    item = aq_session.Item.one()
    assert isinstance(item, Item)
    assert isinstance(item.raw["is_part"], bool) and item.is_part == item.raw["is_part"]
    assert item.object_type.id == item.object_type_id


def test_associate_round_trip(aq_session: Any) -> None:
    item = next(i for i in aq_session.Item.last(20) if i.sample_id is not None)
    association = item.associate("concentration", {"ng/ul": 12.5})
    assert association.id is not None
    fresh = aq_session.Item.find(item.id)
    assert fresh.get("concentration") == {"ng/ul": 12.5}
    item.associate("concentration", 13)
    assert aq_session.Item.find(item.id).get("concentration") == 13


def test_refresh_restores_server_data(aq_session: Any) -> None:
    sample = aq_session.Sample.first()[0]
    name = sample.name
    sample.name = "changed locally"
    rid = sample.rid
    sample.refresh()
    assert sample.name == name and sample.rid == rid


def test_field_value_save(aq_session: Any) -> None:
    fv = next(
        fv
        for fv in aq_session.FieldValue.where({"parent_class": "Sample"})
        if fv.child_sample_id is None and fv.value is not None
    )
    fv.value = "edited"
    fv.save()
    assert aq_session.FieldValue.find(fv.id).value == "edited"


def test_requests_off_session_refuses_lazy_loads(aq_session: Any) -> None:
    sample = aq_session.Sample.first()[0]
    offline = aq_session.with_requests_off()
    copy = offline.Sample.load(sample.raw)
    with pytest.raises(ForbiddenRequestError):
        _ = copy.sample_type


def test_caching_session_answers_by_id_relations_from_the_cache(aq_session: Any) -> None:
    cache = aq_session.with_cache()
    item = next(i for i in cache.Item.last(10) if i.sample_id is not None)
    sample = item.sample
    before = requests_made(cache)
    again = cache.Item.load(item.raw)
    assert again.sample is sample
    assert requests_made(cache) == before


def test_plan_operations_through_associations(aq_session: Any) -> None:
    plan = aq_session.Plan.first()[0]
    assert plan.is_deserialized("operations")
    columns = {k: v for k, v in plan.raw.items() if k not in ("operations", "plan_associations")}
    bare = aq_session.Plan.load(columns)
    before = requests_made(aq_session)
    operations = bare.operations
    assert requests_made(aq_session) == before + 2
    assert all(isinstance(op, Operation) for op in operations)
    assert sorted(op.id for op in operations) == sorted(op.id for op in plan.operations)
    ids = {fv.id for op in operations for fv in op.field_values}
    for wire in bare.wires:
        assert wire.from_id in ids and wire.to_id in ids


def test_refresh_under_a_caching_session(aq_session: Any) -> None:
    cache = aq_session.with_cache()
    sample = cache.Sample.find(aq_session.Sample.first()[0].id)
    sample.name = "changed locally"
    before = requests_made(cache)
    sample.refresh()
    assert requests_made(cache) == before + 1
    assert sample.name == sample.raw["name"] != "changed locally"
    assert cache.Sample.find(sample.id) is sample
