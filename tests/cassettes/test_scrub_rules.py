"""The scrubber's naming rules and the audit's second check: credential-named headers, query
parameters and JSON fields that hold anything but a placeholder are refused, even when the
scrubber never saw the secret."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aqfake.cassettes.scrub import Scrubber, SecretLeakError, unnumbered, unscrubbed_fields
from aqfake.secret_names import is_secret_header, is_secret_name


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("password", True),
        ("password_digest", True),
        ("remember_token", True),
        ("api_key", True),
        ("apiKey", True),
        ("X-Api-Key", True),
        ("X-Api-Token", True),
        ("client_secret", True),
        ("private_key", True),
        ("key", False),  # a DataAssociation's key name; secret only in a user record
        ("Keep-Alive", False),
        ("keys", False),
        ("monkey_name", False),
        ("login", False),
    ],
)
def test_secret_names(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("Authorization", True),
        ("Proxy-Authorization", True),
        ("X-Auth-Token", True),
        ("Cookie", False),  # cookies keep their names; their values are scrubbed separately
        ("Content-Type", False),
        ("WWW-Authenticate", False),
    ],
)
def test_secret_headers(name: str, secret: bool) -> None:
    assert is_secret_header(name) is secret


def test_headers_keep_their_scheme_and_cookie_names() -> None:
    scrubber = Scrubber()
    headers: dict[str, Any] = {
        "Authorization": "Basic dXNlcjpwYXNz",
        "X-Api-Token": "t0k3n",
        "Cookie": "remember_token_x=abc; _s=def",
        "Set-Cookie": ["remember_token_x=abc; path=/", "_s=; path=/"],
        "Accept": "application/json",
    }
    scrubber.scrub_headers(headers)
    assert headers == {
        "Authorization": "Basic <AQ:authorization>",
        "X-Api-Token": "<AQ:header:x-api-token>",
        "Cookie": "remember_token_x=<AQ:remember_token>;_s=<AQ:cookie:_s>",
        "Set-Cookie": ["remember_token_x=<AQ:remember_token>; path=/", "_s=; path=/"],
        "Accept": "application/json",
    }


def test_json_fields_at_any_depth_and_the_user_key() -> None:
    data = {
        "results": [{"grant": {"token": "abc", "expires": 5, "scopes": ["r", "w"]}}],
        "credentials": {"user": "u", "pass": ["p"]},
        "user": {"login": "neptune", "key": "user-api-key"},
        "association": {"key": "concentration", "object": "{}"},
        "api_key": 12345,
        "token": None,
    }
    scrubbed = Scrubber().scrub_json(data)
    assert scrubbed["credentials"] == {"user": "<AQ:credentials>", "pass": ["<AQ:credentials:2>"]}
    assert scrubbed["results"][0]["grant"] == {
        "token": "<AQ:token>",
        "expires": 5,
        "scopes": ["r", "w"],
    }
    assert scrubbed["user"] == {"login": "neptune", "key": "<AQ:key>"}
    assert scrubbed["association"] == data["association"]
    assert scrubbed["api_key"] == "<AQ:api_key>"
    assert scrubbed["token"] is None


def test_query_parameters_are_scrubbed_and_the_rest_kept() -> None:
    uri = Scrubber().scrub_uri("https://lab.example/json?api_key=s3cret&page=2")
    assert uri == "https://lab.example/json?api_key=<AQ:api_key>&page=2"


def interaction(**changes: Any) -> dict[str, Any]:
    request = {"method": "GET", "uri": "https://lab.example/json", "headers": {}, "body": None}
    response: dict[str, Any] = {"headers": {}, "body": {"string": ""}}
    request.update(changes.get("request", {}))
    response.update(changes.get("response", {}))
    return {"request": request, "response": response}


@pytest.mark.parametrize(
    "leaky",
    [
        interaction(request={"headers": {"Authorization": ["Bearer raw-bearer"]}}),
        interaction(request={"headers": {"Cookie": ["a=raw"]}}),
        interaction(request={"uri": "https://lab.example/json?token=raw"}),
        interaction(response={"headers": {"X-Api-Token": ["raw"]}}),
        interaction(response={"headers": {"Set-Cookie": ["a=raw; path=/"]}}),
        interaction(response={"body": {"string": json.dumps({"rows": [{"api_key": "raw"}]})}}),
        interaction(request={"body": json.dumps({"session": {"password": "raw"}})}),
        interaction(response={"body": {"string": json.dumps({"login": "x", "key": "raw"})}}),
    ],
)
def test_the_audit_refuses_a_credential_the_scrubber_never_saw(leaky: dict[str, Any]) -> None:
    assert unscrubbed_fields(leaky)
    with pytest.raises(SecretLeakError, match="unscrubbed"):
        Scrubber().audit([leaky], "c.yaml")


def test_the_audit_accepts_placeholders_and_ordinary_fields() -> None:
    clean = interaction(
        request={
            "headers": {"Authorization": ["Bearer <AQ:authorization>"], "Cookie": ["a=<AQ:a>"]},
            "uri": "https://lab.example/json?token=<AQ:token:2>",
        },
        response={
            "headers": {"Set-Cookie": ["a=; expires=Thu, 01 Jan 1970 00:00:00 GMT"]},
            "body": {"string": json.dumps({"key": "concentration", "token": None})},
        },
    )
    assert unscrubbed_fields(clean) == []
    Scrubber().audit([clean], "c.yaml")


def test_placeholder_numbers_do_not_take_part_in_matching() -> None:
    assert unnumbered('{"t":"<AQ:token:2>","p":"<AQ:password>"}') == (
        '{"t":"<AQ:token>","p":"<AQ:password>"}'
    )
