"""Login and error scenario: what pydent raises or returns for each documented failure.

Params: ``existing_id`` (a sample), ``missing_id`` (no sample has it), ``plan_id``.
"""

from __future__ import annotations

from typing import Any

from _common import LOGIN, Checks, login, read_input
from pydent.exceptions import TridentRequestError


def _raw_post(session: Any, body: dict[str, Any]) -> dict[str, Any]:
    """POST a raw body to /json; report the error pydent raised, with the HTTP status."""
    try:
        value = session._aqhttp.post("json", body)
    except TridentRequestError as exc:
        return {
            "raised": type(exc).__name__,
            "message": str(exc),
            "status": exc.response.status_code,
        }
    return {"returned": value}


def main() -> None:
    url, p = read_input()
    checks = Checks()
    session = login(url)

    checks.run("login_ok", lambda: session.current_user.login)
    checks.run("login_upper_case", lambda: login(url, LOGIN.upper()).current_user.login)
    checks.run("bad_password", lambda: login(url, LOGIN, "not-the-password") and "logged in")
    checks.run("cookie_names", lambda: sorted(session._aqhttp.cookies))

    checks.run("unknown_model", lambda: _raw_post(session, {"model": "Foo", "method": "all"}))
    checks.run(
        "illegal_method",
        lambda: _raw_post(
            session, {"model": "Sample", "method": "destroy", "id": p["existing_id"]}
        ),
    )
    checks.run(
        "illegal_method_interface",
        lambda: session.Sample.array_query("destroy", {"id": p["existing_id"]}),
    )
    checks.run("no_model", lambda: _raw_post(session, {"method": "all"}))
    checks.run("no_method", lambda: _raw_post(session, {"model": "Sample"}))
    checks.run(
        "missing_id_raw", lambda: _raw_post(session, {"model": "Sample", "id": p["missing_id"]})
    )
    checks.run("missing_id_find", lambda: session.Sample.find(p["missing_id"]))
    checks.run("missing_plan_find", lambda: session.Plan.find(p["missing_id"]))
    checks.run(
        "bad_include_raw",
        lambda: _raw_post(
            session, {"model": "Sample", "id": p["existing_id"], "include": ["no_such_relation"]}
        ),
    )
    checks.run(
        "bad_include_find",
        lambda: session.Sample.find(p["existing_id"], include=["no_such_relation"]),
    )

    anonymous = login(url)
    anonymous._aqhttp.cookies = {}
    checks.run("unauthenticated_find", lambda: anonymous.Sample.find(p["existing_id"]))

    def unauthenticated_detail() -> dict[str, Any]:
        try:
            anonymous._aqhttp.post("json", {"model": "Sample", "id": p["existing_id"]})
        except TridentRequestError as exc:
            response = exc.response
            return {
                "final_url": response.url,
                "status": response.status_code,
                "redirects": [r.status_code for r in response.history],
            }
        return {"raised": None}

    checks.run("unauthenticated_detail", unauthenticated_detail)
    checks.run(
        "unauthenticated_put",
        lambda: anonymous._aqhttp.put(f"plans/{p['plan_id']}.json", {"name": "x"}),
    )
    checks.emit()


if __name__ == "__main__":
    main()
