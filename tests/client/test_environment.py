"""EnvironmentCachedSession gives requests' own environment settings, and notices changes."""

from __future__ import annotations

import os
import pickle
from typing import Any
from unittest import mock

import pytest
import requests
import responses
from hypothesis import given, settings
from hypothesis import strategies as st

from aqsession import AqSession
from aqsession.environment import EnvironmentCachedSession

PROXY = "http://proxy.example:3128"
URLS = (
    "http://aquarium.test/json",
    "http://aquarium.test:8080/json",
    "https://aquarium.test/json",
    "http://127.0.0.1:3000/json",
    "http://lims.lab.example/sessions.json",
)
NAMES = (
    "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
    "no_proxy", "NO_PROXY", "Http_Proxy", "ftp_proxy", "REQUEST_METHOD", "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
)  # fmt: skip
VALUES = st.sampled_from(
    ["", PROXY, "http://other.example:8080", "aquarium.test", "127.0.0.1", ".example", "*",
     "lims.lab.example,localhost", "/etc/ssl/bundle.pem", "GET"]
)  # fmt: skip
environments = st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=6)


def settings_of(session: requests.Session, url: str, **given: Any) -> dict[str, Any]:
    return session.merge_environment_settings(
        url, given.get("proxies", {}), given.get("stream"), given.get("verify"), None
    )


session_proxies = st.dictionaries(
    st.sampled_from(["http", "https", "all", "no_proxy", "http://aquarium.test"]),
    st.none() | st.sampled_from([PROXY, "http://session.example:1"]),
    max_size=3,
)


@settings(max_examples=300, deadline=None)
@given(
    first=environments,
    second=environments,
    url=st.sampled_from(URLS),
    mine=session_proxies,
    given_proxies=session_proxies,
)
def test_answers_as_requests_does_as_the_environment_changes(
    first: dict[str, str],
    second: dict[str, str],
    url: str,
    mine: dict[str, str],
    given_proxies: dict[str, str],
) -> None:
    ours, plain = EnvironmentCachedSession(), requests.Session()
    ours.proxies = dict(mine)
    plain.proxies = dict(mine)
    for environment in (first, second, first):
        with mock.patch.dict(os.environ, environment, clear=True):
            expected = settings_of(plain, url, proxies=dict(given_proxies))
            for _ in range(2):  # the second answer is the remembered one
                answer = settings_of(ours, url, proxies=dict(given_proxies))
                assert answer == expected
                assert list(answer["proxies"].items()) == list(expected["proxies"].items())


def test_a_proxy_set_during_a_session_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    session = EnvironmentCachedSession()
    assert "http" not in settings_of(session, URLS[0])["proxies"]
    monkeypatch.setenv("HTTP_PROXY", PROXY)
    assert settings_of(session, URLS[0])["proxies"]["http"] == PROXY
    monkeypatch.setenv("NO_PROXY", "aquarium.test")
    assert "http" not in settings_of(session, URLS[0])["proxies"]
    assert settings_of(session, "http://elsewhere.test/")["proxies"]["http"] == PROXY


def test_the_callers_and_the_sessions_settings_still_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", PROXY)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/bundle.pem")
    session = EnvironmentCachedSession()
    mine = {"http": "http://mine.example:1"}
    assert settings_of(session, URLS[0], proxies=dict(mine))["proxies"]["http"] == mine["http"]
    assert settings_of(session, URLS[0], verify=False)["verify"] is False
    assert settings_of(session, URLS[0])["verify"] == "/etc/ssl/bundle.pem"
    session.trust_env = False
    assert settings_of(session, URLS[0]) == settings_of(_untrusting(), URLS[0])


def _untrusting() -> requests.Session:
    plain = requests.Session()
    plain.trust_env = False
    return plain


def test_remembers_after_a_pickle_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", PROXY)
    restored = pickle.loads(pickle.dumps(EnvironmentCachedSession()))
    assert settings_of(restored, URLS[0])["proxies"]["http"] == PROXY


@responses.activate
def test_aqsession_requests_go_through_the_environments_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The proxies requests hands its transport are the environment's, read afresh."""
    seen: list[dict[str, str]] = []
    responses.add_callback(
        "POST",
        "http://aquarium.test/sessions.json",
        callback=lambda _r: (200, {"Set-Cookie": "remember_token=t; path=/"}, "{}"),
    )
    original = responses.mock._on_request

    def recording(adapter: Any, request: Any, **kwargs: Any) -> Any:
        seen.append(dict(kwargs.get("proxies") or {}))
        return original(adapter, request, **kwargs)

    monkeypatch.setattr(responses.mock, "_on_request", recording)
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    session = AqSession("neptune", "aquarium", "http://aquarium.test")
    assert isinstance(session._aqhttp.http_session, EnvironmentCachedSession)
    monkeypatch.setenv("HTTP_PROXY", PROXY)
    session._aqhttp.post("sessions.json", json_data={})
    assert "http" not in seen[0] and seen[-1]["http"] == PROXY
