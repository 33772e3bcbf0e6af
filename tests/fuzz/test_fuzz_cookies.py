"""Bogus and tampered cookies authenticate nobody: only a user's exact token signs them in."""

from __future__ import annotations

import json

from fuzz_harness import FuzzRun, Probe
from fuzz_profiles import Budget, fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from aqfake.app import FakeAquarium

COOKIE_BUDGET = Budget(ci=100, thorough=3_000)
ROUTES = (("GET", "/json/current.json"), ("POST", "/json"), ("PUT", "/plans/1.json"))
QUERY = json.dumps({"model": "Sample", "method": "all"}).encode()


@st.composite
def tampered(draw: st.DrawFn, token: str) -> str:
    """A value that differs from ``token``: one character changed, cut short, extended, or
    with its letters' case changed."""
    position = draw(st.integers(0, len(token) - 1))
    replacement = draw(st.characters(codec="ascii", categories=["L", "N"]))
    candidates = [
        token[:position] + replacement + token[position + 1 :],
        token[:position],
        token + draw(st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1)),
        token.swapcase(),
        draw(st.text(max_size=30)),
    ]
    value = draw(st.sampled_from(candidates))
    return value if value != token else token + "x"


def test_only_the_exact_token_signs_a_request_in() -> None:
    fake = FakeAquarium("demo")
    token = fake.user_token("neptune")
    other_names = st.sampled_from(
        ["remember_token", fake.cookie_name, "_session", "Remember_Token"]
    )
    with FuzzRun(fake).watching() as run:

        @fuzz_settings(COOKIE_BUDGET)
        @given(
            value=tampered(token),
            name=other_names,
            route=st.sampled_from(ROUTES),
            prefix=st.sampled_from(["", "a=b; "]),
            suffix=st.sampled_from(["", "; theme=dark"]),
        )
        def tampered_cookie(value, name, route, prefix, suffix):
            method, path = route
            cookie = f"{prefix}{name}={value}{suffix}"
            headers = {"Cookie": cookie, "Content-Type": "application/json", "Host": "a.test"}
            answer = run.example([Probe(method, path, "", headers, QUERY)])[0]
            if method == "PUT":  # Aquarium's before-filter answer to a PUT without a user
                assert (answer.status, answer.json()) == (200, {"error": "Not-logged-in"})
            else:
                assert answer.status == 302
                assert answer.header("Location") == "http://a.test/signin"

        tampered_cookie()
    run.assert_sent_at_least(COOKIE_BUDGET.examples)


def test_the_exact_token_does_sign_in_under_either_cookie_name() -> None:
    fake = FakeAquarium("demo")
    token = fake.user_token("neptune")
    for name in (fake.cookie_name, "remember_token"):
        answer = fake.handle(Probe("GET", "/json/current.json", "", {"Cookie": f"{name}={token}"})
                             .request())  # fmt: skip
        assert answer.status == 200 and answer.json()["login"] == "neptune"
