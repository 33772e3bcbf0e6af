"""Interfaces against a `responses` stub: the exact /json bodies (spec §6), CRUD and utility
routes, pagination termination, 422/404 handling, and no mutation of caller arguments.

The expected bodies are verbatim wire strings (one per line, so they read like the spec).
"""
# ruff: noqa: E501

from __future__ import annotations

import json

import pytest
import responses

from aqsession import AqSession, endpoints, interfaces
from aqsession.endpoints import CRUDInterface, UtilityInterface
from aqsession.exceptions import TridentRequestError
from aqsession.interfaces import (
    BrowserInterface,
    QueryInterface,
    QueryInterfaceABC,
    merge_hook,
)

URL = "http://aq.test"
JSON_URL = f"{URL}/json"


@pytest.fixture
def stub():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(
            responses.POST,
            f"{URL}/sessions.json",
            json={"message": "Log in successful"},
            headers={"Set-Cookie": "remember_token_YourLab_production=tok; Path=/"},
        )
        yield mock


@pytest.fixture
def session(stub):
    return AqSession("neptune", "aquarium", URL)


def sent_bodies(stub, path="/json"):
    return [c.request.body for c in stub.calls if c.request.path_url == path]


def as_text(body):
    return body.decode() if isinstance(body, bytes) else body


# (call on the session, answer, the exact body pydent 1.0.11 sent; client-behaviour.md §6)
SPEC_BODIES = [
    (
        lambda s: s.Sample.where({"name": "foo", "sample_type_id": [1, 2]}),
        [],
        '{"model": "Sample", "method": "where", "arguments": {"name": "foo", "sample_type_id": [1, 2]}, "options": {"offset": -1, "limit": -1, "reverse": false}}',
    ),
    (
        lambda s: s.Sample.where(
            {"name": "foo"}, methods=["m1"], include=["items"], opts={"limit": 5}
        ),
        [],
        '{"model": "Sample", "method": "where", "arguments": {"name": "foo"}, "include": ["items"], "options": {"offset": -1, "limit": 5, "reverse": false}, "methods": ["m1"]}',
    ),
    (
        lambda s: s.Sample.where("id > 5"),
        [],
        '{"model": "Sample", "method": "where", "arguments": "id > 5", "options": {"offset": -1, "limit": -1, "reverse": false}}',
    ),
    (
        lambda s: s.Sample.where({}),
        [],
        '{"model": "Sample", "method": "where", "options": {"offset": -1, "limit": -1, "reverse": false}}',
    ),
    (lambda s: s.Sample.find(5), None, '{"model": "Sample", "id": 5}'),
    (
        lambda s: s.Sample.find(5, include=["sample_type"]),
        None,
        '{"model": "Sample", "id": 5, "include": ["sample_type"]}',
    ),
    (
        lambda s: s.Sample.find_by_name("abc"),
        None,
        '{"model": "Sample", "method": "find_by_name", "arguments": ["abc"]}',
    ),
    (
        lambda s: s.Sample.first(),
        [],
        '{"model": "Sample", "method": "where", "options": {"offset": -1, "limit": 1, "reverse": false}}',
    ),
    (
        lambda s: s.Sample.first(3, query={"user_id": 1}),
        [],
        '{"model": "Sample", "method": "where", "arguments": {"user_id": 1}, "options": {"offset": -1, "limit": 3, "reverse": false}}',
    ),
    (
        lambda s: s.Sample.last(),
        [],
        '{"model": "Sample", "method": "where", "options": {"offset": -1, "limit": 1, "reverse": true}}',
    ),
    (
        lambda s: s.Sample.one(),
        [],
        '{"model": "Sample", "method": "where", "options": {"offset": -1, "limit": 1, "reverse": true}}',
    ),
    (
        lambda s: s.Sample.last(4, query={"user_id": 1}),
        [],
        '{"model": "Sample", "method": "where", "arguments": {"user_id": 1}, "options": {"offset": -1, "limit": 4, "reverse": true}}',
    ),
    (
        lambda s: s.Sample.one(query={"name": "n"}, first=True),
        [],
        '{"model": "Sample", "method": "where", "arguments": {"name": "n"}, "options": {"offset": -1, "limit": 1, "reverse": false}}',
    ),
    (
        lambda s: s.Sample.all(),
        [],
        '{"model": "Sample", "method": "all", "options": {"offset": -1, "limit": -1, "reverse": false}}',
    ),
    (
        lambda s: s.Sample.all(opts={"limit": 3, "opts": {"offset": 2}}),
        [],
        '{"model": "Sample", "method": "all", "options": {"offset": 2, "limit": 3, "reverse": false}}',
    ),
    (
        lambda s: s.Item.where({"id": 1}),
        [],
        '{"model": "Item", "methods": ["is_part"], "method": "where", "arguments": {"id": 1}, "options": {"offset": -1, "limit": -1, "reverse": false}}',
    ),
    (
        lambda s: s.Item.where({"id": 1}, methods=["foo"]),
        [],
        '{"model": "Item", "methods": ["foo"], "method": "where", "arguments": {"id": 1}, "options": {"offset": -1, "limit": -1, "reverse": false}}',
    ),
    (
        lambda s: s.Plan.find(1),
        None,
        '{"model": "Plan", "include": ["plan_associations", "operations"], "id": 1}',
    ),
    (
        lambda s: s.Plan.find(1, include=["wires"]),
        None,
        '{"model": "Plan", "include": ["wires"], "id": 1}',
    ),
    (
        lambda s: s.Collection.last(),
        [],
        '{"model": "Collection", "methods": ["dimensions"], "method": "where", "options": {"offset": -1, "limit": 1, "reverse": true}}',
    ),
    (
        lambda s: s.Upload.where({"job_id": 1}),
        [],
        '{"model": "Upload", "methods": ["size", "name", "job"], "method": "where", "arguments": {"job_id": 1}, "options": {"offset": -1, "limit": -1, "reverse": false}}',
    ),
]


@pytest.mark.parametrize(("call", "answer", "expected"), SPEC_BODIES)
def test_json_bodies_are_byte_identical_to_pydent(stub, session, call, answer, expected):
    stub.add(responses.POST, JSON_URL, body=json.dumps(answer), content_type="application/json")
    call(session)
    assert [as_text(b) for b in sent_bodies(stub)] == [expected]


def test_paged_where_bodies_and_early_stop(stub, session):
    rows = [{"id": i, "name": f"s{i}", "user_id": 1} for i in range(1, 8)]
    stub.add(responses.POST, JSON_URL, json=rows[0:3])
    stub.add(responses.POST, JSON_URL, json=rows[3:6])
    stub.add(responses.POST, JSON_URL, json=rows[6:7])
    samples = session.Sample.where({"user_id": 1}, page_size=3)
    assert [s.id for s in samples] == list(range(1, 8))
    template = '{{"model": "Sample", "method": "where", "arguments": {{"user_id": 1}}, "options": {{"offset": {}, "limit": 3, "reverse": false}}}}'
    # pydent sends a fourth request (offset 7) for the empty page; a short page ends here.
    assert [as_text(b) for b in sent_bodies(stub)] == [template.format(n) for n in (0, 3, 6)]


def test_pagination_trims_to_limit(stub, session):
    rows = [{"id": i} for i in range(1, 10)]
    stub.add(responses.POST, JSON_URL, json=rows[0:3])
    stub.add(responses.POST, JSON_URL, json=rows[3:6])
    pages = list(session.Sample.pagination({"user_id": 1}, 3, opts={"limit": 5}))
    assert [len(p) for p in pages] == [3, 2]
    assert len(sent_bodies(stub)) == 2


def test_pagination_stops_when_server_ignores_offset(stub, session):
    stub.add(responses.POST, JSON_URL, json=[{"id": 1}, {"id": 2}])
    samples = session.Sample.where({}, page_size=2)
    assert [s.id for s in samples] == [1, 2]
    assert len(sent_bodies(stub)) == 2


def test_pagination_stops_on_empty_page(stub, session):
    stub.add(responses.POST, JSON_URL, json=[{"id": 1}, {"id": 2}])
    stub.add(responses.POST, JSON_URL, json=[])
    assert len(session.Sample.where({}, page_size=2)) == 2
    with pytest.raises(ValueError, match="page_size"):
        session.Sample.where({}, page_size=0)


def test_short_circuits_send_nothing(stub, session):
    assert session.Sample.find(0) is None
    assert session.Sample.where({"a": 1}, opts={"limit": 0}) == []
    assert session.Sample.where(None) == []
    assert session.Sample.find_by_name("   ") is None
    with pytest.raises(ValueError, match="cannot be None"):
        session.Sample.find(None)
    with pytest.raises(ValueError, match="cannot be None"):
        session.Sample.find_by_name(None)
    assert sent_bodies(stub) == []


def test_caller_opts_are_not_mutated(stub, session):
    stub.add(responses.POST, JSON_URL, json=[])
    opts = {"limit": 3, "opts": {"offset": 2}}
    session.Sample.all(opts=opts)
    first_opts = {"offset": 4}
    session.Sample.first(2, opts=first_opts)
    session.Sample.last(opts=first_opts)
    assert opts == {"limit": 3, "opts": {"offset": 2}}
    assert first_opts == {"offset": 4}


def test_query_hook_is_not_mutated_by_queries(stub, session):
    from aqsession.models import get_model

    hook = json.dumps(get_model("Item").query_hook)
    stub.add(responses.POST, JSON_URL, json=[])
    session.Item.where({"id": 1})
    session.Item.where({"id": 1}, methods=["foo"])
    assert json.dumps(get_model("Item").query_hook) == hook


def test_422_means_not_found_and_other_errors_propagate(stub, session):
    stub.add(responses.POST, JSON_URL, json={"errors": "Couldn't find Sample"}, status=422)
    assert session.Sample.find(99) is None
    assert session.Sample.where({"id": 99}) == []
    assert session.Sample.one() is None
    stub.replace(responses.POST, JSON_URL, json={"status": "500"}, status=500)
    with pytest.raises(TridentRequestError):
        session.Sample.find(1)


def test_results_are_loaded_into_models_bound_to_the_session(stub, session):
    stub.add(responses.POST, JSON_URL, json={"id": 5, "name": "s5"})
    sample = session.Sample.find(5)
    assert type(sample).__name__ == "Sample"
    assert (sample.id, sample.name) == (5, "s5")
    assert sample.session is session
    stub.replace(responses.POST, JSON_URL, json=[{"id": 1}, {"id": 2}])
    assert [s.id for s in session.Sample.find([1, 2])] == [1, 2]


def test_get_loads_and_404_is_none(stub, session):
    stub.add(responses.GET, f"{URL}/plans/3.json", json={"id": 3, "name": "p"})
    stub.add(responses.GET, f"{URL}/plans/9.json", json={"errors": "nope"}, status=404)
    assert session.Plan.get("plans/3.json").id == 3
    assert session.Plan.get("plans/9.json") is None


def test_new_and_call_make_unsaved_bound_models(stub, session):
    sample = session.Sample.new(name="fresh")
    assert sample.id is None and sample.name == "fresh"
    assert sample.session is session
    assert session.Sample(name="other").name == "other"
    assert sent_bodies(stub) == []


def test_merge_hook_rules():
    body = {"model": "Item", "methods": ["a"], "include": {"x": 1}}
    hook = {"methods": ["b"], "include": {"y": 2}, "new": [1]}
    merge_hook(body, hook)
    assert body == {"model": "Item", "methods": ["a", "b"], "include": {"x": 1, "y": 2}, "new": [1]}
    body["new"].append(2)
    assert hook["new"] == [1]
    with pytest.raises(ValueError, match="Cannot merge"):
        merge_hook({"methods": "x"}, {"methods": ["y"]})


def test_interface_classes_implement_the_abc(session):
    assert issubclass(QueryInterface, QueryInterfaceABC)
    assert issubclass(BrowserInterface, QueryInterfaceABC)
    interface = session.model_interface("Sample")
    assert isinstance(interface, QueryInterface)
    assert interface.model_name == "Sample"
    assert (interface.MERGE, interface.DEFAULT_OFFSET, interface.DEFAULT_LIMIT) == (
        "query_hook",
        -1,
        -1,
    )


# -- CRUD ------------------------------------------------------------------------------


def test_crud_routes(stub, session):
    crud = CRUDInterface(session.aqhttp, session)
    stub.add(responses.POST, f"{URL}/object_types.json", json={"id": 1})
    stub.add(responses.PUT, f"{URL}/plans/2.json", json={"id": 2})
    stub.add(responses.DELETE, f"{URL}/plans/2.json", json={})
    assert crud.model_create("object_types", {"name": "x"}) == {"id": 1}
    assert crud.model_update("plans", 2, {"name": "y"}, params={"user_id": 1}) == {"id": 2}
    assert crud.model_delete("plans", None) is None
    assert crud.model_delete("plans", 2) == {}
    calls = stub.calls[1:]
    assert [c.request.method for c in calls] == ["POST", "PUT", "DELETE"]
    assert calls[1].request.url == f"{URL}/plans/2.json?user_id=1"
    assert calls[2].request.body is None


def test_json_save_envelope_and_model_override(stub, session):
    stub.add(responses.POST, f"{URL}/json/save", json={"id": 7})
    stub.add(responses.POST, f"{URL}/json/delete", json={"id": 7})
    crud = CRUDInterface(session.aqhttp, session)
    data = {"object": '{"k": 1}', "rid": 0, "key": "k", "id": None, "parent_id": 4,
            "parent_class": "Item"}  # fmt: skip
    crud.json_save("DataAssociation", data)
    crud.json_delete("DataAssociation", {"id": 7})
    assert as_text(stub.calls[1].request.body) == (
        '{"model": {"model": "DataAssociation", "record_methods": {}, "record_getters": {}}, '
        '"object": "{\\"k\\": 1}", "rid": 0, "key": "k", "id": null, "parent_id": 4, '
        '"parent_class": "Item"}'
    )
    assert stub.calls[2].request.path_url == "/json/delete"


# -- utilities -------------------------------------------------------------------------


def last_call(stub):
    return stub.calls[-1].request


def test_batch_and_unbatch_use_their_own_routes_and_body(stub, session):
    stub.add(responses.POST, f"{URL}/operations/batch", json={"operations": []})
    stub.add(responses.POST, f"{URL}/operations/unbatch", json={"operations": []})
    utils = session.utils
    assert isinstance(utils, UtilityInterface)
    utils.batch_operations([1, 2])
    assert json.loads(last_call(stub).body) == {"operation_ids": [1, 2]}
    utils.unbatch_operations((3,))
    assert last_call(stub).path_url == "/operations/unbatch"
    assert json.loads(last_call(stub).body) == {"operation_ids": [3]}


def test_simple_get_routes(stub, session):
    utils = session.utils
    routes = [
        (lambda: utils.step_plan(4), "/operations/step?plan_id=4"),
        (lambda: utils.start_job(5), "/krill/start?job=5"),
        (lambda: utils.set_operation_status(6, "done"), "/operations/6/status/done"),
        (lambda: utils.job_debug(7), "/krill/debug/7"),
    ]
    for call, path in routes:
        stub.add(responses.GET, URL + path.split("?")[0], json={"result": "ok"})
        assert call() == {"result": "ok"}
        assert last_call(stub).path_url == path


def test_submit_plan_and_replan(stub, session):
    plan = session.Plan.load({"id": 3, "name": "p"})
    user = session.User.load({"id": 1, "login": "neptune"})
    budget = session.Budget.load({"id": 2})
    stub.add(responses.GET, f"{URL}/plans/start/3", json={"result": "ok"})
    assert session.utils.submit_plan(plan, user, budget) == {"result": "ok"}
    assert last_call(stub).path_url == "/plans/start/3?budget_id=2&user_id=1"
    stub.add(responses.GET, f"{URL}/plans/replan/3", json={"id": 9, "name": "p (copy)"})
    copy = session.utils.replan(3)
    assert (type(copy).__name__, copy.id) == ("Plan", 9)


def test_move_item_encodes_location_and_raises_on_error(stub, session):
    item = session.Item.load({"id": 8, "location": "Bench"})
    stub.add(responses.GET, f"{URL}/items/move/8", json={"message": "moved"})
    assert session.utils.move_item(item, "Shelf #3") is item
    assert item.location == "Shelf #3"
    assert last_call(stub).path_url == "/items/move/8?location=Shelf+%233"
    stub.replace(responses.GET, f"{URL}/items/move/8", json={"error": "Could not move"})
    with pytest.raises(TridentRequestError, match="Could not move"):
        session.utils.move_item(item, "X")
    with pytest.raises(ValueError, match="saved item"):
        session.utils.move_item(session.Item.load({"id": None}), "X")


def test_store_item_requests_the_real_id(stub, session):
    item = session.Item.load({"id": 8, "location": "Bench"})
    stub.add(responses.GET, f"{URL}/items/store/8", json={"id": 8, "location": "M20.1.1.1"})
    stub.add(responses.POST, JSON_URL, json={"id": 8, "location": "M20.1.1.1"})
    session.utils.store_item(item)
    assert stub.calls[1].request.path_url == "/items/store/8"
    assert item.location == "M20.1.1.1"


def test_create_items_makes_one_request_per_item(stub, session):
    items = [
        session.Item.load({"id": None, "sample_id": 1, "object_type_id": 2}),
        session.Item.load({"id": None, "sample_id": 3, "object_type_id": 4}),
    ]
    stub.add(responses.GET, f"{URL}/items/make/1/2", json={"item": {"id": 10}})
    stub.add(responses.GET, f"{URL}/items/make/3/4", json={"item": {"id": 11}})
    assert session.utils.create_items(items) == [{"item": {"id": 10}}, {"item": {"id": 11}}]


def test_compatible_items_returns_items(stub, session):
    stub.add(responses.POST, f"{URL}/json/items", json=[{"id": 1, "sample_id": 2}])
    found = session.utils.compatible_items(2, 3)
    assert json.loads(last_call(stub).body) == {"sid": 2, "oid": 3}
    assert [(type(i).__name__, i.id) for i in found] == [("Item", 1)]


def test_estimate_plan_cost(stub, session):
    plan = session.Plan.load(
        {"id": 3, "operations": [{"id": 1, "operation_type_id": 1}, {"id": 2}]}
    )
    costs = [
        {"id": 1, "labor": 2.0, "labor_rate": 10.0, "materials": 5.0, "markup_rate": 1.5},
        {"id": 2, "labor": 0.0, "labor_rate": 10.0, "materials": 1.0, "markup_rate": 2.0},
    ]
    stub.add(responses.POST, f"{URL}/launcher/estimate", json={"costs": costs, "messages": []})
    assert session.utils.estimate_plan_cost(plan) == pytest.approx((20 + 5) * 1.5 + 2.0)
    assert json.loads(last_call(stub).body) == {"id": 3}
    stub.replace(
        responses.POST, f"{URL}/launcher/estimate", json={"costs": [{"error": "no model"}]}
    )
    with pytest.raises(TridentRequestError, match="no model"):
        session.utils.estimate_plan_cost(plan)


def test_create_samples_reloads_each_sample(stub, session):
    samples = [session.Sample.new(name="a", project="p"), session.Sample.new(name="b", project="p")]
    answer = {"samples": [{"id": 11, "name": "a"}, {"id": 12, "name": "b"}]}
    stub.add(responses.POST, f"{URL}/browser/create_samples", json=answer)
    assert session.utils.create_samples(samples) == samples
    assert [s.id for s in samples] == [11, 12]
    sent = json.loads(last_call(stub).body)["samples"]
    assert [s["name"] for s in sent] == ["a", "b"]
    stub.replace(responses.POST, f"{URL}/browser/create_samples", json={"samples": []})
    with pytest.raises(TridentRequestError, match="unexpected answer"):
        session.utils.create_samples([session.Sample.new(name="c", project="p")])


def test_create_data_association_saves_then_finds(stub, session):
    item = session.Item.load({"id": 4, "data_associations": []})
    stub.add(responses.POST, f"{URL}/json/save", json={"id": 21})
    stub.add(
        responses.POST,
        JSON_URL,
        json={"id": 21, "key": "k", "object": '{"k": 5}', "parent_id": 4, "parent_class": "Item"},
    )
    association = session.utils.create_data_association(item, "k", 5)
    assert association.id == 21 and association.value == 5
    assert json.loads(stub.calls[1].request.body) == {
        "model": {"model": "DataAssociation", "record_methods": {}, "record_getters": {}},
        "parent_id": 4,
        "key": "k",
        "object": '{"k": 5}',
        "parent_class": "Item",
        "upload_id": None,
    }
    assert [da.id for da in item.data_associations] == [21]
    assert session.utils.create_data_association(item, "k", 5) is association
    with pytest.raises(ValueError, match="save it before"):
        session.utils.create_data_association(session.Item.load({"id": None}), "k", 1)


def test_update_code_posts_to_the_parent_table(stub, session):
    code = session.Code.load(
        {"id": 1, "name": "protocol", "content": "new", "parent_id": 7,
         "parent_class": "OperationType"}
    )  # fmt: skip
    answer = {"id": 2, "parent_id": 7, "updated_at": "2026-01-01T00:00:00.000-08:00"}
    stub.add(responses.POST, f"{URL}/operation_types/code", json=answer)
    assert session.utils.update_code(code) is code
    assert json.loads(last_call(stub).body) == {"id": 7, "name": "protocol", "content": "new"}
    assert (code.id, code.updated_at) == (2, answer["updated_at"])
    library_code = session.Code.load(
        {"id": 3, "name": "source", "content": "x", "parent_id": 1, "parent_class": "Library"}
    )
    stub.add(responses.POST, f"{URL}/libraries/code", json={"message": "no id"})
    with pytest.raises(TridentRequestError, match="Unable to update code object 'source'"):
        session.utils.update_code(library_code)


def test_create_sample_type_unwraps_and_returns(stub, session):
    sample_type = session.SampleType.load(
        {"id": None, "name": "Primer", "description": "d",
         "field_types": [{"id": None, "name": "Length", "ftype": "number",
                          "parent_class": "SampleType", "parent_id": None}]}
    )  # fmt: skip
    stub.add(
        responses.POST,
        f"{URL}/sample_types.json",
        json={"sample_type": {"id": 5, "name": "Primer", "description": "d"}},
    )
    assert session.utils.create_sample_type(sample_type) is sample_type
    assert sample_type.id == 5
    sent = json.loads(last_call(stub).body)["sample_type"]
    assert sent["name"] == "Primer" and "rid" not in sent
    assert [set(ft) & {"rid", "parent_class", "parent_id"} for ft in sent["field_types"]] == [set()]


def test_create_upload_sends_multipart_with_job(stub, session, tmp_path):
    path = tmp_path / "data.txt"
    path.write_text("hello")
    with path.open("rb") as handle:
        upload = session.Upload.new(job_id=3, file=handle)
        stub.add(responses.POST, f"{URL}/krill/upload", json={"id": 9, "job_id": 3})
        assert session.utils.create_upload(upload) is upload
    request = last_call(stub)
    assert request.path_url == "/krill/upload?job=3"
    assert b"hello" in request.body and b'name="file"' in request.body
    assert upload.id == 9


def test_library_and_operation_type_routes(stub, session):
    library = session.Library.load({"id": None, "name": "lib", "category": "c"})
    stub.add(responses.POST, f"{URL}/libraries.json", json={"id": 4, "name": "lib"})
    assert session.utils.create_library(library).id == 4
    operation_type = session.OperationType.load(
        {"id": None, "name": "Op", "category": "c", "field_types": []}
    )
    stub.add(responses.POST, f"{URL}/operation_types.json", json={"id": 6, "name": "Op"})
    assert session.utils.create_operation_type(operation_type).id == 6
    stub.add(responses.PUT, f"{URL}/operation_types/6", json={"id": 6, "name": "Op2"})
    stub.add(responses.POST, JSON_URL, json=[])  # to_save_json looks up the saved type's code
    assert session.utils.update_operation_type(operation_type).name == "Op2"
    assert last_call(stub).path_url == "/operation_types/6"


# -- BrowserInterface ------------------------------------------------------------------


@pytest.fixture
def cached(session):
    session.using_cache = True
    return session


def test_browser_interface_find_uses_the_cache(stub, cached):
    assert isinstance(cached.Sample, BrowserInterface)
    stub.add(responses.POST, JSON_URL, json={"id": 5, "name": "s5"})
    sample = cached.Sample.find(5)
    assert cached.Sample.find(5) is sample
    assert len(sent_bodies(stub)) == 1
    assert sample in cached.browser.models


def test_browser_interface_where_forwards_include_and_opts(stub, cached):
    stub.add(responses.POST, JSON_URL, json=[{"id": 1, "name": "a"}])
    found = cached.Sample.where({"name": "a"}, include=["items"])
    assert [s.id for s in found] == [1]
    assert json.loads(sent_bodies(stub)[-1])["include"] == ["items"]
    cached.Sample.first(2, query={"name": "a"}, opts={"offset": 3})
    options = json.loads(sent_bodies(stub)[-1])["options"]
    assert (options["limit"], options["reverse"], options["offset"]) == (2, False, 3)


def test_browser_interface_one_honours_first(stub, cached):
    stub.add(responses.POST, JSON_URL, json=[{"id": 1}])
    cached.Sample.one(first=True)
    assert json.loads(sent_bodies(stub)[-1])["options"]["reverse"] is False
    cached.Sample.one()
    assert json.loads(sent_bodies(stub)[-1])["options"]["reverse"] is True


def test_browser_interface_new_is_cached(stub, cached):
    sample = cached.Sample.new(name="fresh")
    assert sample.session is cached
    assert sample in cached.browser.models
    assert cached.Sample.load({"id": 3}).id == 3
    assert sent_bodies(stub) == []


def test_the_endpoint_catalogue_is_importable_from_its_old_home_too():
    for name in ("SessionInterface", "CRUDInterface", "UtilityInterface"):
        assert getattr(interfaces, name) is getattr(endpoints, name)
    assert interfaces.LOGGER.name == "aqsession.interfaces"
