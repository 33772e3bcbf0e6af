"""The seed data of Aquarium's Docker image (protocol section 6.6), as data plus one builder."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..store import Store
from .builder import PART_TYPE, LabBuilder
from .timeline import Timeline

NEPTUNE: dict[str, Any] = {"login": "neptune", "password": "aquarium", "name": "Joe Neptune"}

#: Group ids as the Docker image has them.
GROUP_IDS = {"admin": 1, "technicians": 235, "neptune": 236}

SEED_BUDGET: dict[str, Any] = {
    "id": 1,
    "name": "My First Budget",
    "contact": "Joe Neptune",
    "email": "neptune@example.org",
    "phone": "206-555-0100",
    "description": "The budget every new Aquarium starts with.",
}

SEED_OBJECT_TYPES: tuple[dict[str, Any], ...] = (
    {"id": 1, "name": PART_TYPE, "description": "Part of a collection", "unit": "part"},
    {"id": 2, "name": "Orphan", "description": "An item whose container type was removed"},
)

SEED_OPERATION_TYPE: dict[str, Any] = {
    "id": 1,
    "name": "Direct Purchase",
    "category": "Misc.",
    "on_the_fly": True,
}

SEED_LIBRARY: dict[str, Any] = {"id": 1, "name": "Debug", "category": "Standard Libs"}


def seed_lab(store: Store, seed: int = 0, *, anchor: datetime | None = None) -> LabBuilder:
    """Write the Docker seed into an empty store and return the builder (dated at window start)."""
    if any(store.count(table) for table in store.tables):
        raise ValueError("a lab can only be built into an empty store; use a new Store()")
    builder = LabBuilder(store, seed=seed, now=Timeline(anchor).start)
    builder.group("admin", "Aquarium administrators", id=GROUP_IDS["admin"])
    builder.group("technicians", "Lab technicians who run jobs", id=GROUP_IDS["technicians"])
    builder.user(**NEPTUNE, admin=True, technician=True, id=1, group_id=GROUP_IDS[NEPTUNE["login"]])
    builder.budget(**SEED_BUDGET, users={1: 1000.0})
    for object_type in SEED_OBJECT_TYPES:
        builder.object_type(**object_type)
    builder.operation_type(**SEED_OPERATION_TYPE)
    builder.library(**SEED_LIBRARY)
    return builder


def empty_lab(store: Store, seed: int = 0, *, anchor: datetime | None = None) -> None:
    """Only the Docker seed: neptune/aquarium, groups, a budget, ``__Part``, ``Orphan``,
    "Direct Purchase" and the "Debug" library."""
    seed_lab(store, seed, anchor=anchor)
