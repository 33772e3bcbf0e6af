"""Test doubles for the Browser tests (no tests here): toy models, an in-memory "server", a session.

The toy models use the real relationship descriptors; their names start with ``Bt`` so they
never clash with the 27 Aquarium models in the (process-wide) model registry.
"""

from __future__ import annotations

import copy
from typing import Any

from aqsession.browser import Browser
from aqsession.exceptions import ForbiddenRequestError
from aqsession.models.base import ModelBase
from aqsession.models.registry import get_model
from aqsession.models.relationships import (
    HasMany,
    HasManyGeneric,
    HasManyThrough,
    HasOne,
    HasOneFromMany,
    One,
)


class BtKind(ModelBase):
    COLUMNS = ("name", "created_at")
    owners = HasMany("BtOwner", ref="bt_kind_id")


class BtOwner(ModelBase):
    COLUMNS = ("name", "description", "bt_kind_id", "created_at", "size")
    bt_kind = HasOne("BtKind")
    parts = HasMany("BtPart", ref="owner_id")
    notes = HasManyGeneric("BtNote", {"parent_class": "BtOwner"})
    latest_note = HasOneFromMany(
        "BtNote", ref="parent_id", additional_args={"parent_class": "BtOwner", "key": "k"}
    )
    bt_links = HasMany("BtLink", ref="owner_id")
    linked_kinds = HasManyThrough("BtKind", "BtLink")


class BtPart(ModelBase):
    COLUMNS = ("name", "owner_id", "created_at")
    owner = HasOne("BtOwner", ref="owner_id")


class BtNote(ModelBase):
    COLUMNS = ("parent_id", "parent_class", "key", "created_at")
    owner = One("BtOwner", ref="parent_id", polymorphic=True)


class BtLink(ModelBase):
    COLUMNS = ("owner_id", "bt_kind_id", "created_at")
    bt_kind = HasOne("BtKind")


def stamp(minute: int) -> str:
    return f"2026-11-01T10:{minute:02d}:00.000-07:00"


def _equal(stored: Any, wanted: Any) -> bool:
    if isinstance(stored, str) and isinstance(wanted, str):
        return stored.rstrip(" ").casefold() == wanted.rstrip(" ").casefold()
    if isinstance(stored, int) and isinstance(wanted, str) and wanted.strip().isdigit():
        return stored == int(wanted)
    return bool(stored == wanted)


class FakeServer:
    """Rows per model name; answers like the real server (asc id, reverse = newest first)."""

    def __init__(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        self.tables = tables
        self.calls: list[tuple[str, str, Any]] = []

    def rows(self, name: str, query: Any) -> list[dict[str, Any]]:
        if isinstance(query, str):  # only "<column> > <number>" is understood
            column, _, number = query.partition(" > ")
            rows = self.tables.get(name, [])
            return [copy.deepcopy(r) for r in rows if (r.get(column) or 0) > float(number)]
        found = []
        for row in self.tables.get(name, []):
            ok = True
            for key, wanted in (query or {}).items():
                values = wanted if isinstance(wanted, list) else [wanted]
                if not any(_equal(row.get(key), v) for v in values):
                    ok = False
            if ok:
                found.append(copy.deepcopy(row))
        return sorted(found, key=lambda r: r["id"])


class FakeInterface:
    """The four server calls the Browser makes, recorded in ``server.calls``."""

    def __init__(self, server: FakeServer, name: str, session: FakeSession) -> None:
        self.server = server
        self.name = name
        self.session = session
        self.model = get_model(name)

    def _call(self, kind: str, detail: Any) -> None:
        if not self.session.using_requests:
            raise ForbiddenRequestError(f"requests are off: {kind} {self.name} {detail!r}")
        self.server.calls.append((kind, self.name, copy.deepcopy(detail)))

    def where(self, query: Any, methods: Any = None, include: Any = None,
              page_size: Any = None, opts: Any = None) -> list[Any]:  # fmt: skip
        self._call("where", {"query": query, "opts": opts})
        rows = self.server.rows(self.name, query)
        opts = opts or {}
        if opts.get("reverse"):
            rows.sort(key=lambda r: (r["created_at"], r["id"]), reverse=True)
        if opts.get("offset", -1) > 0:
            rows = rows[opts["offset"] :]
        if opts.get("limit", -1) > 0:
            rows = rows[: opts["limit"]]
        return list(self.model.load_from(rows, self.session))

    def find(self, model_id: Any) -> Any:
        self._call("find", model_id)
        rows = self.server.rows(self.name, {"id": model_id})
        if isinstance(model_id, list):
            return self.model.load_from(rows, self.session)
        return self.model.load_from(rows[0], self.session) if rows else None

    def one(self, query: Any = None, **_: Any) -> Any:
        found = self.where(query or {}, opts={"reverse": True, "limit": 1})
        return found[0] if found else None

    def all(self, opts: Any = None) -> list[Any]:
        self._call("all", opts)
        return list(self.model.load_from(self.server.rows(self.name, {}), self.session))


class FakeHTTP:
    def __init__(self, session: FakeSession) -> None:
        self.session = session

    def get(self, path: str) -> Any:
        server = self.session.server
        if not self.session.using_requests:
            raise ForbiddenRequestError(f"requests are off: GET {path}")
        server.calls.append(("get", path, None))
        return [f"{r['id']}: {r['name']}" for r in server.rows("BtOwner", {})]


class FakeSession:
    """Just enough of AqSession for the Browser and for lazy relationship loads."""

    def __init__(self, server: FakeServer, **browser_options: Any) -> None:
        self.server = server
        self.using_requests = True
        self.url = "http://fake.test"
        self.aqhttp = FakeHTTP(self)
        self.browser = Browser(self, **browser_options)

    @property
    def session(self) -> FakeSession:
        return self

    def model_interface(self, name: str, interface_class: Any = None) -> FakeInterface:
        return FakeInterface(self.server, name, self)


def demo_tables(owners: int = 5) -> dict[str, list[dict[str, Any]]]:
    """Two kinds, ``owners`` owners alternating kinds, two parts per even owner, notes,
    and links from every owner to both kinds."""
    tables: dict[str, list[dict[str, Any]]] = {
        "BtKind": [
            {"id": 1, "name": "Primer", "created_at": stamp(0)},
            {"id": 2, "name": "Plasmid", "created_at": stamp(1)},
        ],
        "BtOwner": [],
        "BtPart": [],
        "BtNote": [],
        "BtLink": [],
    }
    part_id = note_id = link_id = 0
    for n in range(1, owners + 1):
        tables["BtOwner"].append({
            "id": n, "name": f"Owner {n}", "description": f"about {n}" if n % 2 else None,
            "bt_kind_id": 1 + n % 2, "created_at": stamp(n % 3), "size": n,
        })  # fmt: skip
        if n % 2 == 0:
            for _ in range(2):
                part_id += 1
                tables["BtPart"].append(
                    {"id": part_id, "name": f"p{part_id}", "owner_id": n, "created_at": stamp(n)}
                )
        for minute in (1, 5):
            note_id += 1
            tables["BtNote"].append({
                "id": note_id, "parent_id": n, "parent_class": "BtOwner", "key": "k",
                "created_at": stamp(minute if n != 3 else 6 - minute),
            })  # fmt: skip
        for kind in (1, 2):
            link_id += 1
            tables["BtLink"].append(
                {"id": link_id, "owner_id": n, "bt_kind_id": kind, "created_at": stamp(0)}
            )
    # a note of another parent class with a colliding parent_id
    tables["BtNote"].append(
        {"id": 999, "parent_id": 1, "parent_class": "Elsewhere", "key": "k", "created_at": stamp(9)}
    )
    return tables
