"""pydent's documented AqSession members, and pickling sessions, models and Browsers.

Against the in-process fake (``aq_session``): every member of pydent's AqSession page exists
with its meaning, and a session, its models and its Browser survive stdlib pickle and dill with
the cache, requests on or off as they were, and never the password.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import pickle
import subprocess
import sys

import dill
import pytest

import aqsession
from aqsession import AqHTTP, AqSession, SessionABC
from aqsession.exceptions import ForbiddenRequestError
from aqsession.interfaces import BrowserInterface, QueryInterface

PICKLERS = [pytest.param(pickle, id="pickle"), pytest.param(dill, id="dill")]


def test_aqhttp_is_the_transport_under_both_names(aq_session):
    assert isinstance(aq_session._aqhttp, AqHTTP)
    assert aq_session.aqhttp is aq_session._aqhttp
    assert aq_session._aqhttp.url == aq_session.url


def test_aqhttp_log_set_level_debug_logs_the_request_data(aq_session, caplog):
    caplog.set_level(logging.DEBUG, logger="aqsession.http")
    aq_session._aqhttp.log.set_level("DEBUG")
    aq_session.Sample.find(1)
    data = [r for r in caplog.records if r.levelno == logging.DEBUG and "DATA" in r.message]
    assert data and '"Sample"' not in data[0].message and "'Sample'" in data[0].message
    aq_session._aqhttp.log.set_level("NOTSET")
    caplog.clear()
    caplog.set_level(logging.WARNING, logger="aqsession.http")
    aq_session.Sample.find(1)
    assert not caplog.records


def test_log_set_level_refuses_unknown_names(aq_session):
    with pytest.raises(ValueError, match="Unknown log level 'LOUD'"):
        aq_session._aqhttp.log.set_level("LOUD")


def test_log_to_aqhttp_logs_at_info(aq_session, caplog):
    caplog.set_level(logging.INFO, logger="aqsession.http")
    aq_session._log_to_aqhttp("hello from a script")
    assert [r.levelno for r in caplog.records if r.message == "hello from a script"] == [
        logging.INFO
    ]


def test_browser_under_pydents_private_name(aq_session):
    assert aq_session._browser is aq_session.browser
    assert aq_session._browser.session is aq_session
    replacement = aqsession.Browser(aq_session)
    aq_session._browser = replacement
    assert aq_session.browser is replacement


def test_initialize_interfaces_rebuilds_every_model_interface(aq_session):
    before = aq_session.Sample
    aq_session.interface_class = BrowserInterface
    aq_session._initialize_interfaces()
    assert set(aq_session._interfaces) == set(aq_session.models)
    assert isinstance(aq_session.Sample, BrowserInterface) and aq_session.Sample is not before
    aq_session.interface_class = QueryInterface
    aq_session._initialize_interfaces()
    assert type(aq_session.Item) is QueryInterface


def test_swap_sessions_is_static_and_moves_cached_models(aq_session):
    child = aq_session.with_cache()
    sample = child.Sample.find(1)
    AqSession._swap_sessions(child, aq_session)
    assert sample.session is aq_session
    assert sample in aq_session.browser.models
    AqSession._swap_sessions(child, None)  # no target: nothing happens
    assert sample.session is aq_session


def test_session_abc_is_the_base_and_importable(aq_session):
    assert aqsession.SessionABC is SessionABC
    assert isinstance(aq_session, SessionABC)
    assert isinstance(aq_session.with_requests_off(), SessionABC)
    assert not isinstance(aq_session.Sample, SessionABC)
    assert aq_session.Sample.find(1).session is aq_session  # annotations shadow nothing


def test_documented_properties_and_methods(aq_session, monkeypatch):
    assert aq_session.login == "neptune"
    assert aq_session.session is aq_session
    assert aq_session.current_user.login == "neptune"
    assert aq_session.logged_in() is True
    assert len(aq_session.models) == 27 and aq_session.models[0] == "Code"
    assert aq_session.model_interface("Sample").model_name == "Sample"
    assert aq_session.interface_class is QueryInterface
    assert aq_session.utils.session is aq_session
    aq_session.set_timeout(timeout_in_seconds=4)
    assert aq_session.aqhttp.timeout == 4
    aq_session.set_verbose(True, tb_limit=3)
    assert aq_session.aqhttp.verbose
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    aq_session.open()
    assert opened == [aq_session.url]
    assert aq_session.query({"__model__": "Sample", "__query__": {"id": 1}})[0].id == 1
    with aq_session.with_cache() as cached:
        assert cached.using_cache and cached.parent_session is aq_session


# -- pickling --------------------------------------------------------------------------------


@pytest.mark.parametrize("pickler", PICKLERS)
def test_session_round_trip_keeps_login_cookies_and_switches(aq_session, pickler):
    aq_session.set_timeout(7)
    copy = pickler.loads(pickler.dumps(aq_session))
    assert (copy.login, copy.url, copy.aqhttp.timeout) == ("neptune", aq_session.url, 7)
    assert copy.aqhttp.cookies == aq_session.aqhttp.cookies
    assert copy.Sample.find(1).name == aq_session.Sample.find(1).name  # still signed in


@pytest.mark.parametrize("pickler", PICKLERS)
def test_requests_off_session_stays_off_with_its_cache(aq_session, pickler):
    cached = aq_session.with_cache()
    samples = cached.Sample.last(4)
    cached.browser.get(samples, {"sample_type": "field_types", "items": "object_type"})
    offline = cached.with_requests_off()
    copy = pickler.loads(pickler.dumps(offline))
    assert copy.using_requests is False and copy.using_cache is True
    assert len(copy.browser.models) == len(offline.browser.models)
    sample = copy.Sample.find(samples[0].id)  # answered from the unpickled cache
    assert sample.session is copy.parent_session  # shared models stay with their owner
    assert copy.parent_session.using_requests is True
    assert sample.sample_type.field_types
    assert all(item.object_type.name for item in sample.items)
    with pytest.raises(ForbiddenRequestError):
        copy.Sample.find(10**6)


@pytest.mark.parametrize("pickler", PICKLERS)
def test_models_and_model_lists_round_trip(aq_session, pickler):
    samples = aq_session.Sample.last(3)
    for sample in samples:
        sample.sample_type  # noqa: B018 (load a relationship before pickling)
    copies = pickler.loads(pickler.dumps(samples))
    assert [s.dump() for s in copies] == [s.dump() for s in samples]
    assert copies[0].is_deserialized("sample_type")
    assert copies[0].session is not aq_session and copies[0].session.login == "neptune"
    one = pickler.loads(pickler.dumps(samples[0]))
    assert one.items and one.items[0].sample_id == samples[0].id  # lazy loads still work


@pytest.mark.parametrize("pickler", PICKLERS)
def test_browser_round_trip_with_its_cache(aq_session, pickler):
    browser = aq_session.with_cache().browser
    browser.session.Sample.last(5)
    copy = pickler.loads(pickler.dumps(browser))
    assert sorted(m.id for m in copy.models) == sorted(m.id for m in browser.models)
    assert all(m.session is copy.session for m in copy.models)
    assert copy.session.browser is copy


@pytest.mark.aq_lab("demo")
@pytest.mark.parametrize("pickler", PICKLERS)
def test_the_password_is_never_pickled(aq_fake, pickler):
    password = "vega-lab-1"  # a demo user whose password appears nowhere else
    with aq_fake.mock():
        session = AqSession("avega", password, aq_fake.base_url)
        cached = session.with_cache()
        cached.Sample.last(2)
        for thing in (session, cached, cached.browser, cached.with_requests_off()):
            assert password.encode() not in pickler.dumps(thing)


def test_models_made_after_unpickling_in_a_new_process_get_new_rids(aq_session, tmp_path):
    samples = aq_session.Sample.last(3)
    (tmp_path / "samples.pickle").write_bytes(pickle.dumps(samples))
    code = (
        "import pickle, sys\n"
        "from aqsession.models import Sample\n"
        "loaded = pickle.load(open(sys.argv[1], 'rb'))\n"
        "fresh = Sample(name='new')\n"
        "print(fresh.rid > max(s.rid for s in loaded), len({s.rid for s in loaded}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "samples.pickle")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.split() == ["True", "3"], done.stderr


def _names_of_samples(session: AqSession, ids: list[int]) -> list[str]:
    """Run in a worker process: the session arrived pickled and talks to the server itself."""
    return [session.Sample.find(i).name for i in ids]


def test_a_session_works_in_a_spawned_worker_process(aq_server):
    session = AqSession("neptune", "aquarium", aq_server)
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        names = pool.submit(_names_of_samples, session, [1, 2]).result(timeout=120)
    assert names == [session.Sample.find(1).name, session.Sample.find(2).name]
