"""What the demo lab is made of, as data: people, types, name parts and locations.

:mod:`aqfake.lab.demo` turns these declarations into rows with a seeded random generator.
"""

from __future__ import annotations

from typing import Any

from .builder import Field

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
MATING_TYPES = ("MATa", "MATalpha")

#: Sample types in creation order (a ``sample`` field may only allow types declared earlier,
#: or its own type).
SAMPLE_TYPES: tuple[dict[str, Any], ...] = (
    {
        "name": "Primer",
        "description": "A short single-stranded DNA oligo",
        "fields": (
            Field("Overhang Sequence"),
            Field("Anneal Sequence", required=True),
            Field("T Anneal", "number", required=True),
        ),
    },
    {
        "name": "Plasmid",
        "description": "A circular double-stranded DNA molecule",
        "fields": (
            Field("Sequence", "url"),
            Field("Bacterial Marker", choices=MARKERS, required=True),
            Field("Length", "number"),
        ),
    },
    {
        "name": "Fragment",
        "description": "A linear double-stranded DNA fragment",
        "fields": (
            Field("Length", "number", required=True),
            Field("Template", "sample", allowable=("Plasmid",)),
            Field("Forward Primer", "sample", allowable=("Primer",), required=True),
            Field("Reverse Primer", "sample", allowable=("Primer",), required=True),
        ),
    },
    {
        "name": "Yeast Strain",
        "description": "A strain of Saccharomyces cerevisiae",
        "fields": (
            Field("Parent", "sample", allowable=("Yeast Strain",)),
            Field("Integrant", "sample", allowable=("Plasmid", "Fragment")),
            Field("Mating Type", choices=MATING_TYPES, required=True),
        ),
    },
)

#: Object types: name, sample type, prefix (the freezer a wizard would place it in), unit, cost.
OBJECT_TYPES: tuple[dict[str, Any], ...] = (
    {
        "name": "Primer Aliquot",
        "sample_type": "Primer",
        "prefix": "M20",
        "unit": "aliquot",
        "max": 10,
        "cost": 0.05,
    },
    {
        "name": "Primer Stock",
        "sample_type": "Primer",
        "prefix": "M20",
        "unit": "stock",
        "cost": 5.0,
    },
    {
        "name": "Plasmid Stock",
        "sample_type": "Plasmid",
        "prefix": "M20",
        "unit": "stock",
        "cost": 1.5,
    },
    {
        "name": "Fragment Stock",
        "sample_type": "Fragment",
        "prefix": "SF2",
        "unit": "stock",
        "cost": 1.0,
    },
    {
        "name": "Yeast Glycerol Stock",
        "sample_type": "Yeast Strain",
        "prefix": "M80",
        "unit": "vial",
        "cost": 0.8,
    },
    {
        "name": "Yeast Plate",
        "sample_type": "Yeast Strain",
        "prefix": "DFP",
        "unit": "plate",
        "cost": 0.6,
        "release_method": "dispose",
    },
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

COLLECTION_TYPES: tuple[dict[str, Any], ...] = (
    {"name": "96 Well Plate", "rows": 8, "columns": 12, "unit": "plate", "cost": 2.0},
    {
        "name": "Stripwell",
        "rows": 1,
        "columns": 12,
        "unit": "stripwell",
        "cost": 0.5,
        "release_method": "dispose",
    },
    {
        "name": "Agarose Gel",
        "rows": 2,
        "columns": 6,
        "unit": "gel",
        "cost": 1.0,
        "release_method": "dispose",
    },
)

#: Operation types; inputs/outputs are Fields whose ``allowable`` holds
#: ``(sample type, object type)`` pairs.
OPERATION_TYPES: tuple[dict[str, Any], ...] = (
    {
        "name": "Rehydrate Primer",
        "category": "Cloning",
        "inputs": (Field("Primer", "sample", allowable=(("Primer", "Primer Stock"),)),),
        "outputs": (Field("Primer Aliquot", "sample", allowable=(("Primer", "Primer Aliquot"),)),),
        "cost": (2.0, 0.5),
    },
    {
        "name": "Make PCR Fragment",
        "category": "Cloning",
        "inputs": (
            Field(
                "Forward Primer", "sample", allowable=(("Primer", "Primer Aliquot"),), routing="FP"
            ),
            Field(
                "Reverse Primer", "sample", allowable=(("Primer", "Primer Aliquot"),), routing="RP"
            ),
            Field(
                "Template",
                "sample",
                allowable=(("Plasmid", "Plasmid Stock"), ("Fragment", "Fragment Stock")),
                routing="T",
            ),
            Field("Extension Time", "number"),
        ),
        "outputs": (
            Field(
                "Fragment", "sample", allowable=(("Fragment", "Stripwell"),), part=True, routing="F"
            ),
        ),
        "cost": (6.0, 3.5),
    },
    {
        "name": "Run Gel",
        "category": "Cloning",
        "inputs": (
            Field(
                "Fragment", "sample", allowable=(("Fragment", "Stripwell"),), part=True, routing="F"
            ),
            Field("Ladder", "item", allowable=((None, "Ladder Aliquot"),)),
            Field("Options", "json"),
        ),
        "outputs": (
            Field(
                "Fragment",
                "sample",
                allowable=(("Fragment", "Agarose Gel"),),
                part=True,
                routing="F",
            ),
        ),
        "cost": (4.0, 2.0),
    },
    {
        "name": "Extract Fragment",
        "category": "Cloning",
        "inputs": (
            Field(
                "Fragment",
                "sample",
                allowable=(("Fragment", "Agarose Gel"),),
                part=True,
                routing="F",
            ),
        ),
        "outputs": (
            Field("Fragment", "sample", allowable=(("Fragment", "Fragment Stock"),), routing="F"),
        ),
        "cost": (5.0, 4.0),
    },
    {
        "name": "Transform Cells",
        "category": "Cloning",
        "inputs": (Field("Plasmid", "sample", allowable=(("Plasmid", "Plasmid Stock"),)),),
        "outputs": (
            Field("Transformed E Coli", "sample", allowable=(("Plasmid", "E coli Plate"),)),
        ),
        "cost": (3.0, 1.2),
    },
    {
        "name": "Make Yeast Glycerol Stock",
        "category": "Yeast",
        "inputs": (Field("Strain", "sample", allowable=(("Yeast Strain", "Yeast Plate"),)),),
        "outputs": (
            Field("Stock", "sample", allowable=(("Yeast Strain", "Yeast Glycerol Stock"),)),
        ),
        "cost": (1.5, 0.8),
    },
)

LIBRARIES: tuple[dict[str, str], ...] = (
    {"name": "Cloning Helpers", "category": "Cloning"},
    {"name": "Yeast Helpers", "category": "Yeast"},
)

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
