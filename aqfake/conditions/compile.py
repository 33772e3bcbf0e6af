"""Compiling the expression tree into a row predicate, and answering it through the indexes.

Equality and ``IN`` on indexed columns are answered from the store's indexes, so a query over a
large table only looks at the rows it can match; ``IN`` over literals is a set lookup. When the
index keys encode the comparison exactly (equality, ``IN``, ``IS NULL`` and AND/OR of them on
indexed columns) the index hit is the answer and no row is tested again; otherwise the
candidates are tested with the compiled predicate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..casting import parse_mysql_datetime, to_double
from ..store import Row, Store, index_key
from ..tables import ColumnType
from .nodes import MATCH_NOTHING, And, Between, Cmp, Col, In, IsNull, Like, Lit, Node, Not, Or
from .values import and3, as_text, compare, like_regex, not3, truth

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


def compile_node(node: Node) -> Fn:
    """The row predicate for ``node``: True, False or None (unknown) per row."""
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
        operand, low, high = (
            compile_node(node.operand),
            compile_node(node.low),
            compile_node(node.high),
        )
        negated = node.negated

        def between(row: Row) -> bool | None:
            value = operand(row)
            lo, hi = compare(value, low(row)), compare(value, high(row))
            result = and3([None if lo is None else lo >= 0, None if hi is None else hi <= 0])
            return not3(result) if negated else result

        return between
    if isinstance(node, IsNull):
        inner, negated = compile_node(node.operand), node.negated
        return lambda row: (inner(row) is None) != negated
    if isinstance(node, Not):
        inner = compile_node(node.operand)
        return lambda row: not3(truth(inner(row)))
    parts = tuple(compile_node(p) for p in node.parts)
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
    left, right = compile_node(node.left), compile_node(node.right)
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
    operand, negated = compile_node(node.operand), node.negated
    if isinstance(node.pattern, Lit):
        if node.pattern.value is None:
            return lambda row: None
        regex = like_regex(as_text(node.pattern.value), node.escape)

        def like_fixed(row: Row) -> bool | None:
            value = operand(row)
            if value is None:
                return None
            return (regex.fullmatch(as_text(value)) is not None) != negated

        return like_fixed
    pattern, escape = compile_node(node.pattern), node.escape

    def like(row: Row) -> bool | None:
        value, pat = operand(row), pattern(row)
        if value is None or pat is None:
            return None
        found = like_regex(as_text(pat), escape).fullmatch(as_text(value)) is not None
        return found != negated

    return like


def _compile_in(node: In) -> Fn:
    operand, negated = compile_node(node.operand), node.negated
    items = [compile_node(i) for i in node.items]

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
            general: bool | None = fallback(row)
            return general
        return (not negated) if hit else miss

    return in_set


@dataclass(frozen=True)
class Probe:
    """A condition an index answers exactly: ``column`` equals one of ``keys`` (index keys).

    Equality and ``IN`` on a numeric column with numeric literals, on a string column with
    string literals, and ``IS NULL``: the store's index keys encode MySQL's equality for those
    (:func:`~aqfake.store.index_key` is the very key :func:`.values.compare` compares strings
    by), so the rows the index holds under the keys are exactly the matching rows and need no
    second look.
    """

    column: str
    keys: tuple[Any, ...]


@dataclass(frozen=True)
class Where:
    """A compiled ``where`` on one table; ``rows(store)`` gives the matches by ascending id."""

    table: str
    node: Node | None = None  # None: no condition, every row
    test: Fn = field(init=False, repr=False, compare=False)
    probe: Probe | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        fn = compile_node(self.node) if self.node is not None else (lambda row: True)
        object.__setattr__(self, "test", fn)
        object.__setattr__(self, "probe", _probe(self.node))

    def matches(self, row: Row) -> bool:
        """Whether the row satisfies the condition (SQL: the condition is TRUE, not unknown)."""
        return truth(self.test(row)) is True

    def rows(self, store: Store) -> list[Row]:
        """The matching rows in ascending id order, narrowed through the store's indexes.

        Holds the store's read lock unless this thread holds the lock already (as a request
        does), so a query inside a request pays nothing for it.
        """
        lock = store.lock
        if lock.held:
            return self._rows(store)
        with lock.read():
            return self._rows(store)

    def scan(self, store: Store) -> list[Row]:
        """The matching rows found by testing every row: no index, the reference for
        :meth:`rows`."""
        with store.lock.read():
            return [row for row in store.rows(self.table) if self.matches(row)]

    def _rows(self, store: Store) -> list[Row]:
        probe = self.probe
        if probe is not None:
            found = store.indexed_rows(self.table, probe.column, probe.keys)
            if found is not None:
                return found
        if self.node is None:
            return store.rows(self.table)
        plan = _plan(self.node, store, self.table)
        if plan is None:
            return [row for row in store.rows(self.table) if self.matches(row)]
        candidates, exact = plan
        pool = [r for r in (store.get(self.table, i) for i in sorted(candidates)) if r]
        return pool if exact else [row for row in pool if self.matches(row)]


def _probe(node: Node | None) -> Probe | None:
    """The :class:`Probe` for a single equality, ``IN`` or ``IS NULL`` on a column, if exact."""
    if isinstance(node, IsNull) and not node.negated and isinstance(node.operand, Col):
        return Probe(node.operand.name, (None,))
    lookup = _lookup(node)
    if lookup is None:
        return None
    col, values = lookup
    keys = _index_keys(col, values)
    return None if keys is None else Probe(col.name, tuple(keys))


def _lookup(node: Node | None) -> tuple[Col, list[Any]] | None:
    """The column and literals of ``col = literal`` (either side) or ``col IN (literals)``."""
    if isinstance(node, Cmp) and node.op == "=":
        col, lit = node.left, node.right
        if isinstance(lit, Col) and isinstance(col, Lit):
            col, lit = lit, col
        if isinstance(col, Col) and isinstance(lit, Lit):
            return col, [lit.value]
    if isinstance(node, In) and not node.negated and isinstance(node.operand, Col):
        literals = [i.value for i in node.items if isinstance(i, Lit)]
        if len(literals) == len(node.items):
            return node.operand, literals
    return None


Plan = tuple[set[int], bool]


def _plan(node: Node, store: Store, table: str) -> Plan | None:
    """A superset of the matching ids computed from indexes and whether it is exactly the
    matching ids (no row needs testing), or None if indexes cannot help."""
    if isinstance(node, And):
        found = [p for p in (_plan(part, store, table) for part in node.parts) if p is not None]
        if not found:
            return None
        exact = len(found) == len(node.parts) and all(e for _, e in found)
        return set.intersection(*(ids for ids, _ in found)), exact
    if isinstance(node, Or):
        union: set[int] = set()
        every = True
        for part in node.parts:
            plan = _plan(part, store, table)
            if plan is None:
                return None
            union |= plan[0]
            every = every and plan[1]
        return union, every
    if node == MATCH_NOTHING:
        return set(), True
    probe = _probe(node)
    if probe is None:
        return None
    ids = store.indexed_ids(table, probe.column, probe.keys)
    return None if ids is None else (ids, True)


def _index_keys(col: Col, values: Sequence[Any]) -> list[Any] | None:
    """The index keys standing for ``col`` equal to one of the literals (NULLs dropped: they
    match nothing), or None if the index cannot answer that comparison exactly."""
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
            keys.append(index_key(value))
        else:
            return None
    return keys
