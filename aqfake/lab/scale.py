"""Grow a lab that has the standard catalogue to a size, fast and deterministically.

:func:`grow` adds samples of every standard sample type with every property filled in and
linked (fragments name real primers and templates, strains real parents, plasmids and QC
primers), their items in freezer slots (with locators) and other places, collections with
parts, and plans following the catalogue's pipelines (:data:`~aqfake.lab.scale_data.PIPELINES`)
in every state, with operations, field values, wires, jobs, charges, data associations and
uploads whose bytes download. Rows go in through :meth:`Store.insert_many`, so a lab of a
hundred thousand samples builds in seconds; everything is drawn from ``random.Random(seed)``,
so the same seed grows the same lab.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from ..domain.planning import default_layout, job_state, layered_status
from ..store import Row, Store
from . import scale_data as data
from .catalogue import (
    BACKBONES,
    GENES,
    LABOR_RATE,
    LANDMARK_GENE,
    MARKUP_RATE,
    PROJECTS,
    PROMOTERS,
)
from .fields import number_text
from .standard import GEL_BOX, OPERATION_TYPES
from .timeline import Timeline
from .uploads import gel_image, register_seeded, sequencing_trace

#: Called as the lab grows with (units just built, units in all): samples, then plans.
Progress = Callable[[int, int], None]
ACTIVE = ("done", "running", "error")
IN_JOBS = {"done": -2, "error": -2, "scheduled": -1, "running": 0}
#: Grown samples leave the landmark gene (GFP) to the landmark samples, so a search for
#: ``fwd-GFP`` still finds just those.
_GROWN_GENES = tuple(g for g in GENES if g != LANDMARK_GENE)
_COSTS = {spec["name"]: spec.get("cost", (1.0, 1.0)) for spec in OPERATION_TYPES}


def sample_count(size: str | int) -> int:
    """The number of samples ``size`` (a preset name or a number) asks for."""
    if isinstance(size, bool) or not isinstance(size, (str, int)):
        raise ValueError(f"lab size {size!r}: give small, medium, large or a number of samples")
    if isinstance(size, str):
        text = size.strip().lower()
        if text in data.SIZES:
            return data.SIZES[text]
        if not text.isdigit():
            raise ValueError(
                f"lab size {size!r}: give one of {', '.join(data.SIZES)} or a number of samples"
            )
        size = int(text)
    if size < 0:
        raise ValueError(f"lab size {size}: the number of samples cannot be negative")
    return size


def _dna(rng: random.Random, length: int) -> str:
    return "".join(rng.choices("ACGT", k=length))


class _Slots:
    """Hands out freezer locations: wizard slots continue after the highest one in use."""

    def __init__(self, store: Store) -> None:
        self.wizards: dict[str, tuple[int, list[int]]] = {}
        for wizard in store.rows("wizards"):
            fields = json.loads(wizard["specification"])["fields"]
            self.wizards[wizard["name"]] = (wizard["id"], [f["capacity"] for f in fields])
        self.next: dict[str, int] = {}
        for locator in store.rows("locators"):
            name = store.get("wizards", locator["wizard_id"])
            if name is not None and locator["number"] is not None:
                key = name["name"]
                self.next[key] = max(self.next.get(key, 0), locator["number"] + 1)
        self.loose: dict[str, int] = {}

    def place(self, prefix: str | None) -> tuple[str, int | None, int | None]:
        """(location text, wizard id, slot number) for the next item of a container."""
        if prefix is None:
            return "Bench", None, None
        if prefix not in self.wizards:
            n = self.loose.get(prefix, 0) + 1
            self.loose[prefix] = n
            return f"{prefix}.{n}", None, None
        wizard_id, caps = self.wizards[prefix]
        number = self.next.get(prefix, 0)
        self.next[prefix] = number + 1
        digits, rest = [], number
        for cap in reversed(caps[1:]):
            digits.append(rest % cap)
            rest //= cap
        digits.append(rest)
        return ".".join([prefix, *map(str, reversed(digits))]), wizard_id, number


class Grower:
    """Grows one lab; see the module docstring."""

    def __init__(
        self,
        store: Store,
        rng: random.Random,
        timeline: Timeline,
        *,
        logins: Sequence[str],
        technicians: Sequence[str],
        progress: Progress | None = None,
    ) -> None:
        self.store = store
        self.rng = rng
        self.t = timeline
        self.report = progress
        self.total = 0
        self.users = [self._id("users", login=login) for login in logins]
        self.techs = [self._id("users", login=login) for login in technicians]
        self.budgets = [b["id"] for b in store.rows("budgets")]
        self.type_id = {st["name"]: st["id"] for st in store.rows("sample_types")}
        missing = [name for name, _ in data.SAMPLE_MIX if name not in self.type_id]
        if missing:
            raise ValueError(
                f"cannot grow this lab: it has no sample type {missing[0]!r}; load the standard "
                "catalogue first (LabBuilder.standard_catalogue())"
            )
        self.ot = {ot["name"]: ot for ot in store.rows("object_types")}
        self.op_types = {o["name"]: o for o in store.rows("operation_types")}
        self.fields: dict[tuple[str, int], list[Row]] = {}
        for ft in store.rows("field_types"):
            self.fields.setdefault((ft["parent_class"], ft["parent_id"]), []).append(ft)
        self.afts: dict[int, list[Row]] = {}
        for aft in store.rows("allowable_field_types"):
            self.afts.setdefault(aft["field_type_id"], []).append(aft)
        self.pool: dict[int, list[int]] = {}
        for sample in store.rows("samples"):
            self.pool.setdefault(sample["sample_type_id"], []).append(sample["id"])
        self.links: dict[int, dict[str, int]] = {}
        self.stock: dict[tuple[int, int], int] = {}
        self.slots = _Slots(store)
        self.part_type = self.ot["__Part"]["id"]
        self.serial = 0
        self.plan_serial = 0
        self.gel: tuple[int, int] | None = None

    # -- helpers --------------------------------------------------------------------------------

    def _id(self, table: str, **criteria: Any) -> int:
        row = self.store.first(table, **criteria)
        if row is None:
            raise ValueError(f"cannot grow this lab: no {table} row with {criteria}")
        return int(row["id"])

    def progress(self, units: int) -> None:
        """Tell the progress callback that ``units`` more are built."""
        if self.report is not None:
            self.report(units, self.total)

    def times(self, table: str, count: int, low: float, high: float) -> Iterator[datetime]:
        """``count`` ascending instants for new rows of ``table``: between two fractions of
        the timeline and never before its newest row, so ids and creation times rise
        together as in a real database (``last`` and ``reverse`` order by time)."""
        start = self.t.at(low)
        for row in self.store.rows(table):
            start = max(start, row["created_at"])
        span = max(0, int((self.t.at(high) - start).total_seconds()))
        offsets = sorted(self.rng.randint(0, span) for _ in range(count))
        return iter([start + timedelta(seconds=o) for o in offsets])

    def when(self, low: float, high: float) -> datetime:
        """A random whole-second instant between two fractions of the timeline."""
        return self.t.at(self.rng.uniform(low, high))

    def after(self, when: datetime, low_hours: float, high_hours: float) -> datetime:
        """A random instant some hours after ``when``, never past the anchor."""
        moved = when + timedelta(seconds=int(self.rng.uniform(low_hours, high_hours) * 3600))
        return min(moved, self.t.end - timedelta(seconds=1))

    def insert(self, table: str, rows: list[dict[str, Any]]) -> list[Row]:
        """Bulk-insert rows (stamped by their ``created_at``)."""
        for row in rows:
            row.setdefault("updated_at", row["created_at"])
        return self.store.insert_many(table, rows)

    def next_ids(self, table: str, count: int) -> list[int]:
        """Ids the next ``count`` rows of ``table`` will get (assigned explicitly)."""
        start = self.store.next_id(table)
        return list(range(start, start + count))

    # -- samples --------------------------------------------------------------------------------

    def counts(self, target: int) -> dict[str, int]:
        """New samples per sample type so the lab reaches ``target`` samples in all."""
        have = {name: len(self.pool.get(self.type_id[name], [])) for name, _ in data.SAMPLE_MIX}
        extra = max(0, target - self.store.count("samples"))
        wanted = {name: int(extra * share) for name, share in data.SAMPLE_MIX}
        # the shares' remainders go to the largest fractions, so the lab reaches ``target``
        by_fraction = sorted(data.SAMPLE_MIX, key=lambda mix: (extra * mix[1]) % 1, reverse=True)
        for name, _ in by_fraction[: max(0, extra - sum(wanted.values()))]:
            wanted[name] += 1
        return {
            name: max(wanted[name], data.MIN_PER_TYPE - have[name], 0)
            for name, _ in data.SAMPLE_MIX
        }

    def properties(self, type_name: str, name: str) -> dict[str, Any]:
        """Field values of a new sample: plain values, or sample ids for sample fields."""
        rng = self.rng
        pick = self.pick
        if type_name == "Primer":
            return {
                "Overhang Sequence": _dna(rng, rng.randint(15, 25)) if rng.random() < 0.7 else "",
                "Anneal Sequence": _dna(rng, rng.randint(18, 24)),
                "T Anneal": round(rng.uniform(52, 66) * 2) / 2,
            }
        if type_name == "Plasmid":
            return {
                "Sequence": f"https://sequences.example.org/plasmids/{name}.gb",
                "Sequence Verification": f"https://sequences.example.org/verified/{name}.ab1",
                "Bacterial Marker": rng.choice(("Amp", "Kan", "Chlor", "Spec")),
                "Yeast Marker": rng.choice(("URA3", "LEU2", "HIS3", "TRP1", "KanMX")),
                "Length": rng.randint(3000, 12000),
                "Transformation Temperature": 37 if rng.random() < 0.85 else 30,
            }
        if type_name == "Fragment":
            return {
                "Sequence": f"https://sequences.example.org/fragments/{name}.gb",
                "Length": rng.randint(300, 4000),
                "Template": pick("Plasmid"),
                "Forward Primer": pick("Primer"),
                "Reverse Primer": pick("Primer"),
                "Restriction Enzyme(s)": rng.choice(("", "BsaI", "EcoRI/XhoI")),
                "Yeast Marker": rng.choice(("", "URA3", "KanMX")),
                "Fragment Mix Array": [],
            }
        if type_name == "Yeast Strain":
            return {
                "Parent": pick("Yeast Strain"),
                "Integrant": pick("Fragment") if rng.random() < 0.7 else pick("Plasmid"),
                "Plasmid": pick("Plasmid") if rng.random() < 0.3 else None,
                "Mating Type": rng.choice(("MATa", "MATalpha", "Diploid")),
                "Integrated Marker(s)": rng.choice(("URA3", "LEU2", "HIS3", "KanMX")),
                "Plasmid Marker(s)": rng.choice(("", "TRP1", "NatMX")),
                "QC Primer1": pick("Primer"),
                "QC Primer2": pick("Primer"),
                "QC_length": rng.randint(400, 2500),
                "Comp_cell_limit": rng.choice(("Yes", "No")),
                "Has this strain passed QC?": rng.choice(("Yes", "No")),
            }
        if type_name == "E coli strain":
            return {"Genotype": rng.choice(data.ECOLI_GENOTYPES), "Parent": pick("E coli strain")}
        if type_name == "Enzyme":
            return {
                "Supplier": rng.choice(data.SUPPLIERS),
                "Recognition Site": _dna(rng, 6),
                "Incubation Temperature": rng.choice((37, 50, 65)),
            }
        if type_name == "Oligo Pool":
            count = rng.randint(1, 4)
            return {
                "Manufacturer": rng.choice(data.SUPPLIERS),
                "Oligo Library ID": f"OL{rng.randrange(10**6):06d}",
                "sublibrary name (array)": [f"sub{n + 1}" for n in range(count)],
                "min length (nt) (array)": [rng.randint(100, 150) for _ in range(count)],
                "max length (nt) (array)": [rng.randint(150, 300) for _ in range(count)],
                "variants (array)": [rng.randint(100, 20000) for _ in range(count)],
                "forward priming site (array)": [_dna(rng, 20) for _ in range(count)],
                "reverse priming site (array)": [_dna(rng, 20) for _ in range(count)],
            }
        if type_name == "DNA Library":
            return {
                "Oligo Pool": pick("Oligo Pool"),
                "Sequence": f"https://sequences.example.org/libraries/{name}.fasta",
            }
        if type_name == "Media":
            return {
                "Base": rng.choice(("LB", "TB", "YPAD", "SC", "SOC")),
                "Antibiotic": rng.choice(data.MEDIA_ANTIBIOTICS),
                "Dropout": rng.choice(("", "-URA", "-LEU", "-HIS")),
            }
        return {
            "Target": rng.choice(data.ANTIBODY_TARGETS),
            "Fluorophore": rng.choice(data.FLUOROPHORES),
        }

    def pick(self, type_name: str) -> int | None:
        """A random existing sample of a type, or None when there is none yet."""
        pool = self.pool.get(self.type_id[type_name])
        return self.rng.choice(pool) if pool else None

    def name(self, type_name: str) -> str:
        """A new unique sample name in the style of the type."""
        self.serial += 1
        n, rng = self.serial, self.rng
        gene = rng.choice(_GROWN_GENES)
        if type_name == "Primer":
            return f"{rng.choice(('fwd', 'rev'))}-{gene}-{n:05d}"
        if type_name == "Plasmid":
            return f"{rng.choice(BACKBONES)}-{rng.choice(PROMOTERS)}-{gene}-{n:05d}"
        if type_name == "Fragment":
            return f"frag-{gene}-{n:05d}"
        if type_name == "Yeast Strain":
            return f"yAQ{n:06d}"
        if type_name == "Enzyme":
            return f"{rng.choice(data.ENZYMES)} lot {n:05d}"
        if type_name == "Antibody":
            return f"anti-{rng.choice(data.ANTIBODY_TARGETS)} {rng.choice(data.FLUOROPHORES)} {n}"
        stems = {"E coli strain": "Ec", "Oligo Pool": "OP", "DNA Library": "lib", "Media": "media"}
        return f"{stems[type_name]}-{n:05d}"

    def samples(self, counts: dict[str, int]) -> list[Row]:
        """New samples (``counts`` per type) with their field values; returns the rows."""
        made: list[Row] = []
        clock = self.times("samples", sum(counts.values()), 0.7, 0.8)
        for type_name, count in counts.items():
            type_id = self.type_id[type_name]
            fts = self.fields.get(("SampleType", type_id), [])
            rows, values = [], []
            ids = self.next_ids("samples", count)
            pool = self.pool.setdefault(type_id, [])
            for sample_id in ids:
                name = self.name(type_name)
                when = next(clock)
                props = self.properties(type_name, name)
                rows.append(
                    {
                        "id": sample_id,
                        "name": name,
                        "sample_type_id": type_id,
                        "project": self.rng.choice(PROJECTS),
                        "user_id": self.rng.choice(self.users),
                        "description": f"{type_name} {name}",
                        "created_at": when,
                    }
                )
                links = self.links.setdefault(sample_id, {})
                for ft in fts:
                    value = props.get(ft["name"])
                    many = value if isinstance(value, list) and ft["array"] else [value]
                    for one in many or [None]:
                        fv: dict[str, Any] = {
                            "parent_id": sample_id,
                            "parent_class": "Sample",
                            "name": ft["name"],
                            "field_type_id": ft["id"],
                            "created_at": when,
                        }
                        if ft["ftype"] == "sample":
                            fv["child_sample_id"] = one
                            if one is not None:
                                links.setdefault(ft["name"], one)
                        elif one is not None and one != "":
                            fv["value"] = number_text(one) if ft["ftype"] == "number" else str(one)
                        values.append(fv)
                pool.append(sample_id)
            made += self.insert("samples", rows)
            self.insert("field_values", values)
            self.progress(count)
        return made

    # -- items ----------------------------------------------------------------------------------

    def items(self, samples: list[Row]) -> None:
        """Stock items of the new samples, placed in freezer slots or elsewhere."""
        name_of = {v: k for k, v in self.type_id.items()}
        items, locators, notes = [], [], []
        item_ids = iter(range(self.store.next_id("items"), 1 << 62))
        locator_ids = iter(range(self.store.next_id("locators"), 1 << 62))
        last = max((i["created_at"] for i in self.store.rows("items")), default=self.t.start)
        for sample in samples:
            for container, share, most in data.STOCKS.get(name_of[sample["sample_type_id"]], ()):
                if self.rng.random() >= share:
                    continue
                ot = self.ot[container]
                for _ in range(self.rng.randint(1, most)):
                    when = last = max(last, self.after(sample["created_at"], 1, 300))
                    item_id = next(item_ids)
                    item: dict[str, Any] = {
                        "id": item_id,
                        "sample_id": sample["id"],
                        "object_type_id": ot["id"],
                        "quantity": 1,
                        "inuse": 0,
                        "created_at": when,
                    }
                    if self.rng.random() < data.DELETED_SHARE:
                        item.update(location="deleted", quantity=-1, inuse=-1)
                        item["updated_at"] = self.after(when, 24, 600)
                    else:
                        location, wizard, number = self.slots.place(ot["prefix"])
                        item["location"] = location
                        if wizard is not None:
                            locator_id = next(locator_ids)
                            item["locator_id"] = locator_id
                            locators.append(
                                {
                                    "id": locator_id,
                                    "wizard_id": wizard,
                                    "item_id": item_id,
                                    "number": number,
                                    "created_at": when,
                                }
                            )
                        self.stock.setdefault((sample["id"], ot["id"]), item_id)
                        if self.rng.random() < 0.2:
                            notes.append(
                                self._da(
                                    "Item",
                                    item_id,
                                    "concentration",
                                    round(self.rng.uniform(20, 250), 1),
                                    self.after(when, 1, 72),
                                )
                            )
                    items.append(item)
        self.insert("items", items)
        self.insert("locators", locators)
        self.insert("data_associations", notes)

    def _da(
        self, parent_class: str, parent_id: int, key: str, value: Any, when: datetime, **kw: Any
    ) -> dict[str, Any]:
        return {
            "parent_class": parent_class,
            "parent_id": parent_id,
            "key": key,
            "object": json.dumps({key: value}),
            "created_at": when,
            **kw,
        }

    # -- collections ----------------------------------------------------------------------------

    def collection(
        self, container: str, parts: dict[tuple[int, int], int | None], when: datetime
    ) -> int:
        """A collection item with part items; returns its id."""
        ot = self.ot[container]
        location, wizard, number = self.slots.place(ot["prefix"])
        collection_id = self.store.next_id("items")
        row: dict[str, Any] = {
            "id": collection_id,
            "object_type_id": ot["id"],
            "location": location,
            "quantity": 1,
            "inuse": 0,
            "created_at": when,
        }
        locator: list[dict[str, Any]] = []
        if wizard is not None:
            row["locator_id"] = self.store.next_id("locators")
            locator.append(
                {
                    "wizard_id": wizard,
                    "item_id": collection_id,
                    "number": number,
                    "created_at": when,
                }
            )
        part_rows = [
            {
                "object_type_id": self.part_type,
                "sample_id": sample,
                "quantity": 1,
                "inuse": 0,
                "created_at": when,
            }
            for sample in parts.values()
        ]
        self.insert("items", [row])
        self.insert("locators", locator)
        made = self.insert("items", part_rows)
        self.insert(
            "part_associations",
            [
                {
                    "part_id": part["id"],
                    "collection_id": collection_id,
                    "row": r,
                    "column": c,
                    "created_at": when,
                }
                for part, (r, c) in zip(made, parts, strict=True)
            ],
        )
        return collection_id

    def collections(self, count: int) -> None:
        """Plates of strains and primers, stripwells of fragments, competent cell batches."""
        kinds = (
            ("96 Well Plate", "Yeast Strain", 8, 12),
            ("96 Well Plate", "Primer", 8, 12),
            ("Stripwell", "Fragment", 1, 12),
            ("E. coli Comp Cell Batch", "E coli strain", 10, 10),
        )
        for n in range(count):
            container, type_name, rows, columns = kinds[n % len(kinds)]
            wells = [(r, c) for r in range(rows) for c in range(columns)]
            filled = sorted(self.rng.sample(wells, self.rng.randint(len(wells) // 4, len(wells))))
            pool = self.pool[self.type_id[type_name]]
            self.collection(
                container, {w: self.rng.choice(pool) for w in filled}, self.when(0.3, 0.75)
            )

    # -- plans ----------------------------------------------------------------------------------

    def output_item(self, aft: Row, sample: int | None, when: datetime) -> dict[str, Any]:
        """The item a finished operation made for one output, as field value columns."""
        ot = self.store.get("object_types", aft["object_type_id"])
        assert ot is not None
        if ot["handler"] == "collection":
            collection = self.collection(ot["name"], {(0, 0): sample}, when)
            return {"child_item_id": collection, "row": 0, "column": 0}
        location, _, _ = self.slots.place(
            None if ot["prefix"] in self.slots.wizards else ot["prefix"]
        )
        item = self.insert(
            "items",
            [
                {
                    "sample_id": sample,
                    "object_type_id": ot["id"],
                    "location": location,
                    "quantity": 1,
                    "inuse": 0,
                    "created_at": when,
                }
            ],
        )[0]
        return {"child_item_id": item["id"]}

    def lane(self, when: datetime) -> dict[str, Any]:
        """A lane of a poured gel (one gel holds twelve)."""
        if self.gel is None or self.gel[1] >= 12:
            self.gel = (self.collection(GEL_BOX, {}, when), 0)
        gel, used = self.gel
        self.gel = (gel, used + 1)
        return {"child_item_id": gel, "row": used // 6, "column": used % 6}

    def side_sample(self, op_type: str, field: str, main: int, afts: list[Row]) -> int | None:
        """The sample of an input: the plan's own, one its properties name (primers, parents),
        any of a type (enzymes, competent cells), or None for sample-less inputs (gel lanes)."""
        typed = [a["sample_type_id"] for a in afts if a["sample_type_id"] is not None]
        if not typed:
            return None
        how = data.SIDE_INPUTS.get((op_type, field))
        if how is None:
            return main
        kind, what = how
        linked = self.links.get(main, {}).get(what) if kind == "property" else None
        if linked is not None:
            return linked
        pool = self.pool.get(typed[0] if kind == "property" else self.type_id[what])
        return self.rng.choice(pool) if pool else None

    def plan(self, type_name: str, steps: tuple[str, ...], progress: str, start: datetime) -> None:
        """One plan following ``steps`` for a sample of ``type_name``, as far as ``progress``."""
        rng = self.rng
        main = rng.choice(self.pool[self.type_id[type_name]])
        owner = rng.choice(self.users)
        frontier = rng.randint(0, len(steps) - 1)
        ops, fvs, wires, jobs, accounts, notes = [], [], [], [], [], []
        previous: list[dict[str, Any]] = []
        op_ids = self.next_ids("operations", len(steps))
        fv_id = self.store.next_id("field_values")
        for layer, (op_name, op_id) in enumerate(zip(steps, op_ids, strict=True)):
            status = layered_status(progress, layer, frontier)
            when = self.after(start, 2 + 20 * layer, 6 + 24 * layer)
            op_type = self.op_types[op_name]
            ran = status in IN_JOBS
            ops.append(
                {
                    "id": op_id,
                    "operation_type_id": op_type["id"],
                    "status": status,
                    "user_id": owner,
                    "x": float(64 + 192 * layer),
                    "y": 64.0,
                    "created_at": start,
                    "updated_at": when if ran else start,
                }
            )
            outputs: list[dict[str, Any]] = []
            for ft in self.fields.get(("OperationType", op_type["id"]), []):
                afts = self.afts.get(ft["id"], [])
                base: dict[str, Any] = {
                    "parent_id": op_id,
                    "parent_class": "Operation",
                    "role": ft["role"],
                    "name": ft["name"],
                    "field_type_id": ft["id"],
                    "created_at": start,
                }
                if not afts:
                    choices = (ft["choices"] or "").split(",") if ft["choices"] else None
                    value = (
                        rng.choice(choices)
                        if choices
                        else rng.choice(data.PARAMETER_VALUES.get(ft["name"], (30, 60, 90)))
                    )
                    text = number_text(value) if ft["ftype"] == "number" else str(value)
                    fvs.append({**base, "id": fv_id, "value": text})
                    fv_id += 1
                    continue
                many = 2 if ft["array"] else 1
                for _ in range(many):
                    sample = (
                        self.side_sample(op_name, ft["name"], main, afts)
                        if ft["role"] == "input"
                        else main
                    )
                    aft = _choose(afts, self.store, sample, previous if sample == main else [])
                    fv = {
                        **base,
                        "id": fv_id,
                        "child_sample_id": sample,
                        "allowable_field_type_id": aft["id"],
                    }
                    fv_id += 1
                    pair = (aft["sample_type_id"], aft["object_type_id"])
                    upstream = next(
                        (
                            p
                            for p in previous
                            if ft["role"] == "input"
                            and p["aft_pair"] == pair
                            and p["sample"] == sample
                        ),
                        None,
                    )
                    if upstream is not None:
                        wires.append(
                            {
                                "from_id": upstream["fv"],
                                "to_id": fv["id"],
                                "active": True,
                                "created_at": start,
                            }
                        )
                    if ft["role"] == "input" and status in ACTIVE:
                        fv.update(self.input_item(aft, sample, upstream, start))
                    if ft["role"] == "output" and status == "done":
                        fv.update(self.output_item(aft, sample, when))
                    if ft["role"] == "output":
                        outputs.append(
                            {
                                "fv": fv["id"],
                                "aft_pair": pair,
                                "sample": sample,
                                "item": {k: fv.get(k) for k in ("child_item_id", "row", "column")},
                            }
                        )
                    fvs.append(fv)
            previous = outputs
            if ran:
                jobs.append(
                    (
                        op_id,
                        op_type["id"],
                        IN_JOBS[status] if status != "running" else rng.randint(0, 3),
                        when,
                    )
                )
            if status == "done":
                labor, materials = _COSTS.get(op_name, (1.0, 1.0))
                for category, amount in (("labor", labor), ("materials", materials)):
                    accounts.append((op_id, category, amount, when, op_name))
                notes.append((op_id, op_name, when))
        self.plan_serial += 1
        sample_name = self.store.get("samples", main)
        assert sample_name is not None
        plan_name = f"{steps[0]} {sample_name['name']} #{self.plan_serial}"
        plan = self.insert(
            "plans",
            [
                {
                    "user_id": owner,
                    "budget_id": rng.choice(self.budgets),
                    "name": plan_name,
                    "status": "planning" if progress == "planning" else None,
                    "layout": json.dumps(default_layout(plan_name)),
                    "created_at": start,
                }
            ],
        )[0]
        self.insert("operations", ops)
        self.insert("field_values", fvs)
        self.insert("wires", wires)
        self.insert(
            "plan_associations",
            [{"plan_id": plan["id"], "operation_id": o["id"], "created_at": start} for o in ops],
        )
        self.jobs_for(plan, jobs, owner, accounts, notes)

    def input_item(
        self, aft: Row, sample: int | None, upstream: dict[str, Any] | None, when: datetime
    ) -> dict[str, Any]:
        """The item a started operation uses for one input: the upstream output's, a stock
        item of the sample, or a new one."""
        if upstream is not None and upstream["item"]["child_item_id"] is not None:
            return dict(upstream["item"])
        if sample is None:
            return self.lane(when)
        found = self.stock.get((sample, aft["object_type_id"]))
        if found is not None:
            return {"child_item_id": found}
        made = self.output_item(aft, sample, when)
        if "row" not in made:
            self.stock[(sample, aft["object_type_id"])] = made["child_item_id"]
        return made

    def jobs_for(
        self,
        plan: Row,
        jobs: list[tuple[int, int, int, datetime]],
        owner: int,
        accounts: list[tuple[int, str, float, datetime, str]],
        notes: list[tuple[int, str, datetime]],
    ) -> None:
        """Jobs for the operations that ran, their charges, data and uploads."""
        job_of: dict[int, int] = {}
        for op_id, type_id, pc, when in jobs:
            job = self.insert(
                "jobs",
                [
                    {
                        "user_id": self.rng.choice(self.techs),
                        "arguments": json.dumps({"operation_type_id": type_id}),
                        "state": json.dumps(job_state(type_id, pc, when)),
                        "path": "operation.rb",
                        "pc": pc,
                        "group_id": self._technicians(),
                        "submitted_by": owner,
                        "created_at": when,
                    }
                ],
            )[0]
            self.insert(
                "job_associations",
                [{"job_id": job["id"], "operation_id": op_id, "created_at": when}],
            )
            job_of[op_id] = job["id"]
        self.insert(
            "accounts",
            [
                {
                    "transaction_type": "debit",
                    "amount": amount,
                    "user_id": plan["user_id"],
                    "budget_id": plan["budget_id"],
                    "category": category,
                    "job_id": job_of[op_id],
                    "description": f"{name} (operation {op_id})",
                    "labor_rate": LABOR_RATE,
                    "markup_rate": MARKUP_RATE,
                    "operation_id": op_id,
                    "created_at": self.after(when, 0.2, 1),
                }
                for op_id, category, amount, when, name in accounts
            ],
        )
        das = [
            self._da(
                "Plan",
                plan["id"],
                "notes",
                "Submitted for the weekly run",
                self.after(plan["created_at"], 0.5, 4),
            )
        ]
        for op_id, name, when in notes:
            stamp = self.after(when, 0.1, 1)
            if name in ("Run Gel", "Upload Sequencing Results"):
                das.append(self.upload_da(op_id, name, job_of[op_id], stamp))
            elif self.rng.random() < 0.3:
                das.append(
                    self._da(
                        "Operation",
                        op_id,
                        "concentration",
                        round(self.rng.uniform(10, 90), 1),
                        stamp,
                    )
                )
        self.insert("data_associations", das)

    def upload_da(self, op_id: int, name: str, job_id: int, when: datetime) -> dict[str, Any]:
        """An upload with real bytes (a gel image or a sequencing trace) and its association."""
        if name == "Run Gel":
            file_name, kind, key = f"gel_{op_id}.svg", "image/svg+xml", "gel_image"
            content = gel_image(f"gel of operation {op_id}", 6, op_id)
        else:
            file_name, kind, key = f"trace_{op_id}.csv", "text/csv", "sequencing_results"
            content = sequencing_trace(f"operation {op_id}", _dna(self.rng, 60))
        upload = self.insert(
            "uploads",
            [
                {
                    "job_id": job_id,
                    "upload_file_name": file_name,
                    "upload_content_type": kind,
                    "upload_file_size": len(content),
                    "upload_updated_at": when,
                    "created_at": when,
                }
            ],
        )[0]
        register_seeded(upload, content)
        return self._da("Operation", op_id, key, file_name, when, upload_id=upload["id"])

    def _technicians(self) -> int | None:
        found = self.store.first("groups", name="technicians")
        return int(found["id"]) if found else None

    def plans(self, count: int) -> None:
        """``count`` plans over the pipelines, in every state."""
        names, weights = zip(*data.PROGRESS, strict=True)
        clock = self.times("plans", count, 0.6, 0.95)
        for n in range(count):
            type_name, steps = data.PIPELINES[n % len(data.PIPELINES)]
            self.plan(type_name, steps, self.rng.choices(names, weights)[0], next(clock))
            if n % 100 == 99 or n == count - 1:
                self.progress(n % 100 + 1)

    def grow(self, target: int) -> None:
        """Grow the lab to ``target`` samples, with items, collections and plans to match."""
        if target <= self.store.count("samples"):
            return
        counts = self.counts(target)
        plans = target // 5 if target <= 5000 else 1000 + target // 50
        self.total = sum(counts.values()) + plans
        made = self.samples(counts)
        self.items(made)
        self.collections(max(4, target // 60))
        self.plans(plans)


def _choose(
    afts: list[Row], store: Store, sample: int | None, upstream: list[dict[str, Any]]
) -> Row:
    """The allowable field type for ``sample``: one an upstream output used, else the first of
    the sample's type (or the sample-less one)."""
    wanted = {u["aft_pair"] for u in upstream if "aft_pair" in u}
    row = store.get("samples", sample) if sample is not None else None
    type_id = row["sample_type_id"] if row is not None else None
    fitting = [a for a in afts if a["sample_type_id"] == type_id] or afts
    for aft in fitting:
        if (aft["sample_type_id"], aft["object_type_id"]) in wanted:
            return aft
    return fitting[0]
