"""The demo lab: the Docker seed plus a small, realistic lab drawn from a seeded generator.

Every choice (how many samples, their names and relations, where items sit, which plans are
done or running, when things happened relative to the anchor) comes from
``random.Random(seed)``, so the same seed always builds the same lab and another seed builds a
different one that satisfies the same invariants. Timestamps fall in the 60 days before the
anchor (today 00:00 UTC by default, see :mod:`aqfake.lab.timeline`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from ..store import Row, Store
from . import catalogue as cat
from .builder import LabBuilder
from .demo_plans import PlanMaker
from .demo_samples import item_plan, sample_specs
from .seed import NEPTUNE, seed_lab
from .timeline import Timeline

#: Items outside collections the demo lab has at least (before any are deleted).
MIN_STOCK_ITEMS = 160


class Locations:
    """Hands out storage locations: freezer grid slots per prefix, or loose places."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: dict[str, int] = {}

    def next(self, prefix: str | None, loose_chance: float = 0.1) -> str:
        """A free location for an item of the container with ``prefix`` (sometimes a loose one)."""
        if prefix is None or prefix not in cat.GRIDS or self.rng.random() < loose_chance:
            return self.rng.choice(cat.LOOSE_LOCATIONS)
        hotels, boxes, slots = cat.GRIDS[prefix]
        n = self.used.get(prefix, 0)
        self.used[prefix] = n + 1
        if hotels == 1 and boxes == 1:
            return f"{prefix}.{n % slots + 1}"
        slot, n = n % slots, n // slots
        box, hotel = n % boxes, (n // boxes) % hotels + 1
        return f"{prefix}.{hotel}.{box}.{slot}"


class DemoLab:
    """Builds the demo content on top of the seed; one instance per build."""

    def __init__(self, builder: LabBuilder, timeline: Timeline) -> None:
        self.b = builder
        self.rng = builder.rng
        self.t = timeline
        self.locations = Locations(self.rng)
        self.samples: dict[str, list[Row]] = {}
        self.stock_items: list[Row] = []
        self.technicians: list[str] = []
        self.logins: list[str] = []

    def later(self, when: datetime, low_hours: float, high_hours: float) -> datetime:
        """A random instant ``low..high`` hours after ``when``, never past the anchor."""
        moved = when + timedelta(hours=self.rng.uniform(low_hours, high_hours))
        return min(moved, self.t.end - timedelta(seconds=1)).replace(microsecond=0)

    def object_type_id(self, name: str) -> int:
        """The id of the object type called ``name`` (it must exist)."""
        found = self.b.ref("object_types", name)
        assert found is not None
        return found

    def stock_of(self, sample: Row, object_type: str) -> Row | None:
        """A live item of ``sample`` in containers of ``object_type``."""
        for item in self.b.store.lookup(
            "items", sample_id=sample["id"], object_type_id=self.object_type_id(object_type)
        ):
            if item["location"] != "deleted":
                return item
        return None

    def people(self) -> None:
        """The demo users (with the seed's neptune) and their budgets."""
        self.logins = [NEPTUNE["login"]]
        self.technicians = [NEPTUNE["login"]]
        for when, spec in zip(
            self.t.spread(self.rng, len(cat.USERS), 0.002, 0.03), cat.USERS, strict=True
        ):
            with self.b.at(when):
                self.b.user(**spec)
            login = str(spec["login"])
            if spec.get("up_to_date", True):
                self.logins.append(login)
            if spec.get("technician"):
                self.technicians.append(login)
        with self.b.at(self.t.at(0.035)):
            for spec in cat.BUDGETS:
                self.b.budget(**spec)

    def types(self) -> None:
        """The catalogue: sample, object, collection and operation types, libraries, wizards."""
        steps: list[Callable[[], object]] = [
            *(lambda spec=spec: self.b.sample_type(**spec) for spec in cat.SAMPLE_TYPES),
            *(lambda spec=spec: self.b.object_type(**spec) for spec in cat.OBJECT_TYPES),
            *(lambda spec=spec: self.b.collection_type(**spec) for spec in cat.COLLECTION_TYPES),
            *(lambda spec=spec: self.b.operation_type(**spec) for spec in cat.OPERATION_TYPES),
            *(lambda spec=spec: self.b.library(**spec) for spec in cat.LIBRARIES),
            *(lambda spec=spec: self.b.wizard(**spec) for spec in cat.WIZARDS),
        ]
        for when, step in zip(self.t.spread(self.rng, len(steps), 0.04, 0.08), steps, strict=True):
            with self.b.at(when):
                step()

    def inventory(self) -> None:
        """Samples and their stock items, spread over the first part of the timeline."""
        specs = sample_specs(self.rng, self.logins)
        plans = [item_plan(self.rng, sample_type) for sample_type, _ in specs]
        while sum(map(len, plans)) < MIN_STOCK_ITEMS:
            index = self.rng.randrange(len(plans))
            plans[index].append(plans[index][-1])
        times = self.t.spread(self.rng, len(specs), 0.08, 0.7)
        for i, ((sample_type, kwargs), when, containers) in enumerate(
            zip(specs, times, plans, strict=True)
        ):
            with self.b.at(when):
                sample = self.b.sample(sample_type=sample_type, **kwargs)
            self.samples.setdefault(sample_type, []).append(sample)
            gap = (times[i + 1] if i + 1 < len(times) else self.t.at(0.7)) - when
            offsets = sorted(self.rng.uniform(0.05, 0.9) for _ in containers)
            for offset, container in zip(offsets, containers, strict=True):
                prefix = next(o.get("prefix") for o in cat.OBJECT_TYPES if o["name"] == container)
                with self.b.at((when + gap * offset).replace(microsecond=0)):
                    item = self.b.item(sample, container, self.locations.next(prefix))
                self.stock_items.append(item)
        with self.b.at(self.t.at(0.1)):
            for _ in range(3):
                self.stock_items.append(self.b.item(None, "Ladder Aliquot", "Bench"))
            for _ in range(2):
                self.stock_items.append(self.b.item(None, "Orphan", "-80 freezer"))

    def collections(self) -> None:
        """Two 96-well plates (a yeast library and a primer plate), each with a note."""
        rng = self.rng
        wells = [(r, c) for r in range(8) for c in range(12)]
        strains = self.samples["Yeast Strain"]
        primers = self.samples["Primer"]
        layouts = (
            ("yeast library", {w: rng.choice(strains) for w in wells[: rng.randint(12, 30)]}),
            (
                "primer plate",
                {w: rng.choice(primers) for w in rng.sample(wells, rng.randint(16, 24))},
            ),
        )
        for (label, parts), when in zip(layouts, self.t.spread(rng, 2, 0.5, 0.7), strict=True):
            with self.b.at(when):
                plate = self.b.collection("96 Well Plate", parts, self.locations.next("M20", 0))
            with self.b.at(self.later(when, 1, 48)):
                self.b.data_association(plate, "notes", f"{label}, {len(parts)} wells filled")

    def history(self) -> None:
        """Measurements and notes on some items, and some items moved to ``deleted``."""
        rng = self.rng
        measured = [i for i in self.stock_items if i["sample_id"] is not None]
        for item in rng.sample(measured, len(measured) // 4):
            first = self.later(item["created_at"], 1, 72)
            with self.b.at(first):
                self.b.data_association(item, "concentration", round(rng.uniform(20, 250), 1))
            if rng.random() < 0.4:
                with self.b.at(self.later(first, 48, 400)):
                    self.b.data_association(item, "concentration", round(rng.uniform(10, 200), 1))
            if rng.random() < 0.2:
                with self.b.at(self.later(first, 1, 100)):
                    self.b.data_association(item, "notes", rng.choice(cat.ITEM_NOTES))
        doomed = rng.sample(measured, max(4, len(measured) // 12))
        for item in doomed:
            with self.b.at(self.later(item["created_at"], 24, 900)):
                self.b.delete_item(item)

    def invoices(self) -> None:
        """One invoice per budget and month with charges, the latest month still open."""
        months: dict[tuple[int, int, int], datetime] = {}
        for account in self.b.store.rows("accounts"):
            stamp = account["created_at"]
            key = (account["budget_id"], stamp.year, stamp.month)
            months[key] = max(months.get(key, stamp), stamp)
        latest = max((year, month) for _, year, month in months) if months else None
        for (budget_id, year, month), last in sorted(months.items()):
            status = "ready" if (year, month) == latest else "reconciled"
            with self.b.at(self.later(last, 1, 24)):
                self.b.invoice(budget_id, year, month, status=status)

    def build(self) -> None:
        """Build the whole demo lab, in timeline order."""
        self.people()
        self.types()
        self.inventory()
        self.collections()
        PlanMaker(self).plans()
        self.invoices()
        self.history()


def demo_lab(store: Store, seed: int = 0, *, anchor: datetime | None = None) -> None:
    """The Docker seed plus a realistic demo lab chosen by ``seed`` (see the module docstring)."""
    timeline = Timeline(anchor)
    builder = seed_lab(store, seed, anchor=timeline.end)
    DemoLab(builder, timeline).build()
