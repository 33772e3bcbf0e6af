"""The request journal: the requests the fake answered, for tests to inspect.

Parameters whose name says they hold a credential (``password``, ``token``, ``api_key``...: the
rule of :mod:`aqfake.secret_names`, at any depth) are stored as ``"[FILTERED]"``, as Rails'
``filter_parameters`` logs passwords: the journal is served at ``GET /_aqfake/journal``.

The journal is bounded, so a long-lived fake does not grow without end: it keeps at most
``max_entries`` entries and about ``max_bytes`` of request bodies, dropping the oldest first;
a body larger than ``max_body_bytes`` is not kept (the entry says how large it was). Entries
carry a sequence number that keeps counting across :meth:`Journal.clear` and dropped entries,
so a :meth:`Journal.mark` taken before some activity always selects what came after it.
Each entry also names the injected faults that fired on its request (:mod:`aqfake.faults`).
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .secret_names import is_secret_name

#: What a filtered parameter's value is replaced with (Rails' wording).
FILTERED = "[FILTERED]"
#: Default bounds: entries kept, bytes of bodies kept, and the largest single body kept.
DEFAULT_MAX_ENTRIES = 10_000
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
#: What is counted for an entry besides its body (method, path, query, time...).
ENTRY_OVERHEAD_BYTES = 256


def filter_parameters(value: Any) -> Any:
    """A copy of ``value`` with the value of every credential-named key replaced by
    :data:`FILTERED`, inside nested objects and arrays too."""
    if isinstance(value, dict):
        return {
            key: FILTERED if is_secret_name(str(key)) else filter_parameters(inner)
            for key, inner in value.items()
        }
    if isinstance(value, list):
        return [filter_parameters(item) for item in value]
    return value


def body_not_kept(size: int, limit: int) -> str:
    """What the journal keeps instead of a body over its ``max_body_bytes``."""
    return f"[body of {size} bytes not kept: over the journal's max_body_bytes of {limit}]"


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
    faults: tuple[str, ...] = ()
    size: int = 0  # bytes of the request body as received

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
            "faults": list(self.faults),
        }


class Journal:
    """A thread-safe, bounded list of :class:`JournalEntry`, oldest dropped first."""

    def __init__(
        self,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        if max_entries < 1 or max_bytes < 1 or max_body_bytes < 0:
            raise ValueError(
                "a journal keeps at least one entry and one byte: max_entries and max_bytes "
                f"must be positive (got {max_entries}, {max_bytes}), max_body_bytes not negative"
            )
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_body_bytes = min(max_body_bytes, max_bytes)
        self._lock = threading.Lock()
        self._entries: deque[JournalEntry] = deque()
        self._next_seq = 0
        self._bytes = 0
        #: How many entries were dropped to stay within the bounds (not counting clear()).
        self.dropped = 0

    def record(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: Any,
        status: int,
        *,
        size: int = 0,
        faults: tuple[str, ...] = (),
    ) -> JournalEntry:
        """Append one entry, stamped with the current UTC time and the next sequence number;
        credentials in ``query`` and ``body`` are filtered (see :func:`filter_parameters`).
        ``size`` is the byte length of the request body: a body over ``max_body_bytes`` is not
        kept. Older entries are dropped until the journal is within its bounds again."""
        kept = size <= self.max_body_bytes
        query = filter_parameters(dict(query))
        body = filter_parameters(body) if kept else body_not_kept(size, self.max_body_bytes)
        with self._lock:
            entry = JournalEntry(
                method,
                path,
                query,
                body,
                status,
                datetime.now(timezone.utc),
                self._next_seq,
                tuple(faults),
                size,
            )
            self._next_seq += 1
            self._entries.append(entry)
            self._bytes += _cost(entry, self.max_body_bytes)
            while len(self._entries) > self.max_entries or (
                self._bytes > self.max_bytes and len(self._entries) > 1
            ):
                self._bytes -= _cost(self._entries.popleft(), self.max_body_bytes)
                self.dropped += 1
            return entry

    @property
    def bytes(self) -> int:
        """The bytes the kept entries count for (bodies plus a fixed overhead each)."""
        with self._lock:
            return self._bytes

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
            self._bytes = 0

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


def _cost(entry: JournalEntry, max_body_bytes: int) -> int:
    """What an entry counts for against ``max_bytes``."""
    body = entry.size if entry.size <= max_body_bytes else 0
    return ENTRY_OVERHEAD_BYTES + len(entry.path) + body
