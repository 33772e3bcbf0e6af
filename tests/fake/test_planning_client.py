"""End to end: our client (aqsession) planning against the fake's demo lab."""

from __future__ import annotations

import io
from typing import Any

import pytest

from aqfake.app import FakeAquarium
from aqsession import AqSession
from aqsession.exceptions import TridentRequestError


def build_plan(session: Any, name: str = "e2e plan") -> Any:
    """Rehydrate Primer -> Make PCR Fragment (forward primer), wired, not yet saved."""
    rehydrate = session.OperationType.find_by_name("Rehydrate Primer")
    pcr = session.OperationType.find_by_name("Make PCR Fragment")
    forward = session.Sample.find_by_name("fwd-GFP-01")
    reverse = session.Sample.find_by_name("rev-GFP-01")
    op1 = rehydrate.instance()
    op1.set_input("Primer", sample=forward)
    op1.set_output("Primer Aliquot", sample=forward)
    op2 = pcr.instance()
    op2.set_input("Forward Primer", sample=forward)
    op2.set_input("Reverse Primer", sample=reverse)
    plan = session.Plan(name=name)
    plan.add_operations([op1, op2])
    plan.wire(op1.output("Primer Aliquot"), op2.input("Forward Primer"))
    return plan


def test_client_plan_save_find_and_wires(aq_session: Any) -> None:
    plan = build_plan(aq_session)
    plan.save()
    assert plan.id
    found = aq_session.Plan.find(plan.id)
    assert found.name == "e2e plan" and found.status == "planning"
    assert [op.operation_type_id for op in found.operations] == [
        op.operation_type_id for op in plan.operations
    ]
    (wire,) = found.wires
    source = found.operations[0].output("Primer Aliquot")
    destination = found.operations[1].input("Forward Primer")
    assert (wire.from_id, wire.to_id) == (source.id, destination.id)
    assert destination.sample.name == "fwd-GFP-01"


def test_client_plan_update_keeps_operations(aq_session: Any) -> None:
    plan = build_plan(aq_session)
    plan.save()
    op_ids = [op.id for op in plan.operations]
    plan.name = "renamed"
    plan.save()
    found = aq_session.Plan.find(plan.id)
    assert found.name == "renamed"
    assert [op.id for op in found.operations] == op_ids


def test_client_plan_find_missing_is_none(aq_session: Any) -> None:
    assert aq_session.Plan.find(999_999) is None


def test_client_plan_delete(aq_session: Any, aq_fake: FakeAquarium) -> None:
    plan = build_plan(aq_session)
    plan.save()
    plan.delete()
    assert aq_fake.store.get("plans", plan.id) is None
    assert aq_session.Plan.find(plan.id) is None


def test_client_submit_starts_the_plan(aq_session: Any) -> None:
    plan = build_plan(aq_session)
    plan.save()
    result = plan.submit(aq_session.current_user, aq_session.Budget.find(1))
    assert result == {"result": "ok"}
    found = aq_session.Plan.find(plan.id)
    assert found.status is None and found.budget_id == 1
    assert [op.status for op in found.operations] == ["pending", "waiting"]


def test_client_estimate_plan_cost_sets_operation_costs(
    aq_session: Any, aq_fake: FakeAquarium
) -> None:
    aq_fake.store.insert("parameters", {"key": "labor rate", "value": "2.0"})
    aq_fake.store.insert("parameters", {"key": "markup rate", "value": "1.5"})
    plan = build_plan(aq_session)
    plan.save()
    total = aq_session.utils.estimate_plan_cost(plan)
    costs = [op.cost for op in plan.operations]
    assert [(c["labor"], c["materials"]) for c in costs] == [(2.0, 0.5), (6.0, 3.5)]
    assert total == pytest.approx(((2.0 * 2 + 0.5) + (6.0 * 2 + 3.5)) * 1.5)


def test_client_set_operation_status_and_step(aq_session: Any) -> None:
    plan = build_plan(aq_session)
    plan.save()
    first, second = plan.operations
    aq_session.utils.set_operation_status(first.id, "done")
    aq_session.utils.set_operation_status(second.id, "waiting")
    plan.step()
    found = aq_session.Plan.find(plan.id)
    assert [op.status for op in found.operations] == ["done", "pending"]
    keys = [da.key for da in aq_session.Operation.find(first.id).data_associations]
    assert keys == ["status_change"]


def test_client_batch_and_unbatch(aq_session: Any, aq_fake: FakeAquarium) -> None:
    plan = build_plan(aq_session)
    plan.save()
    first = plan.operations[0]
    aq_session.utils.set_operation_status(first.id, "pending")
    aq_session.utils.batch_operations([first.id])
    assert aq_session.Operation.find(first.id).status == "scheduled"
    assert [op.id for op in aq_session.Operation.find(first.id).jobs] != []
    aq_session.utils.unbatch_operations([first.id])
    assert aq_session.Operation.find(first.id).status == "pending"


def test_client_replan(aq_session: Any) -> None:
    plan = build_plan(aq_session)
    plan.save()
    copy = plan.replan()
    assert copy.id != plan.id and copy.name == "e2e plan (copy)"
    assert len(aq_session.Plan.find(copy.id).operations) == 2


def test_client_code_update_adds_a_version(aq_session: Any, aq_fake: FakeAquarium) -> None:
    operation_type = aq_session.OperationType.find_by_name("Rehydrate Primer")
    code = operation_type.code("protocol")
    old_id = code.id
    code.content = "class Protocol\n  def main; end\nend\n"
    code.update()
    assert code.id != old_id
    assert aq_fake.store.get("codes", old_id) is not None  # the old version stays
    fresh = aq_session.OperationType.find(operation_type.id).code("protocol")
    assert (fresh.id, fresh.content) == (code.id, code.content)


def test_client_create_and_update_operation_type(aq_session: Any) -> None:
    template = aq_session.OperationType.find_by_name("Rehydrate Primer")
    new_type = aq_session.OperationType.new(
        name="E2E Type", category="E2E", deployed=False, on_the_fly=False
    )
    new_type.save()
    assert new_type.id
    found = aq_session.OperationType.find(new_type.id)
    assert found.name == "E2E Type" and found.protocol is not None
    found.category = "E2E Renamed"
    found.save()
    assert aq_session.OperationType.find(new_type.id).category == "E2E Renamed"
    assert template.id != new_type.id


def test_client_create_library(aq_session: Any) -> None:
    library = aq_session.Library.new(name="E2E Lib", category="E2E")
    library.source = aq_session.Code.new(name="source", content="module E2E; end")
    library.create()
    assert library.id
    assert aq_session.Library.find(library.id).source.content == "module E2E; end"


def test_client_upload_roundtrip_and_job_uploads(aq_session: Any, aq_fake: FakeAquarium) -> None:
    (job,) = aq_session.Job.first()
    upload = aq_session.Upload.new(job_id=job.id, file=io.BytesIO(b"\x89PNG fake bytes"))
    upload.file.name = "plot.png"
    upload.create()
    assert upload.id and upload.upload_file_size == len(b"\x89PNG fake bytes")
    assert upload.upload_file_name == "plot.png"
    fetched = aq_session.Upload.find(upload.id)
    assert fetched.data == b"\x89PNG fake bytes"
    assert upload.id in [u["id"] for u in job.uploads]


def test_client_non_admin_operation_type_save_fails_after_creating_it(
    aq_session: Any, aq_fake: FakeAquarium
) -> None:
    sara = AqSession("slindqvist", "lindqvist-3", aq_fake.base_url)
    new_type = sara.OperationType.new(
        name="Sara Type", category="E2E", deployed=False, on_the_fly=False
    )
    with pytest.raises(TridentRequestError):
        new_type.save()
    assert aq_fake.store.first("operation_types", name="Sara Type") is not None


def test_client_status_of_missing_operation_raises(aq_session: Any) -> None:
    with pytest.raises(TridentRequestError):
        aq_session.utils.set_operation_status(999_999, "done")
