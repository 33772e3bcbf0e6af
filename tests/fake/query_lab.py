"""A small, hand-written lab for the conditions, render and ``/json`` tests.

Independent of the demo lab so that every expected value in those tests can be read off here.
Timestamps come from a clock that advances one minute per row, starting 2020-01-15 12:00 UTC
(so rows render in PST, ``-08:00``), except where a row sets them explicitly.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

from aqfake.routing import Context
from aqfake.store import Store
from aqfake.wire import Request

START = datetime(2020, 1, 15, 12, 0, tzinfo=timezone.utc)
NEPTUNE_TOKEN = "TYmoWfyV42AL7dSoYcgmug"
ROOKIE_TOKEN = "rK9f2Lq0ZxWv8bNnYt3aHg"


def minute_clock(start: datetime = START) -> Callable[[], datetime]:
    ticks = iter(range(10**9))
    return lambda: start + timedelta(minutes=next(ticks))


@dataclass
class Lab:
    """Ids of the rows tests refer to by name."""

    ids: dict[str, int]

    def __getitem__(self, name: str) -> int:
        return self.ids[name]


def build(store: Store) -> Lab:
    ids: dict[str, int] = {}

    def add(label: str, table: str, /, **values: Any) -> int:
        ids[label] = store.insert(table, values)["id"]
        return ids[label]

    neptune = add(
        "neptune",
        "users",
        name="Joe Neptune",
        login="neptune",
        password_digest="pbkdf2$secret-digest",
        remember_token=NEPTUNE_TOKEN,
        key="api-key-neptune",
    )
    rookie = add(
        "rookie",
        "users",
        name="Rory Rookie",
        login="rookie",
        password_digest="pbkdf2$other",
        remember_token=ROOKIE_TOKEN,
    )
    for user in (neptune, rookie):
        for key, value in (("email", "x@y.z"), ("phone", "5"), ("lab_agreement", "true")):
            store.insert("parameters", key=key, value=value, user_id=user)
        store.insert("parameters", key="aquarium", value="true", user_id=user)
    admin = add("admin", "groups", name="admin", description="admins")
    add("g_neptune", "groups", name="neptune", description="own group")
    store.insert("memberships", user_id=neptune, group_id=ids["g_neptune"])
    store.insert("memberships", user_id=neptune, group_id=admin)

    part = add("part", "object_types", name="__Part", handler="sample_container", rows=5)
    aliquot = add("aliquot", "object_types", name="Primer Aliquot", handler="sample_container")
    plate = add(
        "plate", "object_types", name="96 Well Plate", handler="collection", rows=8, columns=12
    )
    add("stripwell", "object_types", name="Stripwell", handler="collection")

    primer = add("primer", "sample_types", name="Primer", description="oligo")
    add("plasmid", "sample_types", name="Plasmid", description="circular")
    fwd = add(
        "fwd", "samples", name="fwd-GFP", sample_type_id=primer, project="Glow", user_id=neptune
    )
    add("rev", "samples", name="rev-GFP ", sample_type_id=primer, project="glow", user_id=rookie)
    add("orphan_sample", "samples", name="Loner", sample_type_id=primer, project="x", user_id=None)

    add("bench", "items", location="Bench", quantity=1, object_type_id=aliquot, sample_id=fwd)
    add("fridge", "items", location="fridge", quantity=2, object_type_id=aliquot, sample_id=fwd)
    add(
        "gone",
        "items",
        location="deleted",
        quantity=-1,
        inuse=-1,
        object_type_id=aliquot,
        sample_id=fwd,
    )
    add("nowhere", "items", location=None, quantity=1, object_type_id=aliquot, sample_id=None)
    coll = add("collection", "items", location="Shelf", quantity=1, object_type_id=plate)
    p1 = add("part_a", "items", location="ignored", quantity=1, object_type_id=part, sample_id=fwd)
    p2 = add("part_b", "items", quantity=1, object_type_id=part, sample_id=ids["rev"])
    store.insert("part_associations", part_id=p1, collection_id=coll, row=0, column=1)
    store.insert("part_associations", part_id=p2, collection_id=coll, row=7, column=11)
    wizard = add(
        "wizard",
        "wizards",
        name="M20",
        specification=json.dumps(
            {
                "fields": [
                    {"name": "hotel", "capacity": -1},
                    {"name": "box", "capacity": 16},
                    {"name": "slot", "capacity": 81},
                ]
            }
        ),
    )
    slotted = add(
        "slotted", "items", location="M20.x", quantity=1, object_type_id=aliquot, sample_id=fwd
    )
    add("locator", "locators", wizard_id=wizard, item_id=slotted, number=1 * 16 * 81 + 2 * 81 + 3)

    job = add("job", "jobs", user_id=neptune, pc=-2, state="[]")
    upload = add("upload", "uploads", job_id=job, upload_file_name="gel.jpg", upload_file_size=1234)
    t = START + timedelta(days=1)
    for name, key, created, updated, extra in (
        ("da_conc_old", "concentration", t, t, {}),
        ("da_conc_new", "concentration", t + timedelta(hours=1), t + timedelta(hours=1), {}),
        ("da_conc_tie", "concentration", t, t + timedelta(hours=1), {}),
        ("da_note", "note", t + timedelta(hours=2), t + timedelta(hours=2), {}),
        ("da_Note", "Note", t + timedelta(hours=3), t + timedelta(hours=3), {}),
        ("da_gel", "gel", t, t, {"upload_id": upload}),
    ):
        parent = ids["fridge"] if name != "da_conc_old" else ids["bench"]
        add(
            name,
            "data_associations",
            parent_id=parent,
            parent_class="Item",
            key=key,
            object=json.dumps({key: 1}),
            created_at=created,
            updated_at=updated,
            **extra,
        )

    ot = add("ot", "operation_types", name="Make PCR", category="Cloning", deployed=True)
    for version in ("v1", "v2"):
        add(
            f"protocol_{version}",
            "codes",
            name="protocol",
            content=version,
            parent_id=ot,
            parent_class="OperationType",
        )
    ft = add(
        "ft_in",
        "field_types",
        parent_id=ot,
        parent_class="OperationType",
        name="Primer",
        ftype="sample",
        role="input",
        routing="P",
    )
    add(
        "aft",
        "allowable_field_types",
        field_type_id=ft,
        sample_type_id=primer,
        object_type_id=aliquot,
    )
    add("aft_bare", "allowable_field_types", field_type_id=ft)
    ft_out = add(
        "ft_out",
        "field_types",
        parent_id=ot,
        parent_class="OperationType",
        name="Product",
        ftype="item",
        role="output",
    )
    budget = add("budget", "budgets", name="B", contact="c", email="e", phone="p", description="d")
    plan = add("plan", "plans", user_id=neptune, budget_id=budget, name="Plan A", status="planning")
    op1 = add("op1", "operations", operation_type_id=ot, status="done", user_id=neptune)
    op2 = add("op2", "operations", operation_type_id=ot, status="waiting", user_id=neptune)
    for op in (op1, op2):
        store.insert("plan_associations", plan_id=plan, operation_id=op)
    store.insert("job_associations", job_id=job, operation_id=op1)
    out = add(
        "fv_out",
        "field_values",
        parent_id=op1,
        parent_class="Operation",
        name="Product",
        role="output",
        field_type_id=ft_out,
        child_sample_id=fwd,
        child_item_id=ids["bench"],
    )
    inp = add(
        "fv_in",
        "field_values",
        parent_id=op2,
        parent_class="Operation",
        name="Primer",
        role="input",
        field_type_id=ft,
        child_sample_id=fwd,
    )
    add(
        "fv_sample",
        "field_values",
        parent_id=fwd,
        parent_class="Sample",
        name="Overhang",
        value="ACGT",
    )
    add("wire", "wires", from_id=out, to_id=inp, active=True)
    add("plan_da", "data_associations", parent_id=plan, parent_class="Plan", key="k", object="{}")
    add("op_da", "data_associations", parent_id=op1, parent_class="Operation", key="k", object="{}")
    return Lab(ids)


def lab_store() -> tuple[Store, Lab]:
    store = Store(clock=minute_clock())
    return store, build(store)


def context(
    store: Store,
    body: Any = None,
    user: dict[str, Any] | None = None,
    path: str = "/json",
    method: str = "POST",
) -> Context:
    """A handler context over ``store`` without the app (``fake`` only needs ``.store``)."""
    raw = json.dumps(body).encode() if body is not None else b""
    request = Request(method, path, "", {"Content-Type": "application/json"}, raw)
    fake: Any = SimpleNamespace(store=store)
    return Context(fake, request, user, "http://aquarium.test")
