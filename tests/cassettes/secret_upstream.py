"""An upstream server whose traffic carries credentials in every place a lab server might put
them, for the scrubbing tests of both recording paths (plugin and proxy)."""

from __future__ import annotations

import requests

from aqfake.app import FakeAquarium
from aqfake.routing import Auth, Context, Route
from aqfake.wire import Response, json_response

PATH = "/secret_echo.json"
#: What the client sends: header name -> value, a query parameter and JSON body fields.
CLIENT_HEADERS = {
    "Authorization": "Bearer client-bearer-4b1d0c2e9f",
    "Proxy-Authorization": "Basic cHJveHk6c2VjcmV0LXByb3h5",
    "X-Api-Key": "client-api-key-77a1e0c3",
    "X-Auth-Token": "client-auth-token-5c2d",
}
QUERY_SECRET = ("api_key", "query-api-key-0f3a9c")
CLIENT_BODY = {"token": "body-token-91ab2c", "nested": [{"client_secret": "body-secret-3e1f"}]}
#: What the server answers: headers and JSON fields.
SERVER_HEADERS = [("X-Api-Token", "server-api-token-8d7e6f"), ("X-Upstream-Key", "srv-key-29a")]
SERVER_BODY = {
    "api_key": "server-api-key-c0ffee",
    "token": "server-token-b0b",
    "user": {"login": "neptune", "key": "server-user-key-a11"},
    "data": {"key": "concentration", "value": 12},
}

SECRETS = [
    *(value.split(" ", 1)[-1] for value in CLIENT_HEADERS.values()),
    QUERY_SECRET[1],
    "body-token-91ab2c",
    "body-secret-3e1f",
    *(value for _, value in SERVER_HEADERS),
    "server-api-key-c0ffee",
    "server-token-b0b",
    "server-user-key-a11",
]


def echo(ctx: Context) -> Response:
    """Answer with credentials in headers and in the JSON body."""
    return json_response(SERVER_BODY, 200, list(SERVER_HEADERS))


def secret_fake() -> FakeAquarium:
    """An empty fake that also serves :data:`PATH` (GET and POST) without sign-in."""
    routes = [Route(m, PATH.removesuffix(".json"), echo, Auth.NONE) for m in ("GET", "POST")]
    return FakeAquarium(None, routes=routes)


def send_secrets(url: str) -> list[int]:
    """GET and POST :data:`PATH` carrying the client's credentials; the statuses."""
    with requests.Session() as http:
        http.trust_env = False
        got = http.get(
            f"{url}{PATH}", params=dict([QUERY_SECRET]), headers=CLIENT_HEADERS, timeout=30
        )
        posted = http.post(f"{url}{PATH}", json=CLIENT_BODY, headers=CLIENT_HEADERS, timeout=30)
    return [got.status_code, posted.status_code]


def assert_scrubbed(text: str) -> None:
    """No secret of either side is in the cassette text; scheme and ordinary fields are kept."""
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, f"secrets left in the cassette: {leaked}"
    for kept in ("Bearer <AQ:authorization>", "concentration", "<AQ:header:x-api-token>"):
        assert kept in text
