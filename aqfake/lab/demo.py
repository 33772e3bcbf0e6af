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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..store import Row, Store
from . import catalogue as cat
from .builder import LabBuilder
from .seed import NEPTUNE, seed_lab
from .timeline import Timeline

MIN_SAMPLES = 60
MIN_STOCK_ITEMS = 160
ACTIVE = ("done", "running", "error")


def _dna(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("ACGT") for _ in range(length))


def _initials(name: str) -> str:
    return "".join(part[0] for part in name.split()).upper()


class Locations:
    """Hands out storage locations: freezer grid slots per prefix, or loose places."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: dict[str, int] = {}

    def next(self, prefix: str | None, loose_chance: float = 0.1) -> str:
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


@dataclass
class Step:
    """One operation of a plan template.

    ``inputs``/``outputs`` map field names to a sample name, a plain value, or
    ``("wire", step_key, output_name)`` for an input fed by an earlier step's output.
    """

    key: str
    operation_type: str
    layer: int
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Made:
    """What a realised step produced: the operation and its outputs' field value specs."""

    operation: Row
    outputs: dict[str, dict[str, Any]]


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

    # -- helpers -------------------------------------------------------------------------------

    def later(self, when: datetime, low_hours: float, high_hours: float) -> datetime:
        """A random instant ``low..high`` hours after ``when``, never past the anchor."""
        moved = when + timedelta(hours=self.rng.uniform(low_hours, high_hours))
        return min(moved, self.t.end - timedelta(seconds=1)).replace(microsecond=0)

    def object_type_id(self, name: str) -> int:
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

    # -- people, money, types ------------------------------------------------------------------

    def people(self) -> None:
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
        steps = [
            *(lambda spec=spec: self.b.sample_type(**spec) for spec in cat.SAMPLE_TYPES),
            *(lambda spec=spec: self.b.object_type(**spec) for spec in cat.OBJECT_TYPES),
            *(lambda spec=spec: self.b.collection_type(**spec) for spec in cat.COLLECTION_TYPES),
            *(lambda spec=spec: self.b.operation_type(**spec) for spec in cat.OPERATION_TYPES),
            *(lambda spec=spec: self.b.library(**spec) for spec in cat.LIBRARIES),
        ]
        for when, step in zip(self.t.spread(self.rng, len(steps), 0.04, 0.08), steps, strict=True):
            with self.b.at(when):
                step()

    # -- samples -------------------------------------------------------------------------------

    def sample_specs(self) -> list[tuple[str, dict[str, Any]]]:
        """(sample type, keyword arguments) for every demo sample, in dependency order."""
        rng = self.rng
        specs: list[tuple[str, dict[str, Any]]] = []
        taken: set[str] = set()

        def add(
            sample_type: str,
            name: str,
            properties: dict[str, Any],
            description: str,
            user: str | None = None,
        ) -> None:
            taken.add(name.casefold())
            specs.append(
                (
                    sample_type,
                    {
                        "name": name,
                        "properties": properties,
                        "description": description,
                        "project": rng.choice(cat.PROJECTS),
                        "user": user or rng.choice(self.logins),
                    },
                )
            )

        numbers: dict[str, int] = {}

        def numbered(stem: str) -> int:
            numbers[stem] = numbers.get(stem, 0) + 1
            return numbers[stem]

        primer_pairs: list[tuple[str, str, str]] = []
        for _ in range(rng.randint(11, 14)):
            gene = rng.choice(cat.GENES)
            n = numbered(f"primer-{gene}")
            pair = (f"fwd-{gene}-{n:02d}", f"rev-{gene}-{n:02d}")
            for direction, name in zip(("Forward", "Reverse"), pair, strict=True):
                overhang = _dna(rng, rng.randint(15, 25)) if rng.random() < 0.7 else None
                add(
                    "Primer",
                    name,
                    {
                        "Overhang Sequence": overhang,
                        "Anneal Sequence": _dna(rng, rng.randint(18, 24)),
                        "T Anneal": round(rng.uniform(52, 66) * 2) / 2,
                    },
                    f"{direction} primer for {gene}",
                )
            primer_pairs.append((gene, *pair))

        plasmids: list[tuple[str, str]] = []
        target = rng.randint(12, 16)
        while len(plasmids) < target:
            gene = rng.choice(cat.GENES)
            name = f"{rng.choice(cat.BACKBONES)}-{rng.choice(cat.PROMOTERS)}-{gene}"
            if name.casefold() in taken:
                continue
            add(
                "Plasmid",
                name,
                {
                    "Sequence": f"https://sequences.example.org/plasmids/{name}.gb",
                    "Bacterial Marker": rng.choice(cat.MARKERS),
                    "Length": rng.randint(3000, 12000),
                },
                f"{gene} under {name.split('-')[1]}",
            )
            plasmids.append((gene, name))

        fragments: list[str] = []
        for _ in range(rng.randint(12, 16)):
            gene, forward, reverse = rng.choice(primer_pairs)
            matching = [p for g, p in plasmids if g == gene]
            template = rng.choice(matching or [p for _, p in plasmids])
            name = f"frag-{gene}-{numbered(f'frag-{gene}'):02d}"
            add(
                "Fragment",
                name,
                {
                    "Length": rng.randint(300, 4000),
                    "Template": template if rng.random() < 0.85 else None,
                    "Forward Primer": forward,
                    "Reverse Primer": reverse,
                },
                f"PCR product of {gene}",
            )
            fragments.append(name)

        strains: list[tuple[str, str]] = []
        for root in cat.ROOT_STRAINS:
            mating = rng.choice(cat.MATING_TYPES)
            add(
                "Yeast Strain",
                root,
                {"Parent": None, "Integrant": None, "Mating Type": mating},
                "Laboratory background strain",
            )
            strains.append((root, mating))
        integrants = [p for _, p in plasmids] + fragments
        for _ in range(rng.randint(10, 14)):
            parent, mating = rng.choice(strains)
            owner = rng.choice(self.logins)
            owner_name = next(str(u["name"]) for u in (NEPTUNE, *cat.USERS) if u["login"] == owner)
            stem = f"y{_initials(owner_name)}"
            name = f"{stem}{numbered(stem):03d}"
            integrant = rng.choice(integrants) if rng.random() < 0.8 else None
            add(
                "Yeast Strain",
                name,
                {
                    "Parent": parent,
                    "Integrant": integrant,
                    "Mating Type": mating if rng.random() < 0.9 else rng.choice(cat.MATING_TYPES),
                },
                f"{parent} with {integrant or 'no integrant'}",
                owner,
            )
            strains.append((name, mating))
        return specs

    def item_plan(self, sample_type: str) -> list[str]:
        """The object types of the items a new sample of ``sample_type`` gets."""
        rng = self.rng
        if sample_type == "Primer":
            return ["Primer Stock"] + ["Primer Aliquot"] * rng.randint(2, 3)
        if sample_type == "Plasmid":
            plates = ["E coli Plate"] if rng.random() < 0.6 else []
            return ["Plasmid Stock"] * rng.randint(1, 2) + plates
        if sample_type == "Fragment":
            return ["Fragment Stock"] * rng.randint(1, 2)
        plates = ["Yeast Plate"] if rng.random() < 0.5 else []
        return ["Yeast Glycerol Stock"] * rng.randint(1, 2) + plates

    def inventory(self) -> None:
        specs = self.sample_specs()
        plans = [self.item_plan(sample_type) for sample_type, _ in specs]
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
                    item = self.b.item(sample, container, self.locations.next(str(prefix)))
                self.stock_items.append(item)
        with self.b.at(self.t.at(0.1)):
            for _ in range(3):
                self.stock_items.append(self.b.item(None, "Ladder Aliquot", "Bench"))
            for _ in range(2):
                self.stock_items.append(self.b.item(None, "Orphan", "-80 freezer"))

    def collections(self) -> None:
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

    # -- plans ---------------------------------------------------------------------------------

    def cloning_steps(self) -> list[Step]:
        fragment = self.rng.choice(self.samples["Fragment"])
        values = {
            fv["name"]: fv
            for fv in self.b.store.lookup(
                "field_values", parent_class="Sample", parent_id=fragment["id"]
            )
        }
        forward = values["Forward Primer"]["child_sample_id"]
        reverse = values["Reverse Primer"]["child_sample_id"]
        template = (
            values["Template"]["child_sample_id"] or self.rng.choice(self.samples["Plasmid"])["id"]
        )
        name = fragment["name"]
        return [
            Step("rf", "Rehydrate Primer", 0, {"Primer": forward}, {"Primer Aliquot": forward}),
            Step("rr", "Rehydrate Primer", 0, {"Primer": reverse}, {"Primer Aliquot": reverse}),
            Step(
                "pcr",
                "Make PCR Fragment",
                1,
                {
                    "Forward Primer": ("wire", "rf", "Primer Aliquot"),
                    "Reverse Primer": ("wire", "rr", "Primer Aliquot"),
                    "Template": template,
                    "Extension Time": self.rng.choice((30, 45, 60, 90, 120)),
                },
                {"Fragment": name},
            ),
            Step(
                "gel",
                "Run Gel",
                2,
                {
                    "Fragment": ("wire", "pcr", "Fragment"),
                    "Ladder": None,
                    "Options": {"percentage": self.rng.choice((0.8, 1.0, 2.0)), "lanes": 1},
                },
                {"Fragment": name},
            ),
            Step(
                "ext",
                "Extract Fragment",
                3,
                {"Fragment": ("wire", "gel", "Fragment")},
                {"Fragment": name},
            ),
        ]

    def single_steps(
        self, operation_type: str, sample_type: str, field_in: str, field_out: str, count: int
    ) -> list[Step]:
        chosen = self.rng.sample(self.samples[sample_type], count)
        return [
            Step(f"s{i}", operation_type, 0, {field_in: s["id"]}, {field_out: s["id"]})
            for i, s in enumerate(chosen)
        ]

    def plan_specs(self) -> list[tuple[str, Callable[[], list[Step]], str]]:
        """(plan name stem, steps factory, progress) for every demo plan."""
        rng = self.rng
        plans: list[tuple[str, Callable[[], list[Step]], str]] = [
            ("Clone", self.cloning_steps, "done"),
            ("Clone", self.cloning_steps, "done"),
            ("Clone", self.cloning_steps, "running"),
            ("Clone", self.cloning_steps, "pending"),
            ("Clone", self.cloning_steps, "planning"),
            ("Clone", self.cloning_steps, "error"),
            (
                "Transform",
                lambda: self.single_steps(
                    "Transform Cells", "Plasmid", "Plasmid", "Transformed E Coli", rng.randint(2, 4)
                ),
                "done",
            ),
            (
                "Glycerol stocks",
                lambda: self.single_steps(
                    "Make Yeast Glycerol Stock",
                    "Yeast Strain",
                    "Strain",
                    "Stock",
                    rng.randint(2, 4),
                ),
                "scheduled",
            ),
        ]
        extra = rng.choice(("running", "done", "delayed"))
        plans.append(("Clone", self.cloning_steps, extra))
        return plans

    def step_status(self, progress: str, layer: int, frontier: int) -> str:
        """The status of an operation in ``layer`` of a plan whose progress is ``progress``."""
        if progress in ("done", "planning"):
            return progress
        if progress in ("pending", "scheduled", "delayed"):
            return progress if layer == 0 else "waiting"
        if layer < frontier:
            return "done"
        return progress if layer == frontier else "waiting"

    def realise_output(
        self, op_type: str, name: str, sample_id: int, when: datetime
    ) -> dict[str, Any]:
        """Make the item a finished operation produced; the output field value's spec."""
        field_type = next(
            ft
            for ft in self.b.field_types("OperationType", op_type, "operation_types")
            if ft["name"] == name and ft["role"] == "output"
        )
        aft = self.b.store.first("allowable_field_types", field_type_id=field_type["id"])
        assert aft is not None
        container = self.b.store.get("object_types", aft["object_type_id"])
        assert container is not None
        with self.b.at(when):
            if container["handler"] == "collection":
                holder = self.b.collection(container["id"], location="Bench")
                column = self.rng.randrange(container["columns"])
                self.b.part(holder, 0, column, sample_id)
                return {"sample": sample_id, "item": holder, "row": 0, "column": column}
            item = self.b.item(sample_id, container["id"], self.locations.next(container["prefix"]))
        return {"sample": sample_id, "item": item}

    def input_spec(
        self, op_type: str, name: str, value: Any, status: str, made: dict[str, _Made]
    ) -> Any:
        """The field value spec of an input: wired, a stock item of a sample, or a value."""
        if isinstance(value, tuple) and value[0] == "wire":
            upstream = made[value[1]].outputs[value[2]]
            return upstream if status in ACTIVE else {"sample": upstream["sample"]}
        field_type = next(
            ft
            for ft in self.b.field_types("OperationType", op_type, "operation_types")
            if ft["name"] == name and ft["role"] == "input"
        )
        afts = self.b.store.lookup("allowable_field_types", field_type_id=field_type["id"])
        if field_type["ftype"] == "item":
            ladder = self.stock_of_type(afts)
            return {"item": ladder} if status in ACTIVE and ladder else None
        if field_type["ftype"] != "sample":
            return {"value": value}
        spec: dict[str, Any] = {"sample": value}
        sample = self.b.row("samples", value)
        if status in ACTIVE:
            for aft in afts:
                container = self.b.store.get("object_types", aft["object_type_id"])
                if container and aft["sample_type_id"] == sample["sample_type_id"]:
                    stock = self.stock_of(sample, container["name"])
                    if stock is not None:
                        spec["item"] = stock
                        break
        return spec

    def stock_of_type(self, afts: list[Row]) -> Row | None:
        """A live sample-less item of the first allowed object type (e.g. a ladder aliquot)."""
        wanted = {aft["object_type_id"] for aft in afts}
        for item in self.stock_items:
            if item["object_type_id"] in wanted and item["location"] != "deleted":
                return item
        return None

    def run_plan(self, stem: str, steps: list[Step], progress: str, when: datetime) -> Row:
        rng = self.rng
        owner = rng.choice(self.logins)
        layers = sorted({s.layer for s in steps})
        frontier = rng.randint(1, max(layers)) if max(layers) > 0 else 0
        made: dict[str, _Made] = {}
        layer_times = {layer: self.later(when, 2 + 20 * layer, 6 + 24 * layer) for layer in layers}
        for step in sorted(steps, key=lambda s: s.layer):
            status = self.step_status(progress, step.layer, frontier)
            finished_at = layer_times[step.layer]
            inputs = {
                n: self.input_spec(step.operation_type, n, v, status, made)
                for n, v in step.inputs.items()
            }
            outputs = {
                n: (
                    self.realise_output(step.operation_type, n, s, finished_at)
                    if status == "done"
                    else {"sample": s}
                )
                for n, s in step.outputs.items()
            }
            with self.b.at(when):
                op = self.b.operation(
                    step.operation_type,
                    status=status,
                    inputs=inputs,
                    outputs=outputs,
                    user=owner,
                    x=float(64 + 192 * len(made) % 768),
                    y=float(64 + 128 * step.layer),
                )
            made[step.key] = _Made(op, outputs)
        wires = [
            (made[value[1]].operation, value[2], made[step.key].operation, name)
            for step in steps
            for name, value in step.inputs.items()
            if isinstance(value, tuple) and value[0] == "wire"
        ]
        fragment = next(iter(steps[-1].outputs.values()))
        sample = self.b.store.get("samples", fragment) if isinstance(fragment, int) else None
        label = sample["name"] if sample else fragment
        with self.b.at(when):
            plan = self.b.plan(
                f"{stem} {label}",
                [m.operation for m in made.values()],
                wires,
                status="planning" if progress == "planning" else None,
                user=owner,
                budget=rng.choice(("My First Budget", *(b["name"] for b in cat.BUDGETS))),
                folder=rng.choice(cat.PLAN_FOLDERS),
                cost_limit=rng.choice((None, 100.0, 250.0)),
            )
        self.jobs(steps, made, layer_times, owner)
        return plan

    def jobs(
        self,
        steps: list[Step],
        made: dict[str, _Made],
        layer_times: dict[int, datetime],
        owner: str,
    ) -> None:
        pcs = {"done": -2, "error": -2, "scheduled": -1}
        batches: dict[tuple[int, str], list[Row]] = {}
        for step in steps:
            op = made[step.key].operation
            if op["status"] in pcs or op["status"] == "running":
                batches.setdefault((step.layer, step.operation_type), []).append(op)
        for (layer, op_type), ops in batches.items():
            status = ops[0]["status"]
            pc = pcs.get(status, self.rng.randint(0, 3))
            with self.b.at(layer_times[layer]):
                job = self.b.job(
                    ops, pc=pc, user=self.rng.choice(self.technicians), submitted_by=owner
                )
            for op in ops:
                self.operation_data(op, op_type, status, job, layer_times[layer])

    def operation_data(self, op: Row, op_type: str, status: str, job: Row, when: datetime) -> None:
        """Data associations an operation picks up while it runs."""
        with self.b.at(self.later(when, 0.1, 1)):
            if status == "error":
                self.b.data_association(op, "job_crash", "Not enough volume in the input item")
            elif op_type == "Run Gel" and status == "done":
                upload = self.b.upload(job, f"gel_{op['id']}.jpg")
                self.b.data_association(op, "gel_image", upload["upload_file_name"], upload=upload)
            elif op_type == "Extract Fragment" and status == "done":
                self.b.data_association(op, "concentration", round(self.rng.uniform(10, 90), 1))

    def plans(self) -> None:
        specs = self.plan_specs()
        times = self.t.spread(self.rng, len(specs), 0.6, 0.9)
        for (stem, steps, progress), when in zip(specs, times, strict=True):
            plan = self.run_plan(stem, steps(), progress, when)
            with self.b.at(self.later(when, 0.5, 4)):
                self.b.data_association(plan, "notes", "Submitted for the weekly run")
            if self.rng.random() < 0.6:
                with self.b.at(self.later(when, 30, 120)):
                    self.b.data_association(plan, "notes", "Rescheduled after a reagent delay")

    # -- item history --------------------------------------------------------------------------

    def history(self) -> None:
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

    def build(self) -> None:
        self.people()
        self.types()
        self.inventory()
        self.collections()
        self.plans()
        self.history()


def demo_lab(store: Store, seed: int = 0, *, anchor: datetime | None = None) -> None:
    """The Docker seed plus a realistic demo lab chosen by ``seed`` (see the module docstring)."""
    timeline = Timeline(anchor)
    builder = seed_lab(store, seed, anchor=timeline.end)
    DemoLab(builder, timeline).build()
