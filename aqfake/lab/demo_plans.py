"""The demo lab's plans: operations wired into pipelines at every stage of their life.

Each plan follows a template of steps (e.g. rehydrate primers -> PCR -> gel -> extract); its
progress (done, running, pending, planning, error, ...) decides each operation's status,
whether finished operations produced items, and which jobs ran them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from ..domain.planning import layered_status
from ..store import Row
from . import catalogue as cat
from .builder import LabBuilder
from .timeline import Timeline
from .uploads import gel_image

ACTIVE = ("done", "running", "error")


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


class Places(Protocol):
    """Hands out storage locations (:class:`aqfake.lab.demo.Locations`)."""

    def next(self, prefix: str | None, loose_chance: float = 0.1) -> str:
        """A free location for an item of the container with ``prefix``."""
        ...


class DemoParts(Protocol):
    """What the plan maker reads from the demo lab under construction
    (:class:`aqfake.lab.demo.DemoLab`, which imports this module, so it is named structurally)."""

    b: LabBuilder
    rng: random.Random
    samples: dict[str, list[Row]]
    stock_items: list[Row]
    technicians: list[str]
    logins: list[str]
    t: Timeline

    @property
    def locations(self) -> Places:
        """Where new items go."""
        ...

    def later(self, when: datetime, low_hours: float, high_hours: float) -> datetime:
        """A random instant some hours after ``when``."""
        ...

    def object_type_id(self, name: str) -> int:
        """The id of the object type called ``name``."""
        ...

    def stock_of(self, sample: Row, object_type: str) -> Row | None:
        """A live item of ``sample`` in containers of ``object_type``."""
        ...

    def comp_cell_well(self) -> dict[str, Any]:
        """A well of a competent cell batch, as an input spec."""
        ...

    def gel_lane(self) -> dict[str, Any]:
        """A lane of a poured gel, as an input spec."""
        ...


class PlanMaker:
    """Builds the demo plans into a :class:`~aqfake.lab.demo.DemoLab` under construction."""

    def __init__(self, lab: DemoParts) -> None:
        self.lab = lab
        self.b = lab.b
        self.rng = lab.rng
        self.samples = lab.samples
        self.stock_items = lab.stock_items
        self.technicians = lab.technicians
        self.logins = lab.logins
        self.later = lab.later
        self.stock_of = lab.stock_of
        self.object_type_id = lab.object_type_id
        self.locations = lab.locations
        self.t = lab.t
        self.plan_names: set[str] = set()

    def cloning_steps(self) -> list[Step]:
        """A five-layer cloning plan for a random fragment: primer aliquots, PCR, gel, gel
        slice, purification."""
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
            Step("af", "Make Primer Aliquot", 0, {"Stock": forward}, {"Aliquot": forward}),
            Step("ar", "Make Primer Aliquot", 0, {"Stock": reverse}, {"Aliquot": reverse}),
            Step(
                "pcr",
                "Make PCR Fragment",
                1,
                {
                    "Forward Primer": ("wire", "af", "Aliquot"),
                    "Reverse Primer": ("wire", "ar", "Aliquot"),
                    "Template": template,
                },
                {"Fragment": name},
            ),
            Step(
                "gel",
                "Run Gel",
                2,
                {"Fragment": ("wire", "pcr", "Fragment"), "Gel": None},
                {"Fragment": name},
            ),
            Step(
                "ext",
                "Extract Gel Slice",
                3,
                {"Fragment": ("wire", "gel", "Fragment")},
                {"Fragment": name},
            ),
            Step(
                "pur",
                "Purify Gel Slice",
                4,
                {"Gel": ("wire", "ext", "Fragment")},
                {"Fragment": name},
            ),
        ]

    def single_steps(
        self,
        operation_type: str,
        sample_type: str,
        field_in: str,
        field_out: str,
        count: int,
        extra: Callable[[], dict[str, Any]] = dict,
    ) -> list[Step]:
        """``count`` one-step plans of ``operation_type``, each for a different sample;
        ``extra`` gives each step's other inputs."""
        chosen = self.rng.sample(self.samples[sample_type], count)
        return [
            Step(f"s{i}", operation_type, 0, {field_in: s["id"], **extra()}, {field_out: s["id"]})
            for i, s in enumerate(chosen)
        ]

    def comp_cells(self) -> dict[str, Any]:
        """The Comp Cells input of a transformation: a well of a competent cell batch."""
        return {"Comp Cells": self.lab.comp_cell_well()}

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
                    "Transform Cells",
                    "Plasmid",
                    "Plasmid",
                    "Transformed E Coli",
                    rng.randint(2, 4),
                    self.comp_cells,
                ),
                "done",
            ),
            (
                "Glycerol stocks",
                lambda: self.single_steps(
                    "Yeast Glycerol Stock", "Yeast Strain", "Yeast", "Yeast", rng.randint(2, 4)
                ),
                "scheduled",
            ),
        ]
        extra = rng.choice(("running", "done", "delayed"))
        plans.append(("Clone", self.cloning_steps, extra))
        return plans

    def io_field_type(self, op_type: str, name: str, role: str) -> Row:
        """The ``role`` field type called ``name`` of the operation type ``op_type``."""
        return next(
            ft
            for ft in self.b.field_types("OperationType", op_type, "operation_types")
            if ft["name"] == name and ft["role"] == role
        )

    def realise_output(
        self, op_type: str, name: str, sample_id: int, when: datetime
    ) -> dict[str, Any]:
        """Make the item a finished operation produced; the output field value's spec."""
        field_type = self.io_field_type(op_type, name, "output")
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
        field_type = self.io_field_type(op_type, name, "input")
        afts = self.b.store.lookup("allowable_field_types", field_type_id=field_type["id"])
        if field_type["ftype"] == "item":
            ladder = self.stock_of_type(afts)
            return {"item": ladder} if status in ACTIVE and ladder else None
        if field_type["ftype"] != "sample":
            return {"value": value}
        if isinstance(value, dict):
            return value if status in ACTIVE else {"sample": value.get("sample")}
        if value is None:
            return self.lab.gel_lane() if status in ACTIVE else None
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
        """Build one plan of ``steps`` up to ``progress``, with its operations, wires and jobs."""
        rng = self.rng
        owner = rng.choice(self.logins)
        layers = sorted({s.layer for s in steps})
        frontier = rng.randint(1, max(layers)) if max(layers) > 0 else 0
        made: dict[str, _Made] = {}
        layer_times = {layer: self.later(when, 2 + 20 * layer, 6 + 24 * layer) for layer in layers}
        for step in sorted(steps, key=lambda s: s.layer):
            status = layered_status(progress, step.layer, frontier)
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
                self.unique_name(f"{stem} {label}"),
                [m.operation for m in made.values()],
                wires,
                status="planning" if progress == "planning" else None,
                user=owner,
                budget=rng.choice(("My First Budget", *(b["name"] for b in cat.BUDGETS))),
                folder=rng.choice(cat.PLAN_FOLDERS),
                cost_limit=rng.choice((None, 100.0, 250.0)),
            )
        self.jobs(steps, made, layer_times, owner, plan)
        return plan

    def unique_name(self, name: str) -> str:
        """``name``, numbered when an earlier demo plan already has it."""
        candidate, number = name, 2
        while candidate.casefold() in self.plan_names:
            candidate, number = f"{name} #{number}", number + 1
        self.plan_names.add(candidate.casefold())
        return candidate

    def jobs(
        self,
        steps: list[Step],
        made: dict[str, _Made],
        layer_times: dict[int, datetime],
        owner: str,
        plan: Row,
    ) -> None:
        """Batch the plan's started operations into jobs, with their data and charges."""
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
                self.b.store.update("operations", op["id"], updated_at=layer_times[layer])
                self.operation_data(op, op_type, status, job, layer_times[layer])
                if status == "done":
                    self.charge(op, op_type, job, plan, layer_times[layer])

    def operation_data(self, op: Row, op_type: str, status: str, job: Row, when: datetime) -> None:
        """Data associations an operation picks up while it runs."""
        with self.b.at(self.later(when, 0.1, 1)):
            if status == "error":
                self.b.data_association(op, "job_crash", "Not enough volume in the input item")
            elif op_type == "Run Gel" and status == "done":
                upload = self.b.upload(
                    job,
                    f"gel_{op['id']}.svg",
                    content_type="image/svg+xml",
                    content=gel_image(f"gel of operation {op['id']}", 6, op["id"]),
                )
                self.b.data_association(op, "gel_image", upload["upload_file_name"], upload=upload)
            elif op_type == "Purify Gel Slice" and status == "done":
                self.b.data_association(op, "concentration", round(self.rng.uniform(10, 90), 1))

    def charge(self, op: Row, op_type: str, job: Row, plan: Row, when: datetime) -> None:
        """The labor and materials debits a finished operation books to its plan's budget."""
        labor, materials = next(o["cost"] for o in cat.OPERATION_TYPES if o["name"] == op_type)
        with self.b.at(self.later(when, 0.2, 1)):
            for category, amount in (("labor", labor), ("materials", materials)):
                self.b.account(
                    plan["budget_id"],
                    amount,
                    f"{op_type} (operation {op['id']})",
                    category=category,
                    user=plan["user_id"],
                    operation=op,
                    job=job,
                    labor_rate=cat.LABOR_RATE,
                    markup_rate=cat.MARKUP_RATE,
                )

    def plans(self) -> None:
        """Every demo plan, spread over the timeline."""
        specs = self.plan_specs()
        times = self.t.spread(self.rng, len(specs), 0.6, 0.9)
        for (stem, steps, progress), when in zip(specs, times, strict=True):
            plan = self.run_plan(stem, steps(), progress, when)
            with self.b.at(self.later(when, 0.5, 4)):
                self.b.data_association(plan, "notes", "Submitted for the weekly run")
            if self.rng.random() < 0.6:
                with self.b.at(self.later(when, 30, 120)):
                    self.b.data_association(plan, "notes", "Rescheduled after a reagent delay")
