"""Store writes that can be undone together, as one database transaction.

Aquarium runs each action's writes inside an ActiveRecord transaction: when the action fails,
MySQL puts every row back, while the auto-increment ids handed out stay used (InnoDB does not
reuse them). :class:`Transaction` gives the handlers the same tool over a :class:`Store`, and
applies the database's own rules on the way, taken from :mod:`aqfake.tables`: foreign keys
(checked on insert and update) and ``ON DELETE CASCADE`` (on delete). It knows nothing of HTTP,
Rails or Ruby; callers translate :class:`ConstraintError` into whatever their action answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .store import Row, Store, StoreError, coerce
from .tables import referencing
from .validations import foreign_key_violation


class ConstraintError(StoreError):
    """A write a database constraint refuses; the message is MySQL's."""


class Transaction:
    """Writes to ``store`` with an undo log: :meth:`rollback` puts every touched row back.

    With ``check_keys`` (the default) an insert or update whose foreign key points at a missing
    row raises :class:`ConstraintError` before writing; callers that reproduce the order in
    which Aquarium itself fails on such input check the keys themselves and pass ``False``.
    """

    def __init__(self, store: Store, *, check_keys: bool = True) -> None:
        self.store = store
        self.check_keys = check_keys
        self._undo: list[tuple[str, str, Row]] = []

    def insert(self, table: str, values: Mapping[str, Any]) -> Row:
        """A new row (missing columns take their defaults, timestamps now)."""
        self._check(table, values)
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
