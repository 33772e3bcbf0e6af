"""Store writes that can be undone together, as one database transaction.

Aquarium runs each action's writes inside an ActiveRecord transaction: when the action fails,
MySQL puts every row back, while the auto-increment ids handed out stay used (InnoDB does not
reuse them). :class:`Transaction` gives the domain the same tool over a :class:`Store`, and
applies the database's own rules on the way, taken from :mod:`aqfake.tables`: foreign keys
(checked on insert and update) and ``ON DELETE CASCADE`` (on delete).

Two refinements for the two kinds of writer:

- :class:`RailsTransaction` is the transaction as a Rails action drives it: values are cast as
  attribute writes (``"5"`` into an integer column) and a database refusal is the
  :class:`~aqfake.casting.RubyError` carrying MySQL's message.
- ``clock`` stamps new and changed rows with another "now" than the store's: the lab builders
  pass their deterministic timeline, so a seeded lab goes through the same rules as a request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from ..casting import CastError, RubyError, from_user
from ..store import Row, Store, StoreError, coerce
from ..tables import referencing
from ..validations import foreign_key_violation


class ConstraintError(StoreError):
    """A write a database constraint refuses; the message is MySQL's."""


class Transaction:
    """Writes to ``store`` with an undo log: :meth:`rollback` puts every touched row back.

    With ``check_keys`` (the default) an insert or update whose foreign key points at a missing
    row raises :class:`ConstraintError` before writing; callers that reproduce the order in
    which Aquarium itself fails on such input check the keys themselves and pass ``False``.
    """

    def __init__(
        self,
        store: Store,
        *,
        check_keys: bool = True,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.store = store
        self.check_keys = check_keys
        self.clock = clock
        self._undo: list[tuple[str, str, Row]] = []

    def insert(self, table: str, values: Mapping[str, Any]) -> Row:
        """A new row (missing columns take their defaults, timestamps now)."""
        self._check(table, values)
        if self.clock is not None and "created_at" in self.store.table(table).column_names:
            now = self.clock()
            stamps = {"created_at": values.get("created_at", now)}
            stamps["updated_at"] = values.get("updated_at", stamps["created_at"])
            values = {**values, **stamps}
        row = self.store.insert(table, values)
        self._undo.append(("inserted", table, {"id": row["id"]}))
        return row

    def update(self, table: str, row_id: int, values: Mapping[str, Any]) -> Row:
        """Change some columns of a row. Only values that actually change are written (and
        bump ``updated_at``), as ActiveRecord's dirty tracking saves nothing otherwise."""
        before = self.store.get(table, row_id)
        if before is None:
            raise StoreError(f"Couldn't find {table} row with id={row_id!r}")
        columns = self.store.table(table)
        changed: dict[str, Any] = {}
        for name, value in values.items():
            column = columns.column(name)
            if column is None:
                raise StoreError(f"Unknown column '{name}' in '{table}'")
            if name != "id" and coerce(column, value) != before.get(name):
                changed[name] = value
        if not changed:
            return before
        self._check(table, {**before, **changed})
        if self.clock is not None and "updated_at" in before:
            changed.setdefault("updated_at", values.get("updated_at", self.clock()))
        saved = dict(before)
        row = self.store.update(table, before["id"], changed)
        self._undo.append(("updated", table, saved))
        return row

    def delete(self, table: str, row_id: int) -> None:
        """Delete a row and, first, every row whose foreign key points at it (recursively)."""
        for child_table, column in referencing(table):
            for child in self.store.lookup(child_table, **{column: row_id}):
                self.delete(child_table, child["id"])
        if self.store.get(table, row_id) is not None:
            row = self.store.delete(table, row_id)
            self._undo.append(("deleted", table, dict(row)))

    def rollback(self) -> None:
        """Undo every write of this transaction, newest first (ids handed out stay used)."""
        while self._undo:
            action, table, row = self._undo.pop()
            if action == "inserted":
                self.store.delete(table, row["id"])
            elif action == "updated":
                self.store.replace(table, row["id"], row)
            else:
                self.store.insert(table, row)

    def _check(self, table: str, row: Mapping[str, Any]) -> None:
        if self.check_keys:
            problem = foreign_key_violation(self.store, table, row)
            if problem is not None:
                raise ConstraintError(problem)


def attributes(store: Store, table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Incoming JSON values cast as Rails casts attribute writes (``"5"`` into an int column...)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        column = store.table(table).column(name)
        if column is None:
            raise RubyError(f"unknown attribute '{name}' for {table}")
        if isinstance(value, datetime):  # already a stored time (e.g. the store's clock)
            out[name] = value
            continue
        try:
            out[name] = from_user(column, value)
        except CastError as exc:
            raise RubyError(str(exc)) from exc
    return out


class RailsTransaction(Transaction):
    """The store transaction as Rails drives it: values are cast as attribute writes, and a
    database refusal (a foreign key pointing nowhere) is a :class:`RubyError` with MySQL's
    message. Deletes cascade like the ``ON DELETE CASCADE`` keys of protocol section 6.5."""

    def insert(self, table: str, values: Mapping[str, Any]) -> Row:
        """Insert with Rails' attribute casts; a dangling foreign key is a :class:`RubyError`."""
        fields = attributes(self.store, table, values)
        try:
            return super().insert(table, fields)
        except ConstraintError as exc:
            raise RubyError(str(exc)) from exc

    def update(self, table: str, row_id: int, values: Mapping[str, Any]) -> Row:
        """Update with Rails' attribute casts; a store refusal is a :class:`RubyError`."""
        fields = attributes(self.store, table, values)
        try:
            return super().update(table, row_id, fields)
        except StoreError as exc:
            raise RubyError(str(exc)) from exc
