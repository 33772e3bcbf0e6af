"""Operations: step, set status, batch and unbatch (protocol section 5.19)."""

from __future__ import annotations

import json

import pytest
from planning_lab import Client, ids, planning_lab

from aqfake.app import FakeAquarium
from aqfake.store import Store


@pytest.fixture
def fake() -> FakeAquarium:
    return FakeAquarium(planning_lab)


@pytest.fixture
def client(fake: FakeAquarium) -> Client:
    return Client(fake)


def status(store: Store, op_id: int) -> str:
    row = store.get("operations", op_id)
    assert row is not None
    return str(row["status"])


def set_statuses(store: Store, **by_id: str) -> None:
    for op_id, value in by_id.items():
        store.update("operations", int(op_id.lstrip("o")), {"status": value})


# -- step ---------------------------------------------------------------------------------------


def test_step_moves_a_waiting_operation_whose_predecessor_is_done(
    fake: FakeAquarium, client: Client
) -> None:
    set_statuses(fake.store, o1="done", o2="waiting")
    response = client.call("GET", "/operations/step?plan_id=1")
    assert (response.status, response.json()) == (200, {"result": "ok"})
    assert status(fake.store, 2) == "pending"


def test_step_leaves_an_operation_whose_predecessor_is_not_done(
    fake: FakeAquarium, client: Client
) -> None:
    set_statuses(fake.store, o1="running", o2="waiting")
    client.call("GET", "/operations/step?plan_id=1")
    assert (status(fake.store, 1), status(fake.store, 2)) == ("running", "waiting")


def test_step_primed_on_the_fly_predecessor_counts_as_ready(
    fake: FakeAquarium, client: Client
) -> None:
    set_statuses(fake.store, o3="primed", o4="waiting")
    client.call("GET", "/operations/step")
    assert status(fake.store, 4) == "pending"


def test_step_deferred_becomes_scheduled(fake: FakeAquarium, client: Client) -> None:
    set_statuses(fake.store, o1="done", o2="deferred")
    client.call("GET", "/operations/step")
    assert status(fake.store, 2) == "scheduled"


def test_step_without_plan_ignores_planning_operations(fake: FakeAquarium, client: Client) -> None:
    client.call("GET", "/operations/step")
    assert status(fake.store, 1) == "planning"


def test_step_missing_plan_is_404(client: Client) -> None:
    assert client.call("GET", "/operations/step?plan_id=99").status == 404


# -- set status ---------------------------------------------------------------------------------


def test_set_status_takes_the_raw_segment_and_records_a_status_change(
    fake: FakeAquarium, client: Client
) -> None:
    response = client.call("GET", "/operations/1/status/whatever")
    assert response.status == 200
    assert response.json()["status"] == "whatever"
    (da,) = fake.store.lookup("data_associations", parent_class="Operation", parent_id=1)
    assert da["key"] == "status_change"
    text = json.loads(da["object"])["status_change"]
    assert text.startswith("Status changed to whatever on ") and text.endswith(" by Joe Neptune")
    client.call("GET", "/operations/1/status/pending")
    assert len(ids(fake.store, "data_associations", parent_class="Operation", parent_id=1)) == 2


def test_set_status_from_done_notes_previously_used_items(
    fake: FakeAquarium, client: Client
) -> None:
    item = fake.store.insert("items", {"sample_id": 1, "object_type_id": 4, "location": "Bench"})
    fake.store.update("field_values", 2, {"child_item_id": item["id"]})
    set_statuses(fake.store, o1="done")
    client.call("GET", "/operations/1/status/pending")
    keys = {
        da["key"]
        for da in fake.store.lookup("data_associations", parent_class="Operation", parent_id=1)
    }
    assert keys == {"status_change", "previously_used_items"}
    (on_item,) = fake.store.lookup("data_associations", parent_class="Item", parent_id=item["id"])
    assert on_item["key"] == "operation_status_change"


def test_set_status_missing_operation_is_404(client: Client) -> None:
    assert client.call("GET", "/operations/99/status/done").status == 404


# -- batch and unbatch --------------------------------------------------------------------------


def test_operations_batch_with_bare_list_is_500(fake: FakeAquarium, client: Client) -> None:
    set_statuses(fake.store, o1="pending")
    response = client.call("POST", "/operations/batch", [1])
    assert response.status == 500
    assert status(fake.store, 1) == "pending"
    assert fake.store.count("jobs") == 0


def test_operations_batch_with_empty_ids_is_500(client: Client) -> None:
    assert client.call("POST", "/operations/batch", {"operation_ids": []}).status == 500


def test_operations_batch_schedules_into_a_new_job(fake: FakeAquarium, client: Client) -> None:
    set_statuses(fake.store, o1="pending")
    response = client.call("POST", "/operations/batch", {"operation_ids": [1]})
    assert response.status == 200
    data = response.json()
    assert [op["id"] for op in data["operations"]] == [1]
    assert status(fake.store, 1) == "scheduled"
    (job,) = fake.store.rows("jobs")
    assert (job["pc"], job["path"], job["submitted_by"]) == (-1, "operation.rb", 1)
    assert json.loads(job["state"])[0]["operation"] == "initialize"
    technicians = fake.store.first("groups", name="technicians")
    assert technicians is not None and job["group_id"] == technicians["id"]
    assert data["jobs"]["ids"] == [job["id"]]
    assert [j["id"] for j in data["jobs"]["pending"]] == [job["id"]]
    assert data["jobs"]["pending"][0]["active_predecessors"] == []


def test_operations_batch_defers_successors_of_primed_operations(
    fake: FakeAquarium, client: Client
) -> None:
    set_statuses(fake.store, o3="primed", o4="pending")
    data = client.call("POST", "/operations/batch", {"operation_ids": [4]}).json()
    assert [op["id"] for op in data["operations"]] == [3]
    assert (status(fake.store, 3), status(fake.store, 4)) == ("scheduled", "deferred")
    assert fake.store.count("jobs") == 2


def test_operations_batch_refuses_unbatchable_status(fake: FakeAquarium, client: Client) -> None:
    assert client.call("POST", "/operations/batch", {"operation_ids": [1]}).status == 500


def test_operations_batch_missing_operation_is_404(client: Client) -> None:
    assert client.call("POST", "/operations/batch", {"operation_ids": [99]}).status == 404


def test_operations_unbatch_cancels_the_emptied_job_and_steps(
    fake: FakeAquarium, client: Client
) -> None:
    set_statuses(fake.store, o1="pending")
    client.call("POST", "/operations/batch", {"operation_ids": [1]})
    response = client.call("POST", "/operations/unbatch", {"operation_ids": [1]})
    assert response.status == 200
    assert [op["id"] for op in response.json()["operations"]] == [1]
    assert status(fake.store, 1) == "pending"
    (job,) = fake.store.rows("jobs")
    assert job["pc"] == -2 and json.loads(job["state"])[-1] == {
        "operation": "cancel",
        "user": "neptune",
    }
    assert fake.store.count("job_associations") == 0


def test_operations_routes_need_an_up_to_date_user(fake: FakeAquarium) -> None:
    fake.store.insert("users", {"name": "New", "login": "newbie", "remember_token": "tok-newbie"})
    assert Client(fake, "newbie").call("GET", "/operations/step").status == 302


def test_batch_job_start_window_is_now_to_an_hour_later(fake: FakeAquarium, client: Client) -> None:
    set_statuses(fake.store, o1="pending")
    client.call("POST", "/operations/batch", {"operation_ids": [1]})
    (job,) = fake.store.rows("jobs")
    assert job["desired_start_time"] is not None
    assert (job["latest_start_time"] - job["desired_start_time"]).total_seconds() == 3600


def test_setting_the_same_status_keeps_updated_at(fake: FakeAquarium, client: Client) -> None:
    before = fake.store.get("operations", 1)["updated_at"]  # type: ignore[index]
    client.call("GET", "/operations/1/status/planning")
    assert fake.store.get("operations", 1)["updated_at"] == before  # type: ignore[index]
