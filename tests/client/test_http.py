"""AqHTTP against a `responses` stub: login, cookies, switch, counter, timeouts, error mapping."""

from __future__ import annotations

import json
import logging
import re

import pytest
import requests
import responses
from responses import matchers

from aqsession.exceptions import (
    ForbiddenRequestError,
    TridentJSONDataIncomplete,
    TridentLoginError,
    TridentRequestError,
    TridentTimeoutError,
)
from aqsession.http import AqHTTP
from aqsession.utils import url_build

URL = "http://aq.test"
TOKEN_COOKIE = "remember_token_YourLab_production=tok123; Path=/"


@pytest.fixture
def stub():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def add_login(stub, status=200, cookie=TOKEN_COOKIE):
    headers = {"Set-Cookie": cookie} if cookie else {}
    stub.add(
        responses.POST,
        f"{URL}/sessions.json",
        json={"message": "Log in successful"},
        status=status,
        headers=headers,
    )


@pytest.fixture
def http(stub):
    add_login(stub)
    return AqHTTP("neptune", "aquarium", URL, retry_delay=0)


def test_login_posts_credentials_and_sends_both_cookie_names(stub, http):
    login_call = stub.calls[0]
    assert json.loads(login_call.request.body) == {
        "session": {"login": "neptune", "password": "aquarium"}
    }
    stub.add(responses.POST, f"{URL}/json", json=[])
    assert http.post("json", {"model": "Sample", "method": "all"}) == []
    cookie_header = stub.calls[1].request.headers["Cookie"]
    assert "remember_token_YourLab_production=tok123" in cookie_header
    assert "remember_token=tok123" in cookie_header
    assert http.cookies["remember_token"] == "tok123"


def test_login_is_not_counted_and_password_not_stored(stub):
    add_login(stub)
    http = AqHTTP("neptune", "pw-Zq81", URL)
    assert http.num_requests == 0
    assert "pw-Zq81" not in repr(vars(http)) + repr(vars(http.http_session))
    assert repr(http) == "<AqHTTP(user='neptune', url='http://aq.test')>"
    assert http.url == URL


def test_bad_credentials_raise_login_error_without_retry(stub):
    add_login(stub, status=422, cookie=None)
    with pytest.raises(TridentLoginError, match="refused the login of user 'neptune'"):
        AqHTTP("neptune", "wrong", URL, retry_delay=0)
    assert len(stub.calls) == 1


def test_login_status_is_ignored_when_token_cookie_present(stub):
    add_login(stub, status=500)
    assert AqHTTP("neptune", "aquarium", URL).login == "neptune"


def test_malformed_url_is_not_retried():
    with pytest.raises(TridentLoginError, match="malformed"):
        AqHTTP("neptune", "aquarium", "aq.test/no-scheme", retry_delay=0)


def test_unreachable_server_retries_then_names_url(stub):
    stub.add(
        responses.POST, f"{URL}/sessions.json", body=requests.exceptions.ConnectionError("nope")
    )
    with pytest.raises(
        TridentLoginError, match=re.escape("Could not contact Aquarium at 'http://aq.test'")
    ):
        AqHTTP("neptune", "aquarium", URL, login_attempts=3, retry_delay=0)
    assert len(stub.calls) == 3


def test_transient_connection_failure_recovers(stub):
    stub.add(
        responses.POST, f"{URL}/sessions.json", body=requests.exceptions.ConnectionError("blip")
    )
    add_login(stub)
    http = AqHTTP("neptune", "aquarium", URL, retry_delay=0)
    assert http.cookies["remember_token"] == "tok123"


@pytest.mark.parametrize(
    "error", [requests.exceptions.ConnectTimeout, requests.exceptions.ReadTimeout]
)
def test_login_timeout_maps_to_timeout_error(stub, error):
    stub.add(responses.POST, f"{URL}/sessions.json", body=error("slow"))
    with pytest.raises(TridentTimeoutError, match="timeout"):
        AqHTTP("neptune", "aquarium", URL, retry_delay=0)
    assert len(stub.calls) == 1


@pytest.mark.parametrize(
    ("error", "counted"),
    [(requests.exceptions.ConnectTimeout, 0), (requests.exceptions.ReadTimeout, 1)],
)
def test_request_timeouts_map_to_timeout_error(stub, http, error, counted):
    stub.add(responses.GET, f"{URL}/plans/1.json", body=error("slow"))
    with pytest.raises(TridentTimeoutError, match=r"set_timeout"):
        http.get("plans/1.json")
    assert http.num_requests == counted


def test_request_connection_error_is_a_request_error(stub, http):
    stub.add(responses.GET, f"{URL}/x", body=requests.exceptions.ConnectionError("down"))
    with pytest.raises(TridentRequestError, match="Could not reach Aquarium for GET"):
        http.get("x")


def test_default_and_custom_timeout_are_passed(stub, http):
    stub.add(responses.GET, f"{URL}/a", json={})
    http.get("a")
    assert stub.calls[-1].request.req_kwargs["timeout"] == 10
    http.set_timeout(2.5)
    http.get("a")
    assert stub.calls[-1].request.req_kwargs["timeout"] == 2.5
    http.get("a", timeout=1)
    assert stub.calls[-1].request.req_kwargs["timeout"] == 1
    with pytest.raises(ValueError, match="positive"):
        http.set_timeout(0)


@pytest.mark.parametrize(
    ("verb", "args", "shown"),
    [
        ("get", ("items/1",), "GET http://aq.test/items/1"),
        ("delete", ("plans/1.json",), "DELETE http://aq.test/plans/1.json"),
        ("post", ("json", {"model": "Sample"}), "POST http://aq.test/json"),
        ("put", ("plans/1.json", {"a": 1}), "PUT http://aq.test/plans/1.json"),
    ],
)
def test_requests_off_forbids_every_verb_before_sending(stub, http, verb, args, shown):
    http.off()
    assert http.using_requests is False
    with pytest.raises(ForbiddenRequestError) as info:
        getattr(http, verb)(*args)
    assert shown in str(info.value)
    if len(args) > 1:
        assert f"DATA: {args[1]}" in str(info.value)
    else:
        assert "DATA" not in str(info.value)
    assert len(stub.calls) == 1  # only the login
    assert http.num_requests == 0
    http.on()
    stub.add(getattr(responses, verb.upper()), url_build(URL, args[0]), json={})
    assert getattr(http, verb)(*args) == {}
    assert http.num_requests == 1


def test_allow_none_checks_nested_values(http):
    with pytest.raises(TridentJSONDataIncomplete, match=r"\$\.a\.b\[1\]"):
        http.post("json/save", {"a": {"b": [1, None]}}, allow_none=False)


def test_path_with_query_string_and_params(stub, http):
    stub.add(
        responses.GET,
        f"{URL}/items/move/3",
        json={"message": "ok"},
        match=[matchers.query_param_matcher({"location": "M20.1.2.3"})],
    )
    assert http.get("items/move/3?location=M20.1.2.3") == {"message": "ok"}
    assert http.get("/items/move/3", params={"location": "M20.1.2.3"}) == {"message": "ok"}


@pytest.mark.parametrize("status", [404, 500, 403])
def test_http_errors_raise_with_status_request_line_and_text(stub, http, status):
    stub.add(responses.POST, f"{URL}/json", json={"status": str(status)}, status=status)
    with pytest.raises(TridentRequestError) as info:
        http.post("json", {"model": "Sample"})
    message = str(info.value)
    assert message.startswith("The Aquarium server returned an error.\nSTATUS:  ")
    assert f"{status} " in message
    assert "POST http://aq.test/json" in message
    assert f'TEXT: {{\n  "status": "{status}"\n}}' in message
    assert info.value.response.status_code == status
    assert http.num_requests == 1


def test_422_with_errors_list_is_joined(stub, http):
    stub.add(responses.POST, f"{URL}/json", json={"errors": ["bad a", "bad b"]}, status=422)
    with pytest.raises(TridentRequestError, match=r"^Error response:\nbad a\nbad b$") as info:
        http.post("json", {})
    assert info.value.response.status_code == 422


def test_422_without_errors_key_still_raises(stub, http):
    stub.add(responses.POST, f"{URL}/object_types.json", json={"name": ["taken"]}, status=422)
    with pytest.raises(TridentRequestError, match="rejected the request") as info:
        http.post("object_types.json", {})
    assert info.value.status_code == 422


def test_200_errors_key_raises_but_singular_error_is_data(stub, http):
    stub.add(responses.GET, f"{URL}/krill/debug/1", json={"errors": "x"})
    stub.add(responses.GET, f"{URL}/items/move/1", json={"error": "could not move"})
    with pytest.raises(TridentRequestError, match=r"^Error response:\nx$"):
        http.get("krill/debug/1")
    assert http.get("items/move/1") == {"error": "could not move"}


@pytest.mark.parametrize(("body", "expected"), [("null", None), ("[]", []), ("{}", {})])
def test_plain_json_values_are_returned(stub, http, body, expected):
    stub.add(responses.POST, f"{URL}/json", body=body, content_type="application/json")
    assert http.post("json", {}) == expected


@pytest.mark.parametrize("body", ["<html>hi</html>", ""])
def test_non_json_body_raises(stub, http, body):
    stub.add(responses.GET, f"{URL}/krill/start", body=body, status=200)
    with pytest.raises(TridentRequestError, match=r"^Response is not JSON formatted\nMessage:\n"):
        http.get("krill/start")


def test_204_is_none(stub, http):
    stub.add(responses.PUT, f"{URL}/object_types/1.json", status=204)
    assert http.put("object_types/1.json", {"id": 1}) is None


def test_redirect_to_signin_is_an_authentication_error(stub, http):
    stub.add(responses.POST, f"{URL}/json", status=302, headers={"Location": f"{URL}/signin"})
    stub.add(responses.GET, f"{URL}/signin", body="<html>login</html>")
    with pytest.raises(TridentRequestError, match=r"sign-in page.*Log in again"):
        http.post("json", {"model": "Sample"})


def test_put_not_logged_in_quirk_is_an_authentication_error(stub, http):
    stub.add(
        responses.PUT,
        f"{URL}/plans/1.json",
        json={"error": "Not-logged-in"},
        headers={"status": "Not-logged-in"},
    )
    with pytest.raises(TridentRequestError, match="authenticating"):
        http.put("plans/1.json", {})


def test_copy_is_independent(stub, http):
    stub.add(responses.GET, f"{URL}/a", json={})
    http.get("a")
    clone = http.copy()
    assert clone.num_requests == 1
    assert clone.cookies == http.cookies
    clone.off()
    clone.set_timeout(3)
    clone.http_session.cookies.set("extra", "1")
    assert http.using_requests and http.timeout == 10
    assert "extra" not in http.cookies
    assert len(stub.calls) == 2  # no new login
    with pytest.raises(ForbiddenRequestError):
        clone.get("a")
    http.get("a")
    assert (http.num_requests, clone.num_requests) == (2, 1)
    clone.on()
    clone.get("a")
    assert "remember_token=tok123" in stub.calls[-1].request.headers["Cookie"]


def test_request_lines_are_logged_without_password(stub, caplog):
    add_login(stub)
    stub.add(responses.POST, f"{URL}/json", json=[])
    with caplog.at_level(logging.DEBUG, logger="aqsession.http"):
        http = AqHTTP("neptune", "secret-pw", URL)
        http.post("json", {"model": "Sample"})
    messages = [r.getMessage() for r in caplog.records if r.name == "aqsession.http"]
    assert any("POST http://aq.test/json -> 200" in m for m in messages)
    assert all("secret-pw" not in m for m in messages)


class ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_verbose_is_per_object(stub, http, caplog):
    clone = http.copy()
    clone.set_verbose(True)
    assert clone.verbose and not http.verbose
    stub.add(responses.GET, f"{URL}/a", json={})
    caplog.set_level(logging.WARNING, logger="aqsession.http")
    handler = ListHandler()
    logging.getLogger("aqsession.http").addHandler(handler)
    try:
        http.get("a")
        clone.get("a")
    finally:
        logging.getLogger("aqsession.http").removeHandler(handler)
    assert len([m for m in handler.messages if "REQUEST" in m]) == 1
    clone.set_verbose(False)
    assert not clone.verbose


def test_token_alias_is_not_sent_to_other_hosts(stub, http):
    stub.add(responses.GET, "http://elsewhere.test/file", body="data")
    http.http_session.get("http://elsewhere.test/file")
    assert "Cookie" not in stub.calls[-1].request.headers
