"""Test-control endpoints under ``/_aqfake/`` -- for tests and tools driving a live fake.

They are not part of Aquarium: they need no sign-in and are never journaled, so a test can
reset the fake or read its journal from another process without disturbing what it observes.

- ``GET /_aqfake/health``              -> ``{"status": "ok", ...}``
- ``POST /_aqfake/reset``              -> store back to the seeded lab
- ``GET /_aqfake/journal[?since=N]``   -> the request journal (entries with ``seq >= N``)
- ``DELETE /_aqfake/journal``          -> clear it
- ``POST /_aqfake/snapshot``           -> ``{"snapshot": id}``
- ``POST /_aqfake/restore/<id>``       -> store back to that snapshot (404 if unknown)

Fault injection has its own control endpoints in :mod:`aqfake.handlers.control_faults`. When
the fake has a control token (always when served beyond loopback), every control endpoint needs
it in the ``X-Aqfake-Token`` header (see :mod:`aqfake.app`).
"""

from __future__ import annotations

from ..routing import Auth, Context, Route
from ..wire import Response, errors_response, json_response


def health(ctx: Context) -> Response:
    """The fake's liveness and identity: instance name, cookie name and journal length."""
    fake = ctx.fake
    return json_response(
        {
            "status": "ok",
            "instance": fake.instance_name,
            "cookie": fake.cookie_name,
            "journal": len(fake.journal),
            "faults": len(fake.faults),
        }
    )


def reset(ctx: Context) -> Response:
    """Put the store back to the seeded lab (the journal stays), for a fresh start."""
    ctx.fake.reset()
    return json_response({"status": "reset"})


def journal(ctx: Context) -> Response:
    """The journal entries after sequence number ``since``, and the next number to ask for."""
    raw = ctx.request.query.get("since", "0") or "0"
    try:
        since = int(raw)
    except ValueError:
        return errors_response(f"since must be an integer sequence number, got {raw!r}", 400)
    return json_response(
        {"next": ctx.fake.journal.mark(), "entries": ctx.fake.journal.to_json(since)}
    )


def clear_journal(ctx: Context) -> Response:
    """Empty the journal of requests."""
    ctx.fake.journal.clear()
    return json_response({"status": "cleared"})


def snapshot(ctx: Context) -> Response:
    """Save the store's current state; answers the snapshot id to restore later."""
    return json_response({"snapshot": ctx.fake.save_snapshot()})


def restore(ctx: Context, id: str) -> Response:
    """Put the store back to snapshot ``id``; 404 if there is no such snapshot."""
    try:
        ctx.fake.restore_snapshot(id)
    except KeyError as exc:
        return errors_response(exc.args[0], 404)
    return json_response({"status": "restored", "snapshot": id})


ROUTES = [
    Route("GET", "/_aqfake/health", health, Auth.NONE),
    Route("POST", "/_aqfake/reset", reset, Auth.NONE),
    Route("GET", "/_aqfake/journal", journal, Auth.NONE),
    Route("DELETE", "/_aqfake/journal", clear_journal, Auth.NONE),
    Route("POST", "/_aqfake/snapshot", snapshot, Auth.NONE),
    Route("POST", "/_aqfake/restore/:id", restore, Auth.NONE),
]
