"""A small planning lab for the planning, operations, code and krill route tests.

Built on the Docker seed (neptune is an admin; "Direct Purchase" is on the fly), plus:

- ``walt``: signed in and up to date, not an admin.
- sample type ``Primer`` with samples ``p1``, ``p2``; sample type ``Strain`` with ``s1``;
  object types ``Primer Stock`` and ``Primer Aliquot``.
- operation types (category ``Test``):
  ``Rehydrate`` (input ``Primer``, output ``Aliquot``, routing ``P``, cost 2.0 / 0.5),
  ``Use`` (input ``Aliquot``, routing ``P``, cost labor 3 / materials 1),
  ``Fly`` (on the fly, output ``Aliquot``), ``Blank`` (empty precondition, no cost model).
- plan ``Draft`` (planning): Rehydrate -> Use, wired; plan ``Flying`` (planning): Fly -> Use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aqfake.app import FakeAquarium
from aqfake.lab import Field
from aqfake.lab.seed import seed_lab
from aqfake.store import Store
from aqfake.wire import Request, Response

PRIMER = (("Primer", "Primer Aliquot"),)


def planning_lab(store: Store) -> None:
    b = seed_lab(store)
    b.user("walt", "walt-pass-1", "Walt Wire")
    b.sample_type("Primer", fields=())
    b.sample_type("Strain", fields=())
    b.object_type("Primer Stock")
    b.object_type("Primer Aliquot")
    for name, sample_type in (("p1", "Primer"), ("p2", "Primer"), ("s1", "Strain")):
        b.sample(name, sample_type, "tests")
    b.operation_type(
        "Rehydrate",
        "Test",
        inputs=(Field("Primer", "sample", allowable=(("Primer", "Primer Stock"),), routing="P"),),
        outputs=(Field("Aliquot", "sample", allowable=PRIMER, routing="P"),),
        cost=(2.0, 0.5),
    )
    b.operation_type(
        "Use",
        "Test",
        inputs=(Field("Aliquot", "sample", allowable=PRIMER, routing="P"),),
        codes={"cost_model": "def cost(op)\n  { labor: 3, materials: 1 }\nend\n"},
    )
    b.operation_type(
        "Fly", "Test", outputs=(Field("Aliquot", "sample", allowable=PRIMER),), on_the_fly=True
    )
    blank = b.operation_type("Blank", "Test", codes={"precondition": ""})
    cost = store.first(
        "codes", parent_class="OperationType", parent_id=blank["id"], name="cost_model"
    )
    assert cost is not None
    store.delete("codes", cost["id"])
    rehydrate = b.operation("Rehydrate", inputs={"Primer": "p1"}, outputs={"Aliquot": "p1"})
    use = b.operation("Use", inputs={"Aliquot": "p1"})
    b.plan("Draft", [rehydrate, use], [(rehydrate, "Aliquot", use, "Aliquot")])
    fly = b.operation("Fly", outputs={"Aliquot": "p2"})
    use2 = b.operation("Use", inputs={"Aliquot": "p2"})
    b.plan("Flying", [fly, use2], [(fly, "Aliquot", use2, "Aliquot")])


@dataclass
class Client:
    """Raw HTTP against a fake, signed in as a user (by cookie)."""

    fake: FakeAquarium
    login: str = "neptune"

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        content_type: str = "application/json",
    ) -> Response:
        query = ""
        if "?" in path:
            path, query = path.split("?", 1)
        headers = {"Cookie": f"{self.fake.cookie_name}={self.fake.user_token(self.login)}"}
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        if data:
            headers["Content-Type"] = content_type
        return self.fake.handle(Request(method, path, query, headers, data))

    def as_user(self, login: str) -> Client:
        return Client(self.fake, login)


def ids(store: Store, table: str, **criteria: Any) -> list[int]:
    return [row["id"] for row in store.lookup(table, **criteria)]


def one(store: Store, table: str, **criteria: Any) -> dict[str, Any]:
    found = store.lookup(table, **criteria)
    assert len(found) == 1, f"expected one {table} row with {criteria}, found {len(found)}"
    return found[0]
