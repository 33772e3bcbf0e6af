"""Location wizards: freezers whose slots are numbered, and the locators that fill them.

A wizard named e.g. ``M20`` with fields Hotel (unbounded), Box (16) and Slot (81) turns the
location ``M20.1.2.3`` into slot number ``1*16*81 + 2*81 + 3``. An item placed there gets a
``locators`` row (wizard, item, number) and its ``locator_id``; Aquarium also keeps the slot
text in ``items.location``. Deleting an item frees its slot.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

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


def wizard_capacities(wizard: Row) -> list[int]:
    """The capacities of a wizard's fields, outermost first (the first is unbounded)."""
    spec = json.loads(wizard["specification"] or "{}")
    return [int(field["capacity"]) for field in spec.get("fields", [])]


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
        capacities = wizard_capacities(wizard)
        if len(digits) != len(capacities):
            return None
        number = 0
        for digit, capacity in zip(digits, capacities, strict=True):
            if capacity != UNBOUNDED and digit >= capacity:
                raise ValueError(f"location {location!r}: {digit} exceeds capacity {capacity}")
            number = number * (capacity if capacity != UNBOUNDED else 1) + digit
        return wizard, number

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
