"""Plans: the show format, save (create/update) with rid mapping, delete, submit, replan and the
launcher's cost estimate (protocol sections 5.17 and 5.18)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from planning_lab import Client, ids, one, planning_lab

from aqfake.app import FakeAquarium
from aqfake.domain.planning import PRECONDITION_ERROR_KEY, parse_cost_model
from aqfake.lab import Field, LabBuilder

LAYOUT = {"id": 0, "parent_id": -1, "name": "no_name", "input": [], "children": [], "wires": []}


@pytest.fixture
def fake() -> FakeAquarium:
    return FakeAquarium(planning_lab)


@pytest.fixture
def client(fake: FakeAquarium) -> Client:
    return Client(fake)


def fv(name: str, role: str, rid: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": None,
        "name": name,
        "role": role,
        "routing": "P",
        "array": False,
        "rid": rid,
        "child_sample_id": None,
        "child_item_id": None,
        "allowable_field_type_id": None,
        "row": None,
        "column": None,
        "value": None,
        **extra,
    }


def new_plan_body(**overrides: Any) -> dict[str, Any]:
    """Rehydrate (rid 10, output rid 12) wired into Use (rid 20, input rid 21), routed to p2."""
    body = {
        "id": None,
        "name": "Fresh",
        "status": "planning",
        "cost_limit": None,
        "layout": {
            **LAYOUT,
            "wires": [
                {
                    "from": {"record_type": "FieldValue", "rid": 12},
                    "to": {"record_type": "FieldValue", "rid": 21},
                    "from_op": {"rid": 10},
                    "to_op": {"rid": 20},
                }
            ],
        },
        "operations": [
            {
                "id": None,
                "operation_type_id": 2,
                "x": 10.0,
                "y": 20.0,
                "parent_id": 0,
                "rid": 10,
                "routing": {"P": "2: p2"},
                "field_values": [
                    fv("Primer", "input", 11, allowable_field_type_id=1),
                    fv("Aliquot", "output", 12, allowable_field_type_id=2),
                ],
            },
            {
                "id": None,
                "operation_type_id": 3,
                "x": 30.0,
                "y": 40.0,
                "parent_id": 0,
                "rid": 20,
                "routing": {"P": "2: p2"},
                "field_values": [fv("Aliquot", "input", 21, allowable_field_type_id=3)],
            },
        ],
        "wires": [
            {
                "id": None,
                "from_id": 999,
                "to_id": 998,
                "active": True,
                "from": {"rid": 12},
                "to": {"rid": 21},
            }
        ],
    }
    body.update(overrides)
    return body


# -- show ---------------------------------------------------------------------------------------


def test_plan_show_has_the_planner_format(client: Client) -> None:
    data = client.call("GET", "/plans/1.json").json()
    assert list(data) == [
        "id",
        "name",
        "budget_id",
        "folder",
        "user_id",
        "created_at",
        "updated_at",
        "status",
        "operations",
        "wires",
        "layout",
    ]
    assert [op["id"] for op in data["operations"]] == [1, 2]
    first = data["operations"][0]
    assert list(first)[-2:] == ["field_values", "job_associations"]
    assert (
        first["field_values"][0]["field_type"]["allowable_field_types"][0]["sample_type"]["name"]
        == "Primer"
    )
    assert data["wires"] == [{**data["wires"][0], "from_id": 2, "to_id": 3}]
    assert isinstance(data["layout"], str)
    assert "plan_associations" not in data and "cost_limit" not in data


def test_plan_show_job_associations_embed_the_job_without_state(
    fake: FakeAquarium, client: Client
) -> None:
    job = fake.store.insert("jobs", {"pc": -1, "state": "[]"})
    fake.store.insert("job_associations", {"job_id": job["id"], "operation_id": 1})
    ja = client.call("GET", "/plans/1.json").json()["operations"][0]["job_associations"][0]
    assert ja["job"]["id"] == job["id"] and "state" not in ja["job"]


def test_plan_show_field_type_only_when_it_belongs_to_a_plan_operation_type(
    fake: FakeAquarium, client: Client
) -> None:
    fake.store.update("field_values", 1, {"field_type_id": 3})  # a field type of "Use"
    first = client.call("GET", "/plans/1.json").json()["operations"][0]["field_values"][0]
    assert first["field_type"]["id"] == 3
    fake.store.update("field_values", 1, {"field_type_id": 4})  # "Fly" is in no operation here
    first = client.call("GET", "/plans/1.json").json()["operations"][0]["field_values"][0]
    assert "field_type" not in first
    fake.store.update("field_values", 1, {"field_type_id": None})
    first = client.call("GET", "/plans/1.json").json()["operations"][0]["field_values"][0]
    assert "field_type" not in first


def test_missing_plan_show_is_404_with_errors_string(client: Client) -> None:
    response = client.call("GET", "/plans/99.json")
    assert response.status == 404
    assert response.json() == {"errors": "Could not find plan with id 99"}


def test_plan_show_without_json_suffix_redirects_to_the_planner(client: Client) -> None:
    response = client.call("GET", "/plans/1")
    assert response.status == 302
    assert response.header("Location") == "http://aquarium.test/plans?id=1"


# -- create ------------------------------------------------------------------------------------


def test_plan_create_maps_rids_for_wires_and_layout(fake: FakeAquarium, client: Client) -> None:
    response = client.call("POST", "/plans.json?user_id=1", new_plan_body())
    assert response.status == 200
    data = response.json()
    plan_id = data["id"]
    (rehydrate, use) = data["operations"]
    assert [op["status"] for op in data["operations"]] == ["planning", "planning"]
    output = next(v for v in rehydrate["field_values"] if v["role"] == "output")
    (input_fv,) = use["field_values"]
    assert data["wires"] == [{**data["wires"][0], "from_id": output["id"], "to_id": input_fv["id"]}]
    layout = json.loads(data["layout"])
    assert layout["wires"][0]["from"] == {"record_type": "FieldValue", "id": output["id"]}
    assert layout["wires"][0]["to_op"] == {"id": use["id"]}
    assert layout["input"] is None  # Rails' deep munge turned the empty array into null
    assert ids(fake.store, "plan_associations", plan_id=plan_id) != []
    assert data == client.call("GET", f"/plans/{plan_id}.json").json()


def test_plan_create_takes_child_sample_from_routing_not_body(client: Client) -> None:
    body = new_plan_body()
    body["operations"][0]["field_values"][0]["child_sample_id"] = 1
    ops = client.call("POST", "/plans.json", body).json()["operations"]
    assert {v["child_sample_id"] for op in ops for v in op["field_values"]} == {2}


def test_plan_create_drops_a_sample_of_the_wrong_type(client: Client) -> None:
    body = new_plan_body()
    body["operations"][0]["routing"] = {"P": "3: s1"}  # a Strain, the AFT wants a Primer
    rehydrate = client.call("POST", "/plans.json", body).json()["operations"][0]
    assert [v["child_sample_id"] for v in rehydrate["field_values"]] == [None, None]


def test_plan_owner_is_user_id_only_for_admins(fake: FakeAquarium, client: Client) -> None:
    walt = fake.store.first("users", login="walt")
    assert walt is not None
    by_admin = client.call("POST", f"/plans.json?user_id={walt['id']}", new_plan_body()).json()
    assert by_admin["user_id"] == walt["id"]
    by_walt = client.as_user("walt").call("POST", "/plans.json?user_id=1", new_plan_body()).json()
    assert by_walt["user_id"] == walt["id"]
    assert {op["user_id"] for op in by_walt["operations"]} == {walt["id"]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"layout": None}, "undefined method `[]' for nil:NilClass"),
        ({"layout": "flat"}, "no implicit conversion of Symbol into Integer"),
        (
            {"operations": [{"operation_type_id": 99, "rid": 1, "routing": {}}]},
            "Marshalling error: Couldn't find OperationType with 'id'=99",
        ),
    ],
)
def test_plan_create_failure_rolls_back_and_answers_mashall_failed(
    fake: FakeAquarium, client: Client, change: dict[str, Any], message: str
) -> None:
    before = fake.store.snapshot()
    response = client.call("POST", "/plans.json", new_plan_body(**change))
    assert response.status == 422
    assert response.json() == {"errors": {"error": ["Mashall failed", message]}}
    assert fake.store.snapshot().rows == before.rows


def test_plan_create_field_value_without_rid_fails(client: Client) -> None:
    body = new_plan_body()
    del body["operations"][1]["field_values"][0]["rid"]
    errors = client.call("POST", "/plans.json", body).json()["errors"]["error"]
    assert errors[-1] == "Marshalling error: no implicit conversion from nil to integer"


def test_plan_create_unknown_field_name_fails(client: Client) -> None:
    body = new_plan_body()
    body["operations"][1]["field_values"][0]["name"] = "Nope"
    errors = client.call("POST", "/plans.json", body).json()["errors"]["error"]
    assert errors[-1] == "Marshalling error: undefined method `id' for nil:NilClass"


def test_plan_create_new_json_options_value_defaults_to_empty_object(fake: FakeAquarium) -> None:

    b = LabBuilder(fake.store)
    b.operation_type("Gel", "Test", inputs=(Field("Options", "json"),))
    gel = fake.store.first("operation_types", name="Gel")
    assert gel is not None
    body = new_plan_body(
        layout=LAYOUT,
        wires=None,
        operations=[
            {
                "operation_type_id": gel["id"],
                "rid": 1,
                "routing": {},
                "field_values": [fv("Options", "input", 2, routing=None)],
            }
        ],
    )
    data = Client(fake).call("POST", "/plans.json", body).json()
    assert data["operations"][0]["field_values"][0]["value"] == "{}"


# -- update ------------------------------------------------------------------------------------


def saved_plan(client: Client) -> dict[str, Any]:
    return client.call("POST", "/plans.json", new_plan_body()).json()


def as_update_body(data: dict[str, Any]) -> dict[str, Any]:
    """What pydent sends back for a loaded plan (ids everywhere, rids re-assigned)."""
    rid = iter(range(100, 200))
    ops = []
    for op in data["operations"]:
        values = [
            {**v, "rid": next(rid), "routing": "P", "array": False} for v in op["field_values"]
        ]
        ops.append({**op, "rid": next(rid), "routing": {"P": "2: p2"}, "field_values": values})
    return {
        "id": data["id"],
        "name": data["name"],
        "status": data["status"],
        "cost_limit": None,
        "layout": json.loads(data["layout"]),
        "operations": ops,
        "wires": data["wires"],
    }


def test_plan_update_keeps_ids_and_updates_positions(fake: FakeAquarium, client: Client) -> None:
    data = saved_plan(client)
    body = as_update_body(data)
    body["operations"][0]["x"] = 99.0
    response = client.call("PUT", f"/plans/{data['id']}.json", body)
    assert response.status == 200
    again = response.json()
    assert [op["id"] for op in again["operations"]] == [op["id"] for op in data["operations"]]
    assert again["operations"][0]["x"] == 99.0
    assert [w["id"] for w in again["wires"]] == [w["id"] for w in data["wires"]]


def test_plan_update_destroys_operations_and_wires_left_out(
    fake: FakeAquarium, client: Client
) -> None:
    data = saved_plan(client)
    body = as_update_body(data)
    dropped = body["operations"].pop(1)
    body["wires"] = []  # deep munge: null, so "wires not sent" -- nothing is destroyed by that
    again = client.call("PUT", f"/plans/{data['id']}.json", body).json()
    assert [op["id"] for op in again["operations"]] == [data["operations"][0]["id"]]
    assert fake.store.get("operations", dropped["id"]) is None
    assert again["wires"] == []  # gone with the destroyed field value


def test_plan_update_destroys_unlisted_wires_only_when_wires_sent(client: Client) -> None:
    data = saved_plan(client)
    body = as_update_body(data)
    del body["wires"]
    assert client.call("PUT", f"/plans/{data['id']}.json", body).json()["wires"] == data["wires"]
    body["wires"] = [{"id": 12345}]
    assert client.call("PUT", f"/plans/{data['id']}.json", body).json()["wires"] == []


def test_plan_update_status_absent_becomes_null_and_name_defaults(client: Client) -> None:
    data = saved_plan(client)
    body = as_update_body(data)
    del body["status"]
    body["name"] = None
    again = client.call("PUT", f"/plans/{data['id']}.json", body).json()
    assert (again["status"], again["name"]) == (None, "New Plan")


def test_plan_update_of_missing_plan_is_422_without_mashall(client: Client) -> None:
    response = client.call("PUT", "/plans/77.json", new_plan_body())
    assert response.status == 422
    assert response.json() == {"errors": {"error": ["Couldn't find Plan with 'id'=77"]}}


def test_plan_update_failure_rolls_back(fake: FakeAquarium, client: Client) -> None:
    data = saved_plan(client)
    before = fake.store.snapshot()
    body = as_update_body(data)
    body["operations"][0]["x"] = 5.0
    body["layout"] = None
    assert client.call("PUT", f"/plans/{data['id']}.json", body).status == 422
    assert fake.store.snapshot().rows == before.rows


# -- delete ------------------------------------------------------------------------------------


def test_plan_delete_removes_plan_operations_field_values_and_wires(
    fake: FakeAquarium, client: Client
) -> None:
    response = client.call("DELETE", "/plans/1.json")
    assert (response.status, response.json()) == (200, {})
    store = fake.store
    assert store.get("plans", 1) is None
    assert store.get("operations", 1) is None and store.get("operations", 2) is None
    assert ids(store, "field_values", parent_class="Operation", parent_id=1) == []
    assert store.get("wires", 1) is None
    assert ids(store, "plan_associations", plan_id=1) == []
    assert store.get("plans", 2) is not None


def test_plan_delete_missing_is_404(client: Client) -> None:
    response = client.call("DELETE", "/plans/99.json")
    assert (response.status, response.json()) == (404, {"status": "404", "error": "Not Found"})


# -- submit ------------------------------------------------------------------------------------


def test_plan_status_becomes_null_when_started(fake: FakeAquarium, client: Client) -> None:
    response = client.call("GET", "/plans/start/1?budget_id=1&user_id=1")
    assert (response.status, response.json()) == (200, {"result": "ok"})
    plan = fake.store.get("plans", 1)
    assert plan is not None and plan["status"] is None and plan["budget_id"] == 1


def test_plan_start_leaf_pending_and_wired_successor_waiting(
    fake: FakeAquarium, client: Client
) -> None:
    client.call("GET", "/plans/start/1?budget_id=1&user_id=1")
    statuses = {op: fake.store.get("operations", op)["status"] for op in (1, 2)}  # type: ignore[index]
    assert statuses == {1: "pending", 2: "waiting"}


def test_plan_start_on_the_fly_leaf_primed_and_successor_pending(
    fake: FakeAquarium, client: Client
) -> None:
    client.call("GET", "/plans/start/2?budget_id=1")
    statuses = [fake.store.get("operations", op)["status"] for op in (3, 4)]  # type: ignore[index]
    assert statuses == ["primed", "pending"]


def test_plan_start_empty_precondition_delays_and_records_load_error(fake: FakeAquarium) -> None:

    b = LabBuilder(fake.store)
    op = b.operation("Blank")
    plan = b.plan("Blank plan", [op])
    Client(fake).call("GET", f"/plans/start/{plan['id']}?budget_id=1")
    assert fake.store.get("operations", op["id"])["status"] == "delayed"  # type: ignore[index]
    da = one(fake.store, "data_associations", parent_class="Plan", parent_id=plan["id"])
    assert da["key"] == PRECONDITION_ERROR_KEY


def test_plan_start_only_moves_planning_operations(fake: FakeAquarium, client: Client) -> None:
    fake.store.update("operations", 1, {"status": "done"})
    client.call("GET", "/plans/start/1?budget_id=1")
    assert fake.store.get("operations", 1)["status"] == "done"  # type: ignore[index]


def test_plan_start_missing_plan_is_404_and_unknown_budget_is_500(client: Client) -> None:
    assert client.call("GET", "/plans/start/99?budget_id=1").status == 404
    assert client.call("GET", "/plans/start/1?budget_id=42").status == 500


# -- replan ------------------------------------------------------------------------------------


def test_replan_copies_the_plan_as_plain_json(fake: FakeAquarium, client: Client) -> None:
    fake.store.update("field_values", 1, {"child_item_id": None})
    response = client.call("GET", "/plans/replan/1")
    assert response.status == 200
    data = response.json()
    assert "operations" not in data and data["name"] == "Draft (copy)"
    assert data["status"] == "planning"
    copy = client.call("GET", f"/plans/{data['id']}.json").json()
    assert [op["operation_type_id"] for op in copy["operations"]] == [2, 3]
    assert [op["y"] for op in copy["operations"]] == [16.0, 80.0]  # missing y filled in
    assert len(copy["wires"]) == 1
    da = one(fake.store, "data_associations", parent_class="Plan", parent_id=data["id"])
    assert da["key"] == "replan" and "Based on plan 1." in da["object"]


def test_replan_unnamed_plan_and_missing_plan(fake: FakeAquarium, client: Client) -> None:
    fake.store.update("plans", 1, {"name": None})
    assert client.call("GET", "/plans/replan/1").json()["name"] == "Copy of plan 1"
    assert client.call("GET", "/plans/replan/99").status == 404


# -- estimate ----------------------------------------------------------------------------------


def test_estimate_costs_come_from_cost_model_code(client: Client) -> None:
    data = client.call("POST", "/launcher/estimate", {"id": 1}).json()
    assert data == {
        "costs": [
            {"materials": 0.5, "labor": 2.0, "labor_rate": 0.0, "markup_rate": 0.0, "id": 1},
            {"materials": 1, "labor": 3, "labor_rate": 0.0, "markup_rate": 0.0, "id": 2},
        ],
        "messages": [],
    }


def test_estimate_rates_from_parameters(fake: FakeAquarium, client: Client) -> None:
    fake.store.insert("parameters", {"key": "labor rate", "value": "0.5"})
    fake.store.insert("parameters", {"key": "Markup Rate", "value": "1.25"})
    cost = client.call("POST", "/launcher/estimate", {"id": 1}).json()["costs"][0]
    assert (cost["labor_rate"], cost["markup_rate"]) == (0.5, 1.25)


def test_estimate_rolls_back_changes(fake: FakeAquarium, client: Client) -> None:
    before = fake.store.snapshot()
    client.call("POST", "/launcher/estimate", {"id": 1})
    assert fake.store.snapshot().rows == before.rows
    assert fake.store.first("parameters", key="labor rate") is None


def test_estimate_without_cost_model_gives_error_entry_without_id(fake: FakeAquarium) -> None:

    b = LabBuilder(fake.store)
    plan = b.plan("Blank plan", [b.operation("Blank")])
    costs = Client(fake).call("POST", "/launcher/estimate", {"id": plan["id"]}).json()["costs"]
    assert costs == [{"error": "undefined method `content' for nil:NilClass"}]


def test_estimate_missing_plan_is_200_with_errors(client: Client) -> None:
    response = client.call("POST", "/launcher/estimate", {"id": 99})
    assert (response.status, response.json()) == (
        200,
        {"errors": "Couldn't find Plan with 'id'=99"},
    )


def test_estimate_needs_an_up_to_date_user(fake: FakeAquarium) -> None:
    fake.store.insert("users", {"name": "New", "login": "newbie", "remember_token": "tok-newbie"})
    response = Client(fake, "newbie").call("POST", "/launcher/estimate", {"id": 1})
    assert response.status == 302


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("def cost(op)\n  { labor: 2.0, materials: 0.5 }\nend", {"labor": 2.0, "materials": 0.5}),
        ("def cost(op)\n  {materials: 3, labor: 1e1}\nend", {"labor": 10.0, "materials": 3}),
        ("def cost(op)\n  { :labor => 4, :materials => 5 }\nend", {"labor": 4, "materials": 5}),
        ("x = { a: 1 }\n{ labor: 1, materials: 2 }", {"labor": 1, "materials": 2}),
        ("def cost(op)\n  compute(op)\nend", None),
        ("{ labor: 1 }", None),
    ],
)
def test_cost_model_parsing_never_executes_code(code: str, expected: Any) -> None:
    assert parse_cost_model(code) == expected


@pytest.mark.parametrize(
    ("operations", "message"),
    [
        (
            [{"operation_type_id": 2, "routing": {}}],
            "Marshalling error: no implicit conversion from nil to integer",
        ),
        ({"a": 1}, "no implicit conversion of Symbol into Integer"),
        (
            [{"operation_type_id": 2, "rid": 1, "field_values": [{"name": "Primer", "rid": 2}]}],
            "Marshalling error: undefined method `[]' for nil:NilClass",
        ),
    ],
)
def test_plan_create_malformed_operations_are_ruby_errors(
    client: Client, operations: Any, message: str
) -> None:
    body = new_plan_body(operations=operations, wires=None)
    response = client.call("POST", "/plans.json", body)
    assert (response.status, response.json()["errors"]["error"][-1]) == (422, message)
