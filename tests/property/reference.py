"""A plain Python reading of Aquarium's ``where`` semantics, written apart from aqfake.conditions.

Strings compare as MySQL's ``utf8_unicode_ci`` does for our purposes (letter case and trailing
spaces ignored), lists mean ``IN`` (a None member also accepts NULL), None means ``IS NULL``,
NULL never equals or orders against anything. Values are the type-faithful ones the strategies
draw: text for text columns, numbers or decimal text for numbers, ``YYYY-MM-DD HH:MM:SS`` (UTC)
for datetimes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from aqfake.store import Row, Store
from aqfake.tables import MODELS, TABLES, ColumnType
from aqsession.aql.relations import additional_args, owner_conditions, relation_kind
from aqsession.aql.values import OPERATORS, resolve_time
from aqsession.models import get_model


def text_key(text: str) -> str:
    return text.rstrip(" ").casefold()


def _comparable(kind: ColumnType, value: Any) -> Any:
    if kind in (ColumnType.STRING, ColumnType.TEXT):
        return text_key(str(value))
    if kind is ColumnType.DATETIME:
        if isinstance(value, datetime):
            return value
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
    if kind is ColumnType.BOOL:
        return int(value)
    return float(value)


def order(kind: ColumnType, stored: Any, wanted: Any) -> int | None:
    """-1/0/1 comparing a stored value with a wanted one; None when either is NULL."""
    if stored is None or wanted is None:
        return None
    a, b = _comparable(kind, stored), _comparable(kind, wanted)
    return (a > b) - (a < b)


def equal(kind: ColumnType, stored: Any, wanted: Any) -> bool:
    """Equality as a hash criterion or ``=`` means it; ``None`` wanted means IS NULL."""
    if wanted is None:
        return stored is None
    return order(kind, stored, wanted) == 0


def holds(kind: ColumnType, stored: Any, value: Any, now: datetime | None = None) -> bool:
    """Whether a stored value satisfies one criterion value (scalar, list, None, operator)."""
    if isinstance(value, list):
        return any(equal(kind, stored, item) for item in value)
    if isinstance(value, Mapping):
        ((key, operand),) = value.items()
        if isinstance(operand, Mapping):
            assert now is not None, "__time__ values need a reference time"
            operand = resolve_time(operand["__time__"], now)
        if key == "__not__":
            return (
                stored is not None
                if operand is None
                else stored is not None and not equal(kind, stored, operand)
            )
        result = order(kind, stored, operand)
        tests = {"<": lambda c: c < 0, "<=": lambda c: c <= 0, ">": lambda c: c > 0,
                 ">=": lambda c: c >= 0}  # fmt: skip
        return result is not None and tests[OPERATORS[key]](result)
    return equal(kind, stored, value)


def row_matches(
    table: str, row: Row, criteria: Mapping[str, Any], now: datetime | None = None
) -> bool:
    columns = TABLES[table]
    return all(holds(columns.column(c).type, row[c], v, now) for c, v in criteria.items())  # type: ignore[union-attr]


def matching_ids(store: Store, model_name: str, criteria: Mapping[str, Any]) -> list[int]:
    """Ids of ``model_name`` rows satisfying every hash criterion, ascending."""
    table = MODELS[model_name].table
    return [r["id"] for r in store.rows(table) if row_matches(table, r, criteria)]


# -- query-language documents ---------------------------------------------------------------


def _values(rows: Iterable[Row], column: str) -> set[Any]:
    return {r[column] for r in rows if r[column] is not None}


def aql_rows(store: Store, model_name: str, body: Mapping[str, Any], now: datetime) -> list[Row]:
    """Rows of ``model_name`` a query body selects, ignoring ``__options__`` (ascending id)."""
    table = MODELS[model_name].table
    relationships = get_model(model_name).get_relationships()
    attributes: dict[str, Any] = {}
    links: list[tuple[str, set[Any]]] = []
    for key, value in body.items():
        if key.startswith("__"):
            continue
        relation = relationships.get(key)
        if relation is None or not (isinstance(value, Mapping) and "__query__" in value):
            attributes[key] = value
            continue
        attributes.update(owner_conditions(relation))
        child_body = {**value["__query__"], **additional_args(relation)}
        children = aql_rows(store, relation.nested, child_body, now)
        kind = relation_kind(relation)
        if kind == "has_one":
            links.append((relation.ref, _values(children, relation.attr)))
        elif kind == "through":  # owner <- association rows -> targets
            via = relationships[relation.through]
            wanted = _values(children, relation.attr)
            assoc_table = MODELS[relation.through_model].table
            hits = [a for a in store.rows(assoc_table) if a[relation.ref] in wanted]
            links.append((via.attr, _values(hits, via.ref)))
        else:
            links.append((relation.attr, _values(children, relation.ref)))
    return [
        row
        for row in store.rows(table)
        if row_matches(table, row, attributes, now)
        and all(row.get(column) in accepted for column, accepted in links)
    ]


def models_in(model_name: str, body: Mapping[str, Any]) -> set[str]:
    """Every model a query body reads: its own and those of its sub-queries."""
    relationships = get_model(model_name).get_relationships()
    found = {model_name}
    for key, value in body.items():
        relation = relationships.get(key)
        if relation is not None and isinstance(value, Mapping) and "__query__" in value:
            found |= models_in(relation.nested, value["__query__"])
    return found
