"""The request journal: every request the fake answered, for tests to inspect.

Parameters whose name contains "password" (any case, at any depth) are stored as
``"[FILTERED]"``, as Rails' ``filter_parameters`` logs them: the journal is served without
authentication at ``GET /_aqfake/journal``.

Entries carry a sequence number that keeps counting across :meth:`Journal.clear`, so a
:meth:`Journal.mark` taken before some activity always selects exactly what came after it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

#: What a filtered parameter's value is replaced with (Rails' wording).
FILTERED = "[FILTERED]"
#: Parameter names containing this (case-insensitively) are filtered, as Aquarium configures Rails.
FILTERED_WORD = "password"


def filter_parameters(value: Any) -> Any:
    """A copy of ``value`` with every ``*password*`` key's value replaced by :data:`FILTERED`,
    inside nested objects and arrays too."""
    if isinstance(value, dict):
        return {
            key: FILTERED if FILTERED_WORD in str(key).lower() else filter_parameters(inner)
            for key, inner in value.items()
        }
    if isinstance(value, list):
        return [filter_parameters(item) for item in value]
    return value


@dataclass(frozen=True)
class JournalEntry:
    """One answered request: what was asked (body parsed as JSON, or None) and the status."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int
    time: datetime
    seq: int = 0

    def to_json(self) -> dict[str, Any]:
        """The entry as JSON-ready data, for the journal control route."""
        return {
            "seq": self.seq,
            "method": self.method,
            "path": self.path,
            "query": dict(self.query),
            "body": self.body,
            "status": self.status,
            "time": self.time.isoformat(),
        }


class Journal:
    """A thread-safe, append-only list of :class:`JournalEntry` (until cleared)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[JournalEntry] = []
        self._next_seq = 0

    def record(
        self, method: str, path: str, query: dict[str, str], body: Any, status: int
    ) -> JournalEntry:
        """Append one entry, stamped with the current UTC time and the next sequence number;
        passwords in ``query`` and ``body`` are filtered (see :func:`filter_parameters`)."""
        query, body = filter_parameters(dict(query)), filter_parameters(body)
        with self._lock:
            entry = JournalEntry(
                method, path, query, body, status, datetime.now(timezone.utc), self._next_seq
            )
            self._next_seq += 1
            self._entries.append(entry)
            return entry

    @property
    def entries(self) -> list[JournalEntry]:
        """A copy of the entries, oldest first."""
        with self._lock:
            return list(self._entries)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def clear(self) -> None:
        """Forget every entry (sequence numbers keep counting)."""
        with self._lock:
            self._entries.clear()

    def mark(self) -> int:
        """A position to pass to :meth:`since` later: the sequence number of the next entry."""
        with self._lock:
            return self._next_seq

    def since(self, mark: int) -> list[JournalEntry]:
        """Entries recorded at or after ``mark`` (see :meth:`mark`)."""
        with self._lock:
            return [e for e in self._entries if e.seq >= mark]

    def filter(self, method: str | None = None, path: str | None = None) -> list[JournalEntry]:
        """Entries with that method (any case) and/or exactly that path."""
        wanted = method.upper() if method else None
        with self._lock:
            return [
                e
                for e in self._entries
                if (wanted is None or e.method == wanted) and (path is None or e.path == path)
            ]

    def to_json(self, since: int = 0) -> list[dict[str, Any]]:
        """The entries (from ``since`` on) as JSON-ready dicts."""
        return [e.to_json() for e in self.since(since)]
