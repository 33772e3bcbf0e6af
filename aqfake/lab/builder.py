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


class LabBuilder(PeopleBuilder, AccountingBuilder, TypesBuilder, InventoryBuilder, PlanningBuilder):
    """Creates lab objects through the store API; see the module docstring."""


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
