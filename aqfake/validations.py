"""What Aquarium checks before a row is written: model validations, foreign keys, unique indexes.

Model validations (protocol section 6, "valid:") are declared once, as data (:data:`VALIDATIONS`,
with Aquarium's own messages where its models word them), and serve every write path:
``/json/save`` answers 422 ``{"errors": {"name": ["can't be blank"]}}``, the inventory routes
report :func:`full_messages`, the lab builder refuses invalid rows. A foreign key pointing at a
missing row and a duplicate in a unique index are database errors (section 6.5; the keys and
indexes are declared in :mod:`aqfake.tables`), worded by :func:`foreign_key_violation` and
:func:`unique_violation`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .store import Row, Store
from .tables import FOREIGN_KEYS, MODELS, UNIQUE_INDEXES

Errors = list[tuple[str, str]]  # (attribute, message) in the order Rails adds them


@dataclass(frozen=True)
class Rule:
    """One validation of a column.

    ``check`` is one of:

    - ``present``: not blank;
    - ``unique`` / ``unique_ci``: no other row holds the value (case-sensitively, or as MySQL
      compares), ``arg`` an optional scope column; NULLs clash too, as in Rails;
    - ``in``: one of the values in ``arg``;
    - ``min`` / ``max``: at least / at most ``arg`` (a number or another column), skipped when
      either side is missing;
    - ``between``: ``arg`` is ``(low, high)``, each a number, a column or None (unbounded); a
      missing value or bound fails, as Aquarium's own range validators do;
    - ``exists``: the row ``arg`` (a table) with that id exists.

    ``message`` replaces the Rails default; ``{value}`` in it is the value as Ruby interpolates
    it. ``attribute`` is the name errors are reported under, when not the column.
    """

    check: str
    column: str
    arg: Any = None
    message: str = ""
    attribute: str = ""


def _present(*columns: str) -> tuple[Rule, ...]:
    return tuple(Rule("present", c) for c in columns)


#: ``ObjectType#release_method`` values.
RELEASE_METHODS: tuple[str, ...] = ("return", "dispose", "query")

_ITEM_RULES = (
    Rule("present", "quantity"),
    Rule("between", "quantity", (-1, None), "Must be non-negative."),
    Rule("present", "inuse"),
    Rule(
        "between",
        "inuse",
        (-1, "quantity"),
        "must non-negative and not greater than the quantity.",
    ),
)

#: Model validations, by model name, in the order Aquarium's models declare them (Collection
#: shares Item's). Custom messages are Aquarium's own.
VALIDATIONS: dict[str, tuple[Rule, ...]] = {
    "Sample": (
        Rule(
            "unique", "name", message="The sample name '{value}' is the name of an existing sample"
        ),
        *_present("name", "project", "user_id"),
    ),
    "SampleType": (*_present("name", "description"), Rule("unique", "name")),
    "ObjectType": (
        *_present("name", "unit", "min", "max", "release_method", "description"),
        Rule(
            "between",
            "min",
            (0, "max"),
            "min must be greater than zero and less than or equal to max",
        ),
        Rule("present", "cost"),
        Rule("between", "cost", (0.01, None), "must be at least $0.01"),
        Rule("in", "release_method", RELEASE_METHODS, "must be either return, dispose, or query"),
        Rule("unique", "name"),
    ),
    "Item": _ITEM_RULES,
    "Collection": _ITEM_RULES,
    "FieldType": (Rule("in", "ftype", ("string", "number", "url", "sample", "item", "json")),),
    "OperationType": (*_present("name", "category"), Rule("unique_ci", "name", "category")),
    "Library": (*_present("name", "category"), Rule("unique_ci", "name", "category")),
    "Group": (*_present("name"), Rule("unique_ci", "name")),
    "Budget": _present("name", "email", "phone", "contact", "description"),
    "Account": (
        Rule("exists", "user_id", "users", attribute="user"),
        Rule("exists", "budget_id", "budgets", attribute="budget"),
        *_present("description"),
        Rule("min", "amount", 0),
        Rule("in", "transaction_type", ("credit", "debit")),
        Rule("in", "category", (None, "materials", "labor", "overhead", "credit")),
    ),
    "Invoice": (Rule("in", "status", ("ready", "approval_requested", "reconciled")),),
}

_DEFAULT_MESSAGES = {
    "present": "can't be blank",
    "exists": "can't be blank",
    "in": "is not included in the list",
    "unique": "has already been taken",
    "unique_ci": "has already been taken",
}


def blank(value: Any) -> bool:
    """Rails' ``blank?`` for a column value: nil, false, or only whitespace."""
    return value is None or value is False or (isinstance(value, str) and not value.strip())


def _bound(row: Mapping[str, Any], arg: Any) -> Any:
    return row.get(arg) if isinstance(arg, str) else arg


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _comparison(rule: Rule, row: Mapping[str, Any]) -> str | None:
    """The default message of a failed ``min`` / ``max`` rule, or None."""
    value, bound = row.get(rule.column), _bound(row, rule.arg)
    if value is None or bound is None or isinstance(value, str):
        return None
    if rule.check == "min" and value < bound:
        return f"must be greater than or equal to {_number(bound)}"
    if rule.check == "max" and value > bound:
        return f"must be less than or equal to {_number(bound)}"
    return None


def _between(rule: Rule, row: Mapping[str, Any]) -> bool:
    value = row.get(rule.column)
    low, high = (_bound(row, b) for b in rule.arg)
    if value is None or isinstance(value, str):
        return False
    if (low is None) != (rule.arg[0] is None) or (high is None) != (rule.arg[1] is None):
        return False  # a bound column is missing
    return (low is None or value >= low) and (high is None or value <= high)


def _clashes(store: Store, table: str, rule: Rule, row: Mapping[str, Any]) -> bool:
    value = row.get(rule.column)
    scope = {rule.arg: row.get(rule.arg)} if rule.arg else {}
    same = store.lookup(table, **{rule.column: value}, **scope)
    if rule.check == "unique":  # Rails' default uniqueness check is case-sensitive
        same = [r for r in same if r[rule.column] == value]
    return any(r["id"] != row.get("id") for r in same)


def _failed(store: Store, table: str, rule: Rule, row: Mapping[str, Any]) -> str | None:
    """The message of a failed rule (its own or Rails' default), or None when it holds."""
    value = row.get(rule.column)
    default: str | None = _DEFAULT_MESSAGES.get(rule.check)
    if rule.check == "present":
        failed = blank(value)
    elif rule.check == "exists":
        failed = store.get(rule.arg, value) is None
    elif rule.check == "in":
        failed = value not in rule.arg
    elif rule.check == "between":
        failed = not _between(rule, row)
    elif rule.check in ("unique", "unique_ci"):
        failed = _clashes(store, table, rule, row)
    else:
        default = _comparison(rule, row)
        failed = default is not None
    if not failed:
        return None
    if rule.message:
        return rule.message.format(value="" if value is None else value)
    assert default is not None, f"rule {rule.check!r} on {rule.column} needs a message"
    return default


def model_errors(store: Store, model_name: str, row: Mapping[str, Any]) -> Errors:
    """Validation errors of a row about to be saved, in the order Rails adds them."""
    table = MODELS[model_name].table
    errors: Errors = []
    for rule in VALIDATIONS.get(model_name, ()):
        message = _failed(store, table, rule, row)
        if message is not None:
            errors.append((rule.attribute or rule.column, message))
    return errors


def validate(store: Store, model_name: str, row: Mapping[str, Any]) -> dict[str, list[str]]:
    """Validation errors as ``errors.to_json`` shows them (empty if the row is valid)."""
    return errors_object(model_errors(store, model_name, row))


def errors_object(errors: Errors) -> dict[str, list[str]]:
    """``errors.to_json``: messages grouped by attribute, in first-seen order."""
    grouped: dict[str, list[str]] = {}
    for attribute, message in errors:
        grouped.setdefault(attribute, []).append(message)
    return grouped


def humanize(attribute: str) -> str:
    """``ActiveSupport#humanize`` of an attribute name: ``locator_taken`` -> ``Locator taken``,
    ``user_id`` -> ``User``."""
    text = attribute[:-3] if attribute.endswith("_id") else attribute
    text = text.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def full_messages(errors: Errors) -> list[str]:
    """``errors.full_messages``: each message prefixed with its humanized attribute."""
    return [
        f"{humanize(attr)} {message}" if attr != "base" else message for attr, message in errors
    ]


def foreign_key_violation(store: Store, table: str, row: Mapping[str, Any]) -> str | None:
    """The MySQL error for the first foreign key pointing at a missing row, or None."""
    for column, target in FOREIGN_KEYS.get(table, {}).items():
        value = row.get(column)
        if value is not None and store.get(target, value) is None:
            return (
                "Mysql2::Error: Cannot add or update a child row: a foreign key constraint fails "
                f"(`{table}`, FOREIGN KEY (`{column}`) REFERENCES `{target}` (`id`))"
            )
    return None


def unique_violation(store: Store, table: str, row: Mapping[str, Any]) -> str | None:
    """The MySQL error for a duplicate entry in a unique index, or None (NULLs never clash)."""
    for index, columns in UNIQUE_INDEXES.get(table, ()):
        values = [row.get(c) for c in columns]
        if any(v is None for v in values):
            continue
        first, *rest = columns
        for other in store.lookup(table, **{first: values[0]}):
            same = all(other[c] == row.get(c) for c in rest)
            if same and other["id"] != row.get("id"):
                entry = "-".join(str(v) for v in values)
                return f"Mysql2::Error: Duplicate entry '{entry}' for key '{index}'"
    return None


def not_null_violation(store: Store, table: str, row: Row) -> str | None:
    """The MySQL error for a NOT NULL column left NULL, or None."""
    for column in store.table(table).columns:
        if not column.nullable and column.name != "id" and row.get(column.name) is None:
            return f"Mysql2::Error: Column '{column.name}' cannot be null"
    return None
