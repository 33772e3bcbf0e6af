"""Hash criteria (``{"name": "GFP", "sample_type_id": [1, 2]}``) as Rails 4.2 reads them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..casting import CastError, for_database
from ..tables import MODELS, TABLES, Column, Kind, Model
from .errors import QueryError, unknown_column
from .nodes import MATCH_NOTHING, And, Cmp, Col, In, IsNull, Lit, Node, Or, visible_column


def _associated_table(model: Model, name: str) -> str:
    """Rails reads a hash key naming an association as that association's table."""
    assoc = model.association(name)
    if assoc is not None and assoc.kind is not Kind.THROUGH and not assoc.broken:
        target = MODELS.get(assoc.target)
        return target.table if target is not None else assoc.target
    return name


def hash_conditions(model: Model, criteria: Mapping[str, Any]) -> Node:
    """The condition a criteria hash on ``model`` stands for; :class:`QueryError` if refused."""
    parts: list[Node] = []
    for key, value in criteria.items():
        if isinstance(value, Mapping):
            table = _associated_table(model, key)
            if not value:
                parts.append(MATCH_NOTHING)
            for column, inner in value.items():
                parts.append(_column_condition(model, table, str(column), inner))
            continue
        table, column = model.table, str(key)
        if "." in column:
            qualifier, column = column.split(".", 1)
            table = _associated_table(model, qualifier)
        else:
            assoc = model.association(column)
            if (
                assoc is not None
                and assoc.kind is Kind.BELONGS_TO
                and not _has_column(model, column)
            ):
                column = assoc.key
        parts.append(_column_condition(model, table, column, value))
    return parts[0] if len(parts) == 1 else And(tuple(parts))


def _has_column(model: Model, name: str) -> bool:
    return TABLES[model.table].column(name) is not None


def _column_condition(model: Model, table: str, name: str, value: Any) -> Node:
    column = visible_column(table, name) if table == model.table else None
    if column is None or isinstance(value, Mapping):
        raise unknown_column(f"{table}.{name}")
    col = Col(column.name, column.type)
    if value is None:
        return IsNull(col)
    if isinstance(value, list):
        values = [v for v in value if v is not None]
        if any(isinstance(v, (list, Mapping)) for v in values):
            raise QueryError("Mysql2::Error: Operand should contain 1 column(s)")
        nodes: list[Node] = []
        if values:
            nodes.append(In(col, tuple(Lit(_cast(column, v)) for v in values)))
        if len(values) < len(value):
            nodes.append(IsNull(col))
        if not nodes:
            return MATCH_NOTHING
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))
    return Cmp("=", col, Lit(_cast(column, value)))


def _cast(column: Column, value: Any) -> Any:
    try:
        return for_database(column, value)
    except CastError as exc:
        raise QueryError(str(exc)) from exc
    except OverflowError as exc:  # an infinite float (a JSON number too large for a double)
        raise QueryError(
            f"{'-' if value < 0 else ''}Infinity is out of range for "
            "ActiveRecord::Type::Integer with limit 4"
        ) from exc
