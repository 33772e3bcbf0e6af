"""Bind-parameter arrays (``["name = ? AND project = ?", "x", "y"]``) turned into SQL text.

Rails quotes each value into the statement (``?`` positional or ``:name`` named binds); the
result is parsed like any other SQL fragment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..casting import ruby_class, ruby_inspect
from .errors import QueryError


def _quote(value: Any) -> str:
    """Rails' ``quote_bound_value`` for MySQL."""
    if isinstance(value, list):
        return ",".join(_quote(v) for v in value) if value else "NULL"
    if value is None:
        return "NULL"
    if value is True:
        return "1"
    if value is False:
        return "0"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, Mapping):
        raise QueryError(f"can't quote Hash: {ruby_inspect(value)}")
    text = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def bind_array(arguments: list[Any]) -> str:
    """The SQL text of a bind-parameter array; :class:`QueryError` on a wrong bind count."""
    statement, *values = arguments
    if not isinstance(statement, str):
        raise QueryError(
            f"undefined method `include?' for {ruby_inspect(statement)}:{ruby_class(statement)}"
        )
    if values and isinstance(values[0], Mapping) and re.search(r":\w+", statement):
        binds = values[0]

        def named(found: re.Match[str]) -> str:
            if found.group(1):
                return found.group(0)
            name = found.group(2)
            if name not in binds:
                raise QueryError(f"missing value for :{name} in {statement}")
            return _quote(binds[name])

        return re.sub(r"(:?):([a-zA-Z]\w*)", named, statement)
    if "?" in statement or values:
        expected = statement.count("?")
        if expected != len(values):
            raise QueryError(
                f"wrong number of bind variables ({len(values)} for {expected}) in: {statement}"
            )
        queue = list(values)
        return re.sub(r"\?", lambda _: _quote(queue.pop(0)), statement)
    return statement
