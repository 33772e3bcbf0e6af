"""OperationsController: step, set a status, batch operations into jobs and unbatch them
(protocol section 5.19).

Quirk kept: ``POST /operations/batch`` reads ``operation_ids``; pydent posts a bare JSON array
(which arrives as ``_json``), so its batch and unbatch calls answer 500 like Aquarium's.
"""

from __future__ import annotations

from typing import Any

from ..domain.planning import BATCHABLE, batch, change_status, step, steppable, unbatch
from ..domain.records import find
from ..domain.transaction import RailsTransaction
from ..errors import NotFound, server_error
from ..render import Renderer
from ..routing import Auth, Context, Route
from ..store import Row, Store
from ..wire import Response, json_response


def step_operations(ctx: Context) -> Response:
    """``GET /operations/step[?plan_id=P]``."""
    raw_plan = ctx.params.get("plan_id")
    plan_id = None if raw_plan is None else find(ctx.store, "Plan", raw_plan, NotFound)["id"]
    step(RailsTransaction(ctx.store), steppable(ctx.store, plan_id))
    return json_response({"result": "ok"})


def set_status(ctx: Context, id: str, status: str) -> Response:
    """``GET /operations/:id/status/:status``: the raw status, plus the audit associations."""
    assert ctx.user is not None
    op = find(ctx.store, "Operation", id, NotFound)
    op = change_status(RailsTransaction(ctx.store), op, status, ctx.user["name"])
    return json_response(Renderer(ctx.store, ctx.base_url).columns("Operation", op))


def _operations(ctx: Context) -> list[Row] | None:
    """``params[:operation_ids].collect { Operation.find }``; None where Ruby raises (500)."""
    ids = ctx.params.get("operation_ids")
    if not isinstance(ids, list):
        return None
    return [find(ctx.store, "Operation", raw, NotFound) for raw in ids]


def batch_operations(ctx: Context) -> Response:
    """``POST /operations/batch``: a job for the operations (and for their primed on-the-fly
    predecessors, whose successors wait ``deferred`` in a job of their own)."""
    store, path = ctx.store, ctx.request.path
    assert ctx.user is not None
    ops = _operations(ctx)
    if ops is None:
        return server_error(path)
    todo = [op for op in ops if op["status"] != "scheduled"]
    if any(op["status"] not in BATCHABLE for op in todo):
        return server_error(path)
    group = store.first("groups", name="technicians")
    if group is None:
        return server_error(path)
    scheduled: list[Row] = []
    if ops:
        type_id = ops[0]["operation_type_id"]
        scheduled = batch(RailsTransaction(store), todo, type_id, ctx.user, group)
    r = Renderer(store, ctx.base_url)
    operations = [r.columns("Operation", op) for op in scheduled] if ops else None
    return json_response({"operations": operations, "jobs": active_and_pending_jobs(store, r)})


def active_and_pending_jobs(store: Store, r: Renderer) -> dict[str, Any]:
    """Jobs not completed that hold an operation not in error: ids, pending and running ones."""
    ids: list[int] = []
    for ja in store.rows("job_associations"):
        job = store.get("jobs", ja["job_id"])
        op = store.get("operations", ja["operation_id"])
        if job is None or op is None or job["pc"] == -2 or op["status"] == "error":
            continue
        if job["id"] not in ids:
            ids.append(job["id"])
    jobs = [job for job in (store.get("jobs", i) for i in sorted(ids)) if job is not None]
    pending = []
    for job in jobs:
        if job["pc"] == -1:
            active = [
                r.columns("Job", p)
                for p in store.lookup("jobs", successor_id=job["id"])
                if p["pc"] != -2
            ]
            pending.append({**r.columns("Job", job), "active_predecessors": active})
    running = [
        r.columns("Job", job) for job in jobs if job["pc"] is not None and 0 <= job["pc"] <= 10_000
    ]
    return {"ids": ids, "pending": pending, "running": running}


def unbatch_operations(ctx: Context) -> Response:
    """``POST /operations/unbatch``: take operations out of their unstarted jobs (a job left
    empty is cancelled), make them ``pending`` and step them."""
    assert ctx.user is not None
    ops = _operations(ctx)
    if ops is None:
        return server_error(ctx.request.path)
    tx = RailsTransaction(ctx.store)
    for op in ops:
        unbatch(tx, op, ctx.user)
    r = Renderer(ctx.store, ctx.base_url)
    return json_response({"operations": [r.columns("Operation", op) for op in ops]})


U = Auth.UP_TO_DATE
ROUTES: list[Route] = [
    Route("GET", "/operations/step", step_operations, U),
    Route("POST", "/operations/batch", batch_operations, U),
    Route("POST", "/operations/unbatch", unbatch_operations, U),
    Route("GET", "/operations/:id/status/:status", set_status, U),
]
