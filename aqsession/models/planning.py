"""Planning and execution models: operations, their types, plans, wires and jobs."""

from __future__ import annotations

from typing import Any

from aqsession.exceptions import AquariumModelError

from .associations import DataAssociatorMixin
from .base import ModelBase
from .crud import DeleteMixin, SaveMixin
from .field_access import FieldTypeInterface, FieldValueInterface
from .jsoncopy import json_copy
from .registry import get_model
from .relationships import (
    JSON,
    Function,
    HasMany,
    HasManyGeneric,
    HasManyThrough,
    HasOne,
    HasOneFromMany,
    Many,
    Raw,
    session_of,
)

CODE_NAMES = ("protocol", "precondition", "cost_model", "documentation", "test")


def default_layout() -> dict[str, Any]:
    """The layout a new plan starts with (Aquarium's planner module defaults)."""
    return {
        "id": 0,
        "parent_id": -1,
        "name": "no_name",
        "width": 160,
        "height": 60,
        "input": [],
        "output": [],
        "documentation": "No documentation of this module",
        "children": [],
        "wires": [],
    }


def _operation_code(name: str) -> HasOneFromMany:
    return HasOneFromMany(
        "Code",
        ref="parent_id",
        additional_args={"parent_class": "OperationType", "name": name},
    )


class Operation(FieldValueInterface, DataAssociatorMixin, ModelBase):
    """One step of a plan: an OperationType applied to its input/output field values."""

    COLUMNS = (
        "operation_type_id",
        "status",
        "user_id",
        "created_at",
        "updated_at",
        "x",
        "y",
        "parent_id",
    )
    STR_FIELDS = ("operation_type_id", "status")
    FIELD_VALUE_PARENT = "Operation"
    FIELD_TYPE_OWNER = "operation_type"
    METATYPE = "operation_type"

    field_values = HasMany(
        "FieldValue", ref="parent_id", additional_args={"parent_class": "Operation"}
    )
    data_associations = HasManyGeneric("DataAssociation", {"parent_class": "Operation"})
    operation_type = HasOne("OperationType")
    job_associations = HasMany("JobAssociation", ref="operation_id")
    jobs = HasManyThrough("Job", "JobAssociation")
    plan_associations = HasMany("PlanAssociation", ref="operation_id")
    plans = HasManyThrough("Plan", "PlanAssociation")
    status = Raw(default="planning")
    routing = Function("_routing")
    user = HasOne("User")

    def __init__(
        self,
        operation_type_id: int | None = None,
        operation_type: Any = None,
        status: str | None = None,
        x: float = 0,
        y: float = 0,
    ) -> None:
        values: dict[str, Any] = {
            "operation_type_id": operation_type_id,
            "operation_type": operation_type,
            "x": x,
            "y": y,
        }
        if status is not None:
            values["status"] = status
        self._set_fields(values)

    def _routing(self) -> dict[str, Any]:
        """``{routing symbol: sid}`` of the sample field values (the planner's routing)."""
        return self.get_routing()

    @property
    def plan(self) -> Any:
        """The plan this operation belongs to, or None while it is in no plan."""
        plans = self.plans
        return plans[0] if plans else None

    def input(self, name: str) -> Any:
        """The input field value called ``name`` (None if it is not set)."""
        return self.get_field_value(name, "input")

    def output(self, name: str) -> Any:
        """The output field value called ``name`` (None if it is not set)."""
        return self.get_field_value(name, "output")

    def input_array(self, name: str) -> list[Any]:
        """Every field value of the array input ``name``, in order."""
        return self.get_field_value_array(name, "input")

    def output_array(self, name: str) -> list[Any]:
        """Every field value of the array output ``name``, in order."""
        return self.get_field_value_array(name, "output")

    @property
    def inputs(self) -> list[Any]:
        """This operation's input field values."""
        return [fv for fv in self.field_values or [] if fv.role == "input"]

    @property
    def outputs(self) -> list[Any]:
        """This operation's output field values."""
        return [fv for fv in self.field_values or [] if fv.role == "output"]

    def _set_io(self, role: str, name: str, **values: Any) -> Operation:
        if values.get("container") is None:
            values["container"] = values.pop("object_type", None)
        else:
            values.pop("object_type", None)
        self.set_field_value(name, role, values)
        return self

    def set_input(
        self,
        name: str,
        sample: Any = None,
        item: Any = None,
        value: Any = None,
        container: Any = None,
        object_type: Any = None,
        row: int | None = None,
        column: int | None = None,
    ) -> Operation:
        """Set input ``name``; ``object_type`` is a synonym of ``container``."""
        return self._set_io(
            "input",
            name,
            sample=sample,
            item=item,
            value=value,
            container=container,
            object_type=object_type,
            row=row,
            column=column,
        )

    def set_output(
        self,
        name: str,
        sample: Any = None,
        item: Any = None,
        value: Any = None,
        container: Any = None,
        object_type: Any = None,
        row: int | None = None,
        column: int | None = None,
    ) -> Operation:
        """Set output ``name``; ``object_type`` is a synonym of ``container``."""
        return self._set_io(
            "output",
            name,
            sample=sample,
            item=item,
            value=value,
            container=container,
            object_type=object_type,
            row=row,
            column=column,
        )

    def add_to_input_array(
        self,
        name: str,
        sample: Any = None,
        item: Any = None,
        value: Any = None,
        container: Any = None,
    ) -> Any:
        """Append one more value to the array input ``name``."""
        fv = self.new_field_value(name, "input")
        fv.set_value(value=value, sample=sample, item=item, container=container)
        return fv

    def add_to_output_array(
        self,
        name: str,
        sample: Any = None,
        item: Any = None,
        value: Any = None,
        container: Any = None,
    ) -> Any:
        """Append one more value to the array output ``name``."""
        fv = self.new_field_value(name, "output")
        fv.set_value(value=value, sample=sample, item=item, container=container)
        return fv

    def set_output_array(self, name: str, values: list[Any]) -> list[Any]:
        """Replace the array output ``name`` by one field value per entry of ``values``."""
        return self.set_field_value_array(name, "output", values)

    def init_field_values(self) -> Operation:
        """Start over with one empty field value per non-array field type of the
        operation type; returns self."""
        self.field_values = []
        for field_type in self.get_metatype().field_types or []:
            if not field_type.array:
                self.new_field_value_from_field_type(field_type)
        return self

    @property
    def successors(self) -> list[Any]:
        """Operations wired to this operation's outputs (through the plan's wires)."""
        return [fv.operation for out in self.outputs for fv in out.successors]

    @property
    def predecessors(self) -> list[Any]:
        """Operations whose outputs are wired into this operation's inputs."""
        return [fv.operation for inp in self.inputs for fv in inp.predecessors]

    def show(self, pre: str = "") -> None:
        """Print the operation type's name and cost, then each field value indented."""
        print(f"{pre}{self.operation_type.name} {self.__dict__.get('cost')}")
        for field_value in self.field_values or []:
            field_value.show(pre=pre + "  ")

    def set_input_array(self, name: str, values: list[Any]) -> list[Any]:
        """Replace the array input ``name`` by one field value per entry of ``values``."""
        return self.set_field_value_array(name, "input", values)

    def to_save_json(self) -> dict[str, Any]:
        """This operation as the plan save route expects it (field values included)."""
        entry = self.dump()
        op_type = self.operation_type if self.is_deserialized("operation_type") else None
        types_by_id = {}
        if op_type is not None and op_type.is_deserialized("field_types"):
            types_by_id = {ft.id: ft for ft in op_type.field_types or []}
        values = []
        for fv in self.field_values or []:
            if not fv.is_deserialized("field_type") and fv.field_type_id in types_by_id:
                fv.set_loaded("field_type", types_by_id[fv.field_type_id])
            fv_entry = fv.dump()
            field_type = fv.field_type
            if field_type is not None:
                fv_entry.setdefault("routing", field_type.routing)
                fv_entry.setdefault("array", field_type.array)
            values.append(fv_entry)
        entry["field_values"] = values
        entry["routing"] = self._routing_offline()
        return entry

    def _routing_offline(self) -> dict[str, Any]:
        routes: dict[str, Any] = {}
        for fv in self.field_values or []:
            field_type = fv.field_type
            if field_type is None or not field_type.routing or fv.child_sample_id is None:
                continue
            if fv.is_deserialized("sample") and fv.sample is not None:
                routes[field_type.routing] = f"{fv.sample.id}: {fv.sample.name}"
            else:
                routes[field_type.routing] = str(fv.child_sample_id)
        return routes


class OperationType(FieldTypeInterface, SaveMixin, ModelBase):
    """A protocol definition: field types (inputs/outputs) and code."""

    COLUMNS = ("name", "category", "deployed", "on_the_fly", "created_at", "updated_at")
    STR_FIELDS = ("name", "category")

    operations = HasMany("Operation", ref="operation_type_id")
    field_types = HasMany(
        "FieldType", ref="parent_id", additional_args={"parent_class": "OperationType"}
    )
    codes = HasManyGeneric("Code")
    cost_model = _operation_code("cost_model")
    documentation = _operation_code("documentation")
    precondition = _operation_code("precondition")
    protocol = _operation_code("protocol")
    test = _operation_code("test")

    def code(self, accessor: str) -> Any:
        """The current Code called ``accessor`` (protocol, precondition, …)."""
        if accessor not in CODE_NAMES:
            raise AquariumModelError(
                f"Operation types have no code {accessor!r}; use {CODE_NAMES}."
            )
        return getattr(self, accessor)

    def input(self, name: str) -> Any:
        """The input field type called ``name`` (None when there is none)."""
        return self.field_type(name, "input")

    def output(self, name: str) -> Any:
        """The output field type called ``name`` (None when there is none)."""
        return self.field_type(name, "output")

    def sample_type(self) -> list[Any]:
        """The sample type of every allowable field type of every field type, in order."""
        return [aft.sample_type for aft in self._allowable_field_types()]

    def object_type(self) -> list[Any]:
        """The container of every allowable field type of every field type, in order."""
        return [aft.object_type for aft in self._allowable_field_types()]

    def _allowable_field_types(self) -> list[Any]:
        return [aft for ft in self.field_types or [] for aft in ft.allowable_field_types or []]

    def instance(self, xpos: float = 0, ypos: float = 0) -> Operation:
        """A new Operation of this type with one field value per non-array field type."""
        operation = Operation.new_bound(self.session, operation_type=self, x=xpos, y=ypos)
        operation.field_values = []
        for field_type in self.field_types or []:
            if not field_type.array:
                field_type.initialize_field_value(parent=operation)
        return operation

    def to_save_json(self) -> dict[str, Any]:
        """The body of the operation type create/update routes (field types with their
        allowable types; code only where it was set or loaded, nothing is fetched for it)."""
        data = self.dump(
            include={"field_types": {"allowable_field_types": ["sample_type", "object_type"]}}
        )
        for name in CODE_NAMES:
            code = self._related.get(name)
            if code:
                data[name] = {"content": code.content, "name": name}
        return data

    def save(self) -> OperationType:
        """Create the operation type on the server, or update it if it has an id; returns self."""
        utils = session_of(self).utils
        if self.id:
            utils.update_operation_type(self)
        else:
            utils.create_operation_type(self)
        return self


class Plan(DataAssociatorMixin, SaveMixin, DeleteMixin, ModelBase):
    """A plan: operations wired together, saved and submitted as a whole."""

    COLUMNS = (
        "user_id",
        "created_at",
        "updated_at",
        "budget_id",
        "name",
        "status",
        "cost_limit",
        "folder",
        "layout",
    )
    STR_FIELDS = ("name", "status")
    query_hook = {"include": ["plan_associations", "operations"]}

    data_associations = HasManyGeneric("DataAssociation", {"parent_class": "Plan"})
    plan_associations = HasMany("PlanAssociation", ref="plan_id")
    operations = HasManyThrough("Operation", "PlanAssociation")
    wires = Many("Wire", query=lambda plan: plan._wires_query())
    layout = JSON()
    status = Raw(default="planning")
    user = HasOne("User")

    def __init__(self, name: str = "MyPlan", status: str = "planning") -> None:
        self._set_fields({"name": name, "status": status, "layout": default_layout()})

    # -- loading ---------------------------------------------------------------------------
    @classmethod
    def relationship_find(cls, session: Any, model_id: Any) -> Any:
        """Plans are fetched with ``GET plans/{id}.json`` (operations and wires included);
        caching sessions answer from their cache instead."""
        if getattr(session, "using_cache", False):
            return session.model_interface("Plan").find(model_id)
        return session.model_interface("Plan").get(f"plans/{model_id}.json")

    @classmethod
    def _fetch_fresh(cls, session: Any, model_id: Any) -> Any:
        return session.aqhttp.get(f"plans/{model_id}.json")

    def _wires_query(self) -> dict[str, Any] | None:
        if self.id is None:
            return None
        ids = [fv.id for op in self.operations or [] for fv in op.field_values or [] if fv.id]
        return {"from_id": ids, "to_id": ids}

    # -- building --------------------------------------------------------------------------
    def add_operation(self, operation: Any) -> Plan:
        """Add ``operation`` to this plan (saved with the plan); returns self for chaining.

        A new operation also learns its plan, so its wires (``successors``, ``get_wires``)
        are found before anything is saved.
        """
        self.append_to_many("operations", operation)
        if operation.id is None:
            operation.append_to_many("plans", self)
        return self

    def add_operations(self, operations: list[Any]) -> Plan:
        """Add each of ``operations`` to this plan; returns self for chaining."""
        for operation in operations:
            self.add_operation(operation)
        return self

    def add_wire(self, wire: Any) -> Plan:
        """Add ``wire`` to this plan (saved with the plan); returns self for chaining."""
        self.append_to_many("wires", wire)
        return self

    def add_wires(self, wires: list[Any]) -> Plan:
        """Add each of ``wires`` to this plan; returns self for chaining."""
        for wire in wires:
            self.add_wire(wire)
        return self

    def wire(self, src: Any, dest: Any) -> Wire:
        """Wire the output field value ``src`` to the input field value ``dest``."""
        wire = Wire.new_bound(self.session, source=src, destination=dest)
        self.add_wire(wire)
        return wire

    def find_wires(self, src: Any, dest: Any) -> list[Any]:
        """This plan's wires from ``src`` to ``dest`` (matched by rid, so unsaved field
        values are found too)."""
        return [w for w in self.wires or [] if w.does_wire(src, dest)]

    def all_data_associations(self) -> list[Any]:
        """The plan's data associations, then each operation's and those of the items in
        its field values."""
        found = list(self.data_associations or [])
        for operation in self.operations or []:
            found += operation.data_associations or []
            for fv in operation.field_values or []:
                if fv.child_item_id is not None and fv.item is not None:
                    found += fv.item.data_associations or []
        return found

    def download_files(self, outdir: Any = None, overwrite: bool = True) -> list[Any]:
        """Download the uploads attached to this plan's data associations (side by side);
        returns the paths written."""
        uploads = [da.upload for da in self.data_associations or [] if da.upload is not None]
        upload_class: Any = get_model("Upload")
        return list(upload_class.async_download(uploads, outdir, overwrite))

    def show(self) -> None:
        """Print the plan, its operations and wires."""
        print(f"{self.name} id: {self.id}")
        for operation in self.operations or []:
            operation.show(pre="  ")
        for wire in self.wires or []:
            wire.show(pre="  ")

    def field_values(self) -> list[Any]:
        """Every field value of every operation in this plan."""
        return [fv for op in self.operations or [] for fv in op.field_values or []]

    def validate(self, raise_error: bool = True) -> list[str]:
        """Check that every new wire connects field values of this plan's operations.

        Returns the problems found; with ``raise_error`` they raise AquariumModelError.
        """
        members = {fv.rid for fv in self.field_values()}
        errors = []
        for wire in self.wires or []:
            if wire.id is not None:
                continue
            for end in ("source", "destination"):
                value = getattr(wire, end)
                if value is None or value.rid not in members:
                    errors.append(
                        f"The {end} of {wire!r} is not in plan {self.name!r}: add its "
                        "operation to the plan first."
                    )
        if errors and raise_error:
            raise AquariumModelError("\n".join(errors))
        return errors

    def to_save_json(self) -> dict[str, Any]:
        """The body of ``POST plans.json`` / ``PUT plans/{id}.json``."""
        self.validate()
        data = self.dump()
        data["layout"] = json_copy(self.layout) if self.layout is not None else default_layout()
        data["operations"] = [op.to_save_json() for op in self.operations or []]
        if self.is_deserialized("wires"):
            unique: dict[Any, Any] = {}
            for wire in self.wires or []:
                key = wire.id
                if key is None:
                    key = ("new", wire.source.rid, wire.destination.rid)
                unique.setdefault(key, wire)
            data["wires"] = [wire.to_save_json() for wire in unique.values()]
        return data

    def _get_create_json(self) -> Any:
        return self.to_save_json()

    def _get_create_params(self) -> dict[str, Any] | None:
        user = getattr(session_of(self), "current_user", None)
        return None if user is None else {"user_id": user.id}

    _get_update_params = _get_create_params

    # -- server actions ----------------------------------------------------------------------
    def submit(self, user: Any, budget: Any) -> Any:
        """Start this saved plan for ``user``, charged to ``budget``; the server's answer."""
        return session_of(self).utils.submit_plan(self, user, budget)

    def estimate_cost(self) -> Any:
        """Ask the server what this saved plan would cost; sets each operation's cost."""
        return session_of(self).utils.estimate_plan_cost(self)

    def step(self) -> Any:
        """Advance this plan's operations whose inputs are ready (server side)."""
        return session_of(self).utils.step_plan(self.id)

    def replan(self) -> Any:
        """Copy this plan on the server; returns the new Plan."""
        return session_of(self).utils.replan(self.id)


class PlanAssociation(ModelBase):
    """Links an Operation to a Plan."""

    COLUMNS = ("plan_id", "operation_id", "created_at", "updated_at")
    STR_FIELDS = ("plan_id", "operation_id")

    plan = HasOne("Plan")
    operation = HasOne("Operation")


class Wire(DeleteMixin, ModelBase):
    """Connects an operation's output field value to another operation's input."""

    COLUMNS = ("from_id", "to_id", "active", "created_at", "updated_at")
    STR_FIELDS = ("from_id", "to_id")

    source = HasOne("FieldValue", ref="from_id")
    destination = HasOne("FieldValue", ref="to_id")

    def __init__(self, source: Any = None, destination: Any = None) -> None:
        self.validate_ends(source, destination)
        self._set_fields({"source": source, "destination": destination, "active": True})

    @staticmethod
    def validate_ends(source: Any, destination: Any) -> None:
        """Both ends or neither; operation field values; output -> input; distinct."""
        if source is None and destination is None:
            return
        if source is None or destination is None:
            raise AquariumModelError("A wire needs both a source and a destination.")
        for end, role in ((source, "output"), (destination, "input")):
            if end.parent_class != "Operation":
                raise AquariumModelError(
                    f"Wires connect operation field values; {end!r} belongs to {end.parent_class}."
                )
            if end.role != role:
                raise AquariumModelError(
                    f"A wire's {'source' if role == 'output' else 'destination'} must be an "
                    f"{role}; {end!r} has role {end.role!r}."
                )
        if source is destination:
            raise AquariumModelError("A wire cannot connect a field value to itself.")

    #: The parent classes whose field values wires can connect.
    WIRABLE_PARENT_CLASSES = ("Operation",)

    def validate(self) -> None:
        """Check this wire's ends (see :meth:`validate_ends`)."""
        self.validate_ends(self.source, self.destination)

    def does_wire(self, source: Any, destination: Any) -> bool:
        """Whether this wire goes from ``source`` to ``destination`` (compared by rid)."""
        return self.does_wire_from(source) and self.does_wire_to(destination)

    def does_wire_from(self, source: Any) -> bool:
        """Whether ``source`` is this wire's source (compared by rid)."""
        own = self.source
        return source is not None and own is not None and source.rid == own.rid

    def does_wire_to(self, destination: Any) -> bool:
        """Whether ``destination`` is this wire's destination (compared by rid)."""
        own = self.destination
        return destination is not None and own is not None and destination.rid == own.rid

    @property
    def identifier(self) -> str:
        """``"{from}_{to}"``: each end's ``r{rid}`` when loaded, else its field value id."""
        ends = []
        for name, ref in (("source", "from_id"), ("destination", "to_id")):
            value = self.source if name == "source" else self.destination
            ends.append(f"r{value.rid}" if value is not None else str(getattr(self, ref)))
        return "_".join(ends)

    def show(self, pre: str = "") -> None:
        """Print ``OperationType:input --> OperationType:output`` for this wire."""
        sides = []
        for end in (self.source, self.destination):
            operation = None if end is None else end.operation
            type_name = getattr(getattr(operation, "operation_type", None), "name", None)
            sides.append(f"{type_name}:{getattr(end, 'name', None)}")
        print(f"{pre}{sides[0]} --> {sides[1]}")

    def to_save_json(self) -> dict[str, Any]:
        """This wire as the plan save route expects it: its ends named by their ``rid``."""
        data = self.dump()
        for key, name in (("from", "source"), ("to", "destination")):
            if self.is_deserialized(name) and getattr(self, name) is not None:
                data[key] = {"rid": getattr(self, name).rid}
        return data

    def delete(self) -> Any:
        """Always refused: wires are removed by saving their plan without them."""
        raise AquariumModelError(
            "Aquarium has no route that deletes a single wire: remove it from plan.wires and "
            "save the plan."
        )


class Job(ModelBase):
    """A batch of operations run together by a technician."""

    COLUMNS = (
        "user_id",
        "arguments",
        "state",
        "created_at",
        "updated_at",
        "path",
        "pc",
        "group_id",
        "submitted_by",
        "desired_start_time",
        "latest_start_time",
        "metacol_id",
        "successor_id",
    )
    STR_FIELDS = ("pc", "user_id")

    job_associations = HasMany("JobAssociation", ref="job_id")
    operations = HasManyThrough("Operation", "JobAssociation")
    state = JSON()

    @property
    def is_complete(self) -> bool:
        """Whether the job has finished (Aquarium marks that with ``pc == -2``)."""
        return bool(self.pc == -2)

    def _state_time(self, index: int) -> Any:
        state = self.state
        try:
            return state[index]["time"]
        except (IndexError, KeyError, TypeError):
            return None

    @property
    def start_time(self) -> Any:
        """Time of the first state entry (None before the job started)."""
        return self._state_time(0)

    @property
    def end_time(self) -> Any:
        """Time of the last step before the final ``complete`` entry."""
        return self._state_time(-2)

    @property
    def uploads(self) -> list[Any]:
        """The job's uploads as the server lists them (``krill/uploads?job=``)."""
        result = session_of(self).aqhttp.get(f"krill/uploads?job={self.id}")
        return list((result or {}).get("uploads", []))


class JobAssociation(ModelBase):
    """Links an Operation to a Job."""

    COLUMNS = ("job_id", "operation_id", "created_at", "updated_at")
    STR_FIELDS = ("job_id", "operation_id")

    job = HasOne("Job")
    operation = HasOne("Operation")
