"""pydent's Planner against the served standard catalogue: the four-step cloning chain."""

from __future__ import annotations

from typing import Any

import pytest

from . import truth
from .harness import value

pytestmark = [pytest.mark.pydent, pytest.mark.xdist_group("pydent-catalogue")]
CHAIN = ("Assemble Plasmid", "Transform Cells", "Plate Transformed Cells", "Check Plate")


@pytest.fixture(scope="module")
def params(demo_store: Any) -> dict[str, Any]:
    ecoli = truth.one(demo_store, "sample_types", name="E coli strain")
    return {
        "comp_cells": truth.rows(demo_store, "samples", sample_type_id=ecoli["id"])[0]["name"],
        "reverse": "rev-GFP-01",
    }


@pytest.fixture(scope="module")
def results(scenario: Any, params: dict[str, Any]) -> dict[str, Any]:
    return scenario("cloning_chain", params)


def test_new_primer_saves_its_properties(results: dict[str, Any]) -> None:
    assert value(results, "primer") == {
        "type": "Primer",
        "properties": {
            "Overhang Sequence": None,
            "Anneal Sequence": "ATGAGTAAAGGAGAAGAAC",
            "T Anneal": 61.0,
        },
    }


def test_fragment_names_the_new_primer(results: dict[str, Any]) -> None:
    assert value(results, "fragment") == {
        "forward": "e2e-chain-fwd",
        "forward_is_new": True,
        "reverse": "rev-GFP-01",
        "length": 720.0,
    }


def test_planner_wires_the_four_step_chain(results: dict[str, Any]) -> None:
    chain = value(results, "chain")
    assert chain["operation_types"] == sorted(CHAIN)
    assert chain["wires"] == sorted(
        [
            ["Assemble Plasmid", "Assembled Plasmid", "Transform Cells", "Plasmid", True],
            ["Transform Cells", "Transformed E Coli", "Plate Transformed Cells", "Plasmid", True],
            ["Plate Transformed Cells", "Plate", "Check Plate", "Plate", True],
        ]
    )
    assert chain["fragment_in"] == [True]
    assert chain["status"] == "planning"


def test_estimate_sums_the_cost_models(results: dict[str, Any], demo_store: Any) -> None:
    costs = {
        name: truth.operation_cost(
            demo_store, truth.one(demo_store, "operation_types", name=name)["id"]
        )
        for name in CHAIN
    }
    labor_rate = truth.rate(demo_store, "labor rate")
    markup_rate = truth.rate(demo_store, "markup rate")
    total = sum((c["labor"] * labor_rate + c["materials"]) * markup_rate for c in costs.values())
    assert value(results, "estimate") == {"total": total, "costs": costs}


def test_submit_starts_the_chain(results: dict[str, Any]) -> None:
    submitted = value(results, "submit")
    assert submitted["result"] == {"result": "ok"}
    assert submitted["statuses"] == ["pending", "waiting", "waiting", "waiting"]
