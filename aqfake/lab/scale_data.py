"""What a grown lab is made of, as data: size presets, sample mix, name parts, pipelines.

:mod:`aqfake.lab.scale` reads these to grow a lab to a size.
"""

from __future__ import annotations

from typing import Any

#: Named sizes: how many samples the lab holds (``small`` is the demo lab as it was before
#: growth: a few dozen landmark samples). A number works as well.
SIZES: dict[str, int] = {"small": 0, "medium": 600, "large": 100_000}
DEFAULT_SIZE = "medium"
#: Every sample type has at least this many samples once a lab is grown.
MIN_PER_TYPE = 10

#: Share of the new samples per sample type, in creation order (links point backwards).
SAMPLE_MIX: tuple[tuple[str, float], ...] = (
    ("Primer", 0.30),
    ("Plasmid", 0.15),
    ("E coli strain", 0.02),
    ("Enzyme", 0.02),
    ("Media", 0.02),
    ("Antibody", 0.02),
    ("Oligo Pool", 0.02),
    ("Fragment", 0.22),
    ("DNA Library", 0.03),
    ("Yeast Strain", 0.20),
)

#: Containers a new sample's items go in: (object type, share of samples that get one,
#: most copies).
STOCKS: dict[str, tuple[tuple[str, float, int], ...]] = {
    "Primer": (("Primer Stock", 1.0, 1), ("Primer Aliquot", 0.9, 3)),
    "Plasmid": (
        ("Plasmid Stock", 1.0, 2),
        ("Plasmid Glycerol Stock", 0.6, 1),
        ("E coli Plate of Plasmid", 0.2, 1),
    ),
    "Fragment": (("Fragment Stock", 1.0, 2),),
    "Yeast Strain": (
        ("Yeast Glycerol Stock", 1.0, 2),
        ("Yeast Plate", 0.4, 1),
        ("Yeast Competent Aliquot", 0.2, 2),
    ),
    "E coli strain": (("Electrocompetent Aliquot", 1.0, 3),),
    "Enzyme": (("Enzyme Stock", 1.0, 2), ("Enzyme Buffer Stock", 0.5, 1)),
    "Oligo Pool": (("Lyophilized Oligo Pool", 0.5, 1), ("Oligo Pool Stock", 1.0, 1)),
    "DNA Library": (("DNA Library Stock", 1.0, 1), ("Yeast Library Liquid Culture", 0.5, 1)),
    "Media": (("800 mL Liquid", 1.0, 2), ("Agar Plate Batch", 0.5, 1)),
    "Antibody": (("Antibody Stock", 1.0, 2),),
}

#: Share of stock items that have been used up (location ``deleted``).
DELETED_SHARE = 0.04

#: Operation chains a plan follows: the sample type the chain makes, and its steps; each
#: step's main output feeds the next step's main input.
PIPELINES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Fragment", ("Make PCR Fragment", "Run Gel", "Extract Gel Slice", "Purify Gel Slice")),
    (
        "Plasmid",
        (
            "Assemble Plasmid",
            "Transform Cells",
            "Plate Transformed Cells",
            "Check Plate",
            "Make Overnight Suspension",
            "Make Miniprep",
        ),
    ),
    ("Plasmid", ("Send to Sequencing", "Upload Sequencing Results")),
    ("Plasmid", ("Make Overnight Suspension", "Make Glycerol Stock")),
    (
        "Yeast Strain",
        (
            "Yeast Transformation",
            "Check Yeast Plate",
            "Make Yeast Lysate",
            "Yeast Colony PCR",
            "Fragment Analyzing",
        ),
    ),
    ("Yeast Strain", ("Yeast Overnight Suspension", "Yeast Glycerol Stock")),
    ("Primer", ("Order Primer", "Rehydrate Primer")),
    ("Plasmid", ("Restriction Digest",)),
    ("DNA Library", ("Challenge and Label",)),
)

#: Where an input's sample comes from when it is not the plan's own sample:
#: ``("property", field)`` of the plan's sample, or ``("any", sample type)``.
SIDE_INPUTS: dict[tuple[str, str], tuple[str, str]] = {
    ("Make PCR Fragment", "Forward Primer"): ("property", "Forward Primer"),
    ("Make PCR Fragment", "Reverse Primer"): ("property", "Reverse Primer"),
    ("Make PCR Fragment", "Template"): ("property", "Template"),
    ("Assemble Plasmid", "Fragment"): ("any", "Fragment"),
    ("Transform Cells", "Comp Cells"): ("any", "E coli strain"),
    ("Send to Sequencing", "Sequencing Primer"): ("any", "Primer"),
    ("Yeast Transformation", "Genetic Material"): ("property", "Integrant"),
    ("Yeast Transformation", "Parent"): ("property", "Parent"),
    ("Yeast Colony PCR", "QC Primer1"): ("property", "QC Primer1"),
    ("Yeast Colony PCR", "QC Primer2"): ("property", "QC Primer2"),
    ("Restriction Digest", "Enzymes"): ("any", "Enzyme"),
    ("Challenge and Label", "Protease"): ("any", "Enzyme"),
    ("Challenge and Label", "Antibody"): ("any", "Antibody"),
}

#: How far a plan got, with weights.
PROGRESS: tuple[tuple[str, int], ...] = (
    ("done", 40),
    ("running", 15),
    ("pending", 12),
    ("planning", 12),
    ("error", 6),
    ("delayed", 5),
    ("scheduled", 10),
)

ENZYMES = ("EcoRI", "BamHI", "BsaI", "BsmBI", "NotI", "XhoI", "PstI", "SpeI", "Q5", "Taq")
ANTIBODY_TARGETS = ("c-Myc", "HA", "FLAG", "V5", "His")
FLUOROPHORES = ("FITC", "PE", "APC", "Alexa 488", "Alexa 647")
MEDIA_ANTIBIOTICS = ("", "Amp", "Kan", "Chlor", "G418", "Nat", "Hyg")
SUPPLIERS = ("NEB", "Thermo", "Promega", "Twist", "IDT")
ECOLI_GENOTYPES = ("recA1 endA1", "F- mcrA", "araD139", "lacZ M15")

#: Parameters of operations in grown plans: field name -> values to draw from.
PARAMETER_VALUES: dict[str, tuple[Any, ...]] = {
    "Protease Concentration": (0.5, 1.0, 2.0, 4.0),
}
