"""Attribute values of the query language: single values, lists, times and operators.

``parse_value`` turns one attribute value of a query document into what the compiler sends:

* a single value (string, number, boolean, ``None``) stays as it is;
* a list becomes a list of single values (any of them matches);
* ``{"__time__": {"__days__": -7, ...}}`` becomes the text ``"YYYY-MM-DD HH:MM:SS"`` of
  *now + the sum of the amounts*, in **UTC**. pydent uses the local clock and keeps the
  microseconds; Aquarium stores timestamps in UTC, so a local clock shifts every time query by
  the machine's UTC offset. A bare time (no operator) means *equal to that second*, as in pydent:
  kept for compatibility, but it rarely matches anything; use ``{"__gt__": {"__time__": ...}}``;
* ``{"__gt__": v}`` and the other operators become an :class:`Operator`.

Any other object is refused (pydent silently turned it into ``null``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from aqsession.exceptions import AquariumQueryLanguageValidationError
from aqsession.server_values import sql_time_text

Scalar = str | int | float | bool | None

#: operator key -> SQL comparison it compiles to
OPERATORS: dict[str, str] = {
    "__not__": "!=",
    "__lt__": "<",
    "__le__": "<=",
    "__gt__": ">",
    "__ge__": ">=",
}

#: time key -> ``timedelta`` keyword
TIME_UNITS: dict[str, str] = {
    "__seconds__": "seconds",
    "__minutes__": "minutes",
    "__hours__": "hours",
    "__days__": "days",
    "__weeks__": "weeks",
}

TIME_KEY = "__time__"
_SCALARS = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class Operator:
    """A comparison other than equality: ``column <symbol> value``."""

    symbol: str
    value: Scalar


def utcnow() -> datetime:
    """The current time in UTC (the reference point of ``__time__`` values)."""
    return datetime.now(timezone.utc)


def resolve_time(spec: Mapping[str, Any], now: datetime) -> str:
    """Text of ``now`` shifted by the amounts of a ``__time__`` body, to the second, UTC."""
    unknown = sorted(set(spec) - set(TIME_UNITS))
    if unknown:
        raise AquariumQueryLanguageValidationError(
            f"a __time__ object takes only the amounts {sorted(TIME_UNITS)} (got {sorted(spec)})"
        )
    delta = timedelta(**{TIME_UNITS[key]: amount for key, amount in spec.items()})
    return sql_time_text(now, delta)


def _time_amounts(value: Mapping[str, Any]) -> dict[str, Any] | None:
    """The amounts of a time value: inside ``__time__`` and, as pydent 1.0.11 reads them,
    beside it (``{"__time__": {}, "__days__": -7}``); both places add up. None if not a time."""
    if TIME_KEY not in value or not set(value) <= {TIME_KEY, *TIME_UNITS}:
        return None
    inner = value[TIME_KEY]
    if not isinstance(inner, Mapping):
        return None
    amounts = dict(inner)
    for key, amount in value.items():
        if key != TIME_KEY:
            amounts[key] = amounts.get(key, 0) + amount
    return amounts


def _parse_single(value: Any, now: datetime, where: str) -> Scalar:
    amounts = _time_amounts(value) if isinstance(value, Mapping) else None
    if amounts is not None:
        return resolve_time(amounts, now)
    if isinstance(value, _SCALARS):
        return value
    raise AquariumQueryLanguageValidationError(
        f"{where}: {value!r} is not a single value (string, number, boolean, null) or a time"
    )


def parse_value(
    value: Any, now: datetime, where: str = "value"
) -> Scalar | list[Scalar] | Operator:
    """Compile one attribute value (see the module docstring); ``where`` names it in errors."""
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else list(value)
        return [_parse_single(item, now, where) for item in items]
    if isinstance(value, Mapping) and len(value) == 1:
        ((key, inner),) = value.items()
        if key in OPERATORS:
            return Operator(OPERATORS[key], _parse_single(inner, now, where))
    return _parse_single(value, now, where)
