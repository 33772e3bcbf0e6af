"""What Aquarium's inventory models do to rows: items, wizard slots, collections.

The inventory handlers (:mod:`.inventory_samples`, :mod:`.inventory_items`,
:mod:`.inventory_types`) share this module; it declares no routes. It follows the model code of
the real server (``Item#move_to``, ``Item.make``, ``Wizard#next``, ``Collection.new_collection``)
step by step, so that odd inputs get the real answer. What a wizard means (capacities, slot
numbers, the next free slot) lives in :mod:`aqfake.wizards`, shared with the lab builder and the
renderer; this module makes and changes the locator rows.

Writes go through a :class:`~aqfake.transaction.Transaction` (see :func:`begin`), which can roll
a request back the way a database transaction would.

Wizard slots (protocol section 5.8-5.10): an object type whose ``prefix`` names a wizard
(``Wizard.find_by(name: prefix)``, case-insensitive) keeps its items in numbered locators. The
next free slot is the lowest-id locator without an item, else a new locator numbered one past
the most recently created one. One deliberate simplification: Aquarium creates a locator for
every slot up to the highest one used, while labs built by :mod:`aqfake.lab` hold locators only
for occupied slots; a move to a slot below the highest one therefore creates that slot's
locator instead of failing, and a move far past the highest creates at most
:data:`MAX_LOCATOR_BLOCK` intermediate empty locators.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..casting import RubyError, record_id, ruby_to_s
from ..lab.inventory import BENCH, DELETED, PART_TYPE
from ..store import Row, Store
from ..transaction import Transaction
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
    changes: dict[str, Any] = {"location": locator_text(log.store, locator)}
    if locator["id"] is not None:
        log.update("locators", locator["id"], {"item_id": item["id"]})
        changes["locator_id"] = locator["id"]
    return log.update("items", item["id"], changes)


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
    old = attached_locator(store, item)
    log.update(
        "items",
        item["id"],
        {"locator_id": target["id"], "location": location, "quantity": 1, "inuse": 0},
    )
    if old is not None:
        log.update("locators", old["id"], {"item_id": None})
    if target["id"] is not None:
        log.update("locators", target["id"], {"item_id": item["id"]})
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


def mark_as_deleted(log: Transaction, item: Row) -> Row:
    """``Item#mark_as_deleted``: location ``deleted``, quantity and inuse -1, slot freed."""
    locator = locator_holding(log.store, item)
    if locator is not None:
        log.update("locators", locator["id"], {"item_id": None})
    changes = {"location": DELETED, "quantity": -1, "inuse": -1, "locator_id": None}
    return log.update("items", item["id"], changes)


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
    """``Collection#dimensions``: the object type's rows/columns, ``[12, 1]`` when absent."""
    object_type = store.get("object_types", collection.get("object_type_id"))
    if object_type is None:
        raise RubyError("undefined method `rows' for nil:NilClass", "app/models/collection.rb")
    if object_type.get("handler") != "collection":
        return (12, 1)
    rows, columns = object_type.get("rows"), object_type.get("columns")
    return (1 if rows is None else rows, 12 if columns is None else columns)


def ruby_index(items: Sequence[Any], index: int) -> Any:
    """``array[index]``: negative indexes count from the end; out of range is nil."""
    if -len(items) <= index < len(items):
        return items[index]
    return None
