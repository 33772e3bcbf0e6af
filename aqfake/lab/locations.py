"""Location wizards: freezers whose slots are numbered, and the locators that fill them.

A wizard named e.g. ``M20`` with fields Hotel (unbounded), Box (16) and Slot (81) turns the
location ``M20.1.2.3`` into slot number ``1*16*81 + 2*81 + 3``. An item placed there gets a
``locators`` row (wizard, item, number) and its ``locator_id``; Aquarium also keeps the slot
text in ``items.location``. Deleting an item frees its slot.

The functions here are Aquarium's ``Wizard`` model (``caps``, ``has_correct_form``,
``location_to_int``); the lab builder and the inventory handlers both use them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..casting import RubyError, ruby_split, ruby_to_i, ruby_to_s
from ..store import Row
from .base import BuilderBase, Ref

UNBOUNDED = -1


def slot_digits(location: str | None) -> tuple[str, list[int]] | None:
    """``("M20", [1, 2, 3])`` for ``"M20.1.2.3"``; None when the text is not a slot."""
    if not location:
        return None
    name, *rest = location.split(".")
    if not rest or not all(part.isdigit() for part in rest):
        return None
    return name, [int(part) for part in rest]


def capacities(wizard: Row) -> list[int]:
    """``Wizard#caps``: the capacity of each field, outermost first.

    The specification's ``fields`` may be a list or an object keyed by position; a text that
    is not JSON fails as ``JSON.parse`` does.
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


def has_correct_form(wizard: Row, location: Any) -> bool:
    """``Wizard#has_correct_form``: ``<name>.<n>...`` with one number per field, in range."""
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


def slot_index(caps: Sequence[int], digits: Sequence[int]) -> int:
    """The slot number of ``digits`` (one per field, outermost first): mixed radix by the
    capacities of all fields but the first, which is unbounded."""
    number = digits[0]
    for capacity, digit in zip(caps[1:], digits[1:], strict=True):
        number = number * capacity + digit
    return number


class LocationsBuilder(BuilderBase):
    """Builders for wizards and the placement of items in their slots."""

    def wizard(
        self, name: str, fields: Sequence[tuple[str, int]], description: str | None = None
    ) -> Row:
        """A location wizard; ``fields`` are (name, capacity) pairs, the first unbounded."""
        if not fields or any(capacity < 1 for _, capacity in fields[1:]):
            raise ValueError(
                f"wizard {name!r}: give (name, capacity) fields; all but the first need "
                "a positive capacity"
            )
        self._unique("wizards", name=name)
        spec = {
            "fields": [
                {"name": field, "capacity": UNBOUNDED if i == 0 else capacity}
                for i, (field, capacity) in enumerate(fields)
            ]
        }
        return self._insert(
            "wizards",
            name=name,
            specification=json.dumps(spec),
            description=description or f"Locations in {name}",
        )

    def slot_number(self, location: str | None) -> tuple[Row, int] | None:
        """The wizard and slot number a location names, or None for a free-text location."""
        parsed = slot_digits(location)
        if parsed is None:
            return None
        wizard = self.store.first("wizards", name=parsed[0])
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

    def free_slot(self, location: str | None) -> tuple[Row, int] | None:
        """Like :meth:`slot_number`, but ``ValueError`` when an item already holds the slot."""
        found = self.slot_number(location)
        if found is not None:
            wizard, number = found
            for locator in self.store.lookup("locators", wizard_id=wizard["id"]):
                if locator["number"] == number and locator["item_id"] is not None:
                    raise ValueError(f"location {location!r} is taken by item {locator['item_id']}")
        return found

    def place(self, item: Ref, location: str | None) -> Row | None:
        """Record ``item`` in the wizard slot ``location`` names; the locator, or None."""
        found = self.free_slot(location)
        return None if found is None else self.occupy(item, location, *found)

    def occupy(self, item: Ref, location: str | None, wizard: Row, number: int) -> Row:
        """Put ``item`` in slot ``number`` of ``wizard`` (checked free by the caller)."""
        row = self.row("items", item, by="id")
        self.release(row)
        locator = self._insert("locators", wizard_id=wizard["id"], item_id=row["id"], number=number)
        self.store.update(
            "items",
            row["id"],
            location=location,
            locator_id=locator["id"],
            updated_at=row["updated_at"],
        )
        return locator

    def release(self, item: Ref) -> None:
        """Free the wizard slot an item holds, if any."""
        row = self.row("items", item, by="id")
        for locator in self.store.lookup("locators", item_id=row["id"]):
            self.store.update("locators", locator["id"], item_id=None, updated_at=self.timestamp())
        if row["locator_id"] is not None:
            self.store.update("items", row["id"], locator_id=None, updated_at=row["updated_at"])
