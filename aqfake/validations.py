"""What Aquarium checks before a row is written: model validations, foreign keys, unique indexes.

Model validations (protocol section 6, "valid:") answer 422 ``{"errors": {"name": ["can't be
blank"]}}``; a foreign key pointing at a missing row and a duplicate in a unique index are
database errors (section 6.5: every foreign key is enforced by MySQL). They are declared here as
data and checked by :func:`validate`, :func:`foreign_key_violation` and :func:`unique_violation`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .store import Row, Store
from .tables import FOREIGN_KEYS, MODELS, UNIQUE_INDEXES


@dataclass(frozen=True)
class Rule:
    """One validation: ``check`` is present / unique / unique_ci / in / min / max / exists."""

    check: str
    column: str
    arg: Any = None  # in: allowed values; min/max: bound or column; unique*: scope; exists: table
    attribute: str = ""  # the name errors are reported under, when not the column


def _present(*columns: str) -> tuple[Rule, ...]:
    return tuple(Rule("present", c) for c in columns)


_ITEM_RULES = (
    *_present("quantity", "inuse"),
    Rule("min", "quantity", -1),
    Rule("min", "inuse", -1),
    Rule("max", "inuse", "quantity"),
)

#: Model validations, by model name (Collection shares Item's).
VALIDATIONS: dict[str, tuple[Rule, ...]] = {
    "Sample": (*_present("name", "project", "user_id"), Rule("unique", "name")),
    "SampleType": (*_present("name", "description"), Rule("unique", "name")),
    "ObjectType": (
        *_present("name", "unit", "min", "max", "description", "cost"),
        Rule("unique", "name"),
        Rule("min", "min", 0),
        Rule("max", "min", "max"),
        Rule("min", "cost", 0.01),
        Rule("in", "release_method", ("return", "dispose", "query")),
    ),
    "Item": _ITEM_RULES,
    "Collection": _ITEM_RULES,
    "FieldType": (Rule("in", "ftype", ("string", "number", "url", "sample", "item", "json")),),
    "OperationType": (*_present("name", "category"), Rule("unique_ci", "name", "category")),
    "Library": (*_present("name", "category"), Rule("unique_ci", "name", "category")),
    "Group": (*_present("name"), Rule("unique_ci", "name")),
    "Budget": _present("name", "email", "phone", "contact", "description"),
    "Account": (
        Rule("exists", "user_id", "users", "user"),
        Rule("exists", "budget_id", "budgets", "budget"),
        *_present("description"),
        Rule("min", "amount", 0),
        Rule("in", "transaction_type", ("credit", "debit")),
        Rule("in", "category", (None, "materials", "labor", "overhead", "credit")),
    ),
    "Invoice": (Rule("in", "status", ("ready", "approval_requested", "reconciled")),),
}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _bound(row: Mapping[str, Any], arg: Any) -> Any:
    return row.get(arg) if isinstance(arg, str) else arg


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _rule_error(store: Store, table: str, rule: Rule, row: Mapping[str, Any]) -> str | None:
    value = row.get(rule.column)
    if rule.check == "present":
        return "can't be blank" if _blank(value) else None
    if rule.check == "exists":
        return "can't be blank" if store.get(rule.arg, value) is None else None
    if rule.check == "in":
        return None if value in rule.arg else "is not included in the list"
    if rule.check in ("min", "max"):
        bound = _bound(row, rule.arg)
        if value is None or bound is None or isinstance(value, str):
            return None
        if rule.check == "min" and value < bound:
            return f"must be greater than or equal to {_number(bound)}"
        if rule.check == "max" and value > bound:
            return f"must be less than or equal to {_number(bound)}"
        return None
    if _blank(value):
        return None
    scope = {rule.arg: row.get(rule.arg)} if rule.arg else {}
    same = store.lookup(table, **{rule.column: value}, **scope)
    if rule.check == "unique":  # Rails' default uniqueness check is case-sensitive
        same = [r for r in same if r[rule.column] == value]
    clash = any(r["id"] != row.get("id") for r in same)
    return "has already been taken" if clash else None


def validate(store: Store, model_name: str, row: Mapping[str, Any]) -> dict[str, list[str]]:
    """Validation errors of a row about to be saved, as Rails reports them (empty if valid)."""
    table = MODELS[model_name].table
    errors: dict[str, list[str]] = {}
    for rule in VALIDATIONS.get(model_name, ()):
        message = _rule_error(store, table, rule, row)
        if message is not None:
            name = rule.attribute or rule.column
            errors.setdefault(name, []).append(message)
    return errors


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
