"""What a failed login says: the status, and whose fault it is (credentials, URL or server)."""

from __future__ import annotations

import pytest
import responses

from aqsession import AqHTTP, AqSession
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
