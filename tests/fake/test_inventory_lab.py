"""A small inventory lab and a request helper for the ``test_inventory_*`` modules (no tests).

On top of the Docker seed (neptune, ``__Part`` = 1, ``Orphan`` = 2): wizard ``M20`` (Hotel,
Box 16, Slot 81) with ``M20.0.0.0`` held by item ``held``; sample types Primer (``T Anneal``
number, ``Overhang`` string) and Plasmid (``Parent`` a required Primer sample); object types
``Primer Aliquot`` (prefix M20), ``Primer Stock`` (no wizard), collection types ``Rack`` (2 x 3,
no wizard) and ``Boxed Rack`` (2 x 2, prefix M20); samples ``fwd`` and ``rev`` (Primers), a
collection ``rack`` with ``fwd`` at (0, 1).
"""

from __future__ import annotations

import json
from typing import Any

from aqfake.app import FakeAquarium
from aqfake.lab import Field, seed_lab
from aqfake.store import Row, Store
from aqfake.wire import Request, Response


def inventory_lab(store: Store) -> dict[str, int]:
    """Build the lab into ``store``; returns the ids of the rows above by label."""
    b = seed_lab(store)
    b.wizard("M20", (("Hotel", -1), ("Box", 16), ("Slot", 81)))
    primer = b.sample_type(
        "Primer", "A primer", (Field("T Anneal", "number"), Field("Overhang", "string"))
    )
    plasmid = b.sample_type(
        "Plasmid", "A plasmid", (Field("Parent", "sample", required=True, allowable=(primer,)),)
    )
    aliquot = b.object_type("Primer Aliquot", sample_type=primer, prefix="M20")
    stock = b.object_type("Primer Stock", sample_type=primer)
    rack = b.collection_type("Rack", 2, 3)
    boxed = b.collection_type("Boxed Rack", 2, 2, prefix="M20")
    fwd = b.sample("fwd", primer, "tests", {"T Anneal": 55, "Overhang": "AT"})
    rev = b.sample("rev", primer, "tests", {"T Anneal": 60})
    held = b.item(fwd, aliquot, "M20.0.0.0")
    loose = b.item(rev, stock, "Shelf 2")
    collection = b.collection(rack, {(0, 1): fwd})
    return dict(
        primer=primer["id"],
        plasmid=plasmid["id"],
        aliquot=aliquot["id"],
        stock=stock["id"],
        rack=rack["id"],
        boxed=boxed["id"],
        fwd=fwd["id"],
        rev=rev["id"],
        held=held["id"],
        loose=loose["id"],
        collection=collection["id"],
    )


#: The ids every fake built from :func:`inventory_lab` has (the build is deterministic).
IDS: dict[str, int] = inventory_lab(Store())


def new_fake() -> FakeAquarium:
    """A fresh fake holding :func:`inventory_lab`."""
    return FakeAquarium(inventory_lab)


def call(
    fake: FakeAquarium,
    method: str,
    path: str,
    body: Any = None,
    *,
    query: str = "",
    login: str | None = "neptune",
) -> Response:
    """One request as neptune (``login=None``: anonymous), JSON body if given."""
    headers = {"Host": "aquarium.test", "Content-Type": "application/json"}
    if login is not None:
        headers["Cookie"] = f"{fake.cookie_name}={fake.user_token(login)}"
    raw = b"" if body is None else json.dumps(body).encode()
    return fake.handle(Request(method, path, query, headers, raw))


def row(fake: FakeAquarium, table: str, row_id: int) -> Row:
    found = fake.store.get(table, row_id)
    assert found is not None, f"no {table} row {row_id}"
    return found


def locator_of(fake: FakeAquarium, item_id: int) -> Row | None:
    return fake.store.first("locators", item_id=item_id)
