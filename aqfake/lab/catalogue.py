"""What the demo lab is made of, as data: people, types, name parts and locations.

:mod:`aqfake.lab.demo` turns these declarations into rows with a seeded random generator.
"""

from __future__ import annotations

from typing import Any

from . import standard
from .catalogue_load import Catalogue

#: Demo users besides neptune: login, password, name, admin, technician, up to date.
USERS: tuple[dict[str, Any], ...] = (
    {"login": "avega", "password": "vega-lab-1", "name": "Ada Vega", "technician": True},
    {"login": "cokafor", "password": "okafor-lab-2", "name": "Chidi Okafor", "admin": True},
    {"login": "slindqvist", "password": "lindqvist-3", "name": "Sara Lindqvist"},
    {"login": "ktanaka", "password": "tanaka-lab-4", "name": "Kenji Tanaka", "technician": True},
    {"login": "rookie", "password": "rookie-lab-5", "name": "Rory Rookie", "up_to_date": False},
)

BUDGETS: tuple[dict[str, Any], ...] = (
    {
        "name": "Yeast Toolkit R01",
        "contact": "Chidi Okafor",
        "email": "okafor@example.org",
        "phone": "206-555-0142",
        "description": "Grant-funded yeast toolkit development.",
        "overhead": 0.1,
        "users": {"neptune": 5000.0, "cokafor": 5000.0, "avega": 2000.0},
    },
    {
        "name": "Synthetic Biology Core",
        "contact": "Sara Lindqvist",
        "email": "core@example.org",
        "phone": "206-555-0177",
        "description": "Shared core facility budget.",
        "overhead": 0.25,
        "users": {"slindqvist": 1500.0, "ktanaka": 1500.0, "avega": 800.0},
    },
)

#: Rates copied onto the demo's ledger rows.
LABOR_RATE = 0.5
MARKUP_RATE = 0.3

PROJECTS = ("GFP reporters", "Yeast toolkit", "Biosensors", "Training")

MARKERS = ("Amp", "Kan", "Chlor", "Spec")
YEAST_MARKERS = ("URA3", "LEU2", "HIS3", "TRP1", "KanMX", "NatMX", "HygMX")
#: The mating types demo strains are drawn from (the field also allows Diploid).
MATING_TYPES = ("MATa", "MATalpha")

#: Containers only the demo lab has, beside the standard ones.
DEMO_OBJECT_TYPES: tuple[dict[str, Any], ...] = (
    {
        "name": "E coli Plate",
        "sample_type": "Plasmid",
        "prefix": "DFP",
        "unit": "plate",
        "cost": 0.5,
        "release_method": "dispose",
    },
    {"name": "Ladder Aliquot", "unit": "aliquot", "cost": 0.2, "release_method": "query"},
)

DEMO_COLLECTION_TYPES: tuple[dict[str, Any], ...] = (
    {
        "name": "Agarose Gel",
        "rows": 2,
        "columns": 6,
        "unit": "gel",
        "cost": 1.0,
        "release_method": "dispose",
    },
)

#: The demo lab's types: the standard catalogue plus the demo's own containers.
SAMPLE_TYPES: tuple[dict[str, Any], ...] = standard.SAMPLE_TYPES
OBJECT_TYPES: tuple[dict[str, Any], ...] = (*standard.OBJECT_TYPES, *DEMO_OBJECT_TYPES)
COLLECTION_TYPES: tuple[dict[str, Any], ...] = (
    *standard.COLLECTION_TYPES,
    *DEMO_COLLECTION_TYPES,
)
OPERATION_TYPES: tuple[dict[str, Any], ...] = standard.OPERATION_TYPES


def _in_order(
    specs: tuple[dict[str, Any], ...], first: tuple[str, ...]
) -> tuple[dict[str, Any], ...]:
    """``specs`` with the ones named in ``first`` leading, in that order."""
    by_name = {spec["name"]: spec for spec in specs}
    return (*(by_name[n] for n in first), *(s for s in specs if s["name"] not in first))


#: The demo lab creates the types it had before the standard catalogue first, so they keep
#: their ids (Primer Aliquot is object type 3, Rehydrate Primer operation type 2, ...);
#: containers and collections are created in one sequence.
DEMO_CONTAINERS: tuple[dict[str, Any], ...] = _in_order(
    (*OBJECT_TYPES, *({**c, "handler": "collection"} for c in COLLECTION_TYPES)),
    ("Primer Aliquot", "Primer Stock", "Plasmid Stock", "Fragment Stock",
     "Yeast Glycerol Stock", "Yeast Plate", "E coli Plate", "Ladder Aliquot", "96 Well Plate",
     "Stripwell", "Agarose Gel"),
)  # fmt: skip
DEMO_OPERATION_TYPES: tuple[dict[str, Any], ...] = _in_order(
    OPERATION_TYPES,
    ("Rehydrate Primer", "Make PCR Fragment", "Run Gel", "Extract Gel Slice",
     "Transform Cells", "Yeast Glycerol Stock"),
)  # fmt: skip

LIBRARIES: tuple[dict[str, str], ...] = (
    {"name": "Cloning Helpers", "category": "Cloning"},
    {"name": "Yeast Helpers", "category": "Yeast"},
)

DEMO_CATALOGUE = Catalogue(SAMPLE_TYPES, DEMO_CONTAINERS, (), DEMO_OPERATION_TYPES, LIBRARIES)

GENES = (
    "GFP",
    "mCherry",
    "URA3",
    "LEU2",
    "HIS3",
    "TRP1",
    "KanMX",
    "NatMX",
    "HygMX",
    "ADE2",
    "LacZ",
    "Cas9",
    "dCas9",
    "TetR",
    "LexA",
    "Gal4",
    "mTurquoise",
    "Venus",
    "AmpR",
    "CYC1t",
)
PROMOTERS = ("pTEF1", "pGAL1", "pADH1", "pCYC1", "pGPD", "pPGK1", "pREV1", "pRPL18B")
BACKBONES = ("pMOD", "pGGA", "pLAB", "pRS41")
#: The first primer pair, plasmid and fragment of every demo lab use these, whatever the seed.
LANDMARK_GENE = "GFP"
LANDMARK_PLASMID = ("pMOD", "pTEF1", LANDMARK_GENE)

#: E coli cloning hosts: name and genotype.
ECOLI_STRAINS = (
    ("DH5alpha", "F- endA1 glnV44 thi-1 recA1 relA1 gyrA96 deoR nupG"),
    ("NEB 10-beta", "araD139 delta(ara-leu)7697 fhuA lacX74 galK"),
    ("TOP10", "F- mcrA delta(mrr-hsdRMS-mcrBC) recA1 araD139"),
)

ROOT_STRAINS = ("W303-1A", "BY4741", "BY4742", "CEN.PK2-1C")

#: Where things sit outside the freezer grid.
LOOSE_LOCATIONS = ("Bench", "-80 freezer", "4C fridge", "Bench")

#: Freezer grid shape per prefix: (hotels, boxes per hotel, slots per box).
GRIDS = {"M20": (4, 16, 81), "M80": (3, 16, 81), "SF2": (1, 1, 400), "DFP": (1, 1, 200)}

#: Location wizards (freezers with numbered slots): name, description, (field, capacity) pairs.
WIZARDS: tuple[dict[str, Any], ...] = (
    {
        "name": "M20",
        "description": "-20C freezer",
        "fields": (("Hotel", -1), ("Box", GRIDS["M20"][1]), ("Slot", GRIDS["M20"][2])),
    },
    {
        "name": "M80",
        "description": "-80C freezer",
        "fields": (("Hotel", -1), ("Box", GRIDS["M80"][1]), ("Slot", GRIDS["M80"][2])),
    },
)

PLAN_FOLDERS = ("GFP builds", "Toolkit", None)

ITEM_NOTES = (
    "Lost some volume during transfer",
    "Verified by Sanger sequencing",
    "Re-streaked from glycerol stock",
    "Label smudged, relabelled",
)
