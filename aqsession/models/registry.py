"""The model registry: every model class registers itself here by class name."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from aqsession.exceptions import ModelRegistryError

if TYPE_CHECKING:
    from .base import ModelBase

# The 27 models in pydent 1.0.11's order (what ``session.models`` lists first).
MODEL_NAMES: tuple[str, ...] = (
    "Code",
    "Library",
    "DataAssociation",
    "Upload",
    "Sample",
    "SampleType",
    "ObjectType",
    "Item",
    "PartAssociation",
    "Collection",
    "AllowableFieldType",
    "FieldType",
    "FieldValue",
    "Job",
    "JobAssociation",
    "Operation",
    "OperationType",
    "Plan",
    "PlanAssociation",
    "Wire",
    "User",
    "UserBudgetAssociation",
    "Membership",
    "Group",
    "Account",
    "Budget",
    "Invoice",
)

_REGISTRY: dict[str, type[ModelBase]] = {}


def register(cls: type[ModelBase]) -> None:
    """Record ``cls`` under its class name (a later class of the same name replaces it)."""
    _REGISTRY[cls.__name__] = cls


def registered_names() -> list[str]:
    """The built-in names in pydent's order, then any other registered model."""
    extra = [name for name in _REGISTRY if name not in MODEL_NAMES]
    return [name for name in MODEL_NAMES if name in _REGISTRY] + extra


def get_model(name: str) -> type[ModelBase]:
    """The model class called ``name``; :class:`ModelRegistryError` with a hint otherwise."""
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        pass
    raise ModelRegistryError(_unknown_message(name))


def _unknown_message(name: Any) -> str:
    names = registered_names()
    message = f"Model {name!r} is not registered."
    matches = difflib.get_close_matches(str(name), names, n=3, cutoff=0.6)
    if len(matches) == 1:
        return f'{message} Did you mean "{matches[0]}"?'
    if matches:
        return f"{message} Did you mean any of these? {matches}"
    return f"{message} Known models: {', '.join(names)}."
