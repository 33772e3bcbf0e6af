"""MySQL 5.7's value rules: comparison, truth, three-valued logic, ``LIKE`` patterns.

Strings compare under ``utf8_unicode_ci`` (case- and trailing-space-insensitive), numbers with
quoted numbers numerically, datetimes with date strings as datetimes; NULL makes a comparison
unknown (None).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ..casting import parse_mysql_datetime, to_double
from ..store import index_key


def _datetime_number(value: datetime) -> float:
    return float(value.strftime("%Y%m%d%H%M%S"))


def compare(a: Any, b: Any) -> int | None:
    """MySQL comparison of two values: -1, 0, 1, or None when either side is NULL/incomparable."""
    if a is None or b is None:
        return None
    if isinstance(a, datetime) or isinstance(b, datetime):
        if not isinstance(a, datetime):
            return _negate(compare(b, a))
        if isinstance(b, str):
            parsed = parse_mysql_datetime(b)
            if parsed is None:
                return None
            b = parsed
        elif not isinstance(b, datetime):
            a = _datetime_number(a)
    if isinstance(a, str) and isinstance(b, str):
        a, b = index_key(a), index_key(b)
    elif isinstance(a, str):
        a = to_double(a)
    elif isinstance(b, str):
        b = to_double(b)
    order: int = (a > b) - (a < b)
    return order


def _negate(result: int | None) -> int | None:
    return None if result is None else -result


def truth(value: Any) -> bool | None:
    """A value in boolean context: NULL is unknown, numbers and strings are true unless zero."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str):
        return to_double(value) != 0
    return True


def as_text(value: Any) -> str:
    """A value as MySQL reads it as text (for ``LIKE``): datetimes as ``YYYY-MM-DD HH:MM:SS``."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bool):
        return str(int(value))
    return str(value)


def like_regex(pattern: str, escape: str = "\\") -> re.Pattern[str]:
    """The regular expression for a LIKE pattern (case-insensitive; ``%``, ``_``, escapes)."""
    out: list[str] = []
    chars = iter(pattern)
    for ch in chars:
        if ch == escape:
            out.append(re.escape(next(chars, escape)))
        elif ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def and3(values: Iterable[bool | None]) -> bool | None:
    """Three-valued AND: False wins, then unknown (None), else True."""
    result: bool | None = True
    for value in values:
        if value is False:
            return False
        if value is None:
            result = None
    return result


def not3(value: bool | None) -> bool | None:
    """Three-valued NOT: unknown stays unknown."""
    return None if value is None else not value
