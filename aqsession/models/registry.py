"""The model registry: every model class registers itself here by class name.

``ModelBase.__init_subclass__`` registers each class as it is defined, so adding a model to
the client is writing its class in one of this package's modules: it is then a registered
model, in :func:`builtin_names` (``MODEL_NAMES``, ``session.models``, ``session.<Name>``) and
importable from :mod:`aqsession.models`. Nothing else lists the models; :data:`PYDENT_ORDER` only
orders the 27 pydent knows as pydent 1.0.11 lists them (a new model comes after them, in the
order it was defined).
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from aqsession.exceptions import ModelRegistryError

if TYPE_CHECKING:
    from .base import ModelBase

#: The order in which pydent 1.0.11 lists its 27 models (``session.models`` keeps it).
PYDENT_ORDER: tuple[str, ...] = (
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
#: Every model class ever registered (a replaced class stays a model class).
_CLASSES: set[type] = set()
#: The package whose model classes are the client's own (the built-in models).
_BUILTIN_PACKAGE = __name__.rpartition(".")[0]
_BUILTIN: dict[str, None] = {}


def register(cls: type[ModelBase]) -> None:
    """Record ``cls`` under its class name (a later class of the same name replaces it; a
    built-in name stays built-in)."""
    _REGISTRY[cls.__name__] = cls
    _CLASSES.add(cls)
    if cls.__module__.startswith(_BUILTIN_PACKAGE + "."):
        _BUILTIN[cls.__name__] = None


def _ordered(names: list[str]) -> list[str]:
    """``names`` in pydent's order, names pydent does not know after them (as defined)."""
    position = {name: index for index, name in enumerate(PYDENT_ORDER)}
    return sorted(names, key=lambda name: position.get(name, len(position)))


def registered_names() -> list[str]:
    """Every registered model: the built-in ones (:func:`builtin_names`), then any other
    model class defined since (a subclass in a user's script or a test)."""
    builtin = builtin_names()
    return builtin + [name for name in _REGISTRY if name not in builtin]


def builtin_names() -> list[str]:
    """The models defined in :mod:`aqsession.models`, in pydent's order."""
    return _ordered(list(_BUILTIN))


def is_model(value: object) -> bool:
    """Whether ``value`` is an instance of a model class (any registered class)."""
    return any(klass in _CLASSES for klass in type(value).__mro__)


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
