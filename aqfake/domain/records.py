"""Rules every model shares: ``Model.find`` and data associations (``DataAssociator``).

A data association is a ``data_associations`` row naming its parent by ``parent_class`` and
``parent_id``, whose ``object`` column holds ``{key: value}`` as Rails' ``to_json`` writes it.
The parent class is the model name Aquarium records, so an item whose object type is a
collection is a ``Collection`` parent (:func:`parent_class_of`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..casting import RubyError, not_found_message, rails_json, record_id
from ..store import Row, Store
from ..tables import MODELS, TABLES
from .transaction import Transaction


def find(
    store: Store, model_name: str, raw_id: Any, missing: Callable[[str], Exception] = RubyError
) -> Row:
    """``Model.find``: the row, or ``missing`` (a :class:`RubyError` where the action rescues
    it, a not-found error of the caller's where it escapes as a 404) with Rails' message."""
    row = store.get(MODELS[model_name].table, record_id(raw_id))
    if row is None:
        raise missing(not_found_message(model_name, raw_id))
    return row


def associate(
    tx: Transaction,
    parent_class: str,
    parent_id: int,
    key: str,
    value: Any,
    *,
    upload_id: int | None = None,
    duplicates: bool = False,
) -> Row:
    """``DataAssociator#associate(key, value)``: a new DataAssociation, or (without
    ``duplicates``) the existing one with that key rewritten. The values written are already
    typed, so any transaction (the Rails-casting one or the store's own) will do."""
    obj = rails_json({key: value})
    if not duplicates:
        for da in tx.store.lookup(
            "data_associations", parent_class=parent_class, parent_id=parent_id, key=key
        ):
            return tx.update("data_associations", da["id"], {"object": obj, "upload_id": upload_id})
    return tx.insert(
        "data_associations",
        {
            "parent_id": parent_id,
            "parent_class": parent_class,
            "key": key,
            "upload_id": upload_id,
            "object": obj,
        },
    )


_TABLE_BY_COLUMNS: dict[frozenset[str], str] = {
    frozenset(table.column_names): name for name, table in TABLES.items()
}


def _single_model_tables() -> dict[str, str]:
    """Table -> model name, for tables read by exactly one model (not ``items``)."""
    models: dict[str, list[str]] = {}
    for model in MODELS.values():
        models.setdefault(model.table, []).append(model.name)
    return {table: names[0] for table, names in models.items() if len(names) == 1}


_MODEL_BY_TABLE = _single_model_tables()


def parent_class_of(store: Store, row: Mapping[str, Any]) -> str | None:
    """The model name Aquarium records as ``parent_class`` for a full row, told by its columns
    (an item is a ``Collection`` when its object type is one); None when the columns are those
    of no table or of a table several models read."""
    table = _TABLE_BY_COLUMNS.get(frozenset(row))
    if table == "items":
        object_type = store.get("object_types", row["object_type_id"])
        return "Collection" if object_type and object_type["handler"] == "collection" else "Item"
    return _MODEL_BY_TABLE.get(table or "")
