"""The demo lab's samples, drawn from the catalogue: names, properties and their containers."""

from __future__ import annotations

import random
from typing import Any

from . import catalogue as cat
from .seed import NEPTUNE


def _dna(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("ACGT") for _ in range(length))


def _initials(name: str) -> str:
    return "".join(part[0] for part in name.split()).upper()


def sample_specs(rng: random.Random, logins: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """(sample type, keyword arguments) for every demo sample, in dependency order."""
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
                    "user": user or rng.choice(logins),
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
        owner = rng.choice(logins)
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


def item_plan(rng: random.Random, sample_type: str) -> list[str]:
    """The object types of the items a new sample of ``sample_type`` gets."""
    if sample_type == "Primer":
        return ["Primer Stock"] + ["Primer Aliquot"] * rng.randint(2, 3)
    if sample_type == "Plasmid":
        plates = ["E coli Plate"] if rng.random() < 0.6 else []
        return ["Plasmid Stock"] * rng.randint(1, 2) + plates
    if sample_type == "Fragment":
        return ["Fragment Stock"] * rng.randint(1, 2)
    plates = ["Yeast Plate"] if rng.random() < 0.5 else []
    return ["Yeast Glycerol Stock"] * rng.randint(1, 2) + plates
