"""Review fixes in the client: login errors that say what went wrong, 422 answers that are
logged instead of silently becoming ``[]``/``None``, clear constructor errors, docstrings."""

from __future__ import annotations

import inspect
import logging

import pytest
import responses

from aqsession import AqHTTP, AqSession, http, interfaces, session
from aqsession.exceptions import TridentLoginError

URL = "http://aq.test"
TOKEN_COOKIE = "remember_token_YourLab_production=tok123; Path=/"
BLAME = "Check the login and password"


@pytest.fixture
def stub():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def add_login(stub, status, body=None, cookie=None):
    headers = {"Set-Cookie": cookie} if cookie else {}
    stub.add(
        responses.POST,
        f"{URL}/sessions.json",
        json=body if body is not None else {},
        status=status,
        headers=headers,
    )


def login_error(stub) -> str:
    with pytest.raises(TridentLoginError) as info:
        AqHTTP("neptune", "aquarium", URL, retry_delay=0)
    return str(info.value)


# -- 1. login errors ----------------------------------------------------------------------------


def test_bad_credentials_still_say_check_login_and_password(stub):
    add_login(stub, 422, {"message": "Login failed"})
    message = login_error(stub)
    assert BLAME in message
    assert "HTTP 422" in message


def test_wrong_path_in_url_says_not_an_aquarium_server(aq_fake):
    with aq_fake.mock(), pytest.raises(TridentLoginError) as info:
        AqSession("neptune", "aquarium", aq_fake.base_url + "/foo")
    message = str(info.value)
    assert "HTTP 404" in message
    assert "does not look like an Aquarium server" in message
    assert "base URL" in message and "'/foo'" in message
    assert BLAME not in message


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_failure_says_try_later_not_password(stub, status):
    add_login(stub, status, {"error": "bad gateway"})
    message = login_error(stub)
    assert f"HTTP {status}" in message
    assert "server failed" in message and "try again later" in message
    assert BLAME not in message


def test_success_without_token_cookie_says_not_signed_in(stub):
    add_login(stub, 200, {"message": "hello"})
    message = login_error(stub)
    assert "answered" in message and "did not sign in" in message
    assert "remember_token" in message and "not an Aquarium server?" in message
    assert BLAME not in message


def test_redirected_login_names_where_it_ended(stub):
    stub.add(
        responses.POST,
        f"{URL}/sessions.json",
        status=302,
        headers={"Location": "http://aq.test/welcome"},
    )
    stub.add(responses.GET, f"{URL}/welcome", body="<html>hi</html>", status=200)
    message = login_error(stub)
    assert "redirected to 'http://aq.test/welcome'" in message
    assert "did not sign in" in message and BLAME not in message


def test_other_client_error_names_status_without_blaming_password(stub):
    add_login(stub, 403, {"error": "forbidden"})
    message = login_error(stub)
    assert "HTTP 403" in message and BLAME not in message


def test_token_cookie_still_wins_over_status(stub):
    add_login(stub, 500, cookie=TOKEN_COOKIE)
    assert AqHTTP("neptune", "aquarium", URL).cookies["remember_token"] == "tok123"


# -- 2. 422 answers are logged ------------------------------------------------------------------

LOGGER = "aqsession.interfaces"


def warnings_of(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_where_with_unknown_column_returns_empty_list_and_warns(aq_session, caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert aq_session.Sample.where({"nope": 1}) == []
    (message,) = warnings_of(caplog)
    assert message.startswith("Sample.where got 422 from Aquarium: ")
    assert "Unknown column" in message and "nope" in message
    assert message.endswith("; returning []")
    assert caplog.records[0].name == LOGGER


def test_query_with_unknown_column_returns_empty_list_and_warns(aq_session, caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert aq_session.query({"__model__": "Sample", "__query__": {"nope": 1}}) == []
    (message,) = warnings_of(caplog)
    assert "Sample.where got 422" in message and "Unknown column" in message and "nope" in message


def test_bad_include_on_find_returns_none_and_warns(aq_session, caplog):
    sample = aq_session.Sample.first()[0]
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert aq_session.Sample.find(sample.id, include="no_such_relation") is None
    (message,) = warnings_of(caplog)
    assert message.startswith("Sample.find got 422 from Aquarium: ")
    assert "no_such_relation" in message and message.endswith("; returning None")


def test_missing_id_is_an_ordinary_none_without_warning(aq_session, caplog):
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        assert aq_session.Sample.find(10**9) is None
    assert warnings_of(caplog) == []
    assert any("Couldn't find" in r.getMessage() for r in caplog.records)


def test_successful_queries_log_no_warning(aq_session, caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert aq_session.Sample.where({"id": 10**9}) == []
        assert aq_session.Sample.first(2)
    assert warnings_of(caplog) == []


def test_pagination_with_unknown_column_warns_once(aq_session, caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert aq_session.Sample.where({"nope": 1}, page_size=5) == []
    (message,) = warnings_of(caplog)
    assert "Sample.where got 422" in message


# -- 3. constructor error -----------------------------------------------------------------------


def test_session_without_anything_names_login_and_aqhttp():
    with pytest.raises(ValueError) as info:
        AqSession(None, None, None)
    message = str(info.value)
    assert "login, password and aquarium_url" in message
    assert "aqhttp=" in message
    assert "name" not in message.replace("aquarium_url", "")


# -- 4. docstrings ------------------------------------------------------------------------------


def public_members(module):
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj):
            yield name, obj
        elif inspect.isclass(obj):
            yield name, obj
            for attr, member in vars(obj).items():
                if attr.startswith("_"):
                    continue
                if isinstance(member, property):
                    yield f"{name}.{attr}", member.fget
                elif inspect.isfunction(member) or isinstance(member, (classmethod, staticmethod)):
                    yield f"{name}.{attr}", getattr(member, "__func__", member)


@pytest.mark.parametrize("module", [http, session, interfaces], ids=lambda m: m.__name__)
def test_public_members_have_docstrings(module):
    missing = [name for name, obj in public_members(module) if not (obj.__doc__ or "").strip()]
    assert missing == []


def test_session_switch_properties_say_what_setting_them_does():
    assert "ForbiddenRequestError" in (AqSession.using_requests.__doc__ or "")
    assert "BrowserInterface" in (AqSession.using_cache.__doc__ or "")
