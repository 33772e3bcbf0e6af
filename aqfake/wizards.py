"""Aquarium's location wizards: freezers whose slots are numbered, and the locators that fill them.

A wizard (table ``wizards``) named e.g. ``M20`` with a specification whose fields are Hotel
(unbounded), Box (16) and Slot (81) turns the location ``M20.1.2.3`` into slot number
``1*16*81 + 2*81 + 3``, and back. An item placed in a slot has a ``locators`` row
(wizard, item, number) and its ``locator_id``; Aquarium also keeps the slot text in
``items.location`` (protocol sections 4, 5.8-5.10 and 6.1).

This module is the one place that knows wizards: the ``Wizard`` and ``Locator`` model code of
the real server (``caps``, ``has_correct_form``, ``location_to_int``, ``Wizard#next``,
``Locator#to_s``) as functions that read a :class:`~aqfake.store.Store`. It never writes: the
lab builder and the inventory handlers make the rows it points at. Used by :mod:`aqfake.render`
(the computed Item ``location``), :mod:`aqfake.lab.locations` and
:mod:`aqfake.domain.inventory`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .casting import RubyError, ruby_split, ruby_to_i, ruby_to_s
from .store import Row, Store

#: The capacity of a wizard's first field: it has no bound.
UNBOUNDED = -1


# -- a wizard's specification ------------------------------------------------------------------


def capacities(wizard: Row) -> list[int]:
    """``Wizard#caps``: the capacity of each field, outermost first.

    The specification's ``fields`` may be a list or an object keyed by position; a text that
    is not JSON fails (:class:`RubyError`) as ``JSON.parse`` does.
    """
    text = wizard.get("specification")
    if not text or text == "null":
        return []
    try:
        spec = json.loads(text)
    except ValueError as exc:
        raise RubyError(f"unexpected token in wizard specification: {exc}") from exc
    fields = spec.get("fields") if isinstance(spec, Mapping) else None
    if isinstance(fields, Mapping):
        fields = [fields[key] for key in sorted(fields, key=lambda k: ruby_to_i(str(k)))]
    if not isinstance(fields, list):
        return []
    return [
        ruby_to_i(ruby_to_s(f.get("capacity"))) if isinstance(f, Mapping) else 0 for f in fields
    ]


# -- location text <-> slot number -------------------------------------------------------------


def slot_digits(location: str | None) -> tuple[str, list[int]] | None:
    """``("M20", [1, 2, 3])`` for ``"M20.1.2.3"``; None when the text is not a slot."""
    if not location:
        return None
    name, *rest = location.split(".")
    if not rest or not all(part.isdigit() for part in rest):
        return None
    return name, [int(part) for part in rest]


def slot_index(caps: Sequence[int], digits: Sequence[int]) -> int:
    """The slot number of ``digits`` (one per field, outermost first): mixed radix by the
    capacities of all fields but the first, which is unbounded."""
    number = digits[0]
    for capacity, digit in zip(caps[1:], digits[1:], strict=True):
        number = number * capacity + digit
    return number


def has_correct_form(wizard: Row, location: Any) -> bool:
    """``Wizard#has_correct_form``: whether ``location`` matches the wizard's pattern,
    ``<name>.<n>...`` with one number per field, each inner one below its capacity."""
    if not isinstance(location, str):
        return False
    caps = capacities(wizard)
    parts = ruby_split(location, ".")
    if not parts or parts[0] != wizard.get("name") or len(parts) - 1 != len(caps):
        return False
    for i in range(1, len(caps) + 1):
        number = ruby_to_i(parts[i])
        if (i == 1 and number < 0) or (i > 1 and number >= caps[i - 1]):
            return False
    return True


def location_to_int(wizard: Row, location: str) -> int:
    """``Wizard#location_to_int`` (defined for one to three fields; 0 otherwise)."""
    caps = capacities(wizard)
    if not 1 <= len(caps) <= 3:
        return 0
    digits = [ruby_to_i(p) for p in ruby_split(location, ".")[1:]] + [0, 0, 0]
    return slot_index(caps, digits[: len(caps)])


def slot_location(wizard: Row, number: int) -> str | None:
    """Slot ``number`` of ``wizard`` as Aquarium prints it, ``<name>.<a>.<b>.<c>``; None when
    the specification cannot place it (not JSON, no fields, an inner capacity below 1)."""
    try:
        caps = capacities(wizard)
    except RubyError:
        return None
    if not caps or any(c <= 0 for c in caps[1:]):
        return None
    digits: list[int] = []
    remaining = int(number)
    for capacity in reversed(caps[1:]):
        remaining, digit = divmod(remaining, capacity)
        digits.append(digit)
    digits.append(remaining)
    return ".".join([str(wizard.get("name")), *(str(d) for d in reversed(digits))])


def find_slot(store: Store, location: str | None) -> tuple[Row, int] | None:
    """The wizard and slot number a location names, or None for a free-text location (no
    wizard of that name, or not one number per field). ``ValueError`` when an inner number
    is past its field's capacity: the lab builder refuses such a place."""
    parsed = slot_digits(location)
    if parsed is None:
        return None
    wizard = store.first("wizards", name=parsed[0])
    if wizard is None:
        return None
    digits = parsed[1]
    caps = capacities(wizard)
    if len(digits) != len(caps):
        return None
    for digit, capacity in zip(digits[1:], caps[1:], strict=True):
        if digit >= capacity:
            raise ValueError(f"location {location!r}: {digit} exceeds capacity {capacity}")
    return wizard, slot_index(caps, digits)


# -- wizards and locators in a store -----------------------------------------------------------


def wizard_for(store: Store, object_type: Row | None) -> Row | None:
    """``Wizard.find_by(name: object_type.prefix)`` (MySQL: case-insensitive, lowest id)."""
    if object_type is None:
        return None
    return store.first("wizards", name=object_type.get("prefix"))


def locators_of(store: Store, wizard: Row) -> list[Row]:
    """The wizard's locators, lowest id first."""
    return store.lookup("locators", wizard_id=wizard["id"])


def locators_at(store: Store, wizard: Row, number: int) -> list[Row]:
    """The wizard's locators numbered ``number`` (Aquarium allows several)."""
    return [loc for loc in locators_of(store, wizard) if loc["number"] == number]


def locator_holding(store: Store, item: Row) -> Row | None:
    """``item.locator`` (``has_one``: the lowest-id locator whose ``item_id`` is the item)."""
    return store.first("locators", item_id=item["id"])


def attached_locator(store: Store, item: Row) -> Row | None:
    """The locator an item's ``locator_id`` names (None when unset or dangling)."""
    locator_id = item.get("locator_id")
    return store.get("locators", locator_id) if locator_id else None


def largest(store: Store, wizard: Row) -> Row | None:
    """``Locator.largest``: the most recently created locator of the wizard (highest id)."""
    found = locators_of(store, wizard)
    return found[-1] if found else None


def next_free(store: Store, wizard: Row) -> Row | int:
    """``Wizard#next``: the lowest-id empty locator, else the number a new locator gets (one
    past the newest locator's, 0 for a wizard without locators)."""
    for locator in locators_of(store, wizard):
        if locator["item_id"] is None:
            return locator
    newest = largest(store, wizard)
    return newest["number"] + 1 if newest else 0


def wizard_location(store: Store, locator: Row) -> str | None:
    """A locator's slot as Aquarium prints it, ``<wizard name>.<a>.<b>.<c>``; None when its
    wizard is gone, it has no number or the wizard's specification cannot place it."""
    wizard = store.get("wizards", locator.get("wizard_id"))
    number = locator.get("number")
    if wizard is None or number is None:
        return None
    return slot_location(wizard, number)


def locator_text(store: Store, locator: Row) -> str:
    """``Locator#to_s``: the slot as ``<wizard>.<a>.<b>.<c>``, ``ERROR`` without a wizard."""
    wizard = store.get("wizards", locator.get("wizard_id"))
    if wizard is None:
        return "ERROR"
    return wizard_location(store, locator) or str(wizard.get("name"))
