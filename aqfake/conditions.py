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
large table only looks at the rows it can match.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .casting import (
    CastError,
    for_database,
    parse_mysql_datetime,
    ruby_class,
    ruby_inspect,
    to_double,
)
from .store import Row, Store, index_key
from .tables import MODELS, TABLES, Column, ColumnType, Kind, Model

_SYNTAX = (
    "Mysql2::Error: You have an error in your SQL syntax; check the manual that corresponds to "
    "your MySQL server version for the right syntax to use near '{near}' at line 1"
)
_SUPPORTED = (
    "aqfake evaluates only comparisons (= != <> < > <= >= <=>), [NOT] LIKE, [NOT] IN (...), "
    "[NOT] BETWEEN, IS [NOT] NULL, NOT, AND, OR and parentheses"
)
#: Parentheses and ``NOT`` may nest this deep; deeper conditions are refused (the parser recurses
#: once per level, and no real query nests anywhere near this).
MAX_NESTING = 128
_TOO_DEEP = (
    f"the condition is too deeply nested: at most {MAX_NESTING} levels of parentheses and NOT "
    "are evaluated; flatten it (e.g. with IN (...) or fewer parentheses)"
)


class QueryError(Exception):
    """A query the real server rejects; ``/json`` answers 422 ``{"errors": str(error)}``."""


# -- expression tree -------------------------------------------------------------------------


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


# -- MySQL value semantics ---------------------------------------------------------------------


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
    return (a > b) - (a < b)


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


def _as_text(value: Any) -> str:
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


# -- compiling the tree into a row predicate ---------------------------------------------------

Fn = Callable[[Row], Any]
_ORDER_OPS: dict[str, Callable[[int], bool]] = {
    "=": lambda c: c == 0,
    "!=": lambda c: c != 0,
    "<>": lambda c: c != 0,
    "<": lambda c: c < 0,
    ">": lambda c: c > 0,
    "<=": lambda c: c <= 0,
    ">=": lambda c: c >= 0,
}


def _value(row_value: Any) -> Any:
    return int(row_value) if isinstance(row_value, bool) else row_value


def _compile(node: Node) -> Fn:
    if isinstance(node, Col):
        name = node.name
        return lambda row: _value(row[name])
    if isinstance(node, Lit):
        value = node.value
        return lambda row: value
    if isinstance(node, Cmp):
        return _compile_cmp(node)
    if isinstance(node, Like):
        return _compile_like(node)
    if isinstance(node, In):
        return _compile_in(node)
    if isinstance(node, Between):
        operand, low, high = _compile(node.operand), _compile(node.low), _compile(node.high)
        negated = node.negated

        def between(row: Row) -> bool | None:
            value = operand(row)
            lo, hi = compare(value, low(row)), compare(value, high(row))
            result = _and3([None if lo is None else lo >= 0, None if hi is None else hi <= 0])
            return _not3(result) if negated else result

        return between
    if isinstance(node, IsNull):
        inner, negated = _compile(node.operand), node.negated
        return lambda row: (inner(row) is None) != negated
    if isinstance(node, Not):
        inner = _compile(node.operand)
        return lambda row: _not3(truth(inner(row)))
    parts = tuple(_compile(p) for p in node.parts)
    stop = isinstance(node, Or)  # the value that decides the whole: True for OR, False for AND

    def junction(row: Row) -> bool | None:
        result: bool | None = not stop
        for part in parts:
            value = truth(part(row))
            if value is stop:
                return stop
            if value is None:
                result = None
        return result

    return junction


def _compile_cmp(node: Cmp) -> Fn:
    left, right = _compile(node.left), _compile(node.right)
    if node.op == "<=>":

        def null_safe(row: Row) -> bool:
            a, b = left(row), right(row)
            if a is None or b is None:
                return a is None and b is None
            return compare(a, b) == 0

        return null_safe
    test = _ORDER_OPS[node.op]
    if isinstance(node.left, Col) and isinstance(node.right, Lit):
        return _compile_column_vs_literal(node.left, node.right.value, test)

    def cmp(row: Row) -> bool | None:
        result = compare(left(row), right(row))
        return None if result is None else test(result)

    return cmp


def _compile_column_vs_literal(col: Col, literal: Any, test: Callable[[int], bool]) -> Fn:
    """A fast path for the common ``column <op> literal`` shape (no per-row literal handling)."""
    name = col.name
    if isinstance(literal, str) and col.type is ColumnType.DATETIME:
        parsed = parse_mysql_datetime(literal)
        if parsed is None:
            return lambda row: None
        literal = parsed
    elif isinstance(literal, str) and col.type in (ColumnType.INT, ColumnType.FLOAT):
        literal = to_double(literal)
    elif isinstance(literal, str) and col.type in (ColumnType.STRING, ColumnType.TEXT):
        key = index_key(literal)

        def text_cmp(row: Row) -> bool | None:
            value = row[name]  # the store keeps str (or None) in string columns
            if value is None:
                return None
            own = index_key(value)
            return test((own > key) - (own < key))

        return text_cmp

    def cmp(row: Row) -> bool | None:
        result = compare(_value(row[name]), literal)
        return None if result is None else test(result)

    return cmp


def _compile_like(node: Like) -> Fn:
    operand, negated = _compile(node.operand), node.negated
    if isinstance(node.pattern, Lit):
        if node.pattern.value is None:
            return lambda row: None
        regex = like_regex(_as_text(node.pattern.value), node.escape)

        def like_fixed(row: Row) -> bool | None:
            value = operand(row)
            if value is None:
                return None
            return (regex.fullmatch(_as_text(value)) is not None) != negated

        return like_fixed
    pattern, escape = _compile(node.pattern), node.escape

    def like(row: Row) -> bool | None:
        value, pat = operand(row), pattern(row)
        if value is None or pat is None:
            return None
        found = like_regex(_as_text(pat), escape).fullmatch(_as_text(value)) is not None
        return found != negated

    return like


def _compile_in(node: In) -> Fn:
    operand, negated = _compile(node.operand), node.negated
    items = [_compile(i) for i in node.items]

    def in_list(row: Row) -> bool | None:
        value = operand(row)
        if value is None:
            return None
        unknown = False
        for item in items:
            result = compare(value, item(row))
            if result == 0:
                return not negated
            unknown = unknown or result is None
        return None if unknown else negated

    if not all(isinstance(i, Lit) for i in node.items):
        return in_list
    return _literal_in(node, operand, in_list) or in_list


def _literal_in(node: In, operand: Fn, fallback: Fn) -> Fn | None:
    """``x IN (literals)`` as set lookups, with exactly :func:`compare`'s semantics.

    Batched loads send IN lists of a thousand ids; comparing each row with each literal would
    make those queries quadratic. Datetime values keep the general path.
    """
    literals = [i.value for i in node.items if isinstance(i, Lit)]
    present = [v for v in literals if v is not None]
    if any(isinstance(v, datetime) for v in present):
        return None
    texts = {index_key(v) for v in present if isinstance(v, str)}
    numbers = {float(v) for v in present if not isinstance(v, str)}
    as_numbers = numbers | {to_double(v) for v in present if isinstance(v, str)}
    negated = node.negated
    miss = None if len(present) < len(literals) else negated

    def in_set(row: Row) -> bool | None:
        value = operand(row)
        if value is None:
            return None
        if isinstance(value, str):
            hit = index_key(value) in texts or (bool(numbers) and to_double(value) in numbers)
        elif isinstance(value, (int, float)):
            hit = float(value) in as_numbers
        else:
            return fallback(row)
        return (not negated) if hit else miss

    return in_set


def _and3(values: Iterable[bool | None]) -> bool | None:
    result: bool | None = True
    for value in values:
        if value is False:
            return False
        if value is None:
            result = None
    return result


def _not3(value: bool | None) -> bool | None:
    return None if value is None else not value


# -- the compiled condition --------------------------------------------------------------------


@dataclass(frozen=True)
class Where:
    """A compiled ``where`` on one table; ``rows(store)`` gives the matches by ascending id."""

    table: str
    node: Node | None = None  # None: no condition, every row
    test: Fn = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        fn = _compile(self.node) if self.node is not None else (lambda row: True)
        object.__setattr__(self, "test", fn)

    def matches(self, row: Row) -> bool:
        """Whether the row satisfies the condition (SQL: the condition is TRUE, not unknown)."""
        return truth(self.test(row)) is True

    def rows(self, store: Store) -> list[Row]:
        """The matching rows in ascending id order, narrowed through the store's indexes."""
        with store.lock:
            candidates = _plan(self.node, store, self.table) if self.node is not None else None
            if candidates is None:
                pool = store.rows(self.table)
            else:
                pool = [r for r in (store.get(self.table, i) for i in sorted(candidates)) if r]
            return [row for row in pool if self.matches(row)]


def _plan(node: Node | None, store: Store, table: str) -> set[int] | None:
    """A superset of the matching ids computed from indexes, or None if indexes cannot help."""
    if isinstance(node, And):
        found = [p for p in (_plan(part, store, table) for part in node.parts) if p is not None]
        if not found:
            return None
        return set.intersection(*found)
    if isinstance(node, Or):
        union: set[int] = set()
        for part in node.parts:
            ids = _plan(part, store, table)
            if ids is None:
                return None
            union |= ids
        return union
    if node == MATCH_NOTHING:
        return set()
    if isinstance(node, Cmp) and node.op == "=":
        col, lit = node.left, node.right
        if isinstance(lit, Col) and isinstance(col, Lit):
            col, lit = lit, col
        if isinstance(col, Col) and isinstance(lit, Lit):
            return _ids_for(store, table, col, [lit.value])
    if isinstance(node, In) and not node.negated and isinstance(node.operand, Col):
        literals = [i.value for i in node.items if isinstance(i, Lit)]
        if len(literals) == len(node.items):
            return _ids_for(store, table, node.operand, literals)
    if isinstance(node, IsNull) and not node.negated and isinstance(node.operand, Col):
        if node.operand.name == "id":
            return set()
        if store.is_indexed(table, node.operand.name):
            return store.ids_matching(table, node.operand.name, [None])
    return None


def _ids_for(store: Store, table: str, col: Col, values: Sequence[Any]) -> set[int] | None:
    """Ids whose ``col`` equals one of the literals, if an index answers it exactly."""
    keys: list[Any] = []
    numeric = col.type in (ColumnType.INT, ColumnType.FLOAT)
    for value in values:
        if value is None:
            continue
        if numeric:
            if isinstance(value, str):
                value = to_double(value)
            if not isinstance(value, (int, float)):
                return None
            keys.append(int(value) if float(value).is_integer() else value)
        elif col.type in (ColumnType.STRING, ColumnType.TEXT) and isinstance(value, str):
            keys.append(value)
        else:
            return None
    if col.name == "id":
        return {k for k in keys if isinstance(k, int)}
    if not store.is_indexed(table, col.name):
        return None
    return store.ids_matching(table, col.name, keys)


# -- entry points --------------------------------------------------------------------------------


def compile_where(model_name: str, arguments: Any) -> Where:
    """Compile ``arguments`` of a ``where`` on ``model_name``; :class:`QueryError` if refused."""
    model = MODELS[model_name]
    if arguments is None or (isinstance(arguments, (str, dict)) and not _present(arguments)):
        return Where(model.table)
    if isinstance(arguments, Mapping):
        return Where(model.table, _hash_conditions(model, arguments))
    if isinstance(arguments, str):
        return Where(model.table, parse_sql(model.table, arguments))
    if isinstance(arguments, list):
        return Where(model.table, parse_sql(model.table, _bind_array(arguments)))
    raise QueryError(
        f"Unsupported argument type: {ruby_inspect(arguments)} ({ruby_class(arguments)})"
    )


def select(store: Store, model_name: str, arguments: Any) -> list[Row]:
    """The rows of ``model_name`` matching ``arguments``, by ascending id."""
    return compile_where(model_name, arguments).rows(store)


def _present(value: str | Mapping[str, Any]) -> bool:
    return bool(value.strip()) if isinstance(value, str) else bool(value)


# -- hash conditions -------------------------------------------------------------------------


def _visible_column(table: str, name: str) -> Column | None:
    column = TABLES[table].column(name)
    return None if column is None or column.secret else column


def _unknown_column(name: str) -> QueryError:
    return QueryError(f"Mysql2::Error: Unknown column '{name}' in 'where clause'")


def _associated_table(model: Model, name: str) -> str:
    """Rails reads a hash key naming an association as that association's table."""
    assoc = model.association(name)
    if assoc is not None and assoc.kind is not Kind.THROUGH and not assoc.broken:
        target = MODELS.get(assoc.target)
        return target.table if target is not None else assoc.target
    return name


def _hash_conditions(model: Model, criteria: Mapping[str, Any]) -> Node:
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
    column = _visible_column(table, name) if table == model.table else None
    if column is None or isinstance(value, Mapping):
        raise _unknown_column(f"{table}.{name}")
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


# -- bind-parameter arrays -----------------------------------------------------------------------


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


def _bind_array(arguments: list[Any]) -> str:
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


# -- SQL fragments: tokenizer --------------------------------------------------------------------

_KEYWORDS = frozenset(
    {"AND", "OR", "NOT", "NULL", "TRUE", "FALSE", "LIKE", "IN", "IS", "BETWEEN", "ESCAPE"}
)
#: MySQL reserved words that may not stand bare as column names (back-quote them).
RESERVED_WORDS = frozenset(
    {
        "SELECT", "FROM", "WHERE", "UNION", "EXISTS", "CASE", "WHEN", "THEN", "ELSE", "END",
        "INTO", "DROP", "DELETE", "UPDATE", "INSERT", "XOR", "DIV", "MOD", "REGEXP", "RLIKE",
        "SOUNDS", "ORDER", "GROUP", "HAVING", "LIMIT", "JOIN", "ALL", "ANY", "SOME", "BINARY",
        "INTERVAL", "COLLATE", "KEY", "COLUMN", "DEFAULT", "ASC", "DESC",
    }
)  # fmt: skip
_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?![A-Za-z_$])
  | (?P<ident>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<bq>`(?:[^`]|``)+`)
  | (?P<op><=>|<=|>=|!=|<>|=|<|>|\(|\)|,|\.|-)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "str", "ident", "qident", "kw", "op", "end"
    text: str
    value: Any
    pos: int


def _syntax_error(sql: str, pos: int, hint: str = "") -> QueryError:
    near = sql[pos : pos + 80]
    message = _SYNTAX.format(near=near)
    return QueryError(f"{message} ({hint})" if hint else message)


def tokenize(sql: str) -> list[_Token]:
    """Split an SQL fragment into tokens; comments, ``;`` and unknown characters are refused."""
    tokens: list[_Token] = []
    pos = 0
    while pos < len(sql):
        ch = sql[pos]
        if ch in "'\"":
            text, end = _read_string(sql, pos)
            tokens.append(_Token("str", sql[pos:end], text, pos))
            pos = end
            continue
        if sql.startswith(("--", "/*"), pos) or ch == "#":
            raise _syntax_error(sql, pos, "comments are not accepted")
        found = _TOKEN.match(sql, pos)
        if found is None:
            hint = "statements cannot be chained" if ch == ";" else _SUPPORTED
            raise _syntax_error(sql, pos, hint)
        kind = found.lastgroup or ""
        text = found.group()
        if kind == "num":
            number = float(text) if any(c in text for c in ".eE") else int(text)
            tokens.append(_Token("num", text, number, pos))
        elif kind == "ident":
            upper = text.upper()
            tokens.append(_Token("kw" if upper in _KEYWORDS else "ident", text, upper, pos))
        elif kind == "bq":
            tokens.append(_Token("qident", text, text[1:-1].replace("``", "`"), pos))
        elif kind == "op":
            tokens.append(_Token("op", text, text, pos))
        pos = found.end()
    tokens.append(_Token("end", "", None, len(sql)))
    return tokens


def _read_string(sql: str, start: int) -> tuple[str, int]:
    quote = sql[start]
    out: list[str] = []
    pos = start + 1
    while pos < len(sql):
        ch = sql[pos]
        if ch == "\\" and pos + 1 < len(sql):
            nxt = sql[pos + 1]
            out.append("\\" + nxt if nxt in "%_" else _ESCAPES.get(nxt, nxt))
            pos += 2
        elif ch == quote:
            if sql.startswith(quote * 2, pos):
                out.append(quote)
                pos += 2
            else:
                return "".join(out), pos + 1
        else:
            out.append(ch)
            pos += 1
    raise _syntax_error(sql, start, "unterminated string literal")


# -- SQL fragments: parser -------------------------------------------------------------------


class _Parser:
    """Recursive descent over the tokens; column names are checked once the syntax is valid."""

    def __init__(self, table: str, sql: str) -> None:
        self.table = table
        self.sql = sql
        self.tokens = tokenize(sql)
        self.i = 0
        self.depth = 0
        self.unknown: str | None = None

    def parse(self) -> Node:
        node = self.expr()
        if self.peek().kind != "end":
            raise self.error()
        if self.unknown is not None:
            raise _unknown_column(self.unknown)
        return node

    # helpers
    def peek(self, ahead: int = 0) -> _Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def take(self) -> _Token:
        token = self.peek()
        self.i += 1
        return token

    def at_kw(self, *words: str) -> bool:
        token = self.peek()
        return token.kind == "kw" and token.value in words

    def at_op(self, *ops: str) -> bool:
        token = self.peek()
        return token.kind == "op" and token.value in ops

    def expect_kw(self, word: str) -> None:
        if not self.at_kw(word):
            raise self.error()
        self.i += 1

    def expect_op(self, op: str) -> None:
        if not self.at_op(op):
            raise self.error()
        self.i += 1

    def error(self, hint: str = "") -> QueryError:
        return _syntax_error(self.sql, self.peek().pos, hint)

    # grammar
    def expr(self) -> Node:
        parts = [self.conjunction()]
        while self.at_kw("OR"):
            self.i += 1
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def conjunction(self) -> Node:
        parts = [self.negation()]
        while self.at_kw("AND"):
            self.i += 1
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def negation(self) -> Node:
        if self.at_kw("NOT"):
            self.descend(self.peek())
            self.i += 1
            node = Not(self.negation())
            self.depth -= 1
            return node
        return self.predicate()

    def descend(self, token: _Token) -> None:
        """One level deeper (``token`` is a ``(`` or ``NOT``); refused past :data:`MAX_NESTING`."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _syntax_error(self.sql, token.pos, _TOO_DEEP)

    def predicate(self) -> Node:
        left = self.operand()
        if self.at_op("=", "!=", "<>", "<", ">", "<=", ">=", "<=>"):
            op = self.take().value
            return Cmp(op, left, self.operand())
        if self.at_kw("IS"):
            self.i += 1
            negated = self.at_kw("NOT")
            self.i += negated
            token = self.take()
            if token.kind == "kw" and token.value == "NULL":
                return IsNull(left, negated)
            self.i -= 1
            raise self.error("only IS NULL and IS NOT NULL are supported")
        negated = self.at_kw("NOT") and self.peek(1).kind == "kw"
        self.i += negated
        if self.at_kw("LIKE"):
            self.i += 1
            pattern = self.operand()
            escape = "\\"
            if self.at_kw("ESCAPE"):
                self.i += 1
                token = self.take()
                if token.kind != "str" or len(token.value) > 1:
                    self.i -= 1
                    raise self.error("ESCAPE takes a one-character string")
                escape = token.value or "\\"
            return Like(left, pattern, negated, escape)
        if self.at_kw("IN"):
            self.i += 1
            self.expect_op("(")
            items = [self.operand()]
            while self.at_op(","):
                self.i += 1
                items.append(self.operand())
            self.expect_op(")")
            return In(left, tuple(items), negated)
        if self.at_kw("BETWEEN"):
            self.i += 1
            low = self.operand()
            self.expect_kw("AND")
            return Between(left, low, self.operand(), negated)
        if negated:
            self.i -= 1
        return left

    def operand(self) -> Node:
        token = self.take()
        if token.kind in ("num", "str"):
            return Lit(token.value)
        if token.kind == "op" and token.value == "-":
            number = self.take()
            if number.kind != "num":
                self.i -= 1
                raise self.error(_SUPPORTED)
            return Lit(-number.value)
        if token.kind == "kw" and token.value in ("NULL", "TRUE", "FALSE"):
            return Lit({"NULL": None, "TRUE": True, "FALSE": False}[token.value])
        if token.kind == "op" and token.value == "(":
            self.descend(token)
            node = self.expr()
            self.expect_op(")")
            self.depth -= 1
            return node
        if token.kind in ("ident", "qident"):
            return self.column(token)
        self.i -= 1
        raise self.error()

    def column(self, first: _Token) -> Node:
        if first.kind == "ident" and first.value in RESERVED_WORDS:
            self.i -= 1
            if _visible_column(self.table, first.text.lower()) is not None:
                raise self.error(f"{first.text} is reserved in MySQL: quote it as `{first.text}`")
            raise self.error(_SUPPORTED)
        if self.at_op("("):
            raise _syntax_error(
                self.sql, first.pos, f"SQL functions are not evaluated; {_SUPPORTED}"
            )
        name = first.value if first.kind == "qident" else first.text
        qualifier = None
        if self.at_op("."):
            self.i += 1
            second = self.take()
            if second.kind not in ("ident", "qident", "kw"):
                self.i -= 1
                raise self.error()
            qualifier, name = name, (second.value if second.kind == "qident" else second.text)
        shown = f"{qualifier}.{name}" if qualifier else name
        column = (
            _visible_column(self.table, name.lower()) if qualifier in (None, self.table) else None
        )
        if column is None:
            self.unknown = self.unknown or shown
            return Lit(None)
        return Col(column.name, column.type)


def parse_sql(table: str, sql: str) -> Node:
    """Parse an SQL ``WHERE`` fragment against ``table``'s columns into an expression tree."""
    parser = _Parser(table, sql)
    try:
        return parser.parse()
    except RecursionError:  # the caller's own stack was already deep: refuse, do not crash
        raise parser.error(_TOO_DEEP) from None
