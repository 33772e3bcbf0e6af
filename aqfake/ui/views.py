"""What the watch page shows, as JSON-ready data (the page renders it, the script polls it).

Nothing here returns a secret: rows lose their secret columns before anything else sees them,
and journal entries keep only method, path, status, time and faults (no bodies, queries or
headers, so no password or cookie can reach the page).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..contracts import Fake
from ..tables import SECRET_COLUMNS

PAGE_SIZE = 25
MAX_PAGE_SIZE = 200
JOURNAL_SHOWN = 200


class ViewError(ValueError):
    """A view asked for something that does not exist (unknown table, bad page number)."""


def table_counts(fake: Fake) -> list[dict[str, Any]]:
    """Every table with its row count, in the store's order."""
    return [{"table": name, "rows": fake.store.count(name)} for name in fake.store]


def public_columns(fake: Fake, table: str) -> list[str]:
    """The columns of ``table`` the page may show (secret ones left out)."""
    secret = SECRET_COLUMNS.get(table, frozenset())
    return [c for c in fake.store.table(table).column_names if c not in secret]


def _shown(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _matches(row: Mapping[str, Any], columns: list[str], needle: str) -> bool:
    return any(needle in str(row[c]).casefold() for c in columns if row[c] is not None)


@dataclass(frozen=True)
class RowsPage:
    """One page of a table's rows, after the filter."""

    table: str
    columns: list[str]
    rows: list[list[Any]]
    total: int  # rows matching the filter
    page: int  # 1-based
    pages: int
    size: int
    query: str

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _positive(raw: str | None, default: int, name: str) -> int:
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise ViewError(f"{name} must be a whole number of at least 1, not {raw!r}")
    return int(raw)


def rows_page(
    fake: Fake,
    table: str,
    *,
    query: str = "",
    page: str | None = None,
    size: str | None = None,
) -> RowsPage:
    """Rows of ``table`` whose shown columns contain ``query`` (case-insensitively), by id,
    ``size`` to a page; :class:`ViewError` for an unknown table or a bad number."""
    if table not in fake.store.tables:
        known = ", ".join(fake.store)
        raise ViewError(f"no table {table!r} in the fake (tables: {known})")
    number = _positive(page, 1, "page")
    per_page = min(_positive(size, PAGE_SIZE, "size"), MAX_PAGE_SIZE)
    columns = public_columns(fake, table)
    needle = query.strip().casefold()
    rows = fake.store.rows(table)
    if needle:
        rows = [r for r in rows if _matches(r, columns, needle)]
    pages = max(1, -(-len(rows) // per_page))
    start = (number - 1) * per_page
    shown = [[_shown(r[c]) for c in columns] for r in rows[start : start + per_page]]
    return RowsPage(table, columns, shown, len(rows), number, pages, per_page, query.strip())


def journal_entries(fake: Fake, since: int = 0) -> dict[str, Any]:
    """The newest journal entries from sequence number ``since`` on (at most
    :data:`JOURNAL_SHOWN`), as method, path, status, time and faults only."""
    entries = fake.journal.to_json(since)[-JOURNAL_SHOWN:]
    shown = [
        {
            "seq": e.get("seq"),
            "method": e.get("method"),
            "path": e.get("path"),
            "status": e.get("status"),
            "time": e.get("time"),
            "faults": [str(f) for f in e.get("faults") or []],
        }
        for e in entries
    ]
    return {"next": fake.journal.mark(), "entries": shown}


def cassettes(fake: Fake) -> list[str]:
    """The cassette files the fake was seeded from (none for a lab)."""
    return list(fake.cassettes)
