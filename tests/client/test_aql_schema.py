"""Validation of query-language documents against aqsession/aql/schema.json."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest
from aql_examples import NESTED, OPERATORS

from aqsession.aql import AQLDeprecatedKeyError, query_schema, validate
from aqsession.exceptions import AquariumQueryLanguageValidationError


def query(body: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"__model__": "Sample", "__query__": body, **top}


GOOD = [
    NESTED,
    OPERATORS,
    query({}),
    query({"name": "a", "id": 3, "volume": 1.5, "active": True, "description": None}),
    query({"id": [1, 2, 3]}),
    query({"name": ["a", None, 2.5, False]}),
    query({"created_at": {"__time__": {"__minutes__": -3}}}),
    query({"created_at": {"__gt__": {"__time__": {}, "__hours__": -3}}}),
    query({"created_at": {"__le__": {"__time__": {"__weeks__": 1, "__seconds__": 2}}}}),
    query({"id": {"__ge__": 4}}),
    query({"id": {"__lt__": 4.5}}),
    query({"description": {"__not__": None}}),
    query({"active": {"__not__": True}}),
    query({"sample_type": {"__model__": "SampleType", "__query__": {"name": "Primer"}}}),
    query({"sample_type": {"__description__": "why", "__query__": {}}}),
    query({"__options__": {"limit": -1, "pageSize": None, "reverse": False, "offset": 2}}),
    query({"__options__": {"pageSize": 3}}),
    query({"__return__": "items"}),
    query({"__return__": ["items", "sample_type"]}),
    query({"__return__": {"items": {"object_type": {}}, "sample_type": ["field_types"]}}),
    query({}, __json__=True),
    query({}, __json__=False),
    query({}, __json__={"include_uri": False}),
    query({}, __description__="all samples"),
    query({"_private": 1, "a_b": 2}),
]


@pytest.mark.parametrize("document", GOOD)
def test_good_documents_validate(document: dict[str, Any]) -> None:
    before = copy.deepcopy(document)
    validate(document)
    assert document == before


BAD = [
    ({"__query__": {}}, "$:", "'__model__' is a required property"),
    ({"__model__": "Sample"}, "$:", "'__query__' is a required property"),
    (query({}, extra=1), "$:", "'extra' was unexpected"),
    ({"__model__": 5, "__query__": {}}, "$.__model__:", "is not of type 'string'"),
    ({"__model__": "sample", "__query__": {}}, "$.__model__:", "does not match"),
    (query([]), "$.__query__:", "is not of type 'object'"),
    (query({"__foo__": 1}), "$.__query__.__foo__:", "not allowed"),
    (query({"name__": 1}), "$.__query__.name__:", "not allowed"),
    (query({"bad-key": 1}), '$.__query__["bad-key"]:', "not allowed"),
    (query({"name": {"a": 1}}), "$.__query__.name.a:", "not allowed"),
    (query({"name": {"__foo__": 1}}), "$.__query__.name.__foo__:", "not allowed"),
    (query({"name": {"__not__": 1, "__lt__": 2}}), "$.__query__.name:", "too many properties"),
    (query({"name": {}}), "$.__query__.name:", "should be non-empty"),
    (query({"name": {"__lt__": True}}), "$.__query__.name.__lt__:", "is not of type"),
    (query({"name": {"__gt__": None}}), "$.__query__.name.__gt__:", "is not of type"),
    (query({"name": {"__not__": [1]}}), "$.__query__.name.__not__:", "is not of type"),
    (query({"id": []}), "$.__query__.id:", "should be non-empty"),
    (query({"id": [1, [2]]}), "$.__query__.id[1]:", "is not of type"),
    (query({"id": [{"__time__": {"__days__": 1}}]}), "$.__query__.id[0]:", "is not of type"),
    (query({"t": {"__time__": [1]}}), "$.__query__.t.__time__:", "is not of type"),
    (query({"t": {"__time__": {"__day__": 1}}}), "$.__query__.t.__time__:", "'__day__'"),
    (query({"t": {"__time__": {"__days__": 1.5}}}), "$.__query__.t.__time__.__days__:", "integer"),
    (query({"t": {"__time__": {"__days__": 1}, "x": 1}}), "$.__query__.t:", "'x' was unexpected"),
    (
        query({"items": {"__query__": {"name": {"__lt__": True}}}}),
        "$.__query__.items.__query__.name.__lt__:",
        "is not of type",
    ),
    (
        query({"items": {"__query__": {"object_type": {"__query__": {"name": []}}}}}),
        "$.__query__.items.__query__.object_type.__query__.name:",
        "should be non-empty",
    ),
    (
        query({"items": {"__query__": {}, "__json__": True}}),
        "$.__query__.items:",
        "'__json__' was unexpected",
    ),
    (query({"items": {"__query__": 1}}), "$.__query__.items.__query__:", "is not of type"),
    (
        query({"items": {"__model__": "item", "__query__": {}}}),
        "$.__query__.items.__model__:",
        "does not match",
    ),
    (query({"__options__": {"limit": "1"}}), "$.__query__.__options__.limit:", "integer"),
    (query({"__options__": {"limit": -2}}), "$.__query__.__options__.limit:", "less than"),
    (query({"__options__": {"pageSize": 0}}), "$.__query__.__options__.pageSize:", "less than"),
    (query({"__options__": {"reverse": 1}}), "$.__query__.__options__.reverse:", "boolean"),
    (query({"__options__": {"sort": "id"}}), "$.__query__.__options__:", "'sort' was unexpected"),
    (query({"__return__": 5}), "$.__query__.__return__:", "is not valid under any"),
    (query({"__return__": {"items": 5}}), "$.__query__.__return__", "is not valid under any"),
    (query({}, __json__="yes"), "$.__json__:", "is not valid under any"),
    (query({}, __json__={"indent": 2}), "$.__json__:", "'indent' was unexpected"),
    (query({}, __description__=3), "$.__description__:", "is not of type 'string'"),
]


@pytest.mark.parametrize(("document", "path", "problem"), BAD)
def test_bad_documents_name_the_path_and_the_problem(
    document: Any, path: str, problem: str
) -> None:
    with pytest.raises(AquariumQueryLanguageValidationError) as info:
        validate(document)
    message = str(info.value)
    assert message.startswith(path), message
    assert problem in message, message


def test_schema_error_is_chained() -> None:
    with pytest.raises(AquariumQueryLanguageValidationError) as info:
        validate(query({"id": []}))
    assert isinstance(info.value.__cause__, jsonschema.ValidationError)


def test_not_a_mapping_is_refused() -> None:
    with pytest.raises(AquariumQueryLanguageValidationError, match=r"^\$: .*'object'"):
        validate(["__model__"])


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"__model__": "Sample", "query": {}}, "$.query"),
        (query({"items": {"query": {"name": "x"}}}), "$.__query__.items.query"),
        (
            query({"items": {"__query__": {"object_type": {"query": {}}}}}),
            "$.__query__.items.__query__.object_type.query",
        ),
    ],
)
def test_the_old_query_key_raises_a_deprecation_error(document: Any, path: str) -> None:
    with pytest.raises(AQLDeprecatedKeyError) as info:
        validate(document)
    assert isinstance(info.value, DeprecationWarning)
    assert isinstance(info.value, AquariumQueryLanguageValidationError)
    assert str(info.value).startswith(f"{path}:")
    assert "'__query__'" in str(info.value)


def test_an_attribute_called_query_is_not_deprecated() -> None:
    validate(query({"query": "text", "other": {"__not__": "query"}}))


def test_query_schema_is_a_draft7_schema_and_a_fresh_copy() -> None:
    schema = query_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["required"] == ["__model__", "__query__"]
    schema["required"].append("oops")
    schema["definitions"].clear()
    assert query_schema()["required"] == ["__model__", "__query__"]
    assert "queryObj" in query_schema()["definitions"]


def test_schema_examples_validate() -> None:
    schema = query_schema()
    for example in schema["examples"]:
        validate(example)
    assert schema["examples"] == [NESTED, OPERATORS]
