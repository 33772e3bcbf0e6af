"""The standard Aquarium lab catalogue, as plain data: sample, object, collection, operation types.

Every lab built on the public cloning and yeast protocols (klavinslab/ProtocolsForReview, the
UW BIOFAB deployment) has these types; downstream code names them (``SampleType.find_by_name
("Primer")``, a Yeast Strain's ``QC_length``, ``OperationType.where({"name": "Assemble
Plasmid"})``). Names, inputs, outputs, array and part flags and routing follow the public
operation type definitions; sample type fields and the (sample type, container) pairs follow
the public plan and sample dumps where they tell, and what a BIOFAB user would expect where they
are silent (documented in the README). :mod:`aqfake.lab.catalogue_load` turns this data into
rows.

Format (all keys but ``name`` optional):

- sample type: ``name``, ``description``, ``fields``: field dicts with ``name``, ``ftype``
  (string, number, url, sample, item, json; default string), ``required``, ``array``,
  ``choices`` (a list), ``allowable`` (sample type names, for ``sample`` fields).
- object type: ``name``, ``description``, ``sample_type``, ``prefix`` (the freezer its items
  go to), ``unit``, ``cost``, ``max``, ``release_method``; collection types add ``rows`` and
  ``columns``.
- operation type: ``name``, ``category``, ``summary`` (one line used in its protocol code and
  documentation), ``inputs``/``outputs`` (field dicts whose ``allowable`` holds ``(sample
  type, object type)`` pairs, either may be None; ftype defaults to ``sample``),
  ``parameters`` (inputs without containers; ftype defaults to string), ``cost`` (labor,
  materials) returned by its cost model, ``on_the_fly``.
"""

from __future__ import annotations

from typing import Any

from .catalogue_load import Catalogue

Spec = dict[str, Any]

YES_NO = ("Yes", "No")
MATING_TYPES = ("MATa", "MATalpha", "Diploid")
GEL_BOX = "50 mL 0.8 Percent Agarose Gel in Gel Box"
COMP_CELL_BATCH = "E. coli Comp Cell Batch"

#: Sample types; a ``sample`` field may allow any type of the catalogue (loaded in two passes).
SAMPLE_TYPES: tuple[Spec, ...] = (
    {
        "name": "Primer",
        "description": "A short double stranded piece of DNA for PCR and sequencing",
        "fields": (
            {"name": "Overhang Sequence"},
            {"name": "Anneal Sequence", "required": True},
            {"name": "T Anneal", "ftype": "number", "required": True},
        ),
    },
    {
        "name": "Plasmid",
        "description": "A circular piece of double stranded DNA",
        "fields": (
            {"name": "Sequence", "ftype": "url"},
            {"name": "Sequence Verification", "ftype": "url"},
            {"name": "Bacterial Marker", "required": True},
            {"name": "Yeast Marker"},
            {"name": "Length", "ftype": "number"},
            {"name": "Transformation Temperature", "ftype": "number"},
        ),
    },
    {
        "name": "Fragment",
        "description": "A linear double stranded piece of DNA from PCR or Restriction Digest",
        "fields": (
            {"name": "Sequence", "ftype": "url"},
            {"name": "Length", "ftype": "number", "required": True},
            {
                "name": "Template",
                "ftype": "sample",
                "allowable": ("Plasmid", "Fragment", "Yeast Strain", "E coli strain"),
            },
            {"name": "Forward Primer", "ftype": "sample", "allowable": ("Primer",)},
            {"name": "Reverse Primer", "ftype": "sample", "allowable": ("Primer",)},
            {"name": "Restriction Enzyme(s)"},
            {"name": "Yeast Marker"},
            {
                "name": "Fragment Mix Array",
                "ftype": "sample",
                "array": True,
                "allowable": ("Fragment",),
            },
        ),
    },
    {
        "name": "Yeast Strain",
        "description": "A strain of Saccharomyces cerevisiae",
        "fields": (
            {"name": "Parent", "ftype": "sample", "allowable": ("Yeast Strain",)},
            {"name": "Integrant", "ftype": "sample", "allowable": ("Fragment", "Plasmid")},
            {"name": "Plasmid", "ftype": "sample", "allowable": ("Plasmid",)},
            {"name": "Mating Type", "choices": MATING_TYPES, "required": True},
            {"name": "Integrated Marker(s)"},
            {"name": "Plasmid Marker(s)"},
            {"name": "QC Primer1", "ftype": "sample", "allowable": ("Primer",)},
            {"name": "QC Primer2", "ftype": "sample", "allowable": ("Primer",)},
            {"name": "QC_length", "ftype": "number"},
            {"name": "Comp_cell_limit", "choices": YES_NO},
            {"name": "Has this strain passed QC?", "choices": YES_NO},
        ),
    },
    {
        "name": "E coli strain",
        "description": "A strain of Escherichia coli used as a cloning host",
        "fields": (
            {"name": "Genotype", "required": True},
            {"name": "Parent", "ftype": "sample", "allowable": ("E coli strain",)},
        ),
    },
    {
        "name": "Enzyme",
        "description": "A restriction enzyme, polymerase, ligase or protease",
        "fields": (
            {"name": "Supplier"},
            {"name": "Recognition Site"},
            {"name": "Incubation Temperature", "ftype": "number"},
        ),
    },
    {
        "name": "Oligo Pool",
        "description": "A pool of synthesised oligos, in named sublibraries",
        "fields": (
            {"name": "Manufacturer", "required": True},
            {"name": "Oligo Library ID", "required": True},
            {"name": "sublibrary name (array)", "array": True},
            {"name": "min length (nt) (array)", "ftype": "number", "array": True},
            {"name": "max length (nt) (array)", "ftype": "number", "array": True},
            {"name": "variants (array)", "ftype": "number", "array": True},
            {"name": "forward priming site (array)", "array": True},
            {"name": "reverse priming site (array)", "array": True},
        ),
    },
    {
        "name": "DNA Library",
        "description": "A library of DNA variants, e.g. amplified from an oligo pool",
        "fields": (
            {"name": "Oligo Pool", "ftype": "sample", "allowable": ("Oligo Pool",)},
            {"name": "Sequence", "ftype": "url"},
        ),
    },
    {
        "name": "Media",
        "description": "A growth medium, liquid or solid",
        "fields": (
            {"name": "Base", "choices": ("LB", "TB", "YPAD", "SC", "SOC"), "required": True},
            {"name": "Antibiotic"},
            {"name": "Dropout"},
        ),
    },
    {
        "name": "Antibody",
        "description": "A labelled antibody for staining cells",
        "fields": ({"name": "Target", "required": True}, {"name": "Fluorophore"}),
    },
)

#: Containers that hold one sample each (plus a few sample-less ones).
OBJECT_TYPES: tuple[Spec, ...] = (
    {"name": "Primer Aliquot", "sample_type": "Primer", "prefix": "M20", "unit": "aliquot",
     "max": 10, "cost": 0.05},
    {"name": "Primer Stock", "sample_type": "Primer", "prefix": "M20", "unit": "stock",
     "cost": 5.0},
    {"name": "Lyophilized Primer", "sample_type": "Primer", "unit": "tube", "cost": 5.0},
    {"name": "Fragment Stock", "sample_type": "Fragment", "prefix": "SF2", "unit": "stock",
     "cost": 1.0},
    {"name": "Gel Slice", "sample_type": "Fragment", "unit": "slice", "cost": 0.2,
     "release_method": "dispose"},
    {"name": "Plasmid Stock", "sample_type": "Plasmid", "prefix": "M20", "unit": "stock",
     "cost": 1.5},
    {"name": "Plasmid Glycerol Stock", "sample_type": "Plasmid", "prefix": "M80",
     "unit": "vial", "cost": 0.8},
    {"name": "Gibson Reaction Result", "sample_type": "Plasmid", "unit": "tube", "cost": 3.0,
     "release_method": "dispose"},
    {"name": "Transformed E. coli Aliquot", "sample_type": "Plasmid", "unit": "aliquot",
     "cost": 0.7, "release_method": "dispose"},
    {"name": "E coli Plate of Plasmid", "sample_type": "Plasmid", "prefix": "DFP",
     "unit": "plate", "cost": 0.5, "release_method": "dispose"},
    {"name": "Checked E coli Plate of Plasmid", "sample_type": "Plasmid", "prefix": "DFP",
     "unit": "plate", "cost": 0.5, "release_method": "dispose"},
    {"name": "TB Overnight of Plasmid", "sample_type": "Plasmid", "unit": "tube", "cost": 0.4,
     "release_method": "dispose"},
    {"name": "Electrocompetent Aliquot", "sample_type": "E coli strain", "prefix": "M80",
     "unit": "aliquot", "cost": 1.2},
    {"name": "Yeast Plate", "sample_type": "Yeast Strain", "prefix": "DFP", "unit": "plate",
     "cost": 0.6, "release_method": "dispose"},
    {"name": "Yeast Glycerol Stock", "sample_type": "Yeast Strain", "prefix": "M80",
     "unit": "vial", "cost": 0.8},
    {"name": "Yeast Overnight Suspension", "sample_type": "Yeast Strain", "unit": "tube",
     "cost": 0.4, "release_method": "dispose"},
    {"name": "Yeast Competent Aliquot", "sample_type": "Yeast Strain", "prefix": "M80",
     "unit": "aliquot", "cost": 1.0},
    {"name": "Enzyme Stock", "sample_type": "Enzyme", "prefix": "M20", "unit": "tube",
     "cost": 40.0},
    {"name": "Enzyme Buffer Stock", "sample_type": "Enzyme", "prefix": "M20", "unit": "tube",
     "cost": 8.0},
    {"name": "Lyophilized Oligo Pool", "sample_type": "Oligo Pool", "unit": "tube",
     "cost": 250.0},
    {"name": "Oligo Pool Stock", "sample_type": "Oligo Pool", "prefix": "M20", "unit": "stock",
     "cost": 25.0},
    {"name": "DNA Library Stock", "sample_type": "DNA Library", "prefix": "M20",
     "unit": "stock", "cost": 10.0},
    {"name": "Yeast Library Liquid Culture", "sample_type": "DNA Library", "unit": "flask",
     "cost": 2.0, "release_method": "dispose"},
    {"name": "Labeled Yeast Library", "sample_type": "DNA Library", "unit": "tube",
     "cost": 5.0, "release_method": "dispose"},
    {"name": "800 mL Liquid", "sample_type": "Media", "unit": "bottle", "cost": 6.0},
    {"name": "Agar Plate Batch", "sample_type": "Media", "unit": "batch", "cost": 9.0},
    {"name": "Antibody Stock", "sample_type": "Antibody", "prefix": "M20", "unit": "tube",
     "cost": 30.0},
)  # fmt: skip

#: Containers of rows x columns parts.
COLLECTION_TYPES: tuple[Spec, ...] = (
    {"name": "96 Well Plate", "rows": 8, "columns": 12, "unit": "plate", "cost": 2.0},
    {"name": "Stripwell", "rows": 1, "columns": 12, "unit": "stripwell", "cost": 0.5,
     "release_method": "dispose"},
    {"name": GEL_BOX, "rows": 2, "columns": 6, "unit": "gel", "cost": 1.0,
     "release_method": "dispose"},
    {"name": COMP_CELL_BATCH, "rows": 10, "columns": 10, "sample_type": "E coli strain",
     "unit": "batch", "prefix": "M80", "cost": 12.0},
    {"name": "Divided Yeast Plate", "rows": 1, "columns": 8, "sample_type": "Yeast Strain",
     "unit": "plate", "cost": 0.6, "release_method": "dispose"},
)  # fmt: skip

_STRIP = "Stripwell"


def _io(name: str, *allowable: tuple[str | None, str], **flags: Any) -> Spec:
    """An operation input or output: a ``sample`` field with its (sample type, container)s."""
    return {"name": name, "allowable": allowable, **flags}


CLONING: tuple[Spec, ...] = (
    {
        "name": "Order Primer",
        "summary": "Order the primer from the oligo vendor and log the order number.",
        "parameters": ({"name": "Urgent?", "choices": ("no", "yes")},),
        "outputs": (_io("Primer", ("Primer", "Lyophilized Primer"), routing="P"),),
        "cost": (1.0, 4.5),
    },
    {
        "name": "Rehydrate Primer",
        "summary": "Spin down the lyophilized primer, add TE to 100 uM and dilute an aliquot.",
        "inputs": (_io("Primer", ("Primer", "Lyophilized Primer"), routing="P"),),
        "outputs": (
            _io("Primer Aliquot", ("Primer", "Primer Aliquot"), routing="P"),
            _io("Primer Stock", ("Primer", "Primer Stock"), routing="P"),
        ),
        "cost": (2.0, 0.5),
    },
    {
        "name": "Make Primer Aliquot",
        "summary": "Dilute 1 uL of the primer stock into 99 uL of water.",
        "inputs": (_io("Stock", ("Primer", "Primer Stock"), routing="P"),),
        "outputs": (_io("Aliquot", ("Primer", "Primer Aliquot"), routing="P"),),
        "cost": (1.0, 0.2),
    },
    {
        "name": "Make PCR Fragment",
        "summary": "Mix primers, template and master mix in a stripwell and run the thermocycler.",
        "inputs": (
            _io("Forward Primer", ("Primer", "Primer Aliquot"), routing="FP"),
            _io("Reverse Primer", ("Primer", "Primer Aliquot"), routing="RP"),
            _io(
                "Template",
                ("Plasmid", "Plasmid Stock"),
                ("Fragment", "Fragment Stock"),
                ("E coli strain", "Electrocompetent Aliquot"),
                routing="T",
            ),
        ),
        "outputs": (_io("Fragment", ("Fragment", _STRIP), part=True, routing="F"),),
        "cost": (6.0, 3.5),
    },
    {
        "name": "Pour Gel",
        "summary": "Cast a 0.8 percent agarose gel with two combs of six lanes.",
        "outputs": (_io("Lane", (None, GEL_BOX), part=True, routing="G"),),
        "on_the_fly": True,
        "cost": (2.0, 1.0),
    },
    {
        "name": "Run Gel",
        "summary": "Load the PCR products and a ladder into the gel and run it at 100 V.",
        "inputs": (
            _io("Fragment", ("Fragment", _STRIP), part=True, routing="F"),
            _io("Gel", (None, GEL_BOX), part=True, routing="L"),
        ),
        "outputs": (_io("Fragment", ("Fragment", GEL_BOX), part=True, routing="F"),),
        "cost": (4.0, 2.0),
    },
    {
        "name": "Extract Gel Slice",
        "summary": "Image the gel and cut out the band of the expected length.",
        "inputs": (_io("Fragment", ("Fragment", GEL_BOX), part=True, routing="F"),),
        "outputs": (_io("Fragment", ("Fragment", "Gel Slice"), routing="F"),),
        "cost": (3.0, 0.5),
    },
    {
        "name": "Purify Gel Slice",
        "summary": "Melt the gel slice, bind it to a column, wash and elute the DNA.",
        "inputs": (_io("Gel", ("Fragment", "Gel Slice"), routing="F"),),
        "outputs": (_io("Fragment", ("Fragment", "Fragment Stock"), routing="F"),),
        "cost": (5.0, 4.0),
    },
    {
        "name": "Assemble Plasmid",
        "summary": "Combine the fragments in an isothermal assembly mix and incubate at 50 C.",
        "inputs": (_io("Fragment", ("Fragment", "Fragment Stock"), array=True, routing="F"),),
        "outputs": (_io("Assembled Plasmid", ("Plasmid", "Gibson Reaction Result"), routing="P"),),
        "cost": (4.0, 9.0),
    },
    {
        "name": "Transform Cells",
        "summary": "Electroporate the plasmid into competent cells and recover them in SOC.",
        "inputs": (
            _io(
                "Plasmid",
                ("Plasmid", "Gibson Reaction Result"),
                ("Plasmid", "Plasmid Stock"),
                routing="P",
            ),
            _io("Comp Cells", ("E coli strain", COMP_CELL_BATCH), part=True, routing="C"),
        ),
        "outputs": (
            _io("Transformed E Coli", ("Plasmid", "Transformed E. coli Aliquot"), routing="P"),
        ),
        "cost": (3.0, 1.2),
    },
    {
        "name": "Plate Transformed Cells",
        "summary": "Spread the recovered cells on a plate with the plasmid's antibiotic.",
        "inputs": (_io("Plasmid", ("Plasmid", "Transformed E. coli Aliquot"), routing="P"),),
        "outputs": (_io("Plate", ("Plasmid", "E coli Plate of Plasmid"), routing="P"),),
        "cost": (1.5, 0.8),
    },
    {
        "name": "Check Plate",
        "summary": "Count the colonies on the plate and record whether it grew.",
        "inputs": (_io("Plate", ("Plasmid", "E coli Plate of Plasmid"), routing="P"),),
        "outputs": (_io("Plate", ("Plasmid", "Checked E coli Plate of Plasmid"), routing="P"),),
        "cost": (1.0, 0.0),
    },
    {
        "name": "Make Overnight Suspension",
        "summary": "Pick a colony into TB with antibiotic and shake overnight at 37 C.",
        "inputs": (
            _io(
                "Plasmid",
                ("Plasmid", "Checked E coli Plate of Plasmid"),
                ("Plasmid", "Plasmid Glycerol Stock"),
                routing="P",
            ),
        ),
        "outputs": (_io("Overnight", ("Plasmid", "TB Overnight of Plasmid"), routing="P"),),
        "cost": (1.0, 0.6),
    },
    {
        "name": "Make Miniprep",
        "summary": "Pellet the overnight, lyse, bind to a column and elute the plasmid.",
        "inputs": (_io("Plasmid", ("Plasmid", "TB Overnight of Plasmid"), routing="P"),),
        "outputs": (_io("Plasmid", ("Plasmid", "Plasmid Stock"), routing="P"),),
        "cost": (4.0, 2.5),
    },
    {
        "name": "Send to Sequencing",
        "summary": "Mix template and sequencing primer in a stripwell and ship it.",
        "inputs": (
            _io(
                "Plasmid", ("Plasmid", "Plasmid Stock"), ("Fragment", "Fragment Stock"), routing="P"
            ),
            _io("Sequencing Primer", ("Primer", "Primer Aliquot"), routing="SP"),
        ),
        "outputs": (
            _io(
                "Plasmid for Sequencing",
                ("Plasmid", _STRIP),
                ("Fragment", _STRIP),
                part=True,
                routing="P",
            ),
        ),
        "cost": (2.0, 6.0),
    },
    {
        "name": "Upload Sequencing Results",
        "summary": "Download the traces from the vendor and attach them to the samples.",
        "inputs": (
            _io("Plasmid", ("Plasmid", _STRIP), ("Fragment", _STRIP), part=True, routing="P"),
        ),
        "cost": (1.0, 0.0),
    },
    {
        "name": "E Coli Lysate",
        "summary": "Resuspend a colony in water and heat it to release the DNA.",
        "inputs": (_io("Plate", ("Plasmid", "E coli Plate of Plasmid"), routing="YS"),),
        "outputs": (
            _io("Lysate", ("Plasmid", _STRIP), part=True, routing="YS"),
            _io("Plate", ("Plasmid", "E coli Plate of Plasmid"), routing="YS"),
        ),
        "cost": (1.5, 0.3),
    },
    {
        "name": "E Coli Colony PCR",
        "summary": "Amplify the insert from each lysate with the QC primers.",
        "inputs": (
            _io("QC Primer1", ("Primer", "Primer Aliquot"), routing="FP"),
            _io("QC Primer2", ("Primer", "Primer Aliquot"), routing="RP"),
            _io("Template", ("Plasmid", _STRIP), part=True, routing="YS"),
        ),
        "outputs": (_io("PCR", ("Plasmid", _STRIP), part=True, routing="YS"),),
        "cost": (3.0, 2.0),
    },
    {
        "name": "Restriction Digest",
        "summary": "Cut the plasmid with the enzymes in their buffer at 37 C.",
        "inputs": (
            _io("Plasmid", ("Plasmid", "Plasmid Stock"), routing="P"),
            _io("Enzymes", ("Enzyme", "Enzyme Stock"), array=True, routing="E"),
        ),
        "outputs": (_io("Digest", ("Plasmid", _STRIP), part=True, routing="F"),),
        "cost": (2.0, 3.0),
    },
    {
        "name": "Make Glycerol Stock",
        "summary": "Mix the overnight with glycerol in a cryo vial and freeze it at -80 C.",
        "inputs": (_io("Overnight", ("Plasmid", "TB Overnight of Plasmid"), routing="P"),),
        "parameters": ({"name": "Needs Sequencing Results?", "choices": YES_NO},),
        "outputs": (_io("Stock", ("Plasmid", "Plasmid Glycerol Stock"), routing="P"),),
        "cost": (1.0, 0.5),
    },
)

YEAST: tuple[Spec, ...] = (
    {
        "name": "Make Yeast Competent Cells",
        "summary": "Wash a log phase culture in lithium acetate and freeze aliquots.",
        "inputs": (_io("Overnight", ("Yeast Strain", "Yeast Overnight Suspension"), routing="YS"),),
        "outputs": (_io("Comp Cell", ("Yeast Strain", "Yeast Competent Aliquot"), routing="YS"),),
        "cost": (5.0, 2.0),
    },
    {
        "name": "Yeast Transformation",
        "summary": "Heat shock the competent cells with the DNA and plate on selective media.",
        "inputs": (
            _io(
                "Genetic Material",
                ("Fragment", "Fragment Stock"),
                ("Plasmid", "Plasmid Stock"),
                routing="I",
            ),
            _io("Parent", ("Yeast Strain", "Yeast Competent Aliquot"), routing="PS"),
        ),
        "outputs": (_io("Transformation", ("Yeast Strain", "Yeast Plate"), routing="T"),),
        "cost": (4.0, 2.5),
    },
    {
        "name": "Check Yeast Plate",
        "summary": "Count the colonies on the yeast plate and mark contaminated plates.",
        "inputs": (_io("Plate", ("Yeast Strain", "Yeast Plate"), routing="P"),),
        "outputs": (_io("Plate", ("Yeast Strain", "Yeast Plate"), routing="P"),),
        "cost": (1.0, 0.0),
    },
    {
        "name": "Streak Plate",
        "summary": "Streak the glycerol stock onto a section of a divided YPAD plate.",
        "inputs": (_io("Yeast Strain", ("Yeast Strain", "Yeast Glycerol Stock"), routing="YS"),),
        "outputs": (
            _io("Streak Plate", ("Yeast Strain", "Divided Yeast Plate"), part=True, routing="YS"),
        ),
        "cost": (1.0, 0.6),
    },
    {
        "name": "Yeast Overnight Suspension",
        "summary": "Inoculate a colony into media and grow it overnight at 30 C.",
        "inputs": (
            _io(
                "Yeast Strain",
                ("Yeast Strain", "Yeast Plate"),
                ("Yeast Strain", "Yeast Glycerol Stock"),
                routing="YS",
            ),
        ),
        "parameters": (
            {"name": "Type of Media", "choices": ("YPAD", "SC", "-URA", "-HIS", "-LEU", "-TRP")},
            {"name": "Require QC?", "choices": YES_NO},
        ),
        "outputs": (
            _io("Overnight", ("Yeast Strain", "Yeast Overnight Suspension"), routing="YS"),
        ),
        "cost": (1.0, 0.5),
    },
    {
        "name": "Make Yeast Lysate",
        "summary": "Lyse a colony with zymolyase in a stripwell well.",
        "inputs": (_io("Plate", ("Yeast Strain", "Yeast Plate"), routing="YS"),),
        "outputs": (_io("Lysate", ("Yeast Strain", _STRIP), part=True, routing="YS"),),
        "cost": (1.5, 0.8),
    },
    {
        "name": "Yeast Colony PCR",
        "summary": "Amplify the integration junction from each lysate with the QC primers.",
        "inputs": (
            _io("QC Primer1", ("Primer", "Primer Aliquot"), routing="FP"),
            _io("QC Primer2", ("Primer", "Primer Aliquot"), routing="RP"),
            _io("Template", ("Yeast Strain", _STRIP), part=True, routing="YS"),
        ),
        "outputs": (_io("PCR", ("Yeast Strain", _STRIP), part=True, routing="YS"),),
        "cost": (3.0, 2.0),
    },
    {
        "name": "Fragment Analyzing",
        "summary": "Run the colony PCR products on the fragment analyzer and compare lengths.",
        "inputs": (_io("PCR", ("Yeast Strain", _STRIP), part=True, routing="YS"),),
        "cost": (2.0, 1.5),
    },
    {
        "name": "Yeast Glycerol Stock",
        "summary": "Mix the overnight with glycerol in a cryo vial and freeze it at -80 C.",
        "inputs": (_io("Yeast", ("Yeast Strain", "Yeast Overnight Suspension"), routing="YS"),),
        "outputs": (_io("Yeast", ("Yeast Strain", "Yeast Glycerol Stock"), routing="YS"),),
        "cost": (1.5, 0.8),
    },
)

YEAST_DISPLAY: tuple[Spec, ...] = (
    {
        "name": "Challenge and Label",
        "summary": "Incubate the library with protease, then stain it with the antibody.",
        "inputs": (
            _io("Yeast Culture", ("DNA Library", "Yeast Library Liquid Culture"), routing="YL"),
            _io("Protease", ("Enzyme", "Enzyme Stock"), routing="P"),
            _io("Antibody", ("Antibody", "Antibody Stock"), routing="Ab"),
        ),
        "parameters": ({"name": "Protease Concentration", "ftype": "number"},),
        "outputs": (
            _io("Labeled Yeast Library", ("DNA Library", "Labeled Yeast Library"), routing="YL"),
        ),
        "cost": (6.0, 12.0),
    },
)

#: Every deployed operation type, with its category.
OPERATION_TYPES: tuple[Spec, ...] = (
    *({**spec, "category": "Cloning"} for spec in CLONING),
    *({**spec, "category": "Yeast"} for spec in YEAST),
    *({**spec, "category": "Yeast Display"} for spec in YEAST_DISPLAY),
)

#: The whole standard catalogue.
STANDARD = Catalogue(SAMPLE_TYPES, OBJECT_TYPES, COLLECTION_TYPES, OPERATION_TYPES)
