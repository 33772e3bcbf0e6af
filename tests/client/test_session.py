"""AqSession against a `responses` stub: construction, properties, derived sessions, context
manager, attribute errors, ping/current_user, and the module-level login()."""

from __future__ import annotations

import itertools
import json
import re

import pytest
import requests
import responses

import aqsession
from aqsession import AqHTTP, AqSession
from aqsession.exceptions import ForbiddenRequestError, ModelRegistryError
from aqsession.interfaces import BrowserInterface, QueryInterface, UtilityInterface

URL = "http://aq.test"
JSON_URL = f"{URL}/json"
LOGIN_URL = f"{URL}/sessions.json"


@pytest.fixture
def stub():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(
            responses.POST,
            LOGIN_URL,
            json={"message": "Log in successful"},
            headers={"Set-Cookie": "remember_token_YourLab_production=tok; Path=/"},
        )
        yield mock


@pytest.fixture
def session(stub):
    return AqSession("neptune", "aquarium", URL, name="main")


def json_calls(stub):
    return [c for c in stub.calls if c.request.path_url == "/json"]


def test_package_exports():
    assert aqsession.AqSession is AqSession
    assert aqsession.AqHTTP is AqHTTP
    assert callable(aqsession.login)
    assert aqsession.TridentRequestError is aqsession.exceptions.TridentRequestError
    assert isinstance(aqsession.__version__, str)


def test_constructor_logs_in_and_exposes_basics(stub, session):
    assert len(stub.calls) == 1
    assert (session.login, session.url, session.name) == ("neptune", URL, "main")
    assert session.session is session
    assert session.parent_session is None
    assert session.using_requests is True and session.using_cache is False
    assert session.interface_class is QueryInterface
    assert isinstance(session.utils, UtilityInterface)
    assert session.utils is not session.utils


def test_constructor_with_aqhttp_and_errors(session):
    wrapped = AqSession(None, None, None, aqhttp=session.aqhttp)
    assert wrapped.aqhttp is session.aqhttp
    with pytest.raises(ValueError, match="needs a login, password and aquarium_url"):
        AqSession(None, None, None)
    with pytest.raises(ValueError, match="missing: password"):
        AqSession("neptune", None, URL)


def test_models_and_interfaces(session):
    assert session.models[:3] == ["Code", "Library", "DataAssociation"]
    assert len(session.models) == 27
    assert isinstance(session.Sample, QueryInterface)
    assert session.Sample is session.Sample
    assert session.Sample.model_name == "Sample"
    assert "Sample" in dir(session)
    other = session.model_interface("Item", BrowserInterface)
    assert isinstance(other, BrowserInterface)
    with pytest.raises(ModelRegistryError, match="Did you mean"):
        session.model_interface("Sampel")


def test_interface_class_setter_validates_and_rebuilds(session):
    with pytest.raises(ValueError, match="is not a subclass of"):
        session.interface_class = dict
    with pytest.raises(ValueError, match="is not a subclass of"):
        session.interface_class = "QueryInterface"
    session.interface_class = BrowserInterface
    assert isinstance(session.Sample, BrowserInterface)


def test_using_cache_switches_interfaces(session):
    session.using_cache = True
    assert session.interface_class is BrowserInterface
    assert isinstance(session.Item, BrowserInterface)
    session.using_cache = False
    assert isinstance(session.Item, QueryInterface)


def test_using_requests_switch(stub, session):
    session.using_requests = False
    assert session.aqhttp.using_requests is False
    with pytest.raises(ForbiddenRequestError, match=re.escape("POST http://aq.test/json")):
        session.Sample.find(1)
    session.using_requests = True
    stub.add(responses.POST, JSON_URL, json={"id": 1})
    assert session.Sample.find(1).id == 1


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("where", "has no attribute 'where'.\nDid you mean 'session.[ModelName].where'?"),
        ("find_by_name", "Did you mean 'session.[ModelName].find_by_name'?"),
        ("Itme", "has no attribute 'Itme'.\nDid you mean \"Item\"?"),
        ("Sampl", "Did you mean any of these? ['Sample', 'SampleType']"),
        ("foo", "'AqSession' object has no attribute 'foo'"),
    ],
)
def test_helpful_attribute_errors(session, name, message):
    with pytest.raises(AttributeError, match=re.escape(message)):
        getattr(session, name)
    assert hasattr(session, name) is False


def test_attribute_error_names_the_class(session):
    with pytest.raises(AttributeError, match=re.escape("<class 'aqsession.session.AqSession'>")):
        session.where  # noqa: B018


def test_repr_is_balanced(session):
    text = repr(session)
    assert text.count("(") == text.count(")")
    assert text == (
        "<AqSession(name=main, AqHTTP=<AqHTTP(user='neptune', url='http://aq.test')>, parent=None)>"
    )
    child = session()
    assert f"parent={id(session)}" in repr(child)


def test_copy_is_independent_and_does_not_log_in(stub, session):
    session.using_cache = True
    clone = session.copy()
    assert len(stub.calls) == 1
    assert type(clone) is AqSession and clone.name == "main"
    assert clone.aqhttp is not session.aqhttp
    assert clone.using_cache is True and clone.parent_session is None
    clone.using_requests = False
    clone.set_timeout(2)
    clone.aqhttp.http_session.cookies.set("only", "child")
    assert session.using_requests and session.aqhttp.timeout == 10
    assert "only" not in session.aqhttp.cookies


def test_factory_applies_options_and_leaves_parent_alone(session):
    child = session(using_cache=True, using_requests=False, timeout=3, using_verbose=True)
    assert child.parent_session is session
    assert (child.using_cache, child.using_requests, child.aqhttp.timeout) == (True, False, 3)
    assert child.aqhttp.verbose is True
    assert (session.using_cache, session.using_requests, session.aqhttp.timeout) == (
        False,
        True,
        10,
    )
    assert session.aqhttp.verbose is False


def test_with_cache_and_with_requests_off(session):
    cached = session.with_cache(timeout=4)
    assert cached.using_cache and cached.using_requests and cached.aqhttp.timeout == 4
    off = session.with_requests_off()
    assert off.using_requests is False and off.using_cache is False
    assert off.parent_session is session


def test_set_timeout_is_per_session(session):
    child = session()
    child.set_timeout(1)
    assert (session.aqhttp.timeout, child.aqhttp.timeout) == (10, 1)


def test_current_user_is_one_request_and_cached(stub, session):
    stub.add(responses.POST, JSON_URL, json=[{"id": 1, "login": "neptune", "name": "N"}])
    user = session.current_user
    assert (user.id, user.login) == (1, "neptune")
    assert session.current_user is user
    assert session.logged_in() is True
    calls = json_calls(stub)
    assert len(calls) == 1
    assert json.loads(calls[0].request.body)["arguments"] == {"login": "neptune"}


def test_current_user_missing_is_none_and_not_cached(stub, session):
    stub.add(responses.POST, JSON_URL, json=[])
    assert session.current_user is None
    assert session.logged_in() is False
    assert len(json_calls(stub)) == 2


def test_ping_times_each_request(stub, session):
    stub.add(responses.POST, JSON_URL, json=[{"id": 1, "login": "neptune"}])
    timings = session.ping_times(3)
    assert len(timings) == 3 and all(t >= 0 for t in timings)
    assert len(json_calls(stub)) == 3
    assert json.loads(json_calls(stub)[0].request.body)["options"]["limit"] == 1
    with pytest.raises(ValueError, match="at least one"):
        session.ping(0)


def test_ping_returns_the_mean_round_trip(stub, session, monkeypatch):
    stub.add(responses.POST, JSON_URL, json=[{"id": 1, "login": "neptune"}])
    clock = itertools.count(0, 0.25)  # every reading of the clock is 0.25 s after the last
    monkeypatch.setattr("time.perf_counter", lambda: next(clock))
    # per ping: the session reads the clock twice, AqHTTP twice in between -> 0.75 s
    assert session.ping(2) == pytest.approx(0.75)
    assert len(json_calls(stub)) == 2


def test_ping_is_none_when_the_server_does_not_answer(stub, session):
    session.set_retries(0)
    stub.add(responses.POST, JSON_URL, body=requests.exceptions.ConnectionError("refused"))
    assert session.ping(3) is None
    stub.replace(responses.POST, JSON_URL, body=requests.exceptions.ReadTimeout("slow"))
    assert session.ping() is None


def test_ping_with_requests_off_raises(session):
    session.using_requests = False
    with pytest.raises(ForbiddenRequestError):
        session.ping()


def test_open_uses_webbrowser(session, monkeypatch):
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    assert session.open() is True
    assert opened == [URL]


def test_login_prompts_for_password(stub, monkeypatch):
    prompts = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": prompts.append(prompt) or "pw")
    session = aqsession.login("neptune", URL)
    assert session.login == "neptune"
    assert len(prompts) == 1 and "neptune" in prompts[0]
    assert json.loads(stub.calls[0].request.body)["session"]["password"] == "pw"
    aqsession.login("neptune", URL, password="given")
    assert len(prompts) == 1


def test_query_schema_delegates_to_aql():
    schema = AqSession.query_schema()
    assert isinstance(schema, dict)
    assert "__model__" in json.dumps(schema)


def test_browser_is_lazy_and_cache_can_be_reset(session):
    assert session._lazy_browser is None
    browser = session.browser
    assert session._browser is browser
    assert browser is session.browser
    assert browser.session is session
    session.init_cache()
    assert session.browser is not browser
    session.clear_cache()


def test_context_manager_hands_cached_models_to_parent(stub, session):
    stub.add(responses.POST, JSON_URL, json={"id": 4, "name": "s4"})
    with session.with_cache() as child:
        assert child.parent_session is session
        sample = child.Sample.find(4)
        assert sample.session is child
    assert sample.session is session
    assert sample in session.browser.models


def test_root_context_manager_changes_nothing(session):
    with session as same:
        assert same is session
    assert session._lazy_browser is None


def test_context_manager_does_not_suppress_exceptions(session):
    with pytest.raises(RuntimeError, match="boom"), session.with_cache():
        raise RuntimeError("boom")


def test_using_models_shares_parent_models(stub, session):
    session.using_cache = True
    stub.add(responses.POST, JSON_URL, json={"id": 4, "name": "s4"})
    sample = session.Sample.find(4)
    off = session.with_requests_off(using_cache=True)
    assert off.Sample.find(4) is sample
    fresh = session.with_requests_off(using_cache=True, using_models=False)
    with pytest.raises(ForbiddenRequestError):
        fresh.Sample.find(4)


def test_session_swap_moves_models_to_the_child(stub, session):
    session.using_cache = True
    stub.add(responses.POST, JSON_URL, json={"id": 4, "name": "s4"})
    sample = session.Sample.find(4)
    child = session(using_requests=False, session_swap=True)
    assert sample.session is child
    assert child.Sample.find(4) is sample


def test_copy_keeps_a_custom_interface_class(session):
    class Custom(QueryInterface):
        pass

    session.interface_class = Custom
    assert isinstance(session.copy().Sample, Custom)
    assert isinstance(session().Sample, Custom)


def test_copy_module_gives_independent_objects(stub, session):
    import copy

    clone = copy.copy(session)
    assert clone.aqhttp is not session.aqhttp
    assert clone.aqhttp.http_session is not session.aqhttp.http_session
    http_clone = copy.copy(session.aqhttp)
    http_clone.off()
    assert session.using_requests is True
    assert len(stub.calls) == 1


def test_timeout_given_at_login_applies_to_requests(stub):
    session = AqSession("neptune", "aquarium", URL, timeout=3)
    assert stub.calls[-1].request.req_kwargs["timeout"] == 3
    assert session.aqhttp.timeout == 3


def test_session_without_anything_names_login_and_aqhttp():
    with pytest.raises(ValueError) as info:
        AqSession(None, None, None)
    message = str(info.value)
    assert "login, password and aquarium_url" in message
    assert "aqhttp=" in message
    assert "name" not in message.replace("aquarium_url", "")
