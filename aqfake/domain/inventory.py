"""What Aquarium's inventory models do to rows: items, wizard slots, collections and parts.

This follows the model code of the real server (``Item#move_to``, ``Item.make``, ``Wizard#next``,
``Collection.new_collection``, ``Collection#set``, ``Collection#dimensions``) step by step, so
that odd inputs get the real answer; the inventory handlers and the lab builders both write
through it. What a wizard means (capacities, slot numbers, the next free slot) lives in
:mod:`aqfake.wizards`; this module makes and changes the locator rows. Failures Aquarium raises
are :class:`~aqfake.casting.RubyError`; failures it records (a refused move) are returned as
:data:`~aqfake.validations.Errors`.

Writes go through a :class:`~aqfake.domain.transaction.Transaction` (see :func:`begin`), which
can roll a request back the way a database transaction would.

Wizard slots (protocol section 5.8-5.10): an object type whose ``prefix`` names a wizard
(``Wizard.find_by(name: prefix)``, case-insensitive) keeps its items in numbered locators. The
next free slot is the lowest-id locator without an item, else a new locator numbered one past
the most recently created one. One deliberate simplification: Aquarium creates a locator for
every slot up to the highest one used, while labs built by :mod:`aqfake.lab` hold locators only
for occupied slots (:func:`slot_locator`); a move to a slot below the highest one therefore
creates that slot's locator instead of failing, and a move far past the highest creates at most
:data:`MAX_LOCATOR_BLOCK` intermediate empty locators.

``dimensions`` is Aquarium's ``Collection#dimensions``: the object type's rows and columns (a
collection type's NULL rows read 1, NULL columns 12), and ``(12, 1)`` for an item whose object
type is not a collection type (protocol section 5.3, the quirk ``Collection`` queries show).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..casting import RubyError, record_id, ruby_class, ruby_to_s
from ..store import Row, Store
from ..validations import Errors, foreign_key_violation, full_messages, model_errors
from ..wizards import (
    attached_locator,
    has_correct_form,
    largest,
    location_to_int,
    locator_holding,
    locator_text,
    locators_at,
    locators_of,
    next_free,
    wizard_for,
)
from .transaction import Transaction

PART_TYPE = "__Part"
BENCH = "Bench"
DELETED = "deleted"
#: What ``Item#mark_as_deleted`` writes (the slot is freed too).
DELETED_STATE: Mapping[str, Any] = {"location": DELETED, "quantity": -1, "inuse": -1}
#: A move past the highest slot creates at most this many empty locators on the way.
MAX_LOCATOR_BLOCK = 10_000


# -- transactions ------------------------------------------------------------------------------


def begin(store: Store) -> Transaction:
    """The transaction an inventory action writes through. Its foreign keys are checked by the
    action itself, where Aquarium's code fails on them (``_check_item``, the sample type looked
    up after the sample is saved), so the store's own check is off."""
    return Transaction(store, check_keys=False)


# -- wizards and locators ----------------------------------------------------------------------


def _new_locator(log: Transaction, wizard: Row, number: int) -> Row:
    """``Locator.new(...).save``: unsaved (no id) when the wizard already has that number."""
    if locators_at(log.store, wizard, number):
        return {"id": None, "wizard_id": wizard["id"], "item_id": None, "number": number}
    return log.insert("locators", {"wizard_id": wizard["id"], "number": number})


def next_locator(log: Transaction, wizard: Row) -> Row:
    """``Wizard#next``: the lowest-id empty locator, else a new one past the newest."""
    found = next_free(log.store, wizard)
    return found if isinstance(found, dict) else _new_locator(log, wizard, found)


def _add_new(log: Transaction, wizard: Row, number: int) -> Row:
    """``Wizard#addnew``: fill the locators up to ``number`` and return its locator.

    Aquarium creates only locator 0 when the wizard has none yet, whatever slot was asked for
    (the item then shows slot 0) -- reproduced. See the module docstring for slots below the
    newest locator.
    """
    newest = largest(log.store, wizard)
    if newest is None:
        return _new_locator(log, wizard, 0)
    start = newest["number"] + 1
    if number < start or number - start > MAX_LOCATOR_BLOCK:
        return _new_locator(log, wizard, number)
    taken = {loc["number"] for loc in locators_of(log.store, wizard)}
    made: Row | None = None
    for n in range(start, number + 1):
        if n not in taken:
            made = log.insert("locators", {"wizard_id": wizard["id"], "number": n})
    assert made is not None
    return made


# -- items -------------------------------------------------------------------------------------


def _check_item(store: Store, row: Mapping[str, Any]) -> None:
    """Foreign keys MySQL enforces on ``items``: a dangling one raises (a 500)."""
    violation = foreign_key_violation(store, "items", row)
    if violation is not None:
        raise RubyError(f"ActiveRecord::InvalidForeignKey: {violation}", "app/models/item.rb")


def slot_locator(log: Transaction, wizard: Row, number: int) -> Row:
    """The locator of slot ``number``: the wizard's (lowest-id) one, else a new, empty one.
    Unlike a move (``Wizard#addnew``) it creates no locators for the slots on the way."""
    found = locators_at(log.store, wizard, number)
    if found:
        return found[0]
    return log.insert("locators", {"wizard_id": wizard["id"], "number": number})


def place(
    log: Transaction,
    item: Row,
    locator: Row,
    location: str,
    extra: Mapping[str, Any] | None = None,
) -> Row:
    """Put ``item`` in ``locator``'s slot: its ``location`` text and ``locator_id`` (with the
    ``extra`` columns), the locator it named before freed, the new one holding it. A locator
    without an id (not saved, see ``Locator.new``) leaves the item's ``locator_id`` unset."""
    old = attached_locator(log.store, item)
    row = log.update(
        "items", item["id"], {"locator_id": locator["id"], "location": location, **(extra or {})}
    )
    if old is not None and old["id"] != locator["id"]:
        log.update("locators", old["id"], {"item_id": None})
    if locator["id"] is not None:
        log.update("locators", locator["id"], {"item_id": item["id"]})
    return row


def make_item(
    log: Transaction, object_type: Row, sample_id: Any = None, *, data: str | None = None
) -> Row:
    """``Item.make``: a new item of ``object_type`` (quantity 1), in the next wizard slot when
    the type's prefix names a wizard (the location string is kept even if the slot could not
    be recorded), else with no location."""
    values = {
        "quantity": 1,
        "inuse": 0,
        "object_type_id": object_type["id"],
        "sample_id": record_id(sample_id) if sample_id is not None else None,
        "data": data,
    }
    _check_item(log.store, values)
    item = log.insert("items", values)
    wizard = wizard_for(log.store, object_type)
    if wizard is None:
        return item
    locator = next_locator(log, wizard)
    return place(log, item, locator, locator_text(log.store, locator))


def move_to(log: Transaction, item: Row, location: Any) -> Errors:
    """``Item#move_to``: into a wizard slot when the location has the wizard's form, else a
    free-text location. Returns the errors Aquarium records (the item is then unchanged);
    raises :class:`RubyError` where Aquarium raises (an invalid item after a free-text move)."""
    store = log.store
    object_type = store.get("object_types", item.get("object_type_id"))
    wizard = wizard_for(store, object_type)
    if wizard is not None and has_correct_form(wizard, location):
        return _move_to_slot(log, item, wizard, str(location))
    old = attached_locator(store, item)
    text = None if location is None else ruby_to_s(location)
    errors = model_errors(store, "Item", {**item, "location": text, "locator_id": None})
    if old is not None:
        log.update("locators", old["id"], {"item_id": None})
    if errors:
        raise RubyError(",".join(full_messages(errors)))
    log.update("items", item["id"], {"location": text, "locator_id": None})
    return []


def _move_to_slot(log: Transaction, item: Row, wizard: Row, location: str) -> Errors:
    store = log.store
    number = location_to_int(wizard, location)
    found = locators_at(store, wizard, number)
    if len(found) > 1:
        return [("too_many_locators", f"There are multiple items at {location}.")]
    target = found[0] if found else _add_new(log, wizard, number)
    current = locator_holding(store, item)
    same = target["id"] is not None and current is not None and current["id"] == target["id"]
    if same:
        return [("already_there", f"Item is already at {location}.")]
    if target["item_id"] is not None:
        return [("locator_taken", f"Location taken by item {target['item_id']}.")]
    place(log, item, target, location, {"quantity": 1, "inuse": 0})
    return []


def store_item(log: Transaction, item: Row) -> Errors:
    """``Item#store``: the next wizard slot, or ``Bench`` when the type has no wizard."""
    object_type = log.store.get("object_types", item.get("object_type_id"))
    if object_type is None:
        raise RubyError("undefined method `prefix' for nil:NilClass", "app/models/item.rb")
    wizard = wizard_for(log.store, object_type)
    if wizard is None:
        return move_to(log, item, BENCH)
    locator = next_locator(log, wizard)
    return move_to(log, item, locator_text(log.store, locator))


def release_slot(log: Transaction, item: Row) -> None:
    """Free the wizard slot an item holds: its locator (``item.locator``) no longer names it
    and its ``locator_id`` is unset; the location text stays."""
    locator = locator_holding(log.store, item)
    if locator is not None:
        log.update("locators", locator["id"], {"item_id": None})
    log.update("items", item["id"], {"locator_id": None})


def mark_as_deleted(log: Transaction, item: Row) -> Row:
    """``Item#mark_as_deleted``: location ``deleted``, quantity and inuse -1, slot freed."""
    release_slot(log, item)
    return log.update("items", item["id"], DELETED_STATE)


# -- collections and parts ---------------------------------------------------------------------


def is_collection_type(object_type: Row | None) -> bool:
    """Whether items of ``object_type`` are collections (its handler is ``collection``)."""
    return object_type is not None and object_type.get("handler") == "collection"


def new_collection(log: Transaction, object_type: Row) -> Row:
    """``Collection.new_collection``: quantity 1 in the next wizard slot, else at ``Bench``."""
    if wizard_for(log.store, object_type) is not None:
        return make_item(log, object_type)
    values = {"quantity": 1, "inuse": 0, "object_type_id": object_type["id"], "location": BENCH}
    return log.insert("items", values)


def part_type(store: Store) -> Row:
    """The ``__Part`` object type; Aquarium fails (``nil.id``) without it."""
    found = store.first("object_types", name=PART_TYPE)
    if found is None:
        raise RubyError("undefined method `id' for nil:NilClass", "app/models/collection.rb")
    return found


def dimensions(store: Store, collection: Row) -> tuple[int, int]:
    """``Collection#dimensions``: the object type's rows/columns (NULL: 1 row, 12 columns),
    ``(12, 1)`` when the object type is not a collection type (see the module docstring)."""
    object_type = store.get("object_types", collection.get("object_type_id"))
    if object_type is None:
        raise RubyError("undefined method `rows' for nil:NilClass", "app/models/collection.rb")
    if not is_collection_type(object_type):
        return (12, 1)
    rows, columns = object_type.get("rows"), object_type.get("columns")
    return (1 if rows is None else rows, 12 if columns is None else columns)


def set_part(log: Transaction, collection: Row, row: Any, column: Any, sample_id: Any) -> Row:
    """``Collection#set``: a new ``__Part`` item (``Item.make``) for the sample at (row,
    column), replacing the part association of that well when there is exactly one."""
    part = make_item(log, part_type(log.store), sample_id)
    row, column = record_id(row), record_id(column)
    links = log.store.lookup(
        "part_associations", collection_id=collection["id"], row=row, column=column
    )
    if len(links) == 1:
        log.update("part_associations", links[0]["id"], {"part_id": part["id"]})
    else:
        values = {"collection_id": collection["id"], "part_id": part["id"], "row": row}
        log.insert("part_associations", {**values, "column": column})
    return part


def ruby_index(items: Sequence[Any], index: int) -> Any:
    """``array[index]``: negative indexes count from the end; out of range is nil."""
    if -len(items) <= index < len(items):
        return items[index]
    return None


def array_index(value: Any) -> int:
    """An Array index as Ruby takes it (floats truncate; anything else is a TypeError)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        shown = "nil" if value is None else ruby_class(value)
        raise RubyError(f"no implicit conversion of {shown} into Integer")
    return int(value)


def part_grid(store: Store, collection: Row) -> list[list[Row | None]]:
    """``Collection#part_matrix``: parts by (row, column), assigned as Ruby assigns into nested
    arrays (a column past the end grows the row; a row past the end raises)."""
    rows, columns = dimensions(store, collection)
    if rows < 0 or columns < 0:
        raise RubyError("negative array size")
    grid: list[list[Row | None]] = [[None] * columns for _ in range(rows)]
    for link in store.lookup("part_associations", collection_id=collection["id"]):
        line = ruby_index(grid, array_index(link["row"]))
        if line is None:
            raise RubyError("undefined method `[]=' for nil:NilClass")
        column = array_index(link["column"])
        if column < -len(line):
            raise RubyError(f"index {column} too small for array; minimum: -{len(line)}")
        line.extend([None] * (column + 1 - len(line)))
        line[column] = store.get("items", link["part_id"])
    return grid
