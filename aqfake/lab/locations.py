"""Lab builders for location wizards and the placement of items in their slots.

A wizard named e.g. ``M20`` with fields Hotel (unbounded), Box (16) and Slot (81) holds the
location ``M20.1.2.3`` in slot ``1*16*81 + 2*81 + 3``. An item placed there gets a ``locators``
row (wizard, item, number) and its ``locator_id``; Aquarium also keeps the slot text in
``items.location``. Deleting an item frees its slot. What a wizard means (capacities, slot
numbers) is :mod:`aqfake.wizards`; putting an item in a slot and freeing it are the domain's
rules (:mod:`aqfake.domain.inventory`), shared with the inventory handlers. A lab holds
locators only for the slots it fills (:func:`~aqfake.domain.inventory.slot_locator`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..domain.inventory import place, release_slot, slot_locator
from ..store import Row
from ..wizards import UNBOUNDED, find_slot, locators_at
from .base import BuilderBase, Ref


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
        return find_slot(self.store, location)

    def free_slot(self, location: str | None) -> tuple[Row, int] | None:
        """Like :meth:`slot_number`, but ``ValueError`` when an item already holds the slot."""
        found = self.slot_number(location)
        if found is not None:
            wizard, number = found
            for locator in locators_at(self.store, wizard, number):
                if locator["item_id"] is not None:
                    raise ValueError(f"location {location!r} is taken by item {locator['item_id']}")
        return found

    def place(self, item: Ref, location: str | None) -> Row | None:
        """Record ``item`` in the wizard slot ``location`` names; the locator, or None."""
        found = self.free_slot(location)
        if found is None or location is None:
            return None
        return self.occupy(item, location, *found)

    def occupy(self, item: Ref, location: str, wizard: Row, number: int) -> Row:
        """Put ``item`` in slot ``number`` of ``wizard`` (checked free by the caller)."""
        row = self.row("items", item, by="id")
        log = self.writes()
        locator = slot_locator(log, wizard, number)
        place(log, row, locator, location)
        return locator

    def release(self, item: Ref) -> None:
        """Free the wizard slot an item holds, if any."""
        release_slot(self.writes(), self.row("items", item, by="id"))
