"""The core every lab builder shares: time, references, uniqueness and row insertion.

References to other rows may be given as an id, a row, or a name (a login for users); a
reference that does not resolve raises ``ValueError`` naming what is missing. Timestamps come
from :attr:`BuilderBase.now` when it is set (the demo lab moves it along a deterministic
timeline), otherwise from the store's clock.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from ..domain.transaction import Transaction
from ..store import Row, Store
from .fields import number_text

Ref = int | Mapping[str, Any] | str | None
_B = TypeVar("_B", bound="BuilderBase")


class BuilderBase:
    """State and helpers of a :class:`~aqfake.lab.builder.LabBuilder`."""

    def __init__(self, store: Store, *, seed: int = 0, now: datetime | None = None) -> None:
        self.store = store
        self.seed = seed
        self.rng = random.Random(seed)
        self.now = now
        self.owner_id: int | None = None

    def timestamp(self) -> datetime:
        """The instant new rows are stamped with."""
        return self.now if self.now is not None else self.store.clock()

    @contextmanager
    def at(self: _B, when: datetime) -> Iterator[_B]:
        """Stamp rows created inside the block with ``when``."""
        previous = self.now
        self.now = when
        try:
            yield self
        finally:
            self.now = previous

    def writes(self) -> Transaction:
        """A transaction stamping rows with :meth:`timestamp`, for the domain's rules
        (:mod:`aqfake.domain`); references are checked by the builders before they write."""
        return Transaction(self.store, check_keys=False, clock=self.timestamp)

    def _insert(self, table: str, **values: Any) -> Row:
        stamp = self.timestamp()
        values.setdefault("created_at", stamp)
        values.setdefault("updated_at", values["created_at"])
        return self.store.insert(table, values)

    def ref(self, table: str, ref: Ref, *, by: str = "name") -> int | None:
        """The id of the row ``ref`` designates in ``table`` (None stays None)."""
        if ref is None:
            return None
        if isinstance(ref, Mapping):
            if "id" not in ref:
                raise ValueError(
                    f"{dict(ref)!r} is neither a {table} row nor a field value spec "
                    "(keys sample, item, value, row, column)"
                )
            ref = ref["id"]
        if isinstance(ref, bool):
            raise ValueError(f"{ref!r} is not a reference to a {table} row")
        if isinstance(ref, str):
            found = self.store.first(table, **{by: ref})
            if found is None:
                raise ValueError(f"no {table} row with {by} {ref!r}; create it first")
            return int(found["id"])
        if isinstance(ref, int):
            if self.store.get(table, ref) is None:
                raise ValueError(f"no {table} row with id {ref}; create it first")
            return ref
        raise ValueError(f"{ref!r} is not a reference to a {table} row (give an id, row or name)")

    def row(self, table: str, ref: Ref, *, by: str = "name") -> Row:
        """The row ``ref`` designates; ``ValueError`` when it is None or missing."""
        row_id = self.ref(table, ref, by=by)
        if row_id is None:
            raise ValueError(f"a {table} row is required here, got None")
        found = self.store.get(table, row_id)
        assert found is not None
        return found

    def user_id(self, ref: Ref) -> int | None:
        """A user reference (id, row or login); None means the lab owner."""
        if ref is None:
            return self.owner_id
        return self.ref("users", ref, by="login")

    def _unique(self, table: str, **criteria: Any) -> None:
        if self.store.first(table, **criteria) is not None:
            described = ", ".join(f"{k} {v!r}" for k, v in criteria.items())
            raise ValueError(f"a {table} row with {described} already exists (names are unique)")

    def field_types(self, parent_class: str, parent: Ref, table: str) -> list[Row]:
        """The field types of a SampleType or OperationType, in id order."""
        return self.store.lookup(
            "field_types", parent_class=parent_class, parent_id=self.ref(table, parent)
        )

    def _value_columns(self, ftype: str, value: Any) -> dict[str, Any]:
        if value is None:
            return {}
        if ftype == "sample":
            return {"child_sample_id": self.ref("samples", value)}
        if ftype == "item":
            return {"child_item_id": self.ref("items", value, by="id")}
        if ftype == "number":
            return {"value": number_text(value)}
        if ftype == "json" and not isinstance(value, str):
            return {"value": json.dumps(value)}
        return {"value": str(value)}
