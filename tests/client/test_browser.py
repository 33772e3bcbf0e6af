"""Browser cache and cached queries, against small test doubles (no HTTP)."""

from __future__ import annotations

import io
import logging
import sys

import pytest
from test_browser_doubles import BtKind, BtOwner, FakeServer, FakeSession, demo_tables

from aqsession.browser import Browser
from aqsession.browser.export import resolve_path
from aqsession.browser.graph import ModelGraph
from aqsession.exceptions import BrowserException, ForbiddenRequestError, ModelRegistryError


@pytest.fixture
def server():
    return FakeServer(demo_tables())


@pytest.fixture
def session(server):
    return FakeSession(server)


@pytest.fixture
def browser(session):
    return session.browser


def calls(server):
    made = list(server.calls)
    server.calls.clear()
    return made


# -- update_cache -------------------------------------------------------------------------------


def test_update_cache_keeps_the_cached_object_and_refreshes_its_data(session, browser):
    first = BtOwner.load_from({"id": 1, "name": "old", "bt_kind_id": 1}, session)
    browser.update_cache([first])
    rid = first.rid
    other = FakeSession(FakeServer({}))
    second = BtOwner.load_from({"id": 1, "name": "new", "bt_kind_id": 1}, other)
    result = browser.update_cache([second])
    assert result == {"BtOwner": [first]}
    assert first.name == "new"
    assert first.rid == rid
    assert first.session is session
    assert browser.models == [first]


def test_update_cache_keeps_relationships_whose_keys_did_not_change(session, browser):
    owner = BtOwner.load_from({"id": 1, "name": "a", "bt_kind_id": 1}, session)
    kind = BtKind.load_from({"id": 1, "name": "Primer"}, session)
    owner.set_loaded("bt_kind", kind)
    owner.set_loaded("parts", [])
    browser.update_cache([owner])
    browser.update_cache([BtOwner.load_from({"id": 1, "name": "b", "bt_kind_id": 1}, session)])
    assert owner.bt_kind is kind
    assert owner.parts == []
    browser.update_cache([BtOwner.load_from({"id": 1, "name": "b", "bt_kind_id": 2}, session)])
    assert not owner.is_deserialized("bt_kind")
    assert owner.parts == []


def test_update_cache_recurses_and_repoints_to_cached_objects(session, browser):
    kind = BtKind.load_from({"id": 1, "name": "Primer"}, session)
    browser.update_cache([kind])
    owner = BtOwner.load_from({"id": 7, "bt_kind_id": 1}, session)
    duplicate_kind = BtKind.load_from({"id": 1, "name": "Primer v2"}, session)
    owner.set_loaded("bt_kind", duplicate_kind)
    result = browser.update_cache([owner])
    assert owner.bt_kind is kind
    assert kind.name == "Primer v2"
    assert set(result) == {"BtOwner", "BtKind"}
    assert browser.update_cache([owner], recursive=False) == {"BtOwner": [owner]}


def test_update_cache_can_rebind_sessions(session, browser):
    other = FakeSession(FakeServer({}))
    owner = BtOwner.load_from({"id": 3}, other)
    browser.update_cache([owner], update_session=True)
    assert owner.session is session


def test_update_cache_rejects_a_single_model(session, browser):
    with pytest.raises(TypeError, match="list of models"):
        browser.update_cache(BtOwner.load_from({"id": 1}, session))


def test_unsaved_models_are_keyed_by_rid_until_they_get_an_id(session, browser):
    owner = BtOwner.load_from({"name": "new"}, session)
    browser.update_cache([owner])
    assert browser.model_cache["BtOwner"] == {f"r{owner.rid}": owner}
    owner.id = 42
    assert browser.find(42, "BtOwner") is owner
    assert browser.model_cache["BtOwner"] == {42: owner}


def test_clear_and_model_selection(browser):
    browser.find(1, "BtOwner")
    browser.clear()
    assert browser.models == []
    assert browser.model_name == "Sample"
    browser.set_model("BtOwner")
    assert browser.model_name == "BtOwner"
    with pytest.raises(ModelRegistryError):
        browser.set_model("BtOwnr")


# -- find ---------------------------------------------------------------------------------------


def test_find_hits_the_cache_after_the_first_request(server, browser):
    owner = browser.find(2, "BtOwner")
    assert owner.name == "Owner 2"
    assert browser.find("2", "BtOwner") is owner
    assert calls(server) == [("find", "BtOwner", 2)]
    assert browser.find(0, "BtOwner") is None
    assert browser.find(99, "BtOwner") is None
    with pytest.raises(ValueError, match="cannot be None"):
        browser.find(None, "BtOwner")


def test_find_a_list_only_asks_for_missing_ids(server, browser):
    browser.find(2, "BtOwner")
    calls(server)
    found = browser.find([1, 2, 3], "BtOwner")
    assert [m.id for m in found] == [1, 2, 3]
    assert calls(server) == [("where", "BtOwner", {"query": {"id": [1, 3]}, "opts": None})]


def test_find_without_cache_always_asks(server, browser):
    browser.use_cache = False
    browser.find(1, "BtOwner")
    browser.find(1, "BtOwner")
    assert len(calls(server)) == 2


# -- where --------------------------------------------------------------------------------------


def test_where_by_ids_sends_only_unknown_ids_as_a_list(server, browser):
    browser.where({"id": [1, 2]}, "BtOwner")
    calls(server)
    found = browser.where({"id": [1, 2, 3], "bt_kind_id": 1}, "BtOwner")
    assert [m.id for m in found] == [2]
    # owners 1 and 2 are cached and judged there (1 has kind 2); only 3 is asked for
    assert calls(server) == [
        ("where", "BtOwner", {"query": {"id": [3], "bt_kind_id": 1}, "opts": None})
    ]
    assert [m.id for m in browser.where({"id": 5}, "BtOwner")] == [5]
    calls(server)
    assert [m.id for m in browser.where({"id": [1, 2, 3, 5]}, "BtOwner")] == [1, 2, 3, 5]
    assert calls(server) == [("where", "BtOwner", {"query": {"id": [3]}, "opts": None})]


def test_where_without_ids_is_answered_from_a_complete_earlier_query(server, browser):
    wide = browser.where({"bt_kind_id": [1, 2]}, "BtOwner")
    assert len(calls(server)) == 1
    narrow = browser.where({"bt_kind_id": 2, "name": "OWNER 3"}, "BtOwner")
    assert [m.id for m in narrow] == [3]
    assert narrow[0] is next(m for m in wide if m.id == 3)
    assert calls(server) == []
    browser.where({"name": "Owner 3"}, "BtOwner")
    assert len(calls(server)) == 1


def test_where_matches_with_server_semantics(server, browser):
    browser.all("BtOwner")
    calls(server)
    assert [m.id for m in browser.where({"bt_kind_id": "2"}, "BtOwner")] == [1, 3, 5]
    assert [m.id for m in browser.where({"name": ["owner 1 ", "OWNER 4"]}, "BtOwner")] == [1, 4]
    assert [m.id for m in browser.where({"description": None}, "BtOwner")] == [2, 4]
    assert calls(server) == []


def test_where_asks_the_server_when_the_cache_cannot_judge(server, browser):
    browser.all("BtOwner")
    calls(server)
    browser.where({"created_at": stamp_text()}, "BtOwner")
    browser.where({"owners.name": "x"}, "BtOwner")
    browser.where("size > 2", "BtOwner")
    assert len(calls(server)) == 3


def stamp_text():
    return "2026-11-01T10:00:00.000-07:00"


def test_where_with_empty_list_matches_nothing_without_a_request(server, browser):
    assert browser.where({"id": [], "name": "x"}, "BtOwner") == []
    assert calls(server) == []


def test_where_never_mutates_the_callers_dicts(server, browser):
    query = {"bt_kind_id": 1}
    opts = {"limit": 1}
    browser.where(query, "BtOwner", opts=opts, sample_type=2)
    browser.first(2, "BtOwner", query=query, opts=opts)
    browser.last(2, "BtOwner", query=query, opts=opts)
    browser.all("BtOwner", opts=opts)
    assert query == {"bt_kind_id": 1}
    assert opts == {"limit": 1}


def test_where_with_methods_include_or_pages_goes_to_the_server_and_is_cached(server, browser):
    first = browser.where({"id": 1}, "BtOwner", methods=["x"])
    again = browser.where({"id": 1}, "BtOwner", include=["parts"])
    assert first[0] is again[0]
    assert len(calls(server)) == 2


@pytest.mark.parametrize(
    "opts",
    [
        {"reverse": True},
        {"reverse": False, "limit": 2},
        {"reverse": True, "limit": 2},
        {"reverse": True, "offset": 1, "limit": 3},
        {"offset": 2},
    ],
)
def test_options_from_the_cache_equal_the_servers(server, browser, opts):
    expected = [m.id for m in FakeSession(server).browser.interface("BtOwner").where({}, opts=opts)]
    browser.where({}, "BtOwner")
    calls(server)
    assert [m.id for m in browser.where({}, "BtOwner", opts=opts)] == expected
    assert calls(server) == []


def test_first_last_one_and_all(server, browser):
    assert [m.id for m in browser.all("BtOwner")] == [1, 2, 3, 4, 5]
    calls(server)
    assert [m.id for m in browser.first(2, "BtOwner")] == [1, 2]
    assert browser.one("BtOwner", first=True).id == 1
    # owners 2 and 5 share the newest created_at; the higher id comes first
    assert [m.id for m in browser.last(2, "BtOwner")] == [5, 2]
    assert browser.one("BtOwner").id == 5
    assert browser.one("BtOwner", query={"name": "nobody"}) is None
    assert browser.first(0, "BtOwner") == []
    assert calls(server) == []


def test_first_without_a_complete_cache_asks_with_the_window(server, browser):
    assert [m.id for m in browser.last(1, "BtOwner", query={"bt_kind_id": 1})] == [2]
    assert calls(server) == [
        ("where", "BtOwner", {"query": {"bt_kind_id": 1}, "opts": {"limit": 1, "reverse": True}})
    ]
    # a bounded answer does not make the cache complete
    browser.last(1, "BtOwner", query={"bt_kind_id": 1})
    assert len(calls(server)) == 1


def test_find_by_name_is_cached_after_one_request(server, browser):
    owner = browser.find_by_name("owner 3", "BtOwner")
    assert owner.id == 3
    assert browser.find_by_name("OWNER 3", "BtOwner", primary_key="name") is owner
    assert len(calls(server)) == 1
    assert browser.find_by_name("  ", "BtOwner") is None
    with pytest.raises(ValueError):
        browser.find_by_name(None, "BtOwner")


def test_sample_type_names_resolve_through_the_cache(server, browser, monkeypatch):
    monkeypatch.setattr(Browser, "_sample_type_id", lambda self, st: {"Primer": 1}.get(st, st))
    assert browser.where({}, "BtOwner", sample_type="Primer") == []
    assert calls(server)[0][2]["query"] == {"sample_type_id": 1}
    with pytest.raises(BrowserException, match="SQL string"):
        browser.where("id > 1", "BtOwner", sample_type="Primer")


def test_unknown_sample_type_name_is_reported(browser, monkeypatch):
    monkeypatch.setattr(Browser, "find_by_name", lambda self, *a, **k: None)
    with pytest.raises(BrowserException, match="No SampleType named 'Nope'"):
        browser._sample_type_id("Nope")


def test_forget_queries_makes_the_next_query_ask_again(server, browser):
    browser.where({"bt_kind_id": 1}, "BtOwner")
    browser.forget_queries("BtOwner")
    browser.where({"bt_kind_id": 1}, "BtOwner")
    assert len(calls(server)) == 2


def test_verbose_logs_each_request(server, session, caplog):
    browser = Browser(session, verbose=True)
    with caplog.at_level(logging.INFO, logger="aqsession.browser"):
        browser.where({"id": list(range(1, 20))}, "BtOwner")
    assert "where BtOwner {id: [19 values]} -> 5 models" in caplog.text


# -- listings and search ------------------------------------------------------------------------


def test_search_and_close_matches_use_names_without_the_id_prefix(server, browser):
    browser.set_model("BtOwner")
    assert [m.id for m in browser.search("^owner [24]$")] == [2, 4]
    assert [m.id for m in browser.search("^owner", ignore_case=False)] == []
    assert [m.id for m in browser.close_matches("Owner 3", n=1)] == [3]
    assert browser.search("nothing here") == []
    listing_requests = [c for c in calls(server) if c[0] == "where" and c[2]["query"] == {}]
    assert len(listing_requests) == 1  # the listing is cached


def test_search_description(server, browser):
    browser.set_model("BtOwner")
    assert [m.id for m in browser.search_description("ABOUT [13]")] == [1, 3]
    assert browser.search_description("x", samples=[]) == []


def test_list_models_of_other_models_and_field_values(browser):
    browser.set_model("BtKind")
    assert browser.list_models() == ["1: Primer", "2: Plasmid"]


# -- inspect, graph -----------------------------------------------------------------------------


def test_inspect_resolves_attribute_paths_without_eval(session, browser):
    owner = browser.find(2, "BtOwner")
    text = Browser.inspect(owner, attributes=["bt_kind.name", "parts[1].name", "name"])
    assert text.splitlines() == [
        "BtOwner: 2 Owner 2",
        "    bt_kind.name: 'Primer'",
        "    parts[1].name: 'p2'",
        "    name: 'Owner 2'",
    ]
    with pytest.raises(BrowserException, match="Invalid attribute path"):
        resolve_path(owner, "name; __import__('os')")
    with pytest.raises(BrowserException, match="Cannot resolve"):
        resolve_path(owner, "parts[9]")


def test_model_graph_basics_and_networkx_is_optional(monkeypatch):
    graph = ModelGraph()
    graph.add_edge("a", "b", label="x")
    graph.add_node("c", model=None)
    assert graph.has_edge("a", "b") and not graph.has_edge("b", "a")
    assert graph.successors("a") == ["b"] and graph.predecessors("b") == ["a"]
    assert graph.edge_data("a", "b") == {"label": "x"}
    assert (graph.number_of_nodes(), graph.number_of_edges(), len(graph)) == (3, 1, 3)
    assert "c" in graph and sorted(graph) == ["a", "b", "c"]
    monkeypatch.setitem(sys.modules, "networkx", None)
    with pytest.raises(ImportError, match="pip install networkx"):
        graph.to_networkx()


def test_relationship_network_walks_breadth_first(session, browser):
    owners = browser.where({"id": [2, 4]}, "BtOwner")

    def cache(models):
        browser.get(models, "bt_kind", strict=False)

    def kinds(model):
        return [model.bt_kind] if isinstance(model, BtOwner) else []

    graph = Browser.relationship_network(owners, kinds, cache_func=cache)
    assert set(graph.nodes) == {("BtOwner", 2), ("BtOwner", 4), ("BtKind", 1)}
    assert graph.has_edge(("BtKind", 1), ("BtOwner", 2))
    assert graph.nodes[("BtKind", 1)]["model"] is owners[0].bt_kind
    reverse = Browser.relationship_network(owners, kinds, reverse=True)
    assert reverse.has_edge(("BtOwner", 2), ("BtKind", 1))


def test_relationship_network_refuses_per_model_requests_when_strict(session, browser):
    owners = browser.where({"id": [1]}, "BtOwner")
    with pytest.raises(BrowserException, match="cache step"):
        Browser.relationship_network(owners, lambda m: m.parts)
    assert session.using_requests is True
    graph = Browser.relationship_network(owners, lambda m: m.parts, strict_cache=False)
    assert graph.number_of_nodes() == 1


def test_export_needs_one_sample_type(browser):
    class Loose:
        def __init__(self, type_id):
            self.sample_type_id = type_id

    with pytest.raises(BrowserException, match="one sample type"):
        browser.samples_to_rows([Loose(1), Loose(2)])
    assert browser.samples_to_rows([]) == []
    out = io.StringIO()
    assert browser.export_samples_to_csv([], out) == []


def test_adopt_takes_models_and_knowledge_of_complete_queries(server, session, browser):
    browser.where({"bt_kind_id": 1}, "BtOwner")
    child = FakeSession(server)
    child.using_requests = False
    child.browser.adopt(browser, update_session=True)
    assert [m.id for m in child.browser.where({"bt_kind_id": [1]}, "BtOwner")] == [2, 4]
    assert all(m.session is child for m in child.browser.models)
    plain = FakeSession(server)
    plain.using_requests = False
    plain.browser.update_cache(browser.models)
    with pytest.raises(ForbiddenRequestError):
        plain.browser.where({"bt_kind_id": 1}, "BtOwner")
