"""aqsession models: the 27 Aquarium models, their relationships and the registry.

``MODEL_NAMES`` lists them in pydent's order; ``get_model(name)`` returns a class. Both are
derived from the model classes themselves, which register as they are defined (see
:mod:`.registry`): a model added to one of this package's modules is listed, reachable as
``session.<Name>`` and importable from here (``from aqsession.models import <Name>``) without
another edit; the imports below name the 27 for type checkers.
"""

from __future__ import annotations

from .associations import DataAssociatorMixin
from .base import ModelBase
from .code import Code, Library
from .crud import (
    CreateMixin,
    DeleteMixin,
    JSONDeleteMixin,
    JSONSaveMixin,
    SaveMixin,
    UpdateMixin,
)
from .field_access import FieldTypeInterface, FieldValueInterface
from .fields import AllowableFieldType, FieldType, FieldValue, SampleType
from .inventory import (
    Collection,
    DataAssociation,
    Item,
    ItemLocationMixin,
    ObjectType,
    PartAssociation,
    Sample,
    Upload,
)
from .markers import NOT_LOADED
from .planning import (
    Job,
    JobAssociation,
    Operation,
    OperationType,
    Plan,
    PlanAssociation,
    Wire,
)
from .registry import builtin_names, get_model, registered_names
from .relationships import (
    JSON,
    Function,
    HasMany,
    HasManyGeneric,
    HasManyThrough,
    HasOne,
    HasOneFromMany,
    Many,
    One,
    Raw,
    Relationship,
)
from .users import (
    Account,
    Budget,
    Group,
    Invoice,
    Membership,
    User,
    UserBudgetAssociation,
)

#: The built-in models, in pydent's order (derived from the registry once they are defined).
MODEL_NAMES: tuple[str, ...] = tuple(builtin_names())


def __getattr__(name: str) -> type[ModelBase]:
    """A registered model class that is not imported above by name."""
    if name in registered_names():
        return get_model(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "JSON",
    "MODEL_NAMES",
    "NOT_LOADED",
    "Account",
    "AllowableFieldType",
    "Budget",
    "Code",
    "Collection",
    "CreateMixin",
    "DataAssociation",
    "DataAssociatorMixin",
    "DeleteMixin",
    "FieldType",
    "FieldTypeInterface",
    "FieldValue",
    "FieldValueInterface",
    "Function",
    "Group",
    "HasMany",
    "HasManyGeneric",
    "HasManyThrough",
    "HasOne",
    "HasOneFromMany",
    "Invoice",
    "Item",
    "ItemLocationMixin",
    "JSONDeleteMixin",
    "JSONSaveMixin",
    "Job",
    "JobAssociation",
    "Library",
    "Many",
    "Membership",
    "ModelBase",
    "ObjectType",
    "One",
    "Operation",
    "OperationType",
    "PartAssociation",
    "Plan",
    "PlanAssociation",
    "Raw",
    "Relationship",
    "Sample",
    "SampleType",
    "SaveMixin",
    "UpdateMixin",
    "Upload",
    "User",
    "UserBudgetAssociation",
    "Wire",
    "builtin_names",
    "get_model",
    "registered_names",
]
