"""Signing in and out (protocol sections 1.1, 1.2, 1.7), and the pages the auth redirects reach.

``POST /sessions.json`` sets the user's static ``remember_token`` as the cookie
``remember_token_<Instance>_<env>``; the fake reads that cookie (or the plain
``remember_token`` pydent also sends) on every later request, see :mod:`aqfake.app`.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape

from ..errors import NotFound, redirect, server_error
from ..passwords import check_password
from ..routing import Auth, Context, Route
from ..wire import Response, html_response, json_response

#: Rails' ``cookies.permanent``: twenty years.
PERMANENT = timedelta(days=20 * 365 + 5)
EXPIRED = "Thu, 01 Jan 1970 00:00:00 GMT"

_LOGIN_PAGE = """<!DOCTYPE html>
<html>
<head><title>{title}</title></head>
<body>
  <h1>{title}</h1>
  <p class="notice">{notice}</p>
  <form action="/sessions" method="post">
    <label>Login <input type="text" name="session[login]"></label>
    <label>Password <input type="password" name="session[password]"></label>
    <input type="submit" value="Sign in">
  </form>
</body>
</html>
"""


def _instance_title(ctx: Context) -> str:
    return f"Aquarium ({ctx.fake.instance_name})"


def login_page(
    ctx: Context, notice: str = "", headers: list[tuple[str, str]] | None = None
) -> Response:
    """SessionsController#new: the HTML sign-in page (always 200)."""
    page = _LOGIN_PAGE.format(title=escape(_instance_title(ctx)), notice=escape(notice))
    return html_response(page, 200, headers)


def _cookie(name: str, value: str, *, expires: str | None = None, http_only: bool = False) -> str:
    parts = [f"{name}={value}", "path=/"]
    if expires is not None:
        parts.append(f"expires={expires}")
    if http_only:
        parts.append("HttpOnly")
    return "; ".join(parts)


def _session_cookie(ctx: Context) -> tuple[str, str]:
    """The Rails session cookie: opaque, HttpOnly, never used for authentication."""
    value = secrets.token_urlsafe(32)
    return ("Set-Cookie", _cookie(ctx.fake.session_cookie_name, value, http_only=True))


def _wants_json(ctx: Context, format: str | None) -> bool:
    return format == "json" or (
        format is None and "application/json" in ctx.request.header("Accept")
    )


def create(ctx: Context, format: str | None = None) -> Response:
    """SessionsController#create: check login and password, hand out the token cookie."""
    session = ctx.params.get("session")
    login = session.get("login") if isinstance(session, dict) else None
    if not isinstance(login, str):
        # Aquarium calls ``params[:session][:login].downcase``: without them it raises (500).
        return server_error(ctx.request.path)
    password = session.get("password") if isinstance(session, dict) else None
    user = ctx.store.first("users", login=login.lower())
    ok = (
        user is not None
        and isinstance(password, str)
        and check_password(user["password_digest"], password)
    )
    headers = [_session_cookie(ctx)]
    if ok and user is not None:
        expires = format_datetime(datetime.now(timezone.utc) + PERMANENT, usegmt=True)
        token = user["remember_token"] or ""
        headers.insert(0, ("Set-Cookie", _cookie(ctx.fake.cookie_name, token, expires=expires)))
    if _wants_json(ctx, format):
        if ok:
            return json_response({"message": "Log in successful"}, 200, headers)
        return json_response({"message": "Login failed"}, 422, headers)
    if ok:
        response = redirect(f"{ctx.base_url}/")
        response.headers.extend(headers)
        return response
    return login_page(ctx, "Invalid login/password combination", headers)


def new(ctx: Context) -> Response:
    """GET /signin: the sign-in page, flagged with a ``Status: Not-logged-in`` header."""
    return login_page(ctx, "Please sign in.", [("Status", "Not-logged-in")])


def destroy(ctx: Context, id: str | None = None) -> Response:
    """Sign out: expire the env-specific token cookie (the plain one and the token stay)."""
    expired = _cookie(ctx.fake.cookie_name, "", expires=EXPIRED)
    return login_page(ctx, "Signed out.", [("Set-Cookie", expired)])


def home(ctx: Context) -> Response:
    """GET /: where an HTML sign-in lands."""
    user = ctx.user or {}
    return html_response(
        f"<!DOCTYPE html>\n<html><head><title>{escape(_instance_title(ctx))}</title></head>"
        f"<body><h1>Welcome, {escape(str(user.get('name') or user.get('login') or ''))}</h1>"
        "</body></html>\n"
    )


def current_user(ctx: Context) -> Response:
    """GET /users/current.json: the signed-in user as JSON (500 when anonymous, as Aquarium).

    Secret columns are never rendered.
    """
    if ctx.user is None:
        return server_error(ctx.request.path)
    from ..render import render_record  # the renderer module of aqfake, loaded on first use

    return json_response(render_record(ctx.store, "User", ctx.user))


def user_page(ctx: Context, id: str) -> Response:
    """GET /users/:id: the HTML profile page ``up_to_date_user`` redirects to."""
    user = ctx.store.get("users", id)
    if user is None:
        raise NotFound(f"no user {id}")
    return html_response(
        "<!DOCTYPE html>\n<html><head><title>Profile</title></head><body>"
        f"<h1>{escape(str(user['login']))}</h1>"
        "<p>Please complete your profile: email, phone, lab agreement and Aquarium agreement."
        "</p></body></html>\n"
    )


ROUTES = [
    Route("POST", "/sessions", create, Auth.NONE),
    Route("GET", "/signin", new, Auth.NONE),
    Route("DELETE", "/signout", destroy, Auth.NONE),
    Route("GET", "/logout", destroy, Auth.NONE),
    Route("DELETE", "/sessions/:id", destroy, Auth.NONE),
    Route("GET", "/", home, Auth.UP_TO_DATE),
    Route("GET", "/users/current", current_user, Auth.NONE),
    Route("GET", "/users/:id", user_page, Auth.SIGNED_IN),
]
