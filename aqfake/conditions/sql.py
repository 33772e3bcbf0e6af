"""SQL ``WHERE`` fragments: a tokenizer and a recursive-descent parser, never executed as text.

The grammar knows only comparisons, ``LIKE``, ``IN``, ``BETWEEN``, ``IS [NOT] NULL``,
``NOT``/``AND``/``OR`` and parentheses; anything else (functions, subqueries, ``;``, comments) is
refused with a :class:`QueryError` whose message starts with ``Mysql2::Error:`` as the real
server's would, and so are conditions nested deeper than :data:`MAX_NESTING`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import QueryError, unknown_column
from .nodes import And, Between, Cmp, Col, In, IsNull, Like, Lit, Node, Not, Or, visible_column

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


# -- parser ------------------------------------------------------------------------------------


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
            raise unknown_column(self.unknown)
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
            if visible_column(self.table, first.text.lower()) is not None:
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
            visible_column(self.table, name.lower()) if qualifier in (None, self.table) else None
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
