"""Test-control endpoints for fault injection (see :mod:`aqfake.faults`), beside
:mod:`aqfake.handlers.control` and, like them, never journaled and never faulted.

- ``GET /_aqfake/faults``            -> ``{"seed": N, "faults": [...]}`` with matched/fired counts
- ``POST /_aqfake/faults``           -> add one fault (a JSON object); 201 ``{"fault": {...}}``,
  422 naming what is wrong
- ``PUT /_aqfake/faults``            -> ``{"seed": N, "faults": [...]}``: replace them all
- ``DELETE /_aqfake/faults[/<id>]``  -> remove every fault, or one (404 if unknown)

When the fake has a control token (always when served beyond loopback), these need it in the
``X-Aqfake-Token`` header, as every control endpoint does; see :mod:`aqfake.app`.
"""

from __future__ import annotations

from typing import Any

from ..faults import Fault, FaultError
from ..routing import Auth, Context, Route
from ..wire import BadRequest, Response, errors_response, json_response


def list_faults(ctx: Context) -> Response:
    """The fault schedule: seed, and each fault with how often it matched and fired."""
    return json_response(ctx.fake.faults.to_json())


def add_fault(ctx: Context) -> Response:
    """Add one fault from the JSON body; 201 with the fault and its id."""
    try:
        fault = ctx.fake.faults.add(Fault.from_json(_json_body(ctx)))
    except (FaultError, BadRequest) as exc:
        return errors_response(str(exc), 422)
    return json_response({"fault": fault.to_json()}, 201)


def replace_faults(ctx: Context) -> Response:
    """Replace every fault and the seed: ``{"seed": N, "faults": [...]}`` (both optional)."""
    try:
        body = _json_body(ctx)
        if not isinstance(body, dict) or set(body) - {"seed", "faults"}:
            raise FaultError('send {"seed": <int>, "faults": [<fault>, ...]}')
        seed, listed = body.get("seed", ctx.fake.faults.seed), body.get("faults", [])
        if not isinstance(seed, int) or isinstance(seed, bool) or not isinstance(listed, list):
            raise FaultError("seed must be an integer and faults a list of fault objects")
        faults = [Fault.from_json(item) for item in listed]
    except (FaultError, BadRequest) as exc:
        return errors_response(str(exc), 422)
    ctx.fake.faults.clear()
    ctx.fake.faults.reseed(seed)
    ctx.fake.faults.extend(faults)
    return json_response(ctx.fake.faults.to_json())


def clear_faults(ctx: Context) -> Response:
    """Remove every fault."""
    ctx.fake.faults.clear()
    return json_response({"status": "cleared"})


def remove_fault(ctx: Context, id: str) -> Response:
    """Remove fault ``id``; 404 if there is none."""
    try:
        ctx.fake.faults.remove(int(id))
    except (KeyError, ValueError) as exc:
        return errors_response(str(exc.args[0]), 404)
    return json_response({"status": "removed", "fault": int(id)})


def _json_body(ctx: Context) -> Any:
    body = ctx.request.raw_json()
    if body is None:
        raise FaultError("the request needs a JSON body describing the fault(s)")
    return body


ROUTES = [
    Route("GET", "/_aqfake/faults", list_faults, Auth.NONE),
    Route("POST", "/_aqfake/faults", add_fault, Auth.NONE),
    Route("PUT", "/_aqfake/faults", replace_faults, Auth.NONE),
    Route("DELETE", "/_aqfake/faults", clear_faults, Auth.NONE),
    Route("DELETE", "/_aqfake/faults/:id", remove_fault, Auth.NONE),
]
