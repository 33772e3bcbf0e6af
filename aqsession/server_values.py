"""Aquarium's value rules, as the client applies them: equality, ids, truthiness, timestamps.

Aquarium is Rails 4.2 on MySQL 5.7 (aquarium-protocol.md §0 and §3.3). A hash condition
``where({"col": value})`` is answered in two steps, and the rule therefore depends on the
column's type:

1. **Rails casts the value to the column's type.** On an *integer* column (ids, foreign keys,
   counts) text is read as Ruby's ``String#to_i`` reads it (``"5"``, ``" 5"``, ``"1.0"`` and
   ``"5abc"`` are all read as a leading integer; ``"abc"`` is 0; blank text is NULL and matches
   nothing), a float is truncated (``2.7`` is 2) and ``true``/``false`` are 1/0. On a *text*
   column the value is written as text (``5`` is ``"5"``, ``1.0`` is ``"1.0"``, ``true`` is
   ``"t"``). On *boolean* and *float* columns ``true``/``false`` are 1/0, blank text on a float
   column is NULL, and anything else goes to MySQL as it is (text is then read as a number,
   ``"true"`` as 0).
2. **MySQL compares** the column with that literal: numbers numerically; text by the
   ``utf8_unicode_ci`` collation, case-insensitively and ignoring *trailing* spaces only.

So ``"1.0"`` equals ``1`` on an integer column and does not on a text column; the one function
deciding it is :func:`equality_key`, given the column's :class:`ColumnKind`. The client learns a
column's kind from the JSON the server rendered for it (:func:`kind_of`: integers for integer
columns, strings for text columns) or, for Aquarium's key columns (``id`` and ``*_id``), from
the name (:func:`kind_of_column`).

The cache (the Browser) answers a query only where the outcome is certain, so
:func:`compare` is three-valued and abstains (``None``) where this rule alone does not settle
it: a reading that loses information (``"5abc"`` or ``5.5`` on an integer column: Rails 4.2
truncates them, later Rails versions match nothing), numbers asked of text columns (a JSON
string may also be a timestamp or a decimal), non-ASCII text (the collation folds accents,
Python's ``casefold`` does not), timestamps and floats. Abstaining costs a request, never a
wrong answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Iterable
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import TypeVar

_T = TypeVar("_T")

Verdict = bool | None
"""A three-valued answer: ``True``/``False`` when certain, ``None`` when the server must say."""

#: The whitespace Ruby's ``String#to_i`` skips before the number.
_RUBY_SPACE = " \t\n\v\f\r"
_TO_I = re.compile(rf"[{_RUBY_SPACE}]*([+-]?[0-9]+(?:_[0-9]+)*)")
_INTEGER_TEXT = re.compile(rf"[{_RUBY_SPACE}]*[+-]?[0-9]+[{_RUBY_SPACE}]*")
_NUMBER_PREFIX = re.compile(
    rf"[{_RUBY_SPACE}]*([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
)
_TIMESTAMP_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")

#: The text of ``__time__`` values in SQL conditions: MySQL ``datetime`` text, to the second.
SQL_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class ColumnKind(Enum):
    """The column types whose equality rule the client knows."""

    INTEGER = "integer"
    FLOAT = "float"
    TEXT = "text"
    BOOLEAN = "boolean"


_BOOLEAN_TEXT = {True: "t", False: "f"}


# -- kinds --------------------------------------------------------------------------------------


def kind_of(stored: object) -> ColumnKind | None:
    """The kind of column a server-rendered JSON value comes from, or None when it cannot be
    told (``null``, objects)."""
    if isinstance(stored, bool):
        return ColumnKind.BOOLEAN
    if isinstance(stored, int):
        return ColumnKind.INTEGER
    if isinstance(stored, float):
        return ColumnKind.FLOAT
    if isinstance(stored, str):
        return ColumnKind.TEXT
    return None


def kind_of_values(values: Iterable[object]) -> ColumnKind | None:
    """The kind of a column, from the first of its rendered values that tells it."""
    for value in values:
        kind = kind_of(value)
        if kind is not None:
            return kind
    return None


def kind_of_column(name: str) -> ColumnKind | None:
    """Aquarium's key columns (``id`` and every ``*_id``) are integer columns; None for other
    names (their kind is not known from the name alone)."""
    return ColumnKind.INTEGER if name == "id" or name.endswith("_id") else None


# -- casting and equality -------------------------------------------------------------------


def ruby_to_i(text: str) -> int:
    """Ruby's ``String#to_i``: the leading integer (underscores between digits allowed), or 0."""
    found = _TO_I.match(text)
    return int(found.group(1).replace("_", "")) if found else 0


def mysql_number(text: str) -> float:
    """How MySQL reads text compared with a number: its leading number, or 0."""
    found = _NUMBER_PREFIX.match(text)
    return float(found.group(1)) if found else 0.0


def ruby_text(value: object) -> str:
    """The text Rails writes for a value assigned to a text column (``5`` -> ``"5"``,
    ``1.0`` -> ``"1.0"``, ``1e20`` -> ``"1.0e+20"``, ``true`` -> ``"t"``)."""
    if isinstance(value, bool):
        return _BOOLEAN_TEXT[value]
    if isinstance(value, float):
        return _ruby_float_text(value)
    return str(value)


def _ruby_float_text(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    text = repr(value)  # Ruby switches to exponents at the same magnitudes as Python's repr
    mantissa, exponent = text.split("e") if "e" in text else (text, "")
    if "." not in mantissa:
        mantissa += ".0"
    return f"{mantissa}e{exponent}" if exponent else mantissa


def cast(value: object, kind: ColumnKind) -> int | float | str | None:
    """The literal Rails 4.2 hands MySQL for ``column = value`` on a column of ``kind``
    (None is SQL NULL: the condition matches no row). Values that are not a single JSON
    value (lists, objects) and numbers no integer column can hold raise ``ValueError``."""
    if value is None:
        return None
    if not isinstance(value, (str, int, float)):
        raise ValueError(f"{value!r} is not a single value (text, a number or a boolean)")
    if kind is ColumnKind.TEXT:
        return ruby_text(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and kind is ColumnKind.FLOAT and not value.strip(_RUBY_SPACE):
        return None
    if kind is ColumnKind.INTEGER:
        if isinstance(value, str):
            return ruby_to_i(value) if value.strip(_RUBY_SPACE) else None
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{value!r} is out of range for an integer column")
        return int(value)
    return value


def equality_key(value: object, kind: ColumnKind | None) -> Hashable:
    """A key under which values the server finds equal on a column of ``kind`` collide
    (None for NULL, which equals nothing).

    With ``kind`` None (a column of unknown type) the key is one that is safe on every kind:
    equal keys mean equal on integer and text columns alike (``5`` and ``"5"``; ``"ABC "`` and
    ``"abc"``), while values equal on one kind only (``"1.0"`` and ``1``) keep apart.
    """
    if kind is None:
        if value is None:
            return None
        if isinstance(value, bool):
            return ("boolean", value)
        return _collated(ruby_text(value))
    literal = cast(value, kind)
    if isinstance(literal, str):
        return _collated(literal) if kind is ColumnKind.TEXT else mysql_number(literal)
    if isinstance(literal, float) and literal.is_integer():
        return int(literal)
    return literal


def _collated(text: str) -> str:
    """Text as the ``utf8_unicode_ci`` collation compares it (case and trailing spaces)."""
    return text.rstrip(" ").casefold()


def equal(stored: object, wanted: object) -> bool:
    """Whether the hash condition ``column: wanted`` selects a row whose rendered value is
    ``stored`` (``None`` is ``IS NULL``; the column's kind is read from ``stored``)."""
    if wanted is None or stored is None:
        return wanted is None and stored is None
    kind = kind_of(stored)
    try:
        return equality_key(stored, kind) == equality_key(wanted, kind)
    except ValueError:
        return False


def exact_integer(value: object) -> int | None:
    """The integer a value names without loss: an integer, or integer text such as ``"5"`` or
    ``" 5 "`` (booleans, floats and other text give None)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INTEGER_TEXT.fullmatch(value):
        return int(value.strip(_RUBY_SPACE))
    return None


def _exact_on_integers(wanted: object) -> bool:
    """Whether an integer column reads ``wanted`` without truncating anything."""
    if isinstance(wanted, float):
        return wanted.is_integer()
    return isinstance(wanted, bool) or exact_integer(wanted) is not None


def compare(stored: object, wanted: object) -> Verdict:
    """Would the server find ``column = wanted`` true for a row whose JSON value is ``stored``?

    ``True``/``False`` where :func:`equality_key` settles it; ``None`` where it abstains (see
    the module docstring).
    """
    if wanted is None:
        return stored is None
    if not isinstance(wanted, (str, int, float)):
        return None
    if stored is None:
        return False
    kind = kind_of(stored)
    if kind is ColumnKind.BOOLEAN:
        decided = isinstance(wanted, int)
    elif kind is ColumnKind.INTEGER:
        decided = _exact_on_integers(wanted)
    elif kind is ColumnKind.TEXT:
        decided = (
            isinstance(wanted, str)
            and isinstance(stored, str)
            and stored.isascii()
            and wanted.isascii()
            and not is_timestamp_text(stored)
        )
    else:
        decided = False
    return equal(stored, wanted) if decided else None


def distinct(values: Iterable[_T], kind: ColumnKind | None = None) -> list[_T]:
    """Values without ``None`` and without server-equal repeats, first occurrence kept."""
    seen: set[Hashable] = set()
    out: list[_T] = []
    for value in values:
        if value is None:
            continue
        key = equality_key(value, kind)
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


# -- typed keys for set containment -------------------------------------------------------------


def strict_key(value: object) -> tuple[str, object]:
    """A key equal only for values that select the same rows on *every* column: the value's
    type with the value (ASCII text collated). Coarser questions use :func:`equality_key`."""
    if isinstance(value, str) and value.isascii():
        return "str", _collated(value)
    return type(value).__name__, value


def strict_keys_covering(value: object, kind: ColumnKind | None) -> frozenset[tuple[str, object]]:
    """The :func:`strict_key` values whose rows include every row ``value`` selects on a
    column of ``kind``: its own, and on an integer column, for integer text, also its integer
    (``" 1"`` and ``1`` select the same rows there; on a text column they do not)."""
    keys = {strict_key(value)}
    number = exact_integer(value) if isinstance(value, str) else None
    if number is not None and kind is ColumnKind.INTEGER:
        keys.add(strict_key(number))
    return frozenset(keys)


# -- Ruby truthiness and options -----------------------------------------------------------------


def ruby_truthy(value: object) -> bool:
    """Ruby's truthiness (how the server reads flags such as ``options.reverse``): everything
    but ``false`` and ``null`` is true, ``0``, ``""`` and ``"false"`` included."""
    return value is not False and value is not None


def option_count(value: object) -> int:
    """A ``limit``/``offset`` option as the server applies it: a positive integer (or integer
    text), else 0 (not applied)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return 0
    try:
        number = int(value)
    except ValueError:
        return 0
    return max(number, 0)


# -- timestamps ---------------------------------------------------------------------------------


def is_timestamp_text(value: str) -> bool:
    """Whether rendered text looks like a timestamp (``2018-07-17T15:10:05.000-07:00``)."""
    return _TIMESTAMP_TEXT.match(value) is not None


def parse_timestamp(value: object) -> datetime | None:
    """A server timestamp (``2018-07-17T15:10:05.000-07:00``) as an aware UTC datetime; None
    for anything else. A timestamp without an offset is UTC (how the database stores it)."""
    if not isinstance(value, str):
        return None
    text = value.strip().replace(" ", "T", 1)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def sql_time_text(moment: datetime, shift: timedelta = timedelta()) -> str:
    """``moment + shift`` as the text a condition compares with a ``datetime`` column: UTC (the
    database's zone), to the second. A naive moment is taken as UTC already; the shift is
    added in UTC, so it never gains or loses a daylight-saving hour."""
    utc = moment.astimezone(timezone.utc) if moment.tzinfo else moment
    return (utc + shift).strftime(SQL_TIME_FORMAT)
