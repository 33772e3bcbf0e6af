"""Minimal failing examples the properties found, kept as plain tests so every run shows them.

Each one is the shrunk input of a property in this directory, checked the same way.
"""

from __future__ import annotations

from typing import Any

import pytest

from aqfake.app import FakeAquarium
from aqfake.conditions import select
from aqsession.aql import to_sql
from aqsession.exceptions import AquariumQueryLanguageValidationError

from .test_client_properties import check_aql


@pytest.mark.parametrize(
    ("model", "criteria"), [("FieldValue", {"column": 0}), ("DataAssociation", {"key": "note"})]
)
def test_to_sql_of_a_reserved_column_selects_what_the_hash_selects(
    aq_fake: FakeAquarium, model: str, criteria: dict[str, Any]
) -> None:
    by_hash = select(aq_fake.store, model, criteria)
    assert select(aq_fake.store, model, to_sql(criteria)) == by_hash


@pytest.mark.parametrize(
    "document",
    [
        # to_sql writes the reserved word ``key`` bare: a syntax error on MySQL and in the fake
        {"__model__": "DataAssociation", "__query__": {"key": {"__not__": "x"}}},
        # a list holding null is sent as a hash; Rails' deep_munge drops the null (IS NULL lost)
        {"__model__": "ObjectType", "__query__": {"safety": [None, ""]}},
        # "1" and the sub-query's 1 are intersected by Python equality: nothing is left
        {"__model__": "Sample", "__query__": {"field_values": {"__query__": {}}, "id": "1"}},
        # User.groups keyed on a column groups do not have; it now goes through memberships
        {"__model__": "User", "__query__": {"groups": {"__query__": {"name": "admin"}}}},
    ],
)
def test_aql_examples(aq_fake: FakeAquarium, aq_session: Any, document: dict[str, Any]) -> None:
    assert check_aql(aq_fake, aq_session, document)


def test_a_relationship_on_a_column_the_server_lacks_is_refused_before_any_request(
    aq_fake: FakeAquarium, aq_session: Any
) -> None:
    mark = aq_fake.journal.mark()
    document = {"__model__": "FieldValue", "__query__": {"object_type": {"__query__": {}}}}
    with pytest.raises(AquariumQueryLanguageValidationError, match="object_type_id"):
        aq_session.query(document)
    assert aq_fake.journal.since(mark) == []
