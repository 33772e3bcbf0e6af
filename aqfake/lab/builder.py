"""LabBuilder: write a consistent Aquarium lab into a :class:`~aqfake.store.Store`.

Each method creates one domain object the way Aquarium stores it -- a sample with a field value
for every field type of its sample type, a collection with ``__Part`` items and part
associations, an operation with input/output field values, a job with its associations -- and
returns the main row. The methods live in one module per domain (people, accounting, types,
inventory, locations, planning); see :mod:`aqfake.lab.base` for references and timestamps.
Secrets (password salts, remember tokens) come from random generators seeded with ``seed`` and
the login, so a lab built twice with the same seed is identical.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ..domain.inventory import DELETED, PART_TYPE
from ..domain.planning import default_layout, job_state
from ..validations import RELEASE_METHODS
from .accounting import AccountingBuilder
from .base import Ref
from .fields import FTYPES, Field, FieldSpec, as_field, number_text
from .inventory import InventoryBuilder
from .people import PeopleBuilder, check_password, url_safe_token
from .planning import PlanningBuilder
from .types import TypesBuilder

if TYPE_CHECKING:
    from .scale import Progress


class LabBuilder(PeopleBuilder, AccountingBuilder, TypesBuilder, InventoryBuilder, PlanningBuilder):
    """Creates lab objects through the store API; see the module docstring."""

    def standard_catalogue(self) -> None:
        """Create the standard catalogue's types (:mod:`aqfake.lab.standard`)."""
        from .catalogue_load import load_catalogue
        from .standard import STANDARD

        load_catalogue(self, STANDARD)

    def grow(
        self,
        size: str | int,
        *,
        anchor: datetime | None = None,
        progress: Progress | None = None,
    ) -> None:
        """Grow this lab to ``size`` (``small``, ``medium``, ``large`` or a number of samples)
        with samples of every standard type, items, collections and plans, dated in the 60
        days before ``anchor`` (see :mod:`aqfake.lab.scale`). The lab needs the standard
        catalogue, at least one user and one budget."""
        from .scale import Grower, sample_count
        from .timeline import Timeline

        users = [u["login"] for u in self.store.rows("users")]
        if not users or not self.store.count("budgets"):
            raise ValueError("grow() needs at least one user and one budget; add them first")
        group = self.store.first("groups", name="technicians")
        members = (
            {m["user_id"] for m in self.store.lookup("memberships", group_id=group["id"])}
            if group
            else set()
        )
        technicians = [u["login"] for u in self.store.rows("users") if u["id"] in members] or users
        Grower(
            self.store,
            self.rng,
            Timeline(anchor),
            logins=users,
            technicians=technicians,
            progress=progress,
        ).grow(sample_count(size))


__all__ = [
    "DELETED",
    "FTYPES",
    "PART_TYPE",
    "RELEASE_METHODS",
    "Field",
    "FieldSpec",
    "LabBuilder",
    "Ref",
    "as_field",
    "check_password",
    "default_layout",
    "job_state",
    "number_text",
    "url_safe_token",
]
