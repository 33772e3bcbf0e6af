"""A fake's store on disk, so a long-lived ``aqfake serve --data FILE`` loses nothing across
restarts.

The file is JSON (readable, diffable), written atomically: a temporary file in the same folder,
flushed to disk, then renamed over the old one, so a crash or a kill mid-write leaves the old
file whole. Its layout::

    {"format": "aqfake-store", "version": 1, "saved_at": "<UTC ISO time>",
     "lab": {"name": "demo", "seed": 0},
     "tables": {"samples": {"next_id": 73, "columns": ["id", "name", ...],
                            "rows": [[1, "fwd-GFP-01", ...], ...]}, ...},
     "uploads": {"<upload id>": "<base64 of the uploaded bytes>", ...}}

Times are ISO 8601 in UTC. Secret columns (``password_digest``, ``remember_token``, ``key``)
are never written: on load each user gets them back from the lab the server starts with (the
same id and login), so the lab's users sign in as before; a user the lab does not have cannot
sign in after a restart (requests never create users). Snapshots taken with
``POST /_aqfake/snapshot`` and the request journal are not kept.

A file that cannot be read back exactly -- not JSON, another format or version, an unknown
table or column, a value of the wrong type, a row breaking the store's invariants, another lab
-- raises :class:`DataFileError` naming the file and the problem; nothing is loaded and the
file is left as it is.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import tempfile
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .contracts import Fake
from .invariants import store_problems
from .store import Row, Snapshot, Store, StoreError, parse_datetime
from .tables import SECRET_COLUMNS, ColumnType, Table
from .uploads import all_upload_bytes, store_upload_bytes

FORMAT = "aqfake-store"
VERSION = 1
_PLAIN_TYPES: dict[ColumnType, tuple[type, ...]] = {
    ColumnType.INT: (int,),
    ColumnType.FLOAT: (int, float),
    ColumnType.BOOL: (bool,),
    ColumnType.STRING: (str,),
    ColumnType.TEXT: (str,),
}


class DataFileError(Exception):
    """A data file that cannot be loaded (or written); the message says which and why."""


@dataclass(frozen=True)
class Loaded:
    """What :meth:`DataFile.load_into` read: row count and when the file was saved."""

    rows: int
    saved_at: str


# -- encoding -----------------------------------------------------------------------------------


def _encode_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def encode_store(store: Store, lab: Mapping[str, Any]) -> dict[str, Any]:
    """The store as the file's JSON document (secret columns left out)."""
    snapshot = store.snapshot()
    tables: dict[str, Any] = {}
    for name in store:
        secret = SECRET_COLUMNS.get(name, frozenset())
        columns = [c for c in store.table(name).column_names if c not in secret]
        tables[name] = {
            "next_id": snapshot.next_ids.get(name, 1),
            "columns": columns,
            "rows": [[_encode_value(row[c]) for c in columns] for row in snapshot.rows[name]],
        }
    return {
        "format": FORMAT,
        "version": VERSION,
        "saved_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "lab": dict(lab),
        "tables": tables,
        "uploads": _encode_uploads(store),
    }


def _encode_uploads(store: Store) -> dict[str, str]:
    return {
        str(upload_id): base64.b64encode(data).decode("ascii")
        for upload_id, data in all_upload_bytes(store).items()
    }


# -- decoding -----------------------------------------------------------------------------------


def _decode_value(table: Table, column: str, value: Any) -> Any:
    spec = table.column(column)
    assert spec is not None
    if value is None:
        return None
    if spec.type is ColumnType.DATETIME:
        if not isinstance(value, str):
            raise DataFileError(f"{table.name}.{column} holds {value!r}, not an ISO time")
        try:
            return parse_datetime(value)
        except StoreError as exc:
            raise DataFileError(f"{table.name}.{column}: {exc}") from None
    raw: Any = value
    kinds = _PLAIN_TYPES[spec.type]
    stray_bool = isinstance(value, bool) and spec.type is not ColumnType.BOOL
    if stray_bool or not isinstance(value, kinds):
        raise DataFileError(f"{table.name}.{column} holds {value!r}, not {spec.type.value}")
    return float(raw) if spec.type is ColumnType.FLOAT else raw


def _decode_table(table: Table, raw: Any) -> tuple[tuple[Row, ...], int]:
    if not isinstance(raw, dict):
        raise DataFileError(f"table {table.name} is not an object")
    columns, rows, next_id = raw.get("columns"), raw.get("rows"), raw.get("next_id")
    if not isinstance(columns, list) or not isinstance(rows, list):
        raise DataFileError(f"table {table.name} needs a 'columns' and a 'rows' list")
    if not isinstance(next_id, int) or isinstance(next_id, bool) or next_id < 1:
        raise DataFileError(f"table {table.name}: next_id {next_id!r} is not a positive integer")
    known = set(table.column_names) - SECRET_COLUMNS.get(table.name, frozenset())
    unknown = [c for c in columns if c not in known]
    if unknown or "id" not in columns or len(set(columns)) != len(columns):
        raise DataFileError(
            f"table {table.name}: columns {unknown or columns!r} do not fit its schema"
        )
    decoded: list[Row] = []
    seen: set[int] = set()
    for position, values in enumerate(rows):
        if not isinstance(values, list) or len(values) != len(columns):
            raise DataFileError(f"table {table.name}, row {position}: not {len(columns)} values")
        given = {c: _decode_value(table, c, v) for c, v in zip(columns, values, strict=True)}
        row_id = given["id"]
        if row_id is None or row_id in seen:
            raise DataFileError(f"table {table.name}, row {position}: id {row_id!r} is not unique")
        seen.add(row_id)
        decoded.append({c.name: given.get(c.name, c.default) for c in table.columns})
    return tuple(decoded), next_id


def decode_snapshot(document: Any, tables: Mapping[str, Table]) -> Snapshot:
    """The :class:`Snapshot` a file's document describes; :class:`DataFileError` if it is not
    exactly one this module writes."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DataFileError(f'not an aqfake data file (no "format": "{FORMAT}")')
    if document.get("version") != VERSION:
        raise DataFileError(
            f"version {document.get('version')!r} is not one this aqfake reads ({VERSION})"
        )
    raw_tables = document.get("tables")
    if not isinstance(raw_tables, dict):
        raise DataFileError("no 'tables' object")
    unknown = sorted(set(raw_tables) - set(tables))
    if unknown:
        raise DataFileError(f"unknown table(s) {', '.join(unknown)}")
    rows: dict[str, tuple[Row, ...]] = {}
    next_ids: dict[str, int] = {}
    for name, table in tables.items():
        if name in raw_tables:
            rows[name], next_ids[name] = _decode_table(table, raw_tables[name])
    return Snapshot(MappingProxyType(rows), MappingProxyType(next_ids))


def _decode_uploads(raw: Any) -> dict[int, bytes]:
    if not isinstance(raw, dict):
        raise DataFileError("'uploads' is not an object")
    found: dict[int, bytes] = {}
    for key, text in raw.items():
        try:
            found[int(key)] = base64.b64decode(str(text), validate=True)
        except (ValueError, binascii.Error):
            raise DataFileError(f"upload {key!r}: not an id with base64 bytes") from None
    return found


# -- the file -----------------------------------------------------------------------------------


class DataFile:
    """The data file of one fake: :meth:`load_into` at start, :meth:`save` whenever asked.

    ``lab`` names the lab the server was started with (``{"name": ..., "seed": ...}``); a file
    written from another lab is refused, because its users' secrets come from the lab.
    """

    def __init__(self, path: str | os.PathLike[str], lab: Mapping[str, Any]) -> None:
        self.path = Path(path)
        self.lab = dict(lab)

    def __repr__(self) -> str:
        return f"<DataFile {self.path}>"

    def check_writable(self) -> None:
        """:class:`DataFileError` unless the file's folder exists and can take the file."""
        folder = self.path.parent
        if not folder.is_dir():
            raise DataFileError(f"{self.path}: folder {folder} does not exist")
        if not os.access(folder, os.W_OK):
            raise DataFileError(f"{self.path}: folder {folder} is not writable")
        if self.path.exists() and not self.path.is_file():
            raise DataFileError(f"{self.path} exists and is not a file")

    def load_into(self, fake: Fake) -> Loaded | None:
        """Replace ``fake``'s rows with the file's (None when there is no file yet).

        Users' secret columns come from ``fake``'s current rows (the lab it was built with).
        """
        if not self.path.exists():
            return None
        try:
            document = json.loads(self.path.read_bytes())
        except (OSError, ValueError) as exc:
            raise DataFileError(f"{self.path}: cannot be read as JSON: {exc}") from None
        try:
            if isinstance(document, dict) and document.get("lab", self.lab) != self.lab:
                raise DataFileError(
                    f"saved from the lab {document['lab']!r}, not {self.lab!r}; start the server "
                    "with that lab and seed, or use another file"
                )
            snapshot = decode_snapshot(document, fake.store.tables)
            uploads = _decode_uploads(document.get("uploads", {}))
            scratch = self._scratch(fake.store, snapshot)
        except DataFileError as exc:
            raise DataFileError(f"{self.path}: {exc}") from None
        fake.store.restore(scratch.snapshot())
        _put_uploads(fake.store, uploads)
        return Loaded(
            rows=sum(len(rows) for rows in snapshot.rows.values()),
            saved_at=str(document.get("saved_at", "?")),
        )

    @staticmethod
    def _scratch(current: Store, snapshot: Snapshot) -> Store:
        """A store holding ``snapshot`` with the users' secrets of ``current``, checked."""
        scratch = Store(current.tables)
        scratch.restore(snapshot)
        secrets = {
            (row["id"], row["login"]): {c: row[c] for c in SECRET_COLUMNS["users"]}
            for row in current.rows("users")
        }
        for user in scratch.rows("users"):
            found = secrets.get((user["id"], user["login"]))
            if found:
                scratch.update("users", user["id"], {**found, "updated_at": user["updated_at"]})
        problems = store_problems(scratch)
        if problems:
            raise DataFileError(
                f"the rows break the store's invariants: {'; '.join(problems[:3])}"
                + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
            )
        return scratch

    def save(self, fake: Fake) -> int:
        """Write ``fake``'s rows atomically; returns how many rows were written."""
        document = encode_store(fake.store, self.lab)
        payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        handle, temporary = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(payload)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except OSError as exc:
            Path(temporary).unlink(missing_ok=True)
            raise DataFileError(f"{self.path}: cannot be written: {exc}") from None
        return sum(len(t["rows"]) for t in document["tables"].values())


def _put_uploads(store: Store, uploads: Mapping[int, bytes]) -> None:
    for upload_id, data in uploads.items():
        row = store.get("uploads", upload_id)
        if row is not None:
            store_upload_bytes(store, row, data)


_ATTACHED: weakref.WeakKeyDictionary[Fake, DataFile] = weakref.WeakKeyDictionary()


def attach(fake: Fake, data_file: DataFile) -> None:
    """Make ``data_file`` the file ``POST /_aqfake/save`` writes ``fake`` to."""
    _ATTACHED[fake] = data_file


def attached(fake: Fake) -> DataFile | None:
    """The data file ``fake`` saves to, or None (started without ``--data``)."""
    return _ATTACHED.get(fake)
