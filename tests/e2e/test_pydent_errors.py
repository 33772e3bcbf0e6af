"""Logins and failures: pydent raises (or returns) exactly what it does against real Aquarium."""

from __future__ import annotations

from typing import Any

import pytest

from .harness import LiveFake, error, value

# One worker per module under `--dist loadgroup`, so its fake and scenario run once.
pytestmark = [pytest.mark.pydent, pytest.mark.xdist_group("pydent-errors")]
SIGN_IN_ERROR = (
    "There was an error with authenticating the request. Aquarium re-routed to the sign-in page."
)


@pytest.fixture(scope="module")
def params(demo_store: Any) -> dict[str, Any]:
    samples = demo_store.rows("samples")
    return {
        "existing_id": samples[0]["id"],
        "missing_id": samples[-1]["id"] + 1000,
        "plan_id": demo_store.rows("plans")[0]["id"],
    }


@pytest.fixture(scope="module")
def results(scenario: Any, params: dict[str, Any]) -> dict[str, Any]:
    return scenario("errors", params)


def _rejected(message: str) -> dict[str, Any]:
    """How pydent reports a 422 ``{"errors": message}`` from ``/json`` on a raw post."""
    return {
        "raised": "TridentRequestError",
        "message": f"Error response:\n{message}",
        "status": 422,
    }


def test_login_and_current_user(results: dict[str, Any]) -> None:
    assert value(results, "login_ok") == "neptune"
    assert value(results, "login_upper_case") == "neptune"


def test_login_cookies_carry_the_remember_token(results: dict[str, Any]) -> None:
    names = value(results, "cookie_names")
    assert "remember_token" in names
    assert "remember_token_YourLab_production" in names


def test_bad_password_is_a_login_error(results: dict[str, Any]) -> None:
    raised = error(results, "bad_password")
    assert raised["error"] == "TridentLoginError"
    assert "Cannot connect to Aquarium" in raised["message"]


@pytest.mark.parametrize(
    ("check", "message"),
    [
        ("unknown_model", "uninitialized constant Foo"),
        ("illegal_method", "Illegal method destroy requested from front end."),
        ("no_model", "Bad parameters: No model name given"),
        ("no_method", "Query method expected"),
        ("bad_include_raw", "Invalid include: no_such_relation"),
    ],
)
def test_json_errors_raise_with_the_servers_message(
    check: str, message: str, results: dict[str, Any]
) -> None:
    assert value(results, check) == _rejected(message)


def test_missing_id_names_the_model_and_id(results: dict[str, Any], params: dict[str, Any]) -> None:
    assert value(results, "missing_id_raw") == _rejected(
        f"Couldn't find Sample with 'id'={params['missing_id']}"
    )


@pytest.mark.parametrize(
    ("check", "answer"),
    [
        ("illegal_method_interface", []),
        ("missing_id_find", None),
        ("missing_plan_find", None),
        ("bad_include_find", None),
    ],
)
def test_query_interface_turns_422_into_empty_answers(
    check: str, answer: Any, results: dict[str, Any]
) -> None:
    assert value(results, check) == answer


def test_unauthenticated_request_is_sent_to_sign_in(
    results: dict[str, Any], live_fake: LiveFake
) -> None:
    raised = error(results, "unauthenticated_find")
    assert (raised["error"], raised["message"]) == ("TridentRequestError", SIGN_IN_ERROR)
    assert value(results, "unauthenticated_detail") == {
        "final_url": f"{live_fake.url}/signin",
        "status": 200,
        "redirects": [302],
    }


def test_unauthenticated_put_answers_not_logged_in(results: dict[str, Any]) -> None:
    assert value(results, "unauthenticated_put") == {"error": "Not-logged-in"}


def test_every_scenario_check_is_asserted(results: dict[str, Any]) -> None:
    asserted = {
        "login_ok",
        "login_upper_case",
        "cookie_names",
        "bad_password",
        "unknown_model",
        "illegal_method",
        "no_model",
        "no_method",
        "bad_include_raw",
        "missing_id_raw",
        "illegal_method_interface",
        "missing_id_find",
        "missing_plan_find",
        "bad_include_find",
        "unauthenticated_find",
        "unauthenticated_detail",
        "unauthenticated_put",
    }
    assert set(results) == asserted


def test_failed_logins_reach_the_fake_three_times(
    results: dict[str, Any], live_fake: LiveFake
) -> None:
    """pydent retries a failed login three times; each attempt is one POST /sessions.json."""
    error(results, "bad_password")
    logins = [e for e in live_fake.journal() if e["path"] == "/sessions.json"]
    # the journal filters passwords as Rails' filter_parameters does
    assert {e["body"]["session"]["password"] for e in logins} == {"[FILTERED]"}
    failed = [e["status"] for e in logins if e["status"] != 200]
    assert failed == [422, 422, 422]
