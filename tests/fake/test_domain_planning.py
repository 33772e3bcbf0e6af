"""aqfake.domain.planning: the planner's status, wiring, job and cost rules on a store."""

from __future__ import annotations

from typing import Any

import pytest
from planning_lab import planning_lab

from aqfake.casting import RubyError
from aqfake.domain.planning import (
    PRECONDITION_ERROR_KEY,
    add_wire,
    batch,
    cancel_job,
    change_status,
    copy_plan,
    create_job,
    destroy_plan,
    field_values,
    job_state,
    layered_status,
    operation_costs,
    parse_cost_model,
    plan_operations,
    plan_wires,
    predecessors,
    remove_operation,
    step,
    steppable,
    submit,
    unbatch,
)
from aqfake.domain.transaction import RailsTransaction
from aqfake.store import Row, Store


@pytest.fixture
def store() -> Store:
    fresh = Store()
    planning_lab(fresh)
    return fresh


def _plan(store: Store, name: str) -> Row:
    plan = store.first("plans", name=name)
    assert plan is not None
    return plan


def _row(store: Store, table: str, row_id: int) -> Row:
    row = store.get(table, row_id)
    assert row is not None
    return row


def _statuses(store: Store, plan: Row) -> list[Any]:
    return [op["status"] for op in plan_operations(store, plan["id"])]


def test_submit_moves_planning_operations_and_activates_the_plan(store: Store) -> None:
    draft, flying = _plan(store, "Draft"), _plan(store, "Flying")
    submit(RailsTransaction(store), draft, "1")
    assert _statuses(store, draft) == ["pending", "waiting"]  # Use waits behind Rehydrate
    assert (draft["status"], draft["budget_id"]) == (None, 1)
    submit(RailsTransaction(store), flying, None)
    assert _statuses(store, flying) == ["primed", "pending"]  # behind an on-the-fly op: ready


def test_submit_with_an_unknown_budget_fails_before_any_change(store: Store) -> None:
    draft = _plan(store, "Draft")
    with pytest.raises(RubyError, match="foreign key"):
        submit(RailsTransaction(store), draft, "999")
    assert _statuses(store, draft) == ["planning", "planning"] and draft["status"] == "planning"


def test_step_moves_an_operation_once_its_inputs_are_done(store: Store) -> None:
    draft = _plan(store, "Draft")
    submit(RailsTransaction(store), draft, None)
    rehydrate, use = plan_operations(store, draft["id"])
    assert predecessors(store, use) == [rehydrate]
    step(RailsTransaction(store), steppable(store, draft["id"]))
    assert use["status"] == "waiting"
    store.update("operations", rehydrate["id"], status="done")
    step(RailsTransaction(store), steppable(store, None))
    assert use["status"] == "pending"


def test_a_failing_precondition_delays_and_notes_the_error_on_the_plan(store: Store) -> None:
    draft = _plan(store, "Draft")
    rehydrate = plan_operations(store, draft["id"])[0]
    codes = store.lookup(
        "codes",
        parent_class="OperationType",
        parent_id=rehydrate["operation_type_id"],
        name="precondition",
    )
    store.update("codes", codes[-1]["id"], content="true")
    submit(RailsTransaction(store), draft, None)
    assert rehydrate["status"] == "delayed"
    notes = store.lookup("data_associations", parent_class="Plan", parent_id=draft["id"])
    assert [n["key"] for n in notes] == [PRECONDITION_ERROR_KEY]
    assert "undefined method `precondition'" in notes[0]["object"]


def test_batch_schedules_primed_predecessors_and_defers_their_successors(store: Store) -> None:
    flying = _plan(store, "Flying")
    submit(RailsTransaction(store), flying, None)
    fly, use = plan_operations(store, flying["id"])
    neptune = store.get("users", 1)
    technicians = store.first("groups", name="technicians")
    assert neptune is not None and technicians is not None
    scheduled = batch(
        RailsTransaction(store), [use], use["operation_type_id"], neptune, technicians
    )
    assert [op["id"] for op in scheduled] == [fly["id"]]
    assert (fly["status"], use["status"]) == ("scheduled", "deferred")
    jobs = {
        ja["operation_id"]: _row(store, "jobs", ja["job_id"])
        for ja in store.rows("job_associations")
    }
    assert jobs[fly["id"]]["pc"] == -1 and jobs[fly["id"]]["id"] != jobs[use["id"]]["id"]
    unbatch(RailsTransaction(store), use, neptune)
    deferred_job = jobs[use["id"]]
    assert (
        deferred_job["pc"] == -2
        and '"operation":"cancel","user":"neptune"' in deferred_job["state"]
    )
    assert use["status"] == "pending"  # stepped, but its predecessor is only scheduled
    assert jobs[fly["id"]]["pc"] == -1  # the job still holding an operation stays


def test_remove_operation_keeps_an_operation_a_job_refers_to(store: Store) -> None:
    draft = _plan(store, "Draft")
    rehydrate, use = plan_operations(store, draft["id"])
    create_job(RailsTransaction(store), [use["id"]], {"pc": -1})
    tx = RailsTransaction(store)
    remove_operation(tx, draft, use)
    remove_operation(tx, draft, rehydrate)
    assert plan_operations(store, draft["id"]) == []
    assert store.get("operations", use["id"]) is not None
    assert store.get("operations", rehydrate["id"]) is None
    assert field_values(store, rehydrate["id"]) == []


def test_destroy_plan_takes_operations_field_values_and_wires(store: Store) -> None:
    draft = _plan(store, "Draft")
    operations = plan_operations(store, draft["id"])
    assert plan_wires(store, operations, both_ends=True)
    wires_before = store.count("wires")
    destroy_plan(RailsTransaction(store), draft)
    assert store.get("plans", draft["id"]) is None
    assert all(store.get("operations", op["id"]) is None for op in operations)
    assert store.count("wires") == wires_before - 1


def test_copy_plan_copies_operations_values_and_inner_wires(store: Store) -> None:
    draft = _plan(store, "Draft")
    store.update("operations", plan_operations(store, draft["id"])[0]["id"], status="done")
    copy = copy_plan(RailsTransaction(store), draft)
    assert copy["name"] == "Draft (copy)" and copy["status"] == "planning"
    originals, copies = plan_operations(store, draft["id"]), plan_operations(store, copy["id"])
    assert [op["operation_type_id"] for op in copies] == [
        op["operation_type_id"] for op in originals
    ]
    assert {op["status"] for op in copies} == {"planning"}
    assert not {op["id"] for op in copies} & {op["id"] for op in originals}
    (wire,) = plan_wires(store, copies, both_ends=True)
    ends = {_row(store, "field_values", wire[k])["parent_id"] for k in ("from_id", "to_id")}
    assert ends == {op["id"] for op in copies}
    notes = store.lookup("data_associations", parent_class="Plan", parent_id=copy["id"])
    assert [n["key"] for n in notes] == ["replan"]
    assert f"Based on plan {draft['id']}." in notes[0]["object"]


def test_add_wire_joins_an_output_to_an_input(store: Store) -> None:
    draft = _plan(store, "Draft")
    rehydrate, use = plan_operations(store, draft["id"])
    (out,) = field_values(store, rehydrate["id"], "output")
    (into,) = field_values(store, use["id"], "input")
    wire = add_wire(RailsTransaction(store), out["id"], into["id"])
    assert (wire["from_id"], wire["to_id"], wire["active"]) == (out["id"], into["id"], True)


def test_change_status_notes_who_changed_it_and_the_outputs_of_a_done_operation(
    store: Store,
) -> None:
    draft = _plan(store, "Draft")
    rehydrate = plan_operations(store, draft["id"])[0]
    (output,) = field_values(store, rehydrate["id"], "output")
    store.update("field_values", output["id"], child_item_id=None)
    change_status(RailsTransaction(store), rehydrate, "done", "Neptune")
    notes = store.lookup("data_associations", parent_class="Operation", parent_id=rehydrate["id"])
    assert [n["key"] for n in notes] == ["status_change"]
    assert "Status changed to done on " in notes[0]["object"] and "by Neptune" in notes[0]["object"]


def test_cancel_job_completes_it_with_a_cancel_step(store: Store) -> None:
    job = create_job(RailsTransaction(store), [], {"pc": -1, "state": "not json"})
    neptune = store.get("users", 1)
    assert neptune is not None
    cancel_job(RailsTransaction(store), job, neptune)
    assert job["pc"] == -2 and job["state"] == '[{"operation":"cancel","user":"neptune"}]'


def test_job_state_lists_the_steps_done(store: Store) -> None:
    when = store.clock()
    assert [s["operation"] for s in job_state(7, -1, when)] == ["initialize"]
    assert [s["operation"] for s in job_state(7, 0, when)] == ["initialize", "display", "next"]
    done = job_state(7, -2, when)
    assert done[-1] == {"operation": "complete", "rval": {}} and len(done) == 6


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("def cost(op)\n  { labor: 2.5, materials: 1 }\nend", {"labor": 2.5, "materials": 1}),
        ("{ :labor => 1e1, :materials => .5 }", {"labor": 10.0, "materials": 0.5}),
        ("{ labor: 1 }", None),
    ],
)
def test_parse_cost_model_reads_the_last_literal_hash(code: str, expected: Any) -> None:
    assert parse_cost_model(code) == expected


def test_operation_costs_use_the_rates_and_create_missing_parameters(store: Store) -> None:
    draft = _plan(store, "Draft")
    store.insert("parameters", key="labor rate", value="12.5")
    tx = RailsTransaction(store)
    costs = operation_costs(tx, draft)
    rehydrate, use = plan_operations(store, draft["id"])
    assert costs == [
        {
            "materials": 0.5,
            "labor": 2.0,
            "labor_rate": 12.5,
            "markup_rate": 0.0,
            "id": rehydrate["id"],
        },
        {"materials": 1, "labor": 3, "labor_rate": 12.5, "markup_rate": 0.0, "id": use["id"]},
    ]
    assert store.first("parameters", key="markup rate") is not None
    tx.rollback()
    assert store.first("parameters", key="markup rate") is None


def test_layered_status_runs_a_chain_up_to_its_frontier() -> None:
    """A four-step chain whose second step is running: the first is done, the rest wait."""
    assert [layered_status("running", layer, 1) for layer in range(4)] == [
        "done",
        "running",
        "waiting",
        "waiting",
    ]
    assert [layered_status("pending", layer, 0) for layer in range(3)] == [
        "pending",
        "waiting",
        "waiting",
    ]
    assert {layered_status(p, 2, 0) for p in ("done", "planning")} == {"done", "planning"}
