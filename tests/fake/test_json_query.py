"""``POST /json``: the processing algorithm of protocol section 3.2 and its quirks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from query_lab import NEPTUNE_TOKEN, START, Lab, build, context, lab_store

from aqfake.app import FakeAquarium
from aqfake.handlers.json import query, run_query
from aqfake.store import Store
from aqfake.wire import JSON_CONTENT_TYPE, Request


@pytest.fixture
def lab() -> tuple[Store, Lab]:
    return lab_store()


def post(store: Store, body: Any) -> tuple[int, Any]:
    response = query(context(store, body))
    assert response.header("Content-Type") == JSON_CONTENT_TYPE
    return response.status, response.json()


def errors(store: Store, body: Any) -> str:
    status, data = post(store, body)
    assert status == 422, data
    assert isinstance(data["errors"], str)
    return str(data["errors"])


def where(store: Store, model: str, arguments: Any = None, **options: Any) -> list[int]:
    body: dict[str, Any] = {"model": model, "method": "where", "options": options}
    if arguments is not None:
        body["arguments"] = arguments
    status, data = post(store, body)
    assert status == 200, data
    return [record["id"] for record in data]


# -- model, include and method checks ---------------------------------------------------------


def test_model_checks(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    assert errors(store, {"id": 1}) == "Bad parameters: No model name given"
    assert errors(store, {"model": None, "id": 1}) == "Bad parameters: No model name given"
    assert errors(store, {"model": "Foo", "id": 1}) == "uninitialized constant Foo"
    assert errors(store, {"model": "sample", "id": 1}) == "wrong constant name sample"
    assert errors(store, {"model": "", "id": 1}) == "wrong constant name "
    assert errors(store, {"model": "Kernel", "method": "all"}) == "uninitialized constant Kernel"


def test_illegal_method_checked_even_with_id(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    message = errors(store, {"model": "Sample", "id": ids["fwd"], "method": "destroy"})
    assert message == "Illegal method destroy requested from front end."


def test_query_method_expected(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    assert errors(store, {"model": "Sample"}) == "Query method expected"
    assert errors(store, {"model": "Sample", "id": False}) == "Query method expected"


def test_invalid_include_message(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    body = {"model": "Sample", "id": ids["fwd"], "include": ["items", "colour"]}
    assert errors(store, body) == "Invalid include: colour"


def test_include_checked_before_method(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    body = {"model": "Sample", "method": "bogus", "include": "colour"}
    assert errors(store, body) == "Invalid include: colour"


# -- find by id ------------------------------------------------------------------------------


def test_find_by_scalar_id(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    status, data = post(store, {"model": "Sample", "id": ids["fwd"]})
    assert status == 200 and data["name"] == "fwd-GFP"
    status, data = post(store, {"model": "Sample", "id": str(ids["rev"]), "method": "where"})
    assert data["id"] == ids["rev"]
    assert errors(store, {"model": "Sample", "id": 99999}) == "Couldn't find Sample with 'id'=99999"
    assert errors(store, {"model": "Sample", "id": 0}) == "Couldn't find Sample with 'id'=0"


def test_find_by_id_list_not_all_found(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    message = errors(store, {"model": "Sample", "id": [ids["fwd"], 99]})
    assert message == (
        f"Couldn't find all Samples with 'id': ({ids['fwd']}, 99) "
        "(found 1 results, but was looking for 2)"
    )
    message = errors(store, {"model": "Library", "id": [5, 6]})
    assert message.startswith("Couldn't find all Libraries with 'id': (5, 6) (found 0")


def test_find_by_id_list(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    _, data = post(store, {"model": "Sample", "id": [ids["rev"], ids["fwd"], ids["rev"]]})
    assert [d["id"] for d in data] == [ids["fwd"], ids["rev"]]
    _, data = post(store, {"model": "Sample", "id": [ids["rev"]]})
    assert [d["id"] for d in data] == [ids["rev"]]
    assert errors(store, {"model": "Sample", "id": [99]}) == "Couldn't find Sample with 'id'=99"
    _, nested = post(store, {"model": "Sample", "id": [[ids["rev"]], [[ids["fwd"]]]]})
    assert [d["id"] for d in nested] == [ids["fwd"], ids["rev"]]


def test_find_method(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    _, one = post(store, {"model": "Sample", "method": "find", "arguments": [ids["fwd"]]})
    assert one["id"] == ids["fwd"]
    _, many = post(store, {"model": "Sample", "method": "find", "arguments": [[ids["fwd"]]]})
    assert [m["id"] for m in many] == [ids["fwd"]]
    body = {"model": "Sample", "method": "find"}
    assert errors(store, body) == "Couldn't find Sample without an ID"


# -- where and options ---------------------------------------------------------------------------


def test_where_default_order_is_ascending_id(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    assert where(store, "Item") == sorted(r["id"] for r in store.rows("items"))


def test_limit_and_offset_only_when_positive(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    every = where(store, "Sample")
    assert where(store, "Sample", offset=-1, limit=-1, reverse=False) == every
    assert where(store, "Sample", limit=0) == every
    assert where(store, "Sample", limit=2) == every[:2]
    assert where(store, "Sample", limit="2") == every[:2]
    assert where(store, "Sample", offset=1, limit=1) == every[1:2]
    assert where(store, "Sample", offset=1) == every[1:]
    assert where(store, "Sample", offset=10, limit=3) == []


def test_reverse_orders_by_created_at_desc(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    tie = START + timedelta(days=30)
    store.update("samples", ids["fwd"], created_at=tie)
    store.update("samples", ids["orphan_sample"], created_at=tie)
    expected = [ids["orphan_sample"], ids["fwd"], ids["rev"]]  # tie broken by id descending
    assert where(store, "Sample", reverse=True) == expected
    assert where(store, "Sample", reverse=True, limit=1) == expected[:1]


def test_reverse_is_ruby_truthy(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    ascending = where(store, "Sample")
    for truthy in ("false", "", 0, "0"):
        assert where(store, "Sample", reverse=truthy) == ascending[::-1]
    assert where(store, "Sample", reverse=[]) == ascending  # munged to null
    assert where(store, "Sample", reverse=None) == ascending
    assert where(store, "Sample", reverse=False) == ascending


def test_all_ignores_arguments_and_options(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    body = {"model": "Sample", "method": "all", "arguments": {"id": 1}, "options": {"limit": 1}}
    _, data = post(store, body)
    assert len(data) == store.count("samples")


def test_where_errors_are_422_strings(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    message = errors(store, {"model": "Sample", "method": "where", "arguments": {"nope": 1}})
    assert message == "Mysql2::Error: Unknown column 'samples.nope' in 'where clause'"
    message = errors(store, {"model": "Sample", "method": "where", "arguments": "(  )"})
    assert message.startswith("Mysql2::Error: You have an error in your SQL syntax")


def test_where_empty_result_is_empty_array(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    status, data = post(store, {"model": "Sample", "method": "where", "arguments": {"id": 999}})
    assert (status, data) == (200, [])


def test_badly_shaped_include_only_fails_when_rendering(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    body = {"model": "Sample", "method": "where", "include": {"items": "items"}}
    assert post(store, {**body, "arguments": {"id": 999}}) == (200, [])
    errors(store, {**body, "arguments": {"id": ids["fwd"]}})


def test_empty_array_argument_is_null_through_the_body(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    assert where(store, "Sample", {"user_id": []}) == [ids["orphan_sample"]]


def test_collection_queries_not_restricted(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    assert len(where(store, "Collection")) == store.count("items")


# -- find_by_name and new ------------------------------------------------------------------------


def test_find_by_name(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    body = {"model": "SampleType", "method": "find_by_name", "arguments": ["PRIMER"]}
    assert post(store, body)[1]["id"] == ids["primer"]
    body = {"model": "SampleType", "method": "find_by_name", "arguments": ["Nope"]}
    response = query(context(store, body))
    assert (response.status, response.body) == (200, b"null")


def test_find_by_name_needs_a_name_column(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    body = {"model": "Item", "method": "find_by_name", "arguments": ["x"]}
    assert errors(store, body) == "undefined method `find_by_name' for Item:Class"
    body = {"model": "Sample", "method": "find_by_name", "arguments": ["a", "b"]}
    assert errors(store, body) == "wrong number of arguments (given 2, expected 1)"


def test_new_renders_unsaved_defaults(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    count = store.count("items")
    _, item = post(store, {"model": "Item", "method": "new"})
    assert item["id"] is None and item["created_at"] is None
    assert item["inuse"] == 0 and item["location"] == "Unknown"
    assert store.count("items") == count
    _, user = post(store, {"model": "User", "method": "new"})
    assert user["admin"] is False and user["groups"] == []
    _, field_type = post(store, {"model": "FieldType", "method": "new"})
    assert field_type["allowable_field_types"] == []


# -- DataAssociation quirk -----------------------------------------------------------------------


def keys(store: Store, body: dict[str, Any]) -> list[tuple[str, int]]:
    status, data = post(store, {"model": "DataAssociation", **body})
    assert status == 200, data
    return [(d["key"], d["id"]) for d in data]


def test_data_association_most_recent_per_key(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    body = {
        "method": "where",
        "arguments": {"parent_class": "Item", "parent_id": [ids["bench"], ids["fridge"]]},
    }
    assert keys(store, body) == [
        ("concentration", ids["da_conc_tie"]),  # same updated_at as da_conc_new: highest id
        ("gel", ids["da_gel"]),
        ("Note", ids["da_Note"]),  # keys sort case-insensitively, newest first on a tie...
        ("note", ids["da_note"]),  # ...but group case-sensitively
    ]


def test_data_association_quirk_with_reverse(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    body = {"method": "where", "arguments": {"parent_class": "Item"}, "options": {"reverse": True}}
    assert keys(store, body) == [
        ("Note", ids["da_Note"]),
        ("note", ids["da_note"]),
        ("concentration", ids["da_conc_new"]),  # most recently created survives
        ("gel", ids["da_gel"]),
    ]


def test_data_association_limit_applies_before_grouping(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    body = {"method": "where", "arguments": {"parent_class": "Item"}, "options": {"limit": 3}}
    assert keys(store, body) == [("concentration", ids["da_conc_tie"])]


def test_data_association_quirk_for_all_but_not_with_id_key(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    every = keys(store, {"method": "all"})
    assert len(every) == len({k for k, _ in every})
    with_id = {"method": "where", "id": None, "arguments": {"parent_class": "Item"}}
    assert len(keys(store, with_id)) == 6
    _, data = post(store, {"model": "DataAssociation", "id": ids["da_conc_old"]})
    assert data["id"] == ids["da_conc_old"]


def test_data_association_find_and_new_fail(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    errors(store, {"model": "DataAssociation", "method": "find", "arguments": [ids["da_note"]]})
    errors(store, {"model": "DataAssociation", "method": "new"})
    errors(store, {"model": "DataAssociation", "method": "find_by_name", "arguments": ["x"]})


def test_data_association_ignores_include_and_methods(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    body = {"model": "DataAssociation", "id": ids["da_gel"], "include": "upload", "methods": "key"}
    _, data = post(store, body)
    assert list(data)[-2:] == ["upload", "url"]


# -- pydent's exact request shapes ------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"model": "Sample", "id": 1},
        {"model": "Item", "methods": ["is_part"], "id": 4},
        {
            "model": "Plan",
            "include": ["plan_associations", "operations"],
            "method": "where",
            "arguments": {"user_id": 1},
            "options": {"offset": -1, "limit": -1, "reverse": False},
        },
        {
            "model": "Sample",
            "method": "where",
            "arguments": {"sample_type_id": [1, 2]},
            "options": {"offset": -1, "limit": -1, "reverse": False},
        },
        {
            "model": "Item",
            "methods": ["is_part"],
            "method": "where",
            "arguments": {"sample_id": 1},
            "options": {"offset": -1, "limit": 1, "reverse": True},
        },
        {
            "model": "Sample",
            "method": "all",
            "options": {"offset": -1, "reverse": False, "limit": -1},
        },
        {"model": "SampleType", "method": "find_by_name", "arguments": ["Primer"]},
        {
            "model": "Upload",
            "method": "where",
            "arguments": {"id": 1},
            "methods": ["expiring_url"],
            "options": {"offset": -1, "limit": -1, "reverse": False},
        },
        {"model": "Collection", "methods": ["dimensions"], "method": "where", "options": {}},
        {"model": "Upload", "methods": ["size", "name", "job"], "method": "where"},
        {
            "model": "Code",
            "method": "where",
            "arguments": {"parent_id": 1, "parent_class": "OperationType", "name": "protocol"},
            "options": {"offset": -1, "limit": 1, "reverse": True},
        },
        {
            "model": "FieldType",
            "method": "where",
            "arguments": {"parent_id": [1], "parent_class": ["OperationType"]},
        },
    ],
)
def test_pydent_request_shapes_answer_200(lab: tuple[Store, Lab], body: dict[str, Any]) -> None:
    store, _ = lab
    status, data = post(store, body)
    assert status == 200, data
    assert data is not None


def test_run_query_direct_python_api(lab: tuple[Store, Lab]) -> None:
    store, ids = lab
    data = run_query(store, {"model": "Sample", "method": "where", "arguments": {"user": 1}})
    assert [d["id"] for d in data] == [ids["fwd"]]


def test_through_the_app_with_cookie() -> None:
    fake = FakeAquarium(build)
    body = b'{"model": "Item", "methods": ["is_part"], "method": "where", "arguments": {"id": []}}'
    request = Request(
        "POST",
        "/json",
        "",
        {"Cookie": f"remember_token={NEPTUNE_TOKEN}", "Content-Type": "application/json"},
        body,
    )
    response = fake.handle(request)
    assert (response.status, response.json()) == (200, [])
    anonymous = fake.handle(Request("POST", "/json", "", {}, body))
    assert anonymous.status == 302
