"""Operations with their field values, plans with wires, and jobs.

Plan associations, wires and jobs with their job associations are made by the domain's rules
(:mod:`aqfake.domain.planning`), as the planning routes make them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from ..casting import rails_json
from ..domain.planning import add_operation, add_wire, create_job, default_layout, job_state
from ..store import Row
from .base import BuilderBase, Ref

_SPEC_KEYS = frozenset({"sample", "item", "value", "row", "column"})


class PlanningBuilder(BuilderBase):
    """Builders for planning and execution."""

    def _operation_field_value(
        self, op_id: int, field_type: Row, spec: Any, afts: list[Row]
    ) -> Row:
        is_spec = isinstance(spec, Mapping) and set(spec) <= _SPEC_KEYS
        parts: dict[str, Any] = dict(spec) if is_spec else {}
        if not is_spec and spec is not None:
            key = {"sample": "sample", "item": "item"}.get(field_type["ftype"], "value")
            parts[key] = spec
        sample_id = self.ref("samples", parts.get("sample"))
        item_id = self.ref("items", parts.get("item"), by="id")
        value = parts.get("value")
        columns = self._value_columns(field_type["ftype"], value) if value is not None else {}
        return self._insert(
            "field_values",
            parent_id=op_id,
            parent_class="Operation",
            role=field_type["role"],
            name=field_type["name"],
            field_type_id=field_type["id"],
            child_sample_id=sample_id,
            child_item_id=item_id,
            row=parts.get("row"),
            column=parts.get("column"),
            allowable_field_type_id=self._choose_aft(afts, sample_id, item_id),
            **columns,
        )

    def _choose_aft(
        self, afts: list[Row], sample_id: int | None, item_id: int | None
    ) -> int | None:
        if not afts:
            return None
        sample = self.store.get("samples", sample_id) if sample_id is not None else None
        item = self.store.get("items", item_id) if item_id is not None else None
        for aft in afts:
            if sample is not None and aft["sample_type_id"] != sample["sample_type_id"]:
                continue
            if item is not None and aft["object_type_id"] not in (None, item["object_type_id"]):
                continue
            return int(aft["id"])
        for aft in afts:
            if sample is not None and aft["sample_type_id"] == sample["sample_type_id"]:
                return int(aft["id"])
        return int(afts[0]["id"])

    def operation(
        self,
        operation_type: Ref,
        *,
        status: str = "planning",
        inputs: Mapping[str, Any] | None = None,
        outputs: Mapping[str, Any] | None = None,
        user: Ref = None,
        x: float | None = None,
        y: float | None = None,
    ) -> Row:
        """An operation with a field value per input/output field type of its type.

        ``inputs``/``outputs`` map field names to a sample reference (``sample`` fields), an
        item reference (``item`` fields), a plain value (other fields), a mapping with keys
        among ``sample``/``item``/``value``/``row``/``column``, or a list of those (array
        fields). A ``json`` value whose keys are all among those names must be wrapped in
        ``{"value": ...}``.
        """
        type_row = self.row("operation_types", operation_type)
        field_types = self.field_types("OperationType", type_row, "operation_types")
        given = {"input": dict(inputs or {}), "output": dict(outputs or {})}
        for role, named in given.items():
            names = {ft["name"] for ft in field_types if ft["role"] == role}
            unknown = set(named) - names
            if unknown:
                raise ValueError(
                    f"operation type {type_row['name']!r} has no {role} {sorted(unknown)[0]!r} "
                    f"(its {role}s: {', '.join(sorted(names)) or 'none'})"
                )
        row = self._insert(
            "operations",
            operation_type_id=type_row["id"],
            status=status,
            user_id=self.user_id(user),
            x=x,
            y=y,
        )
        for ft in field_types:
            spec = given[ft["role"]].get(ft["name"])
            if ft["array"] and spec is None:
                continue
            specs: Sequence[Any] = (
                spec if ft["array"] and isinstance(spec, (list, tuple)) else [spec]
            )
            afts = self.store.lookup("allowable_field_types", field_type_id=ft["id"])
            for one in specs:
                self._operation_field_value(row["id"], ft, one, afts)
        return row

    def field_value(self, operation: Ref, name: str, role: str | None = None) -> Row:
        """The (first) field value called ``name`` of an operation, optionally of a role."""
        op_id = self.ref("operations", operation, by="id")
        for fv in self.store.lookup("field_values", parent_class="Operation", parent_id=op_id):
            if fv["name"] == name and (role is None or fv["role"] == role):
                return fv
        raise ValueError(
            f"operation {op_id} has no field value {name!r}" + (f" ({role})" if role else "")
        )

    def wire(self, source: Ref, dest: Ref, *, active: bool = True) -> Row:
        """A wire from an output field value to an input field value."""
        from_id = self.ref("field_values", source, by="id")
        to_id = self.ref("field_values", dest, by="id")
        return add_wire(self.writes(), from_id, to_id, active)

    def plan(
        self,
        name: str,
        operations: Iterable[Ref] = (),
        wires: Iterable[Sequence[Any]] = (),
        *,
        status: str | None = "planning",
        user: Ref = None,
        budget: Ref = None,
        folder: str | None = None,
        cost_limit: float | None = None,
        layout: Mapping[str, Any] | str | None = None,
    ) -> Row:
        """A plan, its plan associations and wires.

        ``wires`` entries are ``(output_fv, input_fv)`` or
        ``(from_operation, output_name, to_operation, input_name)``. ``status`` is ``planning``
        while a plan is edited and None once it has been launched.
        """
        layout_text = layout if isinstance(layout, str) or layout is None else rails_json(layout)
        row = self._insert(
            "plans",
            user_id=self.user_id(user),
            budget_id=self.ref("budgets", budget),
            name=name,
            status=status,
            cost_limit=cost_limit,
            folder=folder,
            layout=layout_text if layout_text is not None else rails_json(default_layout(name)),
        )
        log = self.writes()
        for op in operations:
            op_id = self.ref("operations", op, by="id")
            assert op_id is not None
            add_operation(log, row["id"], op_id)
        for spec in wires:
            if len(spec) == 4:
                source = self.field_value(spec[0], spec[1], "output")
                dest = self.field_value(spec[2], spec[3], "input")
                self.wire(source, dest)
            elif len(spec) == 2:
                self.wire(spec[0], spec[1])
            else:
                raise ValueError(
                    "a wire is (output_fv, input_fv) or (from_op, output, to_op, input); "
                    f"got {len(spec)} elements"
                )
        return row

    def job(
        self,
        operations: Iterable[Ref],
        *,
        pc: int = -1,
        user: Ref = None,
        submitted_by: Ref = None,
        group: Ref = None,
        state: Sequence[Mapping[str, Any]] | str | None = None,
        path: str = "operation.rb",
        arguments: Mapping[str, Any] | None = None,
        desired_start_time: datetime | None = None,
        latest_start_time: datetime | None = None,
    ) -> Row:
        """A job over ``operations`` with its job associations.

        ``pc`` is -1 for a job not started, >= 0 while it runs and -2 once complete; the
        default ``state`` is the matching step list (an ``initialize`` step first). ``group``
        defaults to the ``technicians`` group when it exists.
        """
        op_ids = [self.ref("operations", op, by="id") for op in operations]
        first = self.store.get("operations", op_ids[0]) if op_ids else None
        type_id = first["operation_type_id"] if first else None
        if state is None:
            state = job_state(type_id, pc, self.timestamp())
        state_text = state if isinstance(state, str) else rails_json(list(state))
        args = dict(arguments) if arguments is not None else {"operation_type_id": type_id}
        group_id = self.ref("groups", group) if group is not None else self._technicians()
        values = {
            "user_id": self.user_id(user),
            "arguments": rails_json(args),
            "state": state_text,
            "path": path,
            "pc": pc,
            "group_id": group_id,
            "submitted_by": self.user_id(submitted_by),
            "desired_start_time": desired_start_time,
            "latest_start_time": latest_start_time,
        }
        return create_job(self.writes(), [op_id for op_id in op_ids if op_id is not None], values)

    def _technicians(self) -> int | None:
        found = self.store.first("groups", name="technicians")
        return int(found["id"]) if found else None
