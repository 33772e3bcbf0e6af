"""The query language end to end: AqSession -> /json -> the fake Aquarium, on a small lab
built for these tests, comparing request bodies with pydent's captures (client-behaviour §6)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from aql_examples import NESTED

from aqfake.app import FakeAquarium
from aqfake.lab import seed_lab
from aqfake.store import Store
from aqsession import AqSession
from aqsession.aql import execute
from aqsession.exceptions import AquariumQueryLanguageValidationError

NOW = datetime.now(timezone.utc).replace(microsecond=0)
OLD = NOW - timedelta(days=30)
RECENT = NOW - timedelta(days=1)
ATTACK = 'x" OR 1=1 OR "a'
DEFAULTS = {"offset": -1, "limit": -1}


def build(store: Store) -> None:
    """Two plasmids and a primer with glycerol stocks and aliquots, old and recent, plus two
    operation types whose protocols have versions, and a budget for neptune (id 1)."""
    lab = seed_lab(store)
    with lab.at(OLD):
        lab.sample_type("Primer")
        lab.sample_type("Plasmid")
        lab.object_type("Yeast Glycerol Stock", sample_type="Plasmid")
        lab.object_type("Primer Aliquot", sample_type="Primer")
        lab.object_type("Primer Stock", sample_type="Primer")
        lab.sample("pA", "Plasmid", "p", user=1)
        lab.sample("pB", "Plasmid", "p", user=1)
        lab.sample("fwd", "Primer", "p", user=1)
        lab.sample('q"uote\\back', "Primer", "p", user=1)
        lab.item("pA", "Yeast Glycerol Stock")
        lab.item("fwd", "Primer Aliquot")
        lab.operation_type("Alpha", "Tests", codes={"protocol": "centrifuge"})
        lab.operation_type("Beta", "Tests", codes={"protocol": "centrifuge"})
    with lab.at(RECENT):
        lab.item("pB", "Yeast Glycerol Stock")
        lab.item("fwd", "Primer Stock", location="Fridge")
        lab.item("fwd", "Primer Aliquot", location="Freezer")
        lab.item("fwd", "Primer Aliquot", deleted=True)
        alpha = store.first("operation_types", name="Alpha")
        lab.code(alpha, "OperationType", "protocol", "pipette")
        lab.budget("Lab budget", users={1: 500.0})


@pytest.fixture
def fake() -> FakeAquarium:
    return FakeAquarium(build)


@pytest.fixture
def session(fake: FakeAquarium) -> Iterator[AqSession]:
    with fake.mock():
        yield AqSession("neptune", "aquarium", fake.base_url)


def ids(store: Store, table: str, **criteria: Any) -> list[int]:
    return [int(row["id"]) for row in store.lookup(table, **criteria)]


def one_id(store: Store, table: str, **criteria: Any) -> int:
    (found,) = ids(store, table, **criteria)
    return found


def bodies(fake: FakeAquarium, mark: int) -> list[Any]:
    return [entry.body for entry in fake.journal.since(mark) if entry.path == "/json"]


def test_nested_example_sends_pydents_requests(fake: FakeAquarium, session: AqSession) -> None:
    glycerol = one_id(fake.store, "object_types", name="Yeast Glycerol Stock")
    pb = one_id(fake.store, "samples", name="pB")
    mark = fake.journal.mark()
    results = session.query(NESTED)
    sent = bodies(fake, mark)
    assert sent[:2] == [
        {
            "model": "ObjectType",
            "method": "where",
            "arguments": {"name": "Yeast Glycerol Stock"},
            "options": {**DEFAULTS, "reverse": True},
        },
        {
            "model": "Item",
            "methods": ["is_part"],
            "method": "where",
            "arguments": {"object_type_id": [glycerol]},
            "options": {"offset": -1, "limit": 1, "reverse": True},
        },
    ]
    assert sent[2]["model"] == "Sample"
    assert sent[2]["arguments"] == {"id": [pb], "user_id": 1}
    assert [s.id for s in results] == [pb]
    assert [b["model"] for b in sent[3:]] == ["SampleType", "FieldType"]
    with session.with_requests_off() as offline:
        assert offline.using_requests is False
        assert results[0].sample_type.name == "Plasmid"
        assert results[0].sample_type.field_types == []


def test_nested_example_outer_request_keeps_the_options(
    fake: FakeAquarium, session: AqSession
) -> None:
    pb = one_id(fake.store, "samples", name="pB")
    mark = fake.journal.mark()
    session.query(NESTED)
    assert bodies(fake, mark)[2] == {
        "model": "Sample",
        "method": "where",
        "arguments": {"id": [pb], "user_id": 1},
        "options": {**DEFAULTS, "reverse": True},
    }


def test_operator_example_sends_one_sql_string(fake: FakeAquarium, session: AqSession) -> None:
    store = fake.store
    primer_types = sorted(
        ids(store, "object_types", sample_type_id=one_id(store, "sample_types", name="Primer")),
        reverse=True,
    )
    fresh = [
        row
        for row in store.lookup("items", location="Freezer")
        if row["object_type_id"] in primer_types
    ]
    document = {
        "__model__": "Item",
        "__query__": {
            "object_type": {"__query__": {"sample_type": {"__query__": {"name": "Primer"}}}},
            "created_at": {"__gt__": {"__time__": {"__days__": -7}}},
            "location": {"__not__": "deleted"},
            "__options__": {"limit": 1},
        },
    }
    mark = fake.journal.mark()
    results = execute(session, document, now=NOW)
    in_list = " OR ".join(f'object_type_id = "{i}"' for i in primer_types)
    week_ago = (NOW - timedelta(days=7)).strftime("%Y-%m-%d %H:%M:%S")
    assert bodies(fake, mark)[2] == {
        "model": "Item",
        "methods": ["is_part"],
        "method": "where",
        "arguments": f'( {in_list} ) AND created_at > "{week_ago}" AND location != "deleted"',
        "options": {"offset": -1, "limit": 1, "reverse": True},
    }
    assert [e.status for e in fake.journal.since(mark)] == [200, 200, 200]
    assert [i.id for i in results] == [fresh[0]["id"]]


def test_time_queries_select_by_utc_creation_time(session: AqSession) -> None:
    recent = session.query(
        {
            "__model__": "Item",
            "__query__": {"created_at": {"__ge__": {"__time__": {"__days__": -7}}}},
        }
    )
    old = session.query(
        {
            "__model__": "Item",
            "__query__": {"created_at": {"__lt__": {"__time__": {"__days__": -7}}}},
        }
    )
    assert len(recent) == 4
    assert len(old) == 2


def test_injection_attempt_is_inert(fake: FakeAquarium, session: AqSession) -> None:
    attack = {"__model__": "Sample", "__query__": {"id": {"__lt__": 0}, "name": ATTACK}}
    assert session.query(attack) == []
    assert fake.journal.entries[-1].status == 200
    quoted = {"__model__": "Sample", "__query__": {"id": {"__gt__": 0}, "name": 'q"uote\\back'}}
    assert [s.name for s in session.query(quoted)] == ['q"uote\\back']


def test_has_many_through(fake: FakeAquarium, session: AqSession) -> None:
    found = session.query(
        {"__model__": "User", "__query__": {"budgets": {"__query__": {"name": "Lab budget"}}}}
    )
    assert [u.login for u in found] == ["neptune"]
    assert (
        session.query(
            {"__model__": "User", "__query__": {"budgets": {"__query__": {"name": "none"}}}}
        )
        == []
    )


def test_has_one_from_many_uses_the_newest_version(session: AqSession) -> None:
    def protocol(content: str) -> list[str]:
        document = {
            "__model__": "OperationType",
            "__query__": {"protocol": {"__query__": {"content": content}}},
        }
        return sorted(ot.name for ot in session.query(document))

    assert protocol("centrifuge") == ["Beta"]
    assert protocol("pipette") == ["Alpha"]


def test_results_belong_to_the_calling_session(session: AqSession) -> None:
    (sample,) = session.query({"__model__": "Sample", "__query__": {"name": "pA"}})
    assert sample.session is session
    paged = session.query(
        {"__model__": "Sample", "__query__": {"__options__": {"pageSize": 2, "limit": 3}}}
    )
    assert len(paged) == 3
    assert all(model.session is session for model in paged)


def test_page_size_is_not_sent_to_the_server(fake: FakeAquarium, session: AqSession) -> None:
    mark = fake.journal.mark()
    session.query({"__model__": "Sample", "__query__": {"__options__": {"pageSize": 3}}})
    sent = bodies(fake, mark)
    assert [b["options"] for b in sent] == [
        {"offset": 0, "limit": 3, "reverse": True},
        {"offset": 3, "limit": 3, "reverse": True},
    ]


def test_json_results(session: AqSession) -> None:
    (dumped,) = session.query(
        {
            "__model__": "Sample",
            "__query__": {"name": "pA", "__return__": "sample_type"},
            "__json__": True,
        }
    )
    assert dumped["name"] == "pA"
    assert dumped["sample_type"]["name"] == "Plasmid"
    assert dumped["__model__"] == "Sample"
    assert dumped["__uri__"].endswith(f"/samples/{dumped['id']}")
    (bare,) = session.query(
        {"__model__": "Sample", "__query__": {"name": "pA"}, "__json__": {"include_uri": False}}
    )
    assert "__uri__" not in bare
    assert bare["__model__"] == "Sample"
    assert "sample_type" not in bare


def test_bad_documents_send_nothing(fake: FakeAquarium, session: AqSession) -> None:
    mark = fake.journal.mark()
    bad = [
        {"__model__": "FieldValue", "__query__": {"sid": {"__query__": {}}}},
        {"__model__": "Plan", "__query__": {"wires": {"__query__": {}}}},
        {"__model__": "Smaple", "__query__": {}},
        {"__model__": "Sample", "__query__": {"items": {"__query__": {"name": []}}}},
        {"__model__": "Sample", "__query__": {"__return__": "itemz"}},
    ]
    for document in bad:
        with pytest.raises(AquariumQueryLanguageValidationError):
            session.query(document)
    assert fake.journal.since(mark) == []
