"""Lazy-relationship scenario: each relation is read through pydent's own callbacks.

Params: ``sample_id`` (a sample with field values), ``item_id``, ``plan_id``,
``operation_type_id`` (one with a protocol).
"""

from __future__ import annotations

from typing import Any

from _common import Checks, counted, ids, login, pick, read_input


def _property(value: Any) -> Any:
    """Sample-valued properties come back as models; name them by id for comparison."""
    if isinstance(value, list):
        return [_property(v) for v in value]
    if hasattr(value, "id") and hasattr(value, "sample_type_id"):
        return {"sample_id": value.id}
    return value


def main() -> None:
    url, p = read_input()
    session = login(url)
    checks = Checks()

    sample = session.Sample.find(p["sample_id"])
    checks.run(
        "sample.sample_type",
        lambda: counted(session, lambda: pick(sample.sample_type, "id", "name")),
    )
    checks.run(
        "sample.sample_type again",
        lambda: counted(session, lambda: pick(sample.sample_type, "id")),
    )
    checks.run(
        "sample.field_values",
        lambda: sorted(
            (
                pick(fv, "id", "name", "value", "child_sample_id", "field_type_id")
                for fv in sample.field_values
            ),
            key=lambda d: d["id"],
        ),
    )
    checks.run(
        "sample.properties",
        lambda: {k: _property(v) for k, v in sample.properties.items()},
    )
    checks.run("sample.items", lambda: sorted(ids(sample.items) or []))
    checks.run("sample.user", lambda: pick(sample.user, "id", "login"))

    def nested_include() -> dict[str, object]:
        found = session.Sample.where(
            {"id": p["sample_id"]}, include=[{"items": {"include": "object_type"}}, "sample_type"]
        )[0]
        return {
            "sample_type": found.sample_type.name,
            "items": sorted([i.id, i.object_type.name] for i in found.items),
        }

    checks.run("nested_include", lambda: counted(session, nested_include))

    item = session.Item.find(p["item_id"])
    checks.run("item.object_type", lambda: pick(item.object_type, "id", "name"))
    checks.run("item.sample", lambda: pick(item.sample, "id", "name"))
    checks.run("item.location", lambda: item.location)

    plan = session.Plan.find(p["plan_id"])
    checks.run("plan", lambda: pick(plan, "id", "name", "status"))
    checks.run("plan.operations", lambda: sorted(ids(plan.operations) or []))
    checks.run(
        "plan.operations.operation_type",
        lambda: sorted({op.operation_type.name for op in plan.operations}),
    )
    checks.run(
        "plan.wires",
        lambda: sorted([w.from_id, w.to_id] for w in plan.wires),
    )

    ot = session.OperationType.find(p["operation_type_id"])
    checks.run(
        "operation_type.field_types",
        lambda: sorted([ft.name, ft.role] for ft in ot.field_types),
    )
    checks.run("operation_type.protocol", lambda: pick(ot.protocol, "id", "name", "content"))
    checks.emit()


if __name__ == "__main__":
    main()
