"""The bytes of uploaded files, kept in memory beside the store that holds their rows.

The ``uploads`` table keeps an upload's metadata only (as Aquarium keeps the file in S3); the
bytes live here, keyed by the store and by the row they belong to, so they follow the store
through snapshots but not an id reused by another upload. The upload handlers write them, the
download route and :mod:`aqfake.persistence` read them.
"""

from __future__ import annotations

import weakref
from typing import Any

from .store import Row, Store

_Key = tuple[int, Any, Any, Any]
_BYTES: weakref.WeakKeyDictionary[Store, dict[_Key, bytes]] = weakref.WeakKeyDictionary()


def _key(row: Row) -> _Key:
    """Identifies one upload row, so bytes survive snapshots but not a reused id."""
    return (row["id"], row["upload_file_name"], row["upload_file_size"], row["created_at"])


def store_upload_bytes(store: Store, row: Row, data: bytes) -> None:
    """Keep the bytes of the upload ``row`` for the download route."""
    with store.lock:
        _BYTES.setdefault(store, {})[_key(row)] = data


def upload_bytes(store: Store, row: Row) -> bytes | None:
    """The bytes uploaded for ``row``, or None (e.g. seeded uploads carry metadata only)."""
    with store.lock:
        return _BYTES.get(store, {}).get(_key(row))


def all_upload_bytes(store: Store) -> dict[int, bytes]:
    """Every upload row of ``store`` that has bytes here: upload id -> bytes."""
    with store.lock:
        return {
            row["id"]: data
            for row in store.rows("uploads")
            if (data := _BYTES.get(store, {}).get(_key(row))) is not None
        }
