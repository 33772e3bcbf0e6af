"""How the query language treats each kind of model field.

The kind is looked up by relationship class name along the class's MRO, so subclasses of the
descriptors in :mod:`aqsession.models.relationships` behave like their base, and the compiler
needs nothing from the models package but the objects a model's ``get_relationships()`` returns.
"""

from __future__ import annotations

from typing import Any

HAS_MANY = "has_many"
HAS_ONE = "has_one"
THROUGH = "through"
ONE_FROM_MANY = "one_from_many"
ATTRIBUTE = "attribute"
FUNCTION = "function"
CUSTOM = "custom"

#: relationship class name -> kind. The most specific names come first in every MRO, so a
#: ``HasManyThrough`` that derives from ``HasMany`` is still a through relationship.
KIND_BY_CLASS_NAME: dict[str, str] = {
    "HasManyThrough": THROUGH,
    "HasOneFromMany": ONE_FROM_MANY,
    "HasManyGeneric": HAS_MANY,
    "HasMany": HAS_MANY,
    "HasOne": HAS_ONE,
    "Raw": ATTRIBUTE,
    "JSON": ATTRIBUTE,
    "Function": FUNCTION,
    "One": HAS_ONE,
    "Many": CUSTOM,
}

#: kinds a sub-query can follow
FOLLOWABLE = frozenset({HAS_MANY, HAS_ONE, THROUGH, ONE_FROM_MANY})

#: kinds that name something the Browser can load for ``__return__``
LOADABLE = frozenset({HAS_MANY, HAS_ONE, THROUGH, ONE_FROM_MANY, CUSTOM})


def relation_kind(relation: Any) -> str:
    """The kind of a field object; unknown relationship classes count as ``custom``."""
    for cls in type(relation).__mro__:
        kind = KIND_BY_CLASS_NAME.get(cls.__name__)
        if kind is not None:
            return kind
    return CUSTOM


def additional_args(relation: Any) -> dict[str, Any]:
    """Fixed extra conditions on the relationship's *targets* (``{}`` when it has none)."""
    return dict(getattr(relation, "additional_args", None) or {})


def owner_conditions(relation: Any) -> dict[str, Any]:
    """Fixed conditions on the relationship's *owner*.

    A polymorphic by-id relationship (``FieldType.sample_type`` through ``parent_id``) only
    holds when the owner's ``parent_class`` names the target model.
    """
    parent_class = getattr(relation, "parent_class", None)
    return {"parent_class": parent_class} if parent_class else {}
