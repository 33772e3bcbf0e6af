"""The expression tree every ``where`` shape is turned into, and the columns it may name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..tables import TABLES, Column, ColumnType


@dataclass(frozen=True)
class Col:
    """A column of the queried table."""

    name: str
    type: ColumnType


@dataclass(frozen=True)
class Lit:
    """A literal value (``None`` is SQL NULL; ``True``/``False`` are 1/0)."""

    value: Any


@dataclass(frozen=True)
class Cmp:
    """``left <op> right`` with op one of ``= != < > <= >= <=>``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Like:
    """``operand [NOT] LIKE pattern [ESCAPE escape]``."""

    operand: Node
    pattern: Node
    negated: bool = False
    escape: str = "\\"


@dataclass(frozen=True)
class In:
    """``operand [NOT] IN (items)``."""

    operand: Node
    items: tuple[Node, ...]
    negated: bool = False


@dataclass(frozen=True)
class Between:
    """``operand [NOT] BETWEEN low AND high``."""

    operand: Node
    low: Node
    high: Node
    negated: bool = False


@dataclass(frozen=True)
class IsNull:
    """``operand IS [NOT] NULL``."""

    operand: Node
    negated: bool = False


@dataclass(frozen=True)
class Not:
    """``NOT operand``."""

    operand: Node


@dataclass(frozen=True)
class And:
    """Every part holds (SQL ``AND``)."""

    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Any part holds (SQL ``OR``)."""

    parts: tuple[Node, ...]


Node = Col | Lit | Cmp | Like | In | Between | IsNull | Not | And | Or
MATCH_NOTHING = Lit(False)


def visible_column(table: str, name: str) -> Column | None:
    """The column ``name`` of ``table`` a condition may name; secret columns are invisible."""
    column = TABLES[table].column(name)
    return None if column is None or column.secret else column
