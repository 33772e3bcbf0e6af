"""Samples with their field values, items, collections with parts, data associations, uploads.

Deleting an item, making a part, a collection's dimensions and data associations follow the
domain's rules (:mod:`aqfake.domain`), as the inventory routes do; the builders add the checks
a lab author wants (a well outside the collection, a taken well, a non-collection) as
``ValueError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..casting import RubyError
from ..domain.inventory import (
    BENCH,
    DELETED_STATE,
    PART_TYPE,
    dimensions,
    is_collection_type,
    mark_as_deleted,
    part_type,
    set_part,
)
from ..domain.records import associate, parent_class_of
from ..store import Row
from ..validations import full_messages, model_errors
from .base import Ref
from .locations import LocationsBuilder


class InventoryBuilder(LocationsBuilder):
    """Builders for samples, items and what hangs off them."""

    def sample(
        self,
        name: str,
        sample_type: Ref,
        project: str,
        properties: Mapping[str, Any] | None = None,
        *,
        description: str | None = None,
        user: Ref = None,
        data: str | None = None,
    ) -> Row:
        """A sample with one field value per field type of its type (array fields: one each).

        ``properties`` maps field names to values: numbers are stored as Ruby float strings
        (``5`` -> ``"5.0"``), ``sample`` fields take a sample reference, ``item`` fields an
        item reference, ``json`` fields any JSON-able value.
        """
        properties = dict(properties or {})
        type_row = self.row("sample_types", sample_type)
        if not project:
            raise ValueError(f"sample {name!r}: a project is required")
        self._unique("samples", name=name)
        field_types = self.field_types("SampleType", type_row, "sample_types")
        unknown = set(properties) - {ft["name"] for ft in field_types}
        if unknown:
            known = ", ".join(ft["name"] for ft in field_types) or "none"
            raise ValueError(
                f"sample {name!r}: {type_row['name']} has no field {sorted(unknown)[0]!r} "
                f"(its fields: {known})"
            )
        row = self._insert(
            "samples",
            name=name,
            sample_type_id=type_row["id"],
            project=project,
            user_id=self.user_id(user),
            description=description,
            data=data,
        )
        for ft in field_types:
            value = properties.get(ft["name"])
            values = list(value) if ft["array"] and isinstance(value, (list, tuple)) else [value]
            for one in values:
                self._insert(
                    "field_values",
                    parent_id=row["id"],
                    parent_class="Sample",
                    name=ft["name"],
                    field_type_id=ft["id"],
                    **self._value_columns(ft["ftype"], one),
                )
        return row

    def item(
        self,
        sample: Ref,
        object_type: Ref,
        location: str | None = BENCH,
        *,
        quantity: int = 1,
        inuse: int = 0,
        data: str | None = None,
        deleted: bool = False,
    ) -> Row:
        """An item of ``object_type`` holding ``sample`` (None for sample-less items).

        A ``location`` naming a slot of a wizard (``M20.1.2.3``) also places it there.
        """
        if deleted:
            location, quantity, inuse = (
                DELETED_STATE[k] for k in ("location", "quantity", "inuse")
            )
        errors = model_errors(self.store, "Item", {"quantity": quantity, "inuse": inuse})
        if errors:
            raise ValueError(
                f"item with quantity {quantity}, inuse {inuse}: {'; '.join(full_messages(errors))} "
                "(give quantity >= -1 and -1 <= inuse <= quantity)"
            )
        slot = self.free_slot(location)
        row = self._insert(
            "items",
            location=location,
            quantity=quantity,
            object_type_id=self.ref("object_types", object_type),
            inuse=inuse,
            sample_id=self.ref("samples", sample),
            data=data,
        )
        if slot is not None and location is not None:
            self.occupy(row, location, *slot)
        return row

    def delete_item(self, item: Ref) -> Row:
        """Mark an item deleted as Aquarium does (``Item#mark_as_deleted``): location
        ``deleted``, quantity and inuse -1, its wizard slot freed."""
        return mark_as_deleted(self.writes(), self.row("items", item, by="id"))

    def part_type_id(self) -> int:
        """The id of the ``__Part`` object type that part items use."""
        try:
            return int(part_type(self.store)["id"])
        except RubyError:
            raise ValueError(f"no {PART_TYPE} object type: build empty_lab(store) first") from None

    def dimensions(self, collection: Ref) -> tuple[int, int]:
        """``(rows, columns)`` of an item, as Aquarium's ``Collection#dimensions`` says (``(12,
        1)`` for an item that is not a collection)."""
        return dimensions(self.store, self.row("items", collection, by="id"))

    def collection(
        self,
        object_type: Ref,
        parts: Mapping[tuple[int, int], Ref] | None = None,
        location: str | None = BENCH,
        *,
        data: str | None = None,
    ) -> Row:
        """A collection item, with a ``__Part`` item and part association per filled well."""
        type_row = self.row("object_types", object_type)
        if not is_collection_type(type_row):
            raise ValueError(f"object type {type_row['name']!r} is not a collection type")
        row = self.item(None, type_row, location, data=data)
        for (r, c), sample in (parts or {}).items():
            self.part(row, r, c, sample)
        return row

    def part(self, collection: Ref, row: int, column: int, sample: Ref) -> Row:
        """Put ``sample`` in well (row, column) of a collection; returns the part item."""
        holder = self.row("items", collection, by="id")
        collection_id = holder["id"]
        if not is_collection_type(self.store.get("object_types", holder["object_type_id"])):
            raise ValueError(f"item {collection_id} is not a collection")
        rows, columns = dimensions(self.store, holder)
        if not (0 <= row < rows and 0 <= column < columns):
            raise ValueError(
                f"well ({row}, {column}) is outside collection {collection_id} "
                f"({rows} x {columns}, 0-based)"
            )
        if self.store.first(
            "part_associations", collection_id=collection_id, row=row, column=column
        ):
            raise ValueError(f"well ({row}, {column}) of collection {collection_id} is taken")
        self.part_type_id()  # a lab without __Part: the builder's ValueError, not Ruby's
        return set_part(self.writes(), holder, row, column, self.ref("samples", sample))

    def parent_class_of(self, row: Mapping[str, Any]) -> str:
        """The model name Aquarium would record as ``parent_class`` for a row."""
        model = parent_class_of(self.store, row)
        if model is None:
            raise ValueError(
                "cannot tell the parent_class of this row; pass parent_class= explicitly"
            )
        return model

    def data_association(
        self,
        parent: Mapping[str, Any] | int,
        key: str,
        value: Any,
        *,
        parent_class: str | None = None,
        upload: Ref = None,
    ) -> Row:
        """A data association ``{key: value}`` on a row (class inferred from the row)."""
        if parent_class is None:
            if not isinstance(parent, Mapping):
                raise ValueError("give parent_class= when the parent is an id")
            parent_class = self.parent_class_of(parent)
        parent_id = parent["id"] if isinstance(parent, Mapping) else int(parent)
        upload_id = self.ref("uploads", upload, by="id")
        return associate(
            self.writes(), parent_class, parent_id, key, value, upload_id=upload_id, duplicates=True
        )

    def upload(
        self,
        job: Ref,
        file_name: str,
        *,
        content_type: str = "image/jpeg",
        size: int | None = None,
    ) -> Row:
        """An upload attached to a job (the file itself is not stored)."""
        return self._insert(
            "uploads",
            job_id=self.ref("jobs", job, by="id"),
            upload_file_name=file_name,
            upload_content_type=content_type,
            upload_file_size=size if size is not None else self.rng.randrange(20_000, 900_000),
            upload_updated_at=self.timestamp(),
        )
