"""AqSession/AqHTTP/interfaces end to end against the fake Aquarium (aqfake fixtures):
in-process through `responses` (``aq_session``) and over loopback sockets (``aq_server``)."""

from __future__ import annotations

import pytest

from aqsession import AqHTTP, AqSession
from aqsession.exceptions import (
    ForbiddenRequestError,
    TridentLoginError,
    TridentRequestError,
)


def json_requests(fake, mark):
    return [e for e in fake.journal.since(mark) if e.path == "/json"]


def test_login_sends_both_cookies_and_finds_current_user(aq_fake, aq_session):
    cookies = aq_session.aqhttp.cookies
    assert cookies["remember_token"] == cookies[aq_fake.cookie_name]
    mark = aq_fake.journal.mark()
    user = aq_session.current_user
    assert (user.login, user.id) == ("neptune", aq_session.current_user.id)
    assert aq_session.logged_in()
    assert len(json_requests(aq_fake, mark)) == 1
    assert aq_session.aqhttp.num_requests == 1


def test_wrong_password_is_a_login_error(aq_fake):
    with aq_fake.mock():
        mark = aq_fake.journal.mark()
        with pytest.raises(TridentLoginError, match="Check the login and password"):
            AqSession("neptune", "not-the-password", aq_fake.base_url)
        assert len(aq_fake.journal.since(mark)) == 1


def test_queries_return_bound_models(aq_session):
    samples = aq_session.Sample.first(3)
    assert [s.id for s in samples] == sorted(s.id for s in samples)
    assert all(s.session is aq_session for s in samples)
    newest = aq_session.Sample.one()
    assert newest.id == aq_session.Sample.last()[0].id
    assert aq_session.Sample.find(samples[0].id).name == samples[0].name
    assert aq_session.Sample.find_by_name(samples[0].name).id == samples[0].id
    assert aq_session.Sample.find(10**9) is None
    assert aq_session.Sample.where({"id": 10**9}) == []


def test_pagination_matches_all_and_terminates(aq_fake, aq_session):
    every = [s.id for s in aq_session.Sample.all()]
    mark = aq_fake.journal.mark()
    paged = [s.id for s in aq_session.Sample.where({}, page_size=7)]
    assert paged == every
    assert len(json_requests(aq_fake, mark)) == len(every) // 7 + 1
    limited = aq_session.Sample.where({}, page_size=4, opts={"limit": 6})
    assert [s.id for s in limited] == every[:6]


def test_item_queries_carry_the_query_hook(aq_fake, aq_session):
    mark = aq_fake.journal.mark()
    item = aq_session.Item.last()[0]
    assert json_requests(aq_fake, mark)[0].body["methods"] == ["is_part"]
    assert "is_part" in item.raw


def test_requests_off_session_forbids_lazy_loads(aq_session):
    sample = aq_session.Sample.first()[0]
    with aq_session.with_requests_off() as offline:
        with pytest.raises(ForbiddenRequestError, match="POST"):
            offline.Sample.find(sample.id)
        assert aq_session.using_requests is True
    assert sample.sample_type.id == sample.sample_type_id


def test_cached_models_are_handed_back_and_served_offline(aq_fake, aq_session):
    with aq_session.with_cache() as cached:
        samples = cached.Sample.first(2)
        cached.browser.get(samples, "sample_type")
    assert all(s.session is aq_session for s in samples)
    offline = aq_session.with_requests_off(using_cache=True)
    mark = aq_fake.journal.mark()
    assert offline.Sample.find(samples[0].id) is samples[0]
    assert samples[1].sample_type.id == samples[1].sample_type_id
    assert aq_fake.journal.since(mark) == []


def test_query_runs_through_a_derived_caching_session(aq_session):
    primers = aq_session.query(
        {"__model__": "Sample", "__query__": {"sample_type": {"__query__": {"name": "Primer"}}}}
    )
    assert primers
    assert all(p.session is aq_session for p in primers)
    assert {p.sample_type_id for p in primers} == {primers[0].sample_type.id}


def test_expired_cookie_redirects_to_signin(aq_fake, aq_session):
    aq_session.aqhttp.http_session.cookies.clear()
    with pytest.raises(TridentRequestError, match="sign-in page"):
        aq_session.Sample.first()


def test_unimplemented_route_is_a_request_error(aq_session):
    with pytest.raises(TridentRequestError) as info:
        aq_session.aqhttp.get("no/such/route.json")
    assert info.value.status_code in (404, 501)


def test_live_server_over_sockets(aq_server):
    session = AqSession("neptune", "aquarium", aq_server)
    try:
        assert session.current_user.login == "neptune"
        timings = session.ping_times(2)
        assert len(timings) == 2
        assert session.ping(2) > 0
        child = session(timeout=5)
        assert child.Sample.first()[0].session is child
        assert child.aqhttp.num_requests == session.aqhttp.num_requests + 1
    finally:
        session.aqhttp.close()


def test_live_server_bad_password(aq_server):
    with pytest.raises(TridentLoginError, match="refused the login"):
        AqHTTP("neptune", "wrong", aq_server)


def test_routing_last_field_value_of_a_symbol_decides_what_the_plan_saves(aq_session):
    """pydent's routing rule, which the plan save route reads: Rehydrate Primer's three field
    values share the symbol P, and the last one (the Primer Stock output) decides. Left unset,
    P is None and the server keeps each field value's own sample; set, it fills them all."""
    primer = aq_session.Sample.find_by_name("fwd-GFP-01")
    rehydrate = aq_session.OperationType.find_by_name("Rehydrate Primer")
    names = [(ft.name, ft.role, ft.routing) for ft in rehydrate.field_types]
    assert names == [
        ("Primer", "input", "P"),
        ("Primer Aliquot", "output", "P"),
        ("Primer Stock", "output", "P"),
    ]

    def saved_samples(*outputs):
        operation = rehydrate.instance()
        operation.set_input("Primer", sample=primer)
        for name in outputs:
            operation.set_output(name, sample=primer)
        routing = operation.routing
        plan = aq_session.Plan.new(name="routing")
        plan.add_operation(operation)
        plan.save()
        saved = aq_session.Plan.find(plan.id).operations[0]
        return routing, sorted(fv.name for fv in saved.field_values if fv.child_sample_id)

    assert saved_samples("Primer Aliquot") == ({"P": None}, ["Primer", "Primer Aliquot"])
    assert saved_samples("Primer Stock") == (
        {"P": f"{primer.id}: {primer.name}"},
        ["Primer", "Primer Aliquot", "Primer Stock"],
    )
