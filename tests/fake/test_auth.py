"""Aquarium's authentication as the fake reproduces it (protocol sections 1.1-1.7)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import pytest
import requests
from tiny_lab import NEPTUNE_TOKEN, ROOKIE_TOKEN, tiny_fake

from aqfake.app import FakeAquarium, instance_tag
from aqfake.routing import Auth, Context, Route
from aqfake.wire import Request, Response, json_response

COOKIE = "remember_token_YourLab_production"


def whoami(ctx: Context) -> Response:
    return json_response({"login": ctx.user["login"] if ctx.user else None})


PROBES = [
    Route("GET", "/probe/signed", whoami, Auth.SIGNED_IN),
    Route("POST", "/probe/signed", whoami, Auth.SIGNED_IN),
    Route("PUT", "/probe/signed", whoami, Auth.SIGNED_IN),
    Route("DELETE", "/probe/signed", whoami, Auth.SIGNED_IN),
    Route("PATCH", "/probe/signed", whoami, Auth.SIGNED_IN),
    Route("GET", "/probe/current", whoami, Auth.UP_TO_DATE),
    Route("PUT", "/probe/current", whoami, Auth.UP_TO_DATE),
]


@pytest.fixture
def fake() -> FakeAquarium:
    return tiny_fake(routes=PROBES)


@pytest.fixture
def http(fake: FakeAquarium) -> Iterator[requests.Session]:
    with fake.mock(), requests.Session() as session:
        yield session


URL = "http://aquarium.test"


def login(http: requests.Session, login: str = "neptune", password: str = "aquarium"):
    return http.post(
        f"{URL}/sessions.json", json={"session": {"login": login, "password": password}}
    )


def set_cookies(response: requests.Response) -> list[str]:
    return response.raw.headers.getlist("Set-Cookie")


def test_login_sets_env_specific_and_session_cookies(http):
    response = login(http)
    assert response.status_code == 200
    assert response.json() == {"message": "Log in successful"}
    remember, session = set_cookies(response)
    assert remember.startswith(f"{COOKIE}={NEPTUNE_TOKEN}; path=/; expires=")
    assert "HttpOnly" not in remember
    expires = parsedate_to_datetime(remember.split("expires=")[1])
    assert expires.year - datetime.now(timezone.utc).year in (19, 20)
    assert session.startswith("_aquarium_YourLab_production_session=")
    assert session.endswith("; path=/; HttpOnly")
    assert http.cookies[COOKIE] == NEPTUNE_TOKEN


def test_login_lowercases_the_login(http):
    assert login(http, "NepTune").status_code == 200


@pytest.mark.parametrize(
    ("user", "password"), [("neptune", "wrong"), ("nobody", "aquarium"), ("ghost", "")]
)
def test_failed_login_is_422_without_token_cookie(http, user, password):
    response = login(http, user, password)
    assert response.status_code == 422
    assert response.json() == {"message": "Login failed"}
    cookies = set_cookies(response)
    assert not any("remember_token" in c for c in cookies)
    assert any(c.startswith("_aquarium_YourLab_production_session=") for c in cookies)


@pytest.mark.parametrize("body", [{}, {"session": "neptune"}, {"session": {"password": "x"}}])
def test_login_without_session_login_is_500_as_aquarium(http, body):
    response = http.post(f"{URL}/sessions.json", json=body)
    assert response.status_code == 500
    assert response.json() == {"status": "500", "error": "Internal Server Error"}


def test_html_login_redirects_home_and_failure_shows_login_page(http):
    ok = http.post(
        f"{URL}/sessions",
        json={"session": {"login": "neptune", "password": "aquarium"}},
        allow_redirects=False,
    )
    assert ok.status_code == 302
    assert ok.headers["Location"] == f"{URL}/"
    home = http.get(f"{URL}/")
    assert home.status_code == 200
    assert "Neptune" in home.text
    failed = http.post(f"{URL}/sessions", json={"session": {"login": "neptune", "password": "x"}})
    assert failed.status_code == 200
    assert failed.headers["Content-Type"].startswith("text/html")
    assert "Invalid login/password" in failed.text


@pytest.mark.parametrize(
    ("instance", "env", "tag"),
    [("Your Lab", "production", "YourLab_production"), ("NURSERY", "production",
     "NURSERY_production"), ("Lab #2 (Seattle)", "test", "Lab2Seattle_test"), ("Läb", "dev",
     "Lb_dev")],
)  # fmt: skip
def test_cookie_name_strips_non_alphanumerics(instance, env, tag):
    assert instance_tag(instance, env) == tag
    fake = tiny_fake(instance_name=instance, env=env)
    assert fake.cookie_name == f"remember_token_{tag}"
    assert fake.session_cookie_name == f"_aquarium_{tag}_session"


def test_session_cookie_carries_the_login(http):
    login(http)
    assert http.get(f"{URL}/probe/signed").json() == {"login": "neptune"}


def test_plain_remember_token_cookie_accepted(http):
    response = http.get(f"{URL}/probe/signed", cookies={"remember_token": ROOKIE_TOKEN})
    assert response.json() == {"login": "rookie"}


def test_env_specific_cookie_wins_over_plain_cookie(http):
    cookies = {COOKIE: NEPTUNE_TOKEN, "remember_token": ROOKIE_TOKEN}
    assert http.get(f"{URL}/probe/signed", cookies=cookies).json() == {"login": "neptune"}


def test_cookie_of_another_instance_is_ignored(http):
    cookies = {"remember_token_OtherLab_production": NEPTUNE_TOKEN}
    assert (
        http.get(f"{URL}/probe/signed", cookies=cookies, allow_redirects=False).status_code == 302
    )


def test_missing_cookie_is_anonymous(fake):
    """The user with a NULL token must not authenticate a request without any cookie."""
    assert fake.store.first("users", login="ghost")["remember_token"] is None
    response = fake.handle(Request("GET", "/probe/signed", headers={"Host": "aquarium.test"}))
    assert response.status == 302


@pytest.mark.parametrize("token", ["", NEPTUNE_TOKEN.lower(), NEPTUNE_TOKEN[:-1], "x" * 22])
def test_wrong_or_empty_token_is_anonymous(http, token):
    response = http.get(f"{URL}/probe/signed", cookies={COOKIE: token}, allow_redirects=False)
    assert response.status_code == 302


def test_unauthenticated_put_returns_not_logged_in_200(http):
    response = http.put(f"{URL}/probe/signed", json={"a": 1})
    assert response.status_code == 200
    assert response.json() == {"error": "Not-logged-in"}
    assert response.headers["status"] == "Not-logged-in"
    assert response.history == []


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE", "PATCH"])
def test_unauthenticated_post_redirects_to_signin(http, method):
    bare = http.request(method, f"{URL}/probe/signed", json={}, allow_redirects=False)
    assert bare.status_code == 302
    assert bare.headers["Location"] == f"{URL}/signin"
    followed = http.request(method, f"{URL}/probe/signed", json={})
    assert [r.status_code for r in followed.history] == [302]
    assert followed.url == f"{URL}/signin"
    assert followed.request.method == "GET"
    assert followed.status_code == 200
    assert followed.headers["Content-Type"].startswith("text/html")
    assert followed.headers["Status"] == "Not-logged-in"


@pytest.mark.parametrize(
    ("base", "host", "location"),
    [
        ("http://x", "lab.example:80", "http://lab.example/signin"),
        ("http://x", "lab.example:8080", "http://lab.example:8080/signin"),
        ("https://x", "lab.example:443", "https://lab.example/signin"),
        ("https://x", "lab.example:80", "https://lab.example:80/signin"),
        ("http://fallback.test:81", "", "http://fallback.test:81/signin"),
    ],
)
def test_signin_redirect_is_absolute_from_the_host_header(fake, base, host, location):
    headers = {"Host": host} if host else {}
    response = fake.handle(Request("POST", "/probe/signed", headers=headers), base_url=base)
    assert response.header("Location") == location


def test_up_to_date_filter_redirects_to_user_page(http):
    cookies = {COOKIE: ROOKIE_TOKEN}
    bare = http.get(f"{URL}/probe/current", cookies=cookies, allow_redirects=False)
    assert bare.status_code == 302
    assert bare.headers["Location"] == f"{URL}/users/2"
    followed = http.get(f"{URL}/probe/current", cookies=cookies)
    assert followed.status_code == 200
    assert followed.headers["Content-Type"].startswith("text/html")
    assert "rookie" in followed.text
    assert (
        http.put(f"{URL}/probe/current", cookies=cookies, allow_redirects=False).status_code == 302
    )


def test_up_to_date_filter_passes_complete_profiles_and_ignores_signed_in_routes(http):
    assert http.get(f"{URL}/probe/current", cookies={COOKIE: NEPTUNE_TOKEN}).json() == {
        "login": "neptune"
    }
    assert http.get(f"{URL}/probe/signed", cookies={COOKIE: ROOKIE_TOKEN}).json() == {
        "login": "rookie"
    }


@pytest.mark.parametrize(
    ("key", "value"),
    [("email", ""), ("phone", "  "), ("lab_agreement", "false"), ("aquarium", "1")],
)
def test_each_profile_parameter_is_required(fake, key, value):
    row = fake.store.first("parameters", key=key, user_id=1)
    fake.store.update("parameters", row["id"], value=value)
    assert not fake.is_up_to_date(fake.store.get("users", 1))


def test_up_to_date_filter_can_be_switched_off():
    fake = tiny_fake(routes=PROBES, require_up_to_date=False)
    request = Request("GET", "/probe/current", headers={"Cookie": f"{COOKIE}={ROOKIE_TOKEN}"})
    assert fake.handle(request).json() == {"login": "rookie"}


@pytest.mark.parametrize(("method", "path"), [("DELETE", "/signout"), ("GET", "/logout"),
                                              ("DELETE", "/sessions/1")])  # fmt: skip
def test_signout_expires_env_cookie_only(http, method, path):
    login(http)
    response = http.request(method, f"{URL}{path}", allow_redirects=False)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert set_cookies(response) == [f"{COOKIE}=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT"]
    assert COOKIE not in http.cookies
    # The token itself stays valid: Aquarium never rotates it.
    assert http.get(f"{URL}/probe/signed", cookies={"remember_token": NEPTUNE_TOKEN}).ok


def test_signin_page_is_public_and_flags_not_logged_in(http):
    response = http.get(f"{URL}/signin")
    assert response.status_code == 200
    assert response.headers["Status"] == "Not-logged-in"
    assert '<form action="/sessions" method="post">' in response.text


def test_user_token_returns_the_cookie_value_and_names_known_users(fake):
    assert fake.user_token("neptune") == NEPTUNE_TOKEN
    assert fake.user_token("ROOKIE") == ROOKIE_TOKEN
    with pytest.raises(LookupError, match="ghost, neptune, rookie"):
        fake.user_token("ghost")


def test_users_current_renders_the_signed_in_user_without_secrets(http):
    login(http)
    user = http.get(f"{URL}/users/current.json").json()
    assert (user["id"], user["login"], user["name"]) == (1, "neptune", "Neptune")
    assert not {"password_digest", "remember_token", "key"} & set(user)


def test_users_current_is_500_when_anonymous_as_aquarium(http):
    response = http.get(f"{URL}/users/current.json")
    assert response.status_code == 500
    assert response.json() == {"status": "500", "error": "Internal Server Error"}


def test_user_page_of_unknown_user_is_404(http):
    login(http)
    assert http.get(f"{URL}/users/99").status_code == 404
