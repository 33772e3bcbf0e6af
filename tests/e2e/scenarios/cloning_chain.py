"""Cloning chain scenario: pydent's Planner wires Assemble Plasmid -> Transform Cells ->
Plate Transformed Cells -> Check Plate through the catalogue's allowable field types.

Params: ``comp_cells`` (an E coli strain), ``reverse`` (an existing primer). The script makes
a new Primer, a Fragment whose Forward Primer is that primer and a Plasmid, chains the four
operations, routes the plasmid along the chain, saves, estimates and submits the plan.
"""

from __future__ import annotations

from typing import Any

from _common import Checks, login, read_input
from pydent.planner import Planner

CHAIN = ("Assemble Plasmid", "Transform Cells", "Plate Transformed Cells", "Check Plate")


def main() -> None:
    url, p = read_input()
    session = login(url)
    checks = Checks()
    state: dict[str, Any] = {}

    def new_sample(type_name: str, name: str, properties: dict[str, Any]) -> Any:
        sample = session.SampleType.find_by_name(type_name).new_sample(
            name, project="e2e chain", description=f"new {type_name}", properties=properties
        )
        sample.save()
        return sample

    def primer() -> dict[str, object]:
        made = new_sample(
            "Primer", "e2e-chain-fwd", {"Anneal Sequence": "ATGAGTAAAGGAGAAGAAC", "T Anneal": 61}
        )
        state["primer"] = made
        fresh = login(url).Sample.find(made.id)
        return {"type": fresh.sample_type.name, "properties": fresh.properties}

    checks.run("primer", primer)

    def fragment() -> dict[str, object]:
        reverse = session.Sample.find_by_name(p["reverse"])
        made = new_sample(
            "Fragment",
            "e2e-chain-insert",
            {"Length": 720, "Forward Primer": state["primer"], "Reverse Primer": reverse},
        )
        state["fragment"] = made
        fresh = login(url).Sample.find(made.id)
        props = fresh.properties
        return {
            "forward": props["Forward Primer"].name,
            "forward_is_new": props["Forward Primer"].id == state["primer"].id,
            "reverse": props["Reverse Primer"].name,
            "length": props["Length"],
        }

    checks.run("fragment", fragment)

    def chain() -> dict[str, object]:
        plasmid = new_sample("Plasmid", "e2e-chain-plasmid", {"Bacterial Marker": "Amp"})
        state["plasmid"] = plasmid
        canvas = Planner(session)
        canvas.name = "e2e cloning chain"
        ops = canvas.chain(*CHAIN, category="Cloning")
        canvas.set_input_field_value_array(ops[0], "Fragment", sample=state["fragment"])
        canvas.set_field_value_and_propogate(ops[0].outputs[0], sample=plasmid)
        canvas.set_field_value(
            ops[1].input("Comp Cells"), sample=session.Sample.find_by_name(p["comp_cells"])
        )
        canvas.create()
        state["plan"] = canvas.plan
        fresh = login(url).Plan.find(canvas.plan.id)
        by_id = {fv.id: fv for op in fresh.operations for fv in op.field_values}
        return {
            "operation_types": sorted(op.operation_type.name for op in fresh.operations),
            "wires": sorted(
                [
                    by_id[w.from_id].operation.operation_type.name,
                    by_id[w.from_id].name,
                    by_id[w.to_id].operation.operation_type.name,
                    by_id[w.to_id].name,
                    by_id[w.from_id].child_sample_id
                    == plasmid.id
                    == by_id[w.to_id].child_sample_id,
                ]
                for w in fresh.wires
            ),
            "fragment_in": [
                fv.child_sample_id == state["fragment"].id
                for op in fresh.operations
                if op.operation_type.name == "Assemble Plasmid"
                for fv in op.field_values
                if fv.role == "input"
            ],
            "status": fresh.status,
        }

    checks.run("chain", chain)

    def estimate() -> dict[str, object]:
        plan = login(url).Plan.find(state["plan"].id)
        return {
            "total": session.utils.estimate_plan_cost(plan),
            "costs": {
                op.operation_type.name: {k: op.cost[k] for k in ("labor", "materials")}
                for op in plan.operations
            },
        }

    checks.run("estimate", estimate)

    def submit() -> dict[str, object]:
        user = session.current_user
        budget = user.budgets[0]
        result = state["plan"].submit(user, budget)
        fresh = login(url).Plan.find(state["plan"].id)
        return {
            "result": result,
            "statuses": sorted(op.status for op in fresh.operations),
        }

    checks.run("submit", submit)
    checks.emit()


if __name__ == "__main__":
    main()
