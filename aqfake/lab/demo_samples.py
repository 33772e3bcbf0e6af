"""The demo lab's samples, drawn from the catalogue: names, properties and their containers.

Whatever the seed, the first sample of each kind is a landmark tests can name (see
``catalogue.LANDMARK_GENE``): primers ``fwd-GFP-01``/``rev-GFP-01``, plasmid
``pMOD-pTEF1-GFP``, fragment ``frag-GFP-01`` (made from those three) and the background
strains; everything after them is drawn from the seeded generator.
"""

from __future__ import annotations

import random
from typing import Any

from . import catalogue as cat
from .seed import NEPTUNE

SampleSpec = tuple[str, dict[str, Any]]


def _dna(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("ACGT") for _ in range(length))


def _initials(name: str) -> str:
    return "".join(part[0] for part in name.split()).upper()


class _Drafts:
    """Accumulates sample specs, keeping names unique and numbering them per stem."""

    def __init__(self, rng: random.Random, logins: list[str]) -> None:
        self.rng = rng
        self.logins = logins
        self.specs: list[SampleSpec] = []
        self.taken: set[str] = set()
        self.numbers: dict[str, int] = {}
        self.primer_pairs: list[tuple[str, str, str]] = []
        self.plasmids: list[tuple[str, str]] = []
        self.fragments: list[str] = []
        self.strains: list[tuple[str, str]] = []

    def add(
        self,
        sample_type: str,
        name: str,
        properties: dict[str, Any],
        description: str,
        user: str | None = None,
    ) -> None:
        self.taken.add(name.casefold())
        kwargs = {
            "name": name,
            "properties": properties,
            "description": description,
            "project": self.rng.choice(cat.PROJECTS),
            "user": user or self.rng.choice(self.logins),
        }
        self.specs.append((sample_type, kwargs))

    def numbered(self, stem: str) -> int:
        self.numbers[stem] = self.numbers.get(stem, 0) + 1
        return self.numbers[stem]

    def primers(self, pairs: int) -> None:
        rng = self.rng
        for index in range(pairs):
            gene = cat.LANDMARK_GENE if index == 0 else rng.choice(cat.GENES)
            n = self.numbered(f"primer-{gene}")
            pair = (f"fwd-{gene}-{n:02d}", f"rev-{gene}-{n:02d}")
            for direction, name in zip(("Forward", "Reverse"), pair, strict=True):
                overhang = _dna(rng, rng.randint(15, 25)) if rng.random() < 0.7 else None
                properties = {
                    "Overhang Sequence": overhang,
                    "Anneal Sequence": _dna(rng, rng.randint(18, 24)),
                    "T Anneal": round(rng.uniform(52, 66) * 2) / 2,
                }
                self.add("Primer", name, properties, f"{direction} primer for {gene}")
            self.primer_pairs.append((gene, *pair))

    def plasmid_parts(self) -> tuple[str, str, str]:
        if not self.plasmids:
            return cat.LANDMARK_PLASMID
        rng = self.rng
        return (rng.choice(cat.BACKBONES), rng.choice(cat.PROMOTERS), rng.choice(cat.GENES))

    def plasmid(self) -> None:
        backbone, promoter, gene = self.plasmid_parts()
        name = f"{backbone}-{promoter}-{gene}"
        if name.casefold() in self.taken:
            return
        properties = {
            "Sequence": f"https://sequences.example.org/plasmids/{name}.gb",
            "Bacterial Marker": self.rng.choice(cat.MARKERS),
            "Yeast Marker": self.rng.choice(cat.YEAST_MARKERS),
            "Length": self.rng.randint(3000, 12000),
            "Transformation Temperature": 37 if self.rng.random() < 0.85 else 30,
        }
        self.add("Plasmid", name, properties, f"{gene} under {promoter}")
        self.plasmids.append((gene, name))

    def fragment(self) -> None:
        rng = self.rng
        landmark = not self.fragments
        gene, forward, reverse = self.primer_pairs[0] if landmark else rng.choice(self.primer_pairs)
        matching = [p for g, p in self.plasmids if g == gene]
        template = rng.choice(matching or [p for _, p in self.plasmids])
        if landmark:
            template = self.plasmids[0][1]
        name = f"frag-{gene}-{self.numbered(f'frag-{gene}'):02d}"
        properties = {
            "Sequence": f"https://sequences.example.org/fragments/{name}.gb",
            "Length": rng.randint(300, 4000),
            "Template": template if landmark or rng.random() < 0.85 else None,
            "Forward Primer": forward,
            "Reverse Primer": reverse,
        }
        self.add("Fragment", name, properties, f"PCR product of {gene}")
        self.fragments.append(name)

    def roots(self) -> None:
        for root in cat.ROOT_STRAINS:
            mating = self.rng.choice(cat.MATING_TYPES)
            properties = {
                "Parent": None,
                "Integrant": None,
                "Mating Type": mating,
                "QC_length": self.rng.randint(400, 2500),
            }
            self.add("Yeast Strain", root, properties, "Laboratory background strain")
            self.strains.append((root, mating))

    def ecoli(self) -> None:
        for name, genotype in cat.ECOLI_STRAINS:
            properties = {"Genotype": genotype, "Parent": None}
            self.add("E coli strain", name, properties, "Cloning host strain")

    def strain(self) -> None:
        rng = self.rng
        parent, mating = rng.choice(self.strains)
        owner = rng.choice(self.logins)
        owner_name = next(str(u["name"]) for u in (NEPTUNE, *cat.USERS) if u["login"] == owner)
        stem = f"y{_initials(owner_name)}"
        name = f"{stem}{self.numbered(stem):03d}"
        integrants = [p for _, p in self.plasmids] + self.fragments
        integrant = rng.choice(integrants) if rng.random() < 0.8 else None
        _, qc1, qc2 = rng.choice(self.primer_pairs)
        properties = {
            "Parent": parent,
            "Integrant": integrant,
            "Mating Type": mating if rng.random() < 0.9 else rng.choice(cat.MATING_TYPES),
            "Integrated Marker(s)": rng.choice(cat.YEAST_MARKERS) if integrant else None,
            "QC Primer1": qc1,
            "QC Primer2": qc2,
            "QC_length": rng.randint(400, 2500),
            "Comp_cell_limit": rng.choice(("Yes", "No")),
            "Has this strain passed QC?": rng.choice(("Yes", "No")),
        }
        description = f"{parent} with {integrant or 'no integrant'}"
        self.add("Yeast Strain", name, properties, description, owner)
        self.strains.append((name, mating))


def sample_specs(rng: random.Random, logins: list[str]) -> list[SampleSpec]:
    """(sample type, keyword arguments) for every demo sample, in dependency order."""
    drafts = _Drafts(rng, logins)
    drafts.primers(rng.randint(11, 14))
    target = rng.randint(12, 16)
    while len(drafts.plasmids) < target:
        drafts.plasmid()
    for _ in range(rng.randint(12, 16)):
        drafts.fragment()
    drafts.ecoli()
    drafts.roots()
    for _ in range(rng.randint(10, 14)):
        drafts.strain()
    return drafts.specs


def item_plan(rng: random.Random, sample_type: str) -> list[str]:
    """The object types of the items a new sample of ``sample_type`` gets."""
    if sample_type == "Primer":
        return ["Primer Stock"] + ["Primer Aliquot"] * rng.randint(2, 3)
    if sample_type == "Plasmid":
        plates = ["E coli Plate"] if rng.random() < 0.6 else []
        return ["Plasmid Stock"] * rng.randint(1, 2) + plates
    if sample_type == "Fragment":
        return ["Fragment Stock"] * rng.randint(1, 2)
    if sample_type == "E coli strain":
        return ["Electrocompetent Aliquot"] * rng.randint(1, 2)
    plates = ["Yeast Plate"] if rng.random() < 0.5 else []
    return ["Yeast Glycerol Stock"] * rng.randint(1, 2) + plates
