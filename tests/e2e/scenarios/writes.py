"""Write scenario: a lab script's day -- new sample, new item, move it, plan, estimate, submit.

Writes to the server. Params: ``sample_type`` (name), ``properties`` (for the new sample),
``object_type`` (a container for it), ``location``, ``upstream`` {name, input, input_sample,
output, output_sample} and ``downstream`` {name, input, input_sample}: two operation types
whose upstream output is wired into the downstream input.
"""

from __future__ import annotations

from typing import Any

from _common import Checks, login, read_input


def main() -> None:
    url, p = read_input()
    session = login(url)
    checks = Checks()
    state: dict[str, Any] = {}

    def create_sample() -> dict[str, object]:
        st = session.SampleType.find_by_name(p["sample_type"])
        sample = st.new_sample(
            "e2e-new-sample", "made by pydent", "e2e", properties=p["properties"]
        )
        sample.save()
        state["sample"] = sample
        fresh = login(url).Sample.find(sample.id)
        return {
            "same_id": fresh.id == sample.id,
            "name": fresh.name,
            "project": fresh.project,
            "description": fresh.description,
            "sample_type_id": fresh.sample_type_id,
            "properties": fresh.properties,
        }

    checks.run("create_sample", create_sample)

    def create_item() -> dict[str, object]:
        object_type = session.ObjectType.find_by_name(p["object_type"])
        item = object_type.new_item(state["sample"].id)
        item.save()
        state["item"] = item
        fresh = login(url).Item.find(item.id)
        return {
            "sample_id_matches": fresh.sample_id == state["sample"].id,
            "object_type_id": fresh.object_type_id,
            "location_agrees": fresh.location == item.location,
        }

    checks.run("create_item", create_item)

    def move_item() -> str:
        state["item"].move(p["location"])
        return str(login(url).Item.find(state["item"].id).location)

    checks.run("move_item", move_item)

    def update_item_location() -> str:
        """pydent's Item.save(): json/save without ``location`` (so the server nulls it), then
        a move to the *reloaded* location -- the new location is lost on a real server."""
        item = session.Item.find(state["item"].id)
        item.location = "Shelf 3"
        item.save()
        return str(login(url).Item.find(item.id).location)

    checks.run("update_item_location", update_item_location)

    def build_plan() -> dict[str, object]:
        up, down = p["upstream"], p["downstream"]
        first = session.OperationType.find_by_name(up["name"]).instance()
        first.set_input(up["input"], sample=session.Sample.find(up["input_sample"]))
        first.set_output(up["output"], sample=session.Sample.find(up["output_sample"]))
        second = session.OperationType.find_by_name(down["name"]).instance()
        second.set_input(down["input"], sample=session.Sample.find(down["input_sample"]))
        plan = session.Plan.new(name="e2e plan")
        plan.add_operations([first, second])
        plan.wire(first.output(up["output"]), second.input(down["input"]))
        plan.save()
        state["plan"] = plan
        fresh = login(url).Plan.find(plan.id)
        by_type = {op.operation_type.name: op for op in fresh.operations}
        wired_from = by_type[up["name"]].output(up["output"]).id
        wired_to = by_type[down["name"]].input(down["input"]).id
        return {
            "name": fresh.name,
            "status": fresh.status,
            "operation_types": sorted(by_type),
            "operation_statuses": sorted(op.status for op in fresh.operations),
            "input_sample": by_type[down["name"]].input(down["input"]).child_sample_id,
            "wires": [[w.from_id, w.to_id] for w in fresh.wires],
            "expected_wire": [wired_from, wired_to],
        }

    checks.run("build_plan", build_plan)

    def estimate() -> dict[str, object]:
        plan = login(url).Plan.find(state["plan"].id)
        total = session.utils.estimate_plan_cost(plan)
        return {
            "total": total,
            "costs": {
                op.operation_type.name: {
                    k: op.cost[k] for k in ("labor", "materials", "labor_rate", "markup_rate")
                }
                for op in plan.operations
            },
            "cost_ids": sorted(op.cost["id"] for op in plan.operations)
            == sorted(op.id for op in plan.operations),
        }

    checks.run("estimate", estimate)

    def submit() -> dict[str, object]:
        user = session.current_user
        budget = user.budgets[0]
        result = state["plan"].submit(user, budget)
        fresh = login(url).Plan.find(state["plan"].id)
        return {
            "result": result,
            "status": fresh.status,
            "budget_id_set": fresh.budget_id == budget.id,
            "statuses": {op.operation_type.name: op.status for op in fresh.operations},
        }

    checks.run("submit", submit)

    def delete_plan() -> dict[str, object]:
        plan = session.Plan.new(name="e2e doomed plan")
        plan.save()
        plan.delete()
        return {
            "get": login(url).Plan.get(f"plans/{plan.id}.json"),
            "find": login(url).Plan.find(plan.id),
        }

    checks.run("delete_plan", delete_plan)
    checks.emit()


if __name__ == "__main__":
    main()
