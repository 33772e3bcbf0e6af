"""Batched relationship loading (Browser.get / retrieve / recursive_retrieve) with test doubles."""

from __future__ import annotations

import logging

import pytest
from test_browser_doubles import BtKind, BtNote, BtOwner, FakeServer, FakeSession, demo_tables

from aqsession.browser.loading import count_edges, spec_items
from aqsession.exceptions import BrowserException, ForbiddenRequestError


def make(owners=5, **options):
    server = FakeServer(demo_tables(owners))
    session = FakeSession(server, **options)
    return server, session, session.browser


def owners_of(browser, server, ids=None):
    found = browser.where({"id": ids or list(range(1, 100))}, "BtOwner")
    server.calls.clear()
    return found


def requests_off(session):
    session.using_requests = False
    return session


@pytest.mark.parametrize("count", [3, 30, 300])
def test_one_request_per_relationship_whatever_the_number_of_owners(count):
    server, session, browser = make(count)
    owners = owners_of(browser, server)
    browser.get(owners, {"bt_kind": "owners", "parts": {}, "notes": "owner", "linked_kinds": {}})
    # notes.owner and linked_kinds' kinds are all in the cache already: no request for them
    assert [c[1] for c in server.calls] == ["BtKind", "BtOwner", "BtPart", "BtNote", "BtLink"]
    requests_off(session)
    for owner in owners:
        assert owner.bt_kind.id == 1 + owner.id % 2
        assert [p.owner_id for p in owner.parts] == [owner.id] * len(owner.parts)
        assert [n.owner for n in owner.notes] == [owner] * 2
        assert [k.id for k in owner.linked_kinds] == [1, 2]
        assert owner in owner.bt_kind.owners


def test_has_one_sends_only_uncached_ids_and_sets_missing_targets_to_none(caplog):
    server, _session, browser = make()
    owners = owners_of(browser, server)
    browser.find(1, "BtKind")
    server.calls.clear()
    owners[0]._data["bt_kind_id"] = 77
    with caplog.at_level(logging.WARNING, logger="aqsession.browser"):
        kinds = browser.retrieve(owners, "bt_kind")
    assert [k.id for k in kinds] == [1, 2]
    assert server.calls == [("where", "BtKind", {"query": {"id": [77, 2]}, "opts": None})]
    assert owners[0].bt_kind is None
    assert "INCONSISTENT AQUARIUM DATABASE" in caplog.text
    server.calls.clear()
    assert browser.retrieve(owners, "bt_kind") == kinds
    assert server.calls == []


def test_empty_many_relations_become_empty_lists_and_need_no_request_later():
    server, session, browser = make()
    owners = owners_of(browser, server)
    parts = browser.retrieve(owners, "parts")
    assert len(parts) == 4
    requests_off(session)
    assert [len(o.parts) for o in owners] == [0, 2, 0, 2, 0]


def test_has_one_from_many_keeps_the_newest_match_per_owner():
    server, _session, browser = make()
    owners = owners_of(browser, server)
    browser.retrieve(owners, "latest_note")
    assert len(server.calls) == 1
    assert server.calls[0][2]["query"] == {
        "parent_id": [1, 2, 3, 4, 5],
        "parent_class": ["BtOwner"],
        "key": ["k"],
    }
    # owner 3's notes are stamped the other way round, so its newest is the first note
    assert [o.latest_note.id for o in owners] == [2, 4, 5, 8, 10]


def test_has_many_through_costs_two_requests():
    server, session, browser = make()
    owners = owners_of(browser, server)
    kinds = browser.retrieve(owners, "linked_kinds")
    assert [c[1] for c in server.calls] == ["BtLink", "BtKind"]
    assert sorted(k.id for k in kinds) == [1, 2]
    requests_off(session)
    assert all(link.bt_kind in kinds for o in owners for link in o.bt_links)


def test_polymorphic_parents_are_respected():
    server, session, browser = make(2)
    notes = browser.where({"parent_id": 1}, "BtNote")
    server.calls.clear()
    assert {n.parent_class for n in notes} == {"BtOwner", "Elsewhere"}
    owners = browser.retrieve(notes, "owner")
    assert [o.id for o in owners] == [1]
    assert server.calls == [("where", "BtOwner", {"query": {"id": [1]}, "opts": None})]
    stranger = next(n for n in notes if n.parent_class == "Elsewhere")
    requests_off(session)
    assert stranger.owner is None


def test_large_id_lists_are_chunked():
    server, _session, browser = make(7, chunk_size=3)
    owners = owners_of(browser, server)
    browser.retrieve(owners, "parts")
    sizes = [len(c[2]["query"]["owner_id"]) for c in server.calls]
    assert sizes == [3, 3, 1]


def test_loaded_relationships_are_not_fetched_again_unless_forced():
    server, _session, browser = make()
    owners = owners_of(browser, server)
    browser.retrieve(owners, "parts")
    first_parts = {o.id: list(o.parts) for o in owners}
    server.calls.clear()
    browser.retrieve(owners, "parts")
    assert server.calls == []
    server.tables["BtPart"][0]["name"] = "renamed"
    browser.retrieve(owners, "parts", force_refresh=True)
    assert len(server.calls) == 1
    assert owners[1].parts[0] is first_parts[2][0]
    assert owners[1].parts[0].name == "renamed"


def test_force_refresh_refetches_cached_by_id_targets():
    server, _session, browser = make()
    owners = owners_of(browser, server)
    browser.retrieve(owners, "bt_kind")
    server.calls.clear()
    server.tables["BtKind"][0]["name"] = "Primer v2"
    browser.retrieve(owners, "bt_kind", force_refresh=True)
    assert len(server.calls) == 1
    assert owners[1].bt_kind.name == "Primer v2"


def test_owners_that_cannot_load_get_empty_values_without_a_request():
    server, session, browser = make()
    unsaved = BtOwner.load_from({"name": "new"}, session)
    assert browser.retrieve([unsaved], "parts") == []
    assert browser.retrieve([unsaved], "bt_kind") == []
    assert server.calls == []
    requests_off(session)
    assert unsaved.parts == [] and unsaved.bt_kind is None


def test_retrieve_errors_name_the_problem():
    server, _session, browser = make()
    owners = owners_of(browser, server)
    with pytest.raises(BrowserException, match="Did you mean 'parts'"):
        browser.retrieve(owners, "prts")
    assert browser.retrieve(owners, "prts", strict=False) == []
    kind = browser.find(1, "BtKind")
    with pytest.raises(BrowserException, match="single class"):
        browser.retrieve([owners[0], kind], "parts")
    with pytest.raises(BrowserException, match="not recognized"):
        browser.get(owners, 5)
    assert browser.retrieve([], "parts") == []


def test_get_forms():
    server, _session, browser = make()
    owners = owners_of(browser, server)
    assert browser.get(owners) == owners
    assert browser.get(o for o in owners) == owners
    assert browser.get(owners[0], "bt_kind")[0].id == 2
    result = browser.get(owners, ["parts", {"notes": "owner"}])
    assert set(result) == {"parts", "notes", "owner"}
    assert browser.get("BtOwner", query={"bt_kind_id": 2}) == [owners[0], owners[2], owners[4]]
    assert browser.get("BtKind") == [owners[0].bt_kind]


def test_recursive_results_are_flattened_by_name():
    server, _session, browser = make()
    owners = owners_of(browser, server)
    result = browser.recursive_retrieve(owners, {"bt_kind": {"owners": "bt_kind"}})
    assert sorted(k.id for k in result["bt_kind"]) == [1, 2]
    assert len(result["owners"]) == 5


def test_spec_helpers():
    assert spec_items("a", True) == [("a", None)]
    assert spec_items({"a": "b", "c": {}}, True) == [("a", "b"), ("c", {})]
    assert spec_items(["a", {"b": "c"}], True) == [("a", None), ("b", "c")]
    assert spec_items({}, True) == []
    assert spec_items(3, False) == []
    assert count_edges({"a": {"b": "c"}, "d": ["e", "f"]}) == 6


def test_progress_bar_is_opt_in(capsys):
    server, _session, browser = make()
    owners = owners_of(browser, server)
    browser.get(owners, {"parts": {}})
    assert "Loading relationships" not in capsys.readouterr().err
    browser.get(owners, {"notes": "owner"}, progress=True)
    assert "Loading relationships" in capsys.readouterr().err


def test_lazy_access_with_requests_off_raises_when_nothing_was_loaded():
    server, session, browser = make()
    owner = owners_of(browser, server)[0]
    requests_off(session)
    with pytest.raises(ForbiddenRequestError):
        _ = owner.parts


def test_update_cache_walks_what_retrieve_loaded():
    server, _session, browser = make(2)
    owners = owners_of(browser, server)
    browser.get(owners, {"notes": {}})
    other = FakeSession(server)
    other.browser.update_cache(owners)
    assert {type(m) for m in other.browser.models} == {BtOwner, BtNote}
    assert BtKind not in {type(m) for m in other.browser.models}


def test_queries_varying_in_two_columns_are_merged_and_split_by_size():
    from aqsession.browser.loading import _groups

    members = [(object(), {"a": [i, i + 1], "b": 10 + i, "c": "x"}) for i in range(5)]
    single = _groups(members, chunk_size=100)
    assert len(single) == 1
    base, column_name, values, part = single[0]
    assert len(part) == 5
    assert column_name == "a" and values == [0, 1, 2, 3, 4, 5]
    assert base == {"b": [10, 11, 12, 13, 14], "c": ["x"]}
    split = _groups(members, chunk_size=2)
    assert [len(b[3]) for b in split] == [2, 2, 1]
    assert all(len(b[0]["b"]) <= 2 for b in split)
