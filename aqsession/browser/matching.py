"""How the Browser decides, without the server, what a ``where`` query would return.

The server's rules for one value are :mod:`aqsession.server_values` (strings compare
case-insensitively and ignore trailing spaces, ``"5"`` matches the integer ``5``, ...); this
module applies them to whole hash conditions, where a list means ``IN`` and ``None`` means
``IS NULL``. A cached model is judged against the data the server last sent for it (its
``raw`` dict), with a three-valued answer: ``True`` / ``False`` when the outcome is certain,
``None`` when the cache cannot be sure (an unknown column, a computed column, a timestamp, a
float, non-ASCII text, ...). Whenever any answer is ``None`` the Browser asks the server, so
the cache never answers differently from the server; it only answers less often.

Ordering follows the server too: ascending id by default; ``reverse`` means newest
``created_at`` first with ties broken by descending id; then ``offset`` and ``limit``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aqsession.server_values import (
    Verdict,
    compare,
    exact_integer,
    kind_of_column,
    option_count,
    parse_timestamp,
    ruby_truthy,
    strict_key,
    strict_keys_covering,
)

# Columns whose rendered JSON value is computed by the server, so it is not what `where`
# filters on (aquarium-protocol.md §4).
COMPUTED_COLUMNS: Mapping[str, frozenset[str]] = {
    "Item": frozenset({"location"}),
    "Collection": frozenset({"location"}),
    "ObjectType": frozenset({"rows", "columns"}),
}

# Models whose `where` answers the cache cannot reproduce: DataAssociation queries keep only
# the most recent association per key across the whole result (aquarium-protocol.md §3.7).
SERVER_ONLY_MODELS: frozenset[str] = frozenset({"DataAssociation"})

# Models whose names Aquarium validates as unique (aquarium-protocol.md, data model), so a
# cached model carrying exactly the asked name is the one ``find_by_name`` returns.
UNIQUE_NAME_MODELS: frozenset[str] = frozenset({"Sample", "SampleType", "ObjectType"})


@dataclass(frozen=True)
class Condition:
    """One hash condition: ``column`` must equal one of ``values`` (one value unless IN)."""

    column: str
    values: tuple[Any, ...]


def parse_conditions(query: Mapping[str, Any]) -> dict[str, Condition] | None:
    """Turn a hash query into conditions, or None when the cache cannot evaluate its shape.

    Nested table hashes, table-qualified keys, lists holding ``None`` (the server drops those
    elements) and non-scalar values all make the query server-only. Empty lists are not
    accepted here: the caller decides what they mean before asking.
    """
    conditions: dict[str, Condition] = {}
    for column, value in query.items():
        if not isinstance(column, str) or "." in column:
            return None
        if isinstance(value, (list, tuple, set, frozenset)):
            values = tuple(value)
            if not values or any(v is None or not _is_scalar(v) for v in values):
                return None
        elif value is None or _is_scalar(value):
            values = (value,)
        else:
            return None
        conditions[column] = Condition(column, values)
    return conditions


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool))


def match(
    model_name: str,
    data: Mapping[str, Any] | None,
    conditions: Mapping[str, Condition],
    columns: frozenset[str] | None = None,
) -> Verdict:
    """Three-valued: does a row rendered as ``data`` satisfy every condition?

    ``columns`` are the table's columns: a condition on anything else (a method result such
    as ``is_part``, an association name) is left to the server, which may reject it.
    """
    if data is None:
        return None
    computed = COMPUTED_COLUMNS.get(model_name, frozenset())
    verdict: Verdict = True
    for condition in conditions.values():
        name = condition.column
        if name in computed or name not in data or (columns is not None and name not in columns):
            verdict = None
            continue
        one = _any_equal(data[condition.column], condition.values)
        if one is False:
            return False
        if one is None:
            verdict = None
    return verdict


def _any_equal(stored: Any, values: Iterable[Any]) -> Verdict:
    result: Verdict = False
    for wanted in values:
        verdict = compare(stored, wanted)
        if verdict is True:
            return True
        if verdict is None:
            result = None
    return result


def plain_match(data: Mapping[str, Any] | None, query: Mapping[str, Any]) -> bool:
    """Cache-only filter for ``Browser.get("Model", query)``: exact where certain, else ``==``."""
    if data is None:
        return False
    for column, wanted in query.items():
        values = tuple(wanted) if isinstance(wanted, (list, tuple, set, frozenset)) else (wanted,)
        stored = data.get(column)
        verdicts = [compare(stored, v) for v in values]
        if True in verdicts:
            continue
        if any(v is None and stored == w for v, w in zip(verdicts, values, strict=True)):
            continue
        return False
    return True


def integer_ids(condition: Condition | None) -> list[int] | None:
    """The ids an ``id`` condition names, in order and de-duplicated, or None if not integers
    (see :func:`~aqsession.server_values.exact_integer`)."""
    if condition is None:
        return None
    ids: list[int] = []
    for value in condition.values:
        number = exact_integer(value)
        if number is None:
            return None
        if number not in ids:
            ids.append(number)
    return ids


def window(opts: Mapping[str, Any] | None) -> tuple[bool, int, int]:
    """``(reverse, offset, limit)`` as the server applies them (0 = no offset / no limit)."""
    opts = opts or {}
    return (
        ruby_truthy(opts.get("reverse", False)),
        option_count(opts.get("offset", -1)),
        option_count(opts.get("limit", -1)),
    )


def is_unbounded(opts: Mapping[str, Any] | None) -> bool:
    """True when ``opts`` neither skip nor cap rows, so an answer holds every match."""
    _, offset, limit = window(opts)
    return offset == 0 and limit == 0


def newest_first_key(model_id: Any, data: Mapping[str, Any] | None) -> tuple[datetime, int] | None:
    """Sort key (descending) for ``reverse`` order, or None when the timestamp is unknown."""
    created = parse_timestamp((data or {}).get("created_at"))
    if created is None or not isinstance(model_id, int):
        return None
    return created, model_id


def arrange(
    rows: Sequence[tuple[int, Mapping[str, Any] | None, Any]],
    opts: Mapping[str, Any] | None,
) -> list[Any] | None:
    """Order ``(id, data, item)`` rows and cut the window the server would return.

    Returns the items, or None when the order cannot be known (reverse order needs each
    row's ``created_at``).
    """
    reverse, offset, limit = window(opts)
    if reverse:
        keyed = []
        for model_id, data, item in rows:
            key = newest_first_key(model_id, data)
            if key is None:
                return None
            keyed.append((key, item))
        keyed.sort(key=lambda pair: pair[0], reverse=True)
        ordered = [item for _, item in keyed]
    else:
        ordered = [item for _, _, item in sorted(rows, key=lambda row: row[0])]
    ordered = ordered[offset:]
    return ordered[:limit] if limit else ordered


Record = dict[str, frozenset[tuple[str, Any]]]
"""A complete query: per column, the (typed) values it allowed."""


class CompletenessIndex:
    """Remembers queries whose every matching server row is known to be in the cache.

    A ``where`` sent without offset or limit returns all matching rows, and the Browser stores
    all of them; a later query asking for a subset of the same rows (every recorded column
    present, every value among the recorded values) can then be answered from the cache.
    """

    def __init__(self) -> None:
        self._records: dict[str, list[Record]] = {}

    def record(self, model_name: str, conditions: Mapping[str, Condition]) -> None:
        """Note that the cache holds every row matching ``conditions``."""
        entry = {c.column: frozenset(strict_key(v) for v in c.values) for c in conditions.values()}
        self._add(self._records.setdefault(model_name, []), entry)

    @staticmethod
    def _add(records: list[Record], entry: Record) -> None:
        """Append ``entry``, or widen a record that differs from it in one column only (the
        union of two such row sets is the row set of the widened record)."""
        for record in records:
            if record.keys() != entry.keys():
                continue
            different = [c for c in entry if record[c] != entry[c]]
            if not different:
                return
            if len(different) == 1:
                column = different[0]
                record[column] = record[column] | entry[column]
                return
        records.append(dict(entry))

    def covers(self, model_name: str, conditions: Mapping[str, Condition]) -> bool:
        """True when some recorded query selects a superset of the rows ``conditions`` select."""
        for entry in self._records.get(model_name, ()):
            if all(
                column in conditions
                and all(
                    strict_keys_covering(v, kind_of_column(column)) & allowed
                    for v in conditions[column].values
                )
                for column, allowed in entry.items()
            ):
                return True
        return False

    def absorb(self, other: CompletenessIndex) -> None:
        """Add another index's records (valid here once its models are cached here too)."""
        for model_name, entries in other._records.items():
            records = self._records.setdefault(model_name, [])
            for entry in entries:
                self._add(records, entry)

    def forget(self, model_name: str | None = None) -> None:
        """Drop the records of one model, or of all models."""
        if model_name is None:
            self._records.clear()
        else:
            self._records.pop(model_name, None)
