"""``where`` semantics as Aquarium (Rails 4.2 on MySQL 5.7) applies them -- parsed, never executed.

``arguments`` of a ``/json`` ``where`` query reach ActiveRecord's ``where`` in three shapes:

* a hash of column criteria (``{"name": "GFP", "sample_type_id": [1, 2]}``),
* an SQL fragment string (``'name = "Primer" AND ( id = "1" OR id = "2" )'``),
* an array in bind-parameter form (``["name = ? AND project = ?", "x", "y"]``).

All three are turned into one small expression tree, evaluated per row with MySQL's rules:
three-valued logic, ``utf8_unicode_ci`` string equality (case- and trailing-space-insensitive),
numbers compared with quoted numbers numerically, datetime columns compared with date strings as
datetimes (UTC, as stored). SQL text is read by a tokenizer and a recursive-descent parser that
knows only comparisons, ``LIKE``, ``IN``, ``BETWEEN``, ``IS [NOT] NULL``, ``NOT``/``AND``/``OR`` and
parentheses; anything else (functions, subqueries, ``;``, comments) is refused with a
:class:`QueryError` whose message starts with ``Mysql2::Error:`` as the real server's would, and
so are conditions nested deeper than :data:`MAX_NESTING` parentheses/``NOT``.

Equality and ``IN`` on indexed columns are answered from the store's indexes, so a query over a
large table only looks at the rows it can match; when the index keys settle the condition
exactly (see :class:`.compile.Probe`) the rows are not tested again, and hash criteria of short
scalars are compiled once and reused (see :func:`compile_where`).

The package: :mod:`.nodes` (the expression tree), :mod:`.values` (MySQL's value rules),
:mod:`.compile` (tree -> row predicate, index use), :mod:`.sql` (tokenizer and parser),
:mod:`.binds` (bind-parameter arrays), :mod:`.criteria` (hash criteria); this module turns the
``arguments`` of a query into a :class:`Where` and is the public face.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from ..casting import ruby_class, ruby_inspect
from ..store import Row, Store
from ..tables import MODELS
from .binds import bind_array
from .compile import Where
from .criteria import hash_conditions
from .errors import QueryError
from .nodes import MATCH_NOTHING, And, Between, Cmp, Col, In, IsNull, Like, Lit, Node, Not, Or
from .sql import MAX_NESTING, RESERVED_WORDS, parse_sql, tokenize
from .values import compare, like_regex, truth

__all__ = [
    "MATCH_NOTHING",
    "MAX_NESTING",
    "RESERVED_WORDS",
    "And",
    "Between",
    "Cmp",
    "Col",
    "In",
    "IsNull",
    "Like",
    "Lit",
    "Node",
    "Not",
    "Or",
    "QueryError",
    "Where",
    "compare",
    "compile_where",
    "like_regex",
    "parse_sql",
    "select",
    "tokenize",
    "truth",
]


#: Types of hash-criteria values whose compiled :class:`Where` is cached: equal values of one
#: of these types always mean the same condition (floats do not: ``-0.0 == 0.0``, yet Rails
#: sends them as different strings to a string column).
_CACHEABLE = frozenset({str, int, bool, type(None)})
#: Longer string values are compiled each time, so the cache cannot hold much memory.
_CACHED_TEXT = 256
_CACHE_SIZE = 4096


def compile_where(model_name: str, arguments: Any) -> Where:
    """Compile ``arguments`` of a ``where`` on ``model_name``; :class:`QueryError` if refused.

    Hash criteria of short scalars (the lookups clients send all the time) are compiled once
    and the :class:`Where` reused, as a database reuses a prepared statement; everything else
    is compiled on each call.
    """
    if type(arguments) is dict:
        shape = _shape(arguments)
        if shape is not None:
            return _compile_shape(model_name, shape)
    return _compile(model_name, arguments)


def _shape(criteria: dict[Any, Any]) -> tuple[tuple[str, type, Any], ...] | None:
    """A hashable key standing for ``criteria`` exactly (values with their types), or None."""
    parts = []
    for key, value in criteria.items():
        kind = type(value)
        if type(key) is not str or kind not in _CACHEABLE:
            return None
        if kind is str and len(value) > _CACHED_TEXT:
            return None
        parts.append((key, kind, value))
    return tuple(parts)


@lru_cache(maxsize=_CACHE_SIZE)
def _compile_shape(model_name: str, shape: tuple[tuple[str, type, Any], ...]) -> Where:
    return _compile(model_name, {key: value for key, _, value in shape})


def _compile(model_name: str, arguments: Any) -> Where:
    model = MODELS[model_name]
    if arguments is None or (isinstance(arguments, (str, dict)) and not _present(arguments)):
        return Where(model.table)
    if isinstance(arguments, Mapping):
        return Where(model.table, hash_conditions(model, arguments))
    if isinstance(arguments, str):
        return Where(model.table, parse_sql(model.table, arguments))
    if isinstance(arguments, list):
        return Where(model.table, parse_sql(model.table, bind_array(arguments)))
    raise QueryError(
        f"Unsupported argument type: {ruby_inspect(arguments)} ({ruby_class(arguments)})"
    )


def select(store: Store, model_name: str, arguments: Any) -> list[Row]:
    """The rows of ``model_name`` matching ``arguments``, by ascending id."""
    return compile_where(model_name, arguments).rows(store)


def _present(value: str | Mapping[str, Any]) -> bool:
    return bool(value.strip()) if isinstance(value, str) else bool(value)
