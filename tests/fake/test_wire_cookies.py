"""The fast reading of plain Cookie headers agrees with ``SimpleCookie``'s."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from hypothesis import given
from hypothesis import strategies as st

from aqfake.wire import Request

names = st.one_of(
    st.from_regex(r"[A-Za-z0-9_\-]{1,12}", fullmatch=True),
    st.sampled_from(["path", "Domain", "expires", "$Version", "remember_token", "a b"]),
)
values = st.one_of(
    st.from_regex(r"[A-Za-z0-9_\-.%+/=]{0,24}", fullmatch=True),
    st.sampled_from(['"quoted"', '"esc\\"aped"', "a,b", "sp ace", "semi;", ""]),
)
headers = st.lists(st.tuples(names, values), max_size=5).flatmap(
    lambda pairs: st.sampled_from(["; ", ";", ";  "]).map(
        lambda sep: sep.join(f"{n}={v}" for n, v in pairs)
    )
)


def simple_cookie(header: str) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


@given(headers)
def test_cookies_read_as_simple_cookie_reads_them(header: str) -> None:
    request = Request("GET", "/", headers={"Cookie": header})
    assert request.cookies == simple_cookie(header)


def test_plain_session_cookies_are_read() -> None:
    header = "remember_token_YourLab_production=BV4y_W; _session=kNrc-X/9+=; remember_token=BV4y_W"
    assert Request("GET", "/", headers={"Cookie": header}).cookies == {
        "remember_token_YourLab_production": "BV4y_W",
        "_session": "kNrc-X/9+=",
        "remember_token": "BV4y_W",
    }
