"""Rendering conditions as the SQL-fragment string that Aquarium's ``where`` accepts.

Only this grammar is produced (it is what the fake parses, and what MySQL reads):
``<column> <op> <literal>`` joined with ``AND``; a list becomes ``( c = "a" OR c = "b" )``.

Safety: every value is written as a literal, never spliced in as text. Strings and numbers are
double-quoted with backslashes doubled and double quotes backslash-escaped, so
``x" OR 1=1 OR "a`` stays one literal: ``"x\\" OR 1=1 OR \\"a"``. Column names must be plain
identifiers (``name`` or ``table.name``); MySQL reserved words (``key``, ``column``) are
back-quoted. Differences from pydent, which splices ``str(value)``
between quotes: quoting is escaped; ``True``/``False`` become ``TRUE``/``FALSE``; ``None``
becomes ``IS NULL`` / ``IS NOT NULL``; an empty list matches nothing (``1 = 0``) instead of the
invalid ``(  )``. Numbers are still sent as quoted text (``id = "9"``), exactly like pydent, so
request bodies stay identical; MySQL and the fake compare them as numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from aqsession.aql.values import Operator, Scalar, parse_value, utcnow
from aqsession.exceptions import AquariumQueryLanguageValidationError

_COLUMN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")

#: a condition that is false for every row (an empty list of accepted values)
MATCH_NOTHING = "1 = 0"


def quote(value: Scalar) -> str:
    """The SQL literal for one value (see the module docstring)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


#: MySQL 5.7 reserved words an identifier may collide with (``key`` and ``column`` are
#: Aquarium column names); such a name is back-quoted, which MySQL and the fake both read.
_RESERVED_TEXT = """
    add all alter analyze and as asc before between binary both by call cascade case change
    check collate column condition constraint convert create cross current_date current_time
    current_timestamp database databases default delete desc describe distinct div drop each
    else elseif exists exit explain false fetch for force foreign from fulltext grant group
    having if ignore in index inner insert interval into is join key keys kill leading leave
    left like limit lines load lock long loop match mod natural not null on optimize option or
    order out outer precision primary procedure range read references regexp release rename
    repeat replace require restrict return revoke right rlike schema select separator set show
    soundex spatial sql ssl starting table terminated then to trailing trigger true undo union
    unique unlock unsigned update usage use using values when where while with write xor
"""
RESERVED_WORDS = frozenset(_RESERVED_TEXT.split())


def _column(key: Any) -> str:
    if not isinstance(key, str) or not _COLUMN.match(key):
        raise AquariumQueryLanguageValidationError(
            f"{key!r} cannot be used as a column name in a SQL condition; "
            "use a plain identifier such as 'name' or 'items.name'"
        )
    return ".".join(
        f"`{part}`" if part.lower() in RESERVED_WORDS else part for part in key.split(".")
    )


def compare(column: str, symbol: str, value: Scalar) -> str:
    """One comparison; ``None`` becomes ``IS NULL`` (``=``) or ``IS NOT NULL`` (``!=``)."""
    if value is None:
        if symbol == "=":
            return f"{column} IS NULL"
        if symbol == "!=":
            return f"{column} IS NOT NULL"
        raise AquariumQueryLanguageValidationError(
            f"{column}: null cannot be compared with {symbol!r}; "
            "only equality and __not__ accept null"
        )
    return f"{column} {symbol} {quote(value)}"


def _condition(column: str, value: Scalar | list[Scalar] | Operator) -> str:
    if isinstance(value, Operator):
        return compare(column, value.symbol, value.value)
    if isinstance(value, list):
        if not value:
            return MATCH_NOTHING
        return "( " + " OR ".join(compare(column, "=", item) for item in value) + " )"
    return compare(column, "=", value)


def render(pairs: Iterable[tuple[str, Any]], now: datetime | None = None) -> str:
    """Render ``(column, value)`` pairs, ANDed in order; a column may appear more than once."""
    moment = now if now is not None else utcnow()
    parts = []
    for key, raw in pairs:
        column = _column(key)
        value = raw if isinstance(raw, Operator) else parse_value(raw, moment, column)
        parts.append(_condition(column, value))
    return " AND ".join(parts)


def to_sql(conditions: Mapping[str, Any], now: datetime | None = None) -> str:
    """Render ``{column: value}`` conditions as one SQL-fragment string, ANDed in key order.

    Values are what a query document's ``__query__`` holds for attributes: single values,
    lists, ``{"__time__": ...}`` (relative to ``now``, default: the current UTC time),
    operator objects such as ``{"__gt__": 5}``, or already-compiled :class:`Operator` values.
    An empty mapping gives ``""``.
    """
    return render(conditions.items(), now)
