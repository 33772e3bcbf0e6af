"""Name inflection used for table names and relationship attribute names.

Only the handful of rules the 27 Aquarium model names need: CamelCase to snake_case, and the
English plural of the last word (``library`` -> ``libraries``, ``sample`` -> ``samples``).
"""

from __future__ import annotations

import re

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def underscore(name: str) -> str:
    """``FieldValue`` -> ``field_value``; already snake_case names are returned unchanged."""
    return _CAMEL_BOUNDARY.sub("_", name).lower()


def pluralize(word: str) -> str:
    """Plural of a snake_case word: ``library`` -> ``libraries``, ``status`` -> ``statuses``."""
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def tableize(name: str) -> str:
    """Rails table name: ``UserBudgetAssociation`` -> ``user_budget_associations``."""
    return pluralize(underscore(name))
