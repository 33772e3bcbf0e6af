"""How Ruby, Rails 4.2 and MySQL turn one value into another.

Aquarium's behaviour at the edges (``{"id": "5"}`` finding record 5, ``"abc"`` meaning 0, a hash
written into a text column being stored as ``{"k"=>1}``) comes from three layers of conversion.
They are written down once here and used by the query conditions, ``/json/save`` and the
handlers, together with how Ruby words the errors these conversions lead to (:class:`RubyError`,
:func:`no_method`, :func:`not_found_message`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from .tables import Column, ColumnType
from .timefmt import PACIFIC

INT_MIN, INT_MAX = -(2**31), 2**31 - 1

_INT_PREFIX = re.compile(r"\s*([+-]?\d+(?:_\d+)*)")
_FLOAT_PREFIX = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_FALSE_VALUES = frozenset({"0", "f", "F", "false", "FALSE", "off", "OFF"})
_DATETIME = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6})\d*)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?\s*$"
)


class CastError(ValueError):
    """A value Rails refuses to convert (e.g. an integer outside the 4-byte column range)."""


class RubyError(Exception):
    """An exception the real server raises at this point (a 500, or an ``errors`` entry where
    the controller rescues it); its message is Ruby's. ``frames`` stand in for the first lines
    of its backtrace, where an answer shows them."""

    def __init__(self, message: str, *frames: str) -> None:
        super().__init__(message)
        self.message = message
        self.frames = frames

    def backtrace(self) -> str:
        """The Ruby frames, comma-separated, as Aquarium's error answers list them."""
        return ", ".join(self.frames)


def ruby_truthy(value: Any) -> bool:
    """Ruby truthiness: everything except ``nil`` and ``false`` is true (``0`` and ``""`` too)."""
    return value is not None and value is not False


def ruby_to_i(text: str) -> int:
    """``String#to_i``: the leading integer of the string, or 0."""
    found = _INT_PREFIX.match(text)
    return int(found.group(1).replace("_", "")) if found else 0


def to_double(text: str) -> float:
    """MySQL's (and Ruby's ``to_f``) string-to-number conversion: the leading number, or 0."""
    found = _FLOAT_PREFIX.match(text)
    return float(found.group(1)) if found else 0.0


def ruby_float_to_s(value: float) -> str:
    """``Float#to_s``: ``5.0``, ``1.0e+20``, ``1.5e-07``, ``Infinity``, ``NaN``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        return f"{mantissa}e{exponent}"
    return text if "." in text or "n" in text else text + ".0"


def ruby_inspect(value: Any) -> str:
    """``inspect`` of a JSON value as Ruby prints it: ``{"k"=>1, "l"=>[nil, true]}``."""
    if value is None:
        return "nil"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return ruby_float_to_s(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{ruby_inspect(k)}=>{ruby_inspect(v)}" for k, v in value.items()) + "}"
        )
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(ruby_inspect(v) for v in value) + "]"
    return str(value)


def ruby_class(value: Any) -> str:
    """The Ruby class name of a JSON value, as Ruby error messages print it."""
    if value is None:
        return "NilClass"
    if isinstance(value, bool):
        return "TrueClass" if value else "FalseClass"
    names = {int: "Integer", float: "Float", str: "String", dict: "Hash", list: "Array"}
    return names.get(type(value), type(value).__name__)


def ruby_to_s(value: Any) -> str:
    """What Rails stores when a non-string is written into a string/text attribute."""
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return ruby_float_to_s(value)
    if isinstance(value, (dict, list)):
        return ruby_inspect(value)
    return str(value)


def interpolate(value: Any) -> str:
    """``"#{value}"``: nil is empty, a string itself, anything else its ``to_s`` (``true``,
    ``1.0``, ``{"k"=>1}``)."""
    if value is None:
        return ""
    return value if isinstance(value, str) else ruby_inspect(value)


def no_method(method: str, value: Any) -> str:
    """``NoMethodError``'s message: ``undefined method `each' for 5:Integer``."""
    return f"undefined method `{method}' for {ruby_inspect(value)}:{ruby_class(value)}"


def index_error(value: Any, *frames: str) -> RubyError:
    """What ``value[:key]`` raises when ``value`` is not a hash: strings, arrays and integers
    want an integer index (TypeError), anything else has no ``[]`` (NoMethodError)."""
    if isinstance(value, (str, list)) or (isinstance(value, int) and not isinstance(value, bool)):
        return RubyError("no implicit conversion of Symbol into Integer", *frames)
    return RubyError(no_method("[]", value), *frames)


def dig(value: Any, key: str, *frames: str) -> Any:
    """``value[:key]`` as Ruby evaluates it on a params value (see :func:`index_error`)."""
    if isinstance(value, dict):
        return value.get(key)
    raise index_error(value, *frames)


def ruby_each(value: Any, *frames: str) -> list[Any]:
    """``value.each``: an array's elements, a hash's ``[key, value]`` pairs, else the
    NoMethodError Ruby raises (with ``frames`` as its backtrace)."""
    if isinstance(value, list):
        return value
    if isinstance(value, Mapping):
        return [[k, v] for k, v in value.items()]
    raise RubyError(no_method("each", value), *frames)


def params_each(value: Any) -> list[Any]:
    """The elements ``value.each`` visits in request params: nil (an array emptied by Rails'
    deep munge) none, a hash its pairs; anything else has no ``each`` (:class:`RubyError`)."""
    return [] if value is None else ruby_each(value)


def nil_error(method: str = "[]", value: Any = None) -> RubyError:
    """``NoMethodError`` as Ruby words it: ``undefined method `[]' for nil:NilClass``."""
    return RubyError(no_method(method, value))


def rails_json(value: Any) -> str:
    """``value.to_json`` as Rails writes it: compact, ``<``, ``>`` and ``&`` escaped."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def ruby_split(text: str, separator: str) -> list[str]:
    """``String#split(sep)``: like ``str.split`` but trailing empty fields are dropped."""
    parts = text.split(separator)
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def record_id(value: Any) -> int | None:
    """The id ``Model.find(value)`` looks up, cast as Rails casts an integer attribute
    (``"5abc"`` -> 5, ``"abc"`` -> 0, ``true`` -> 1, ``2.7`` -> 2); None for nil, hashes and
    arrays."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, str):
        return ruby_to_i(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None  # no row has it; Rails answers "out of range", never a crash
    return int(value)


def not_found_message(model_name: str, raw_id: Any) -> str:
    """``ActiveRecord::RecordNotFound``'s message for ``Model.find(raw_id)``."""
    return f"Couldn't find {model_name} with 'id'={interpolate(raw_id)}"


def parse_mysql_datetime(text: str, naive_zone: Any = timezone.utc) -> datetime | None:
    """Read ``YYYY-MM-DD[ HH:MM[:SS[.ffffff]]]`` (``T`` also accepted, optional offset).

    Values without an offset are taken in ``naive_zone`` (UTC for MySQL comparisons, Pacific for
    Rails attribute writes). Returns an aware UTC datetime, or None if the text is not a date.
    """
    found = _DATETIME.match(text)
    if found is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = found.groups()
    try:
        value = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")),
        )
    except ValueError:
        return None
    if zone is None:
        value = value.replace(tzinfo=naive_zone)
    elif zone == "Z":
        value = value.replace(tzinfo=timezone.utc)
    else:
        digits = zone.replace(":", "")
        delta = timedelta(hours=int(digits[1:3]), minutes=int(digits[3:5]))
        value = value.replace(tzinfo=timezone(delta if digits[0] == "+" else -delta))
    return value.astimezone(timezone.utc)


def _checked_int(value: int) -> int:
    if not INT_MIN <= value <= INT_MAX:
        raise CastError(f"{value} is out of range for ActiveRecord::Type::Integer with limit 4")
    return value


def _numeric_presence(value: Any) -> Any:
    """Rails' numeric types read ``true``/``false`` as 1/0 and a blank string as nil."""
    if value is True:
        return 1
    if value is False:
        return 0
    if isinstance(value, str) and not value.strip():
        return None
    return value


def for_database(column: Column, value: Any) -> Any:
    """The literal Rails 4.2 sends to MySQL for ``column = value`` in a hash condition.

    Integers are cast as ``to_i`` (``"5"`` -> 5, ``"abc"`` -> 0); strings get ``to_s`` (``5`` ->
    ``"5"``, ``true`` -> ``"t"``); every other type passes through unchanged (MySQL then compares
    it against the column with its own rules), except that booleans become 1/0.
    """
    kind = column.type
    if value is None:
        return None
    if kind is ColumnType.INT:
        value = _numeric_presence(value)
        if value is None:
            return None
        if isinstance(value, str):
            return _checked_int(ruby_to_i(value))
        if isinstance(value, float):
            if not math.isfinite(value):
                raise CastError(f"{ruby_float_to_s(value)} is out of range for an integer column")
            return _checked_int(int(value))
        if isinstance(value, int):
            return _checked_int(value)
        raise CastError(f"can't cast {type(value).__name__} to integer")
    if kind in (ColumnType.STRING, ColumnType.TEXT):
        return ruby_to_s(value)
    if isinstance(value, bool):
        return int(value)
    if kind is ColumnType.FLOAT:
        return _numeric_presence(value)
    return value


def from_user(column: Column, value: Any) -> Any:
    """The Python value Rails would hold after ``record[column] = value`` (``/json/save``).

    Raises :class:`CastError` for values no attribute could hold (out-of-range integers).
    """
    kind = column.type
    if value is None:
        return None
    if kind in (ColumnType.STRING, ColumnType.TEXT):
        return ruby_to_s(value)
    if kind is ColumnType.INT:
        cast = for_database(column, value) if not isinstance(value, (dict, list)) else None
        return cast
    if kind is ColumnType.FLOAT:
        value = _numeric_presence(value)
        if value is None or isinstance(value, (dict, list)):
            return None
        return float(value) if not isinstance(value, str) else to_double(value)
    if kind is ColumnType.BOOL:
        if isinstance(value, str):
            return None if not value.strip() else value not in _FALSE_VALUES
        return value not in (False, 0)
    if isinstance(value, str):
        parsed = parse_mysql_datetime(value, PACIFIC)
        return parsed.replace(microsecond=0) if parsed is not None else None
    return None
