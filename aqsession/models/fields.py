"""Type models and their fields: SampleType, FieldType, FieldValue, AllowableFieldType."""

from __future__ import annotations

from typing import Any

from aqsession.exceptions import AquariumModelError

from .base import ModelBase
from .crud import JSONDeleteMixin, JSONSaveMixin
from .field_access import FieldTypeInterface
from .registry import get_model
from .relationships import Function, HasMany, HasOne, Raw, find_parent, session_of

FIELD_TYPE_COLUMNS = (
    "parent_id",
    "name",
    "ftype",
    "choices",
    "array",
    "required",
    "created_at",
    "updated_at",
    "parent_class",
    "role",
    "part",
    "routing",
    "preferred_operation_type_id",
    "preferred_field_type_id",
)


class FieldMixin:
    """What FieldType and FieldValue share (pydent's ``FieldMixin``)."""

    def find_field_parent(self: Any, model_name: str, model_id: Any) -> Any:
        """The parent ``model_name`` with ``model_id`` when ``parent_class`` names it (the
        polymorphic lookup behind ``operation_type`` / ``operation`` ...), else None."""
        return find_parent(self, model_name, model_id)


class SampleType(FieldTypeInterface, JSONSaveMixin, ModelBase):
    """A kind of sample (Primer, Plasmid…) and the field types its samples have."""

    COLUMNS = ("name", "description", "created_at", "updated_at")
    STR_FIELDS = ("name",)

    samples = HasMany("Sample", ref="sample_type_id")
    field_types = HasMany(
        "FieldType", ref="parent_id", additional_args={"parent_class": "SampleType"}
    )

    def new_sample(
        self,
        name: str,
        description: str,
        project: str,
        properties: dict[str, Any] | None = None,
    ) -> Any:
        """A new (unsaved) Sample of this type, bound to this type's session (pydent's
        argument order: name, description, project)."""
        sample = get_model("Sample")(
            name=name,
            project=project,
            description=description,
            sample_type=self,
            session=self.session,
        )
        if properties:
            sample.update_properties(properties)
        return sample

    def create(self) -> Any:
        """Create this sample type with its field types (``POST sample_types.json``)."""
        return session_of(self).utils.create_sample_type(self)

    @property
    def properties(self) -> dict[str, Any]:
        """``{field name: kind}``: the allowable sample types (as text) for sample fields,
        the ``ftype`` (``"number"``, ``"string"``, ...) for the others."""
        result: dict[str, Any] = {}
        for ft in self.field_types or []:
            if ft.ftype == "sample":
                result[ft.name] = [str(aft) for aft in ft.allowable_field_types or []]
            else:
                result[ft.name] = ft.ftype
        return result


class FieldType(FieldMixin, ModelBase):
    """A typed input/output (OperationType) or property (SampleType)."""

    COLUMNS = FIELD_TYPE_COLUMNS
    STR_FIELDS = ("name", "role", "ftype", "parent_class")

    allowable_field_types = HasMany("AllowableFieldType", ref="field_type_id")
    operation_type = HasOne("OperationType", ref="parent_id", polymorphic=True)
    sample_type = HasOne("SampleType", ref="parent_id", polymorphic=True)
    field_values = HasMany("FieldValue", ref="field_type_id")

    @property
    def choices_list(self) -> list[str]:
        """``choices`` split on commas (empty when the field is free-form)."""
        return [c.strip() for c in (self.choices or "").split(",") if c.strip()]

    def is_parameter(self) -> bool:
        """Whether values are plain data rather than samples/items."""
        return self.ftype not in ("sample", "item")

    @property
    def parent(self) -> Any:
        """The OperationType or SampleType this field type belongs to."""
        return self.operation_type if self.parent_class == "OperationType" else self.sample_type

    def initialize_field_value(self, field_value: Any = None, parent: Any = None) -> Any:
        """Set ``field_value`` up for this field type (a new FieldValue when None): name,
        role, parent class and the first allowable field type; attached to ``parent`` (a
        Sample or Operation) when given."""
        parent_class = "Operation" if self.parent_class == "OperationType" else "Sample"
        if field_value is None:
            field_value = get_model("FieldValue")(
                name=self.name,
                role=self.role,
                parent_class=parent_class,
                field_type=self,
                session=self.session,
            )
        else:
            field_value.set_field_type(self)
        afts = self.allowable_field_types if self.id is not None else None
        if afts and field_value.allowable_field_type_id is None:
            field_value.set_allowable_field_type(afts[0])
        if parent is not None:
            field_value.parent_id = parent.id
            field_value.set_loaded(field_value.get_parent_key(), parent)
            parent.append_to_many("field_values", field_value)
        return field_value

    def get_choices(self) -> list[str] | None:
        """The ``choices`` as a list (None for a free-form field); pydent's spelling of
        :attr:`choices_list`."""
        return self.choices_list or None

    def get_allowable_field_types(
        self, sample_type_id: int | None = None, object_type_id: int | None = None
    ) -> list[Any]:
        """The allowable field types, only those matching the given ids."""
        return [
            aft
            for aft in self.allowable_field_types or []
            if (sample_type_id is None or aft.sample_type_id == sample_type_id)
            and (object_type_id is None or aft.object_type_id == object_type_id)
        ]

    def create_allowable_field_type(self, sample_type: Any = None, object_type: Any = None) -> Any:
        """A new (unsaved) allowable field type of this field type, appended to its list."""
        aft = get_model("AllowableFieldType")(
            field_type=self, sample_type=sample_type, object_type=object_type, session=self.session
        )
        self.append_to_many("allowable_field_types", aft)
        return aft


class FieldValue(FieldMixin, JSONSaveMixin, JSONDeleteMixin, ModelBase):
    """The value of one field of a Sample or Operation: plain data, a Sample or an Item."""

    #: The relationship naming what types this value (pydent's name).
    METATYPE = "field_type"

    COLUMNS = (
        "parent_id",
        "value",
        "child_sample_id",
        "child_item_id",
        "created_at",
        "updated_at",
        "name",
        "parent_class",
        "role",
        "field_type_id",
        "row",
        "column",
        "allowable_field_type_id",
    )
    STR_FIELDS = ("name", "role", "parent_class", "parent_id")

    field_type = HasOne("FieldType")
    allowable_field_type = HasOne("AllowableFieldType")
    array = Raw()
    item = HasOne("Item", ref="child_item_id")
    sample = HasOne("Sample", ref="child_sample_id")
    object_type_id = Raw()
    object_type = HasOne("ObjectType")
    operation = HasOne("Operation", ref="parent_id", polymorphic=True)
    parent_sample = HasOne("Sample", ref="parent_id", polymorphic=True)
    sid = Function("_sid")
    child_sample_name = Function("_sid")
    wires_as_source = HasMany("Wire", ref="from_id")
    wires_as_dest = HasMany("Wire", ref="to_id")

    def _sid(self) -> str | None:
        """``"{id}: {name}"`` of the child sample (the form Aquarium's forms use)."""
        sample = self.sample
        return None if sample is None else f"{sample.id}: {sample.name}"

    @property
    def val(self) -> Any:
        """The value in its natural form: the Sample, the Item, or the stored value."""
        if self.child_sample_id is not None or self._related.get("sample"):
            return self.sample
        if self.child_item_id is not None or self._related.get("item"):
            return self.item
        return self.value

    @property
    def parent(self) -> Any:
        """The Operation or Sample this value belongs to."""
        return self.operation if self.parent_class == "Operation" else self.parent_sample

    @property
    def outgoing_wires(self) -> list[Any]:
        """The wires that leave this field value (it is their source): the server's, or for
        an unsaved value those of its operation's plan."""
        if self.id is None:
            return [w for w in self.get_wires() or [] if w.does_wire_from(self)]
        return list(self.wires_as_source or [])

    @property
    def incoming_wires(self) -> list[Any]:
        """The wires that arrive at this field value (it is their destination): the
        server's, or for an unsaved value those of its operation's plan."""
        if self.id is None:
            return [w for w in self.get_wires() or [] if w.does_wire_to(self)]
        return list(self.wires_as_dest or [])

    @property
    def successors(self) -> list[Any]:
        """Field values this output is wired to."""
        return [w.destination for w in self.outgoing_wires]

    @property
    def predecessors(self) -> list[Any]:
        """Field values wired into this input."""
        return [w.source for w in self.incoming_wires]

    def get_wires(self) -> list[Any] | None:
        """The wires of this operation field value's plan that end (inputs) or start
        (outputs) here; None for a value that is not an operation's input or output."""
        if not self.role or self.parent_class != "Operation":
            return None
        operation = self.operation
        plan = None if operation is None else operation.plan
        if plan is None:
            return []
        if self.role == "input":
            return [w for w in plan.wires or [] if w.does_wire_to(self)]
        return [w for w in plan.wires or [] if w.does_wire_from(self)]

    def get_sid(self) -> str | None:
        """``"{id}: {name}"`` of the sample (None without one)."""
        return self._sid()

    def get_parent_key(self) -> str:
        """The relationship holding the parent: ``operation`` or ``parent_sample``."""
        keys = {"Operation": "operation", "Sample": "parent_sample"}
        if self.parent_class not in keys:
            raise AquariumModelError(
                f"Parent class {self.parent_class!r} is not a FieldValue parent (Operation or "
                "Sample)."
            )
        return keys[self.parent_class]

    def get_parent(self) -> Any:
        """The Operation or Sample this value belongs to (see :meth:`get_parent_key`)."""
        return getattr(self, self.get_parent_key())

    def set_parent(self, model: Any) -> FieldValue:
        """Make ``model`` (an Operation or Sample) this value's parent."""
        self.parent_id = model.id
        self.parent_class = type(model).__name__
        setattr(self, self.get_parent_key(), model)
        return self

    def set_operation(self, operation: Any) -> None:
        """Make ``operation`` this value's parent."""
        self.parent_class = "Operation"
        self.parent_id = operation.id
        self.operation = operation

    def set_sample(self, sample: Any) -> None:
        """Make ``sample`` this value's parent (a property of that sample).

        As in pydent, this also sets the value's own ``sample`` relationship; use
        :meth:`set_value` to choose a sample as an operation input.
        """
        self.parent_class = "Sample"
        self.parent_id = sample.id
        self.sample = sample

    def set_field_type(self, field_type: Any) -> None:
        """Take name, role and parent class from ``field_type`` and point at it."""
        self.field_type = field_type
        self.field_type_id = field_type.id
        if field_type.name:
            self.name = field_type.name
        parents = {"OperationType": "Operation", "SampleType": "Sample"}
        if field_type.parent_class:
            if field_type.parent_class not in parents:
                raise AquariumModelError(
                    f"FieldType parent_class {field_type.parent_class!r} is not recognised."
                )
            self.parent_class = parents[field_type.parent_class]
        if field_type.role:
            self.role = field_type.role

    def set_allowable_field_type(self, allowable_field_type: Any) -> None:
        """Choose ``allowable_field_type`` (a sample type / container pair) for this value."""
        self.allowable_field_type = allowable_field_type
        self.allowable_field_type_id = allowable_field_type.id

    def valid_afts(self) -> list[Any]:
        """The field type's allowable field types that fit the chosen sample and container."""
        afts = list(self.field_type.allowable_field_types or []) if self.field_type else []
        sample = self.sample
        if sample is not None:
            afts = [a for a in afts if a.sample_type_id == sample.sample_type_id]
        container_id = self.object_type_id
        item = self.item
        if item is not None and item.object_type_id is not None:
            container_id = item.object_type_id
        if container_id is not None:
            afts = [a for a in afts if a.object_type_id == container_id]
        return afts

    def set_aft(self) -> None:
        """Choose the first of :meth:`valid_afts`; AquariumModelError when none fits."""
        afts = self.valid_afts()
        if not afts:
            raise AquariumModelError(
                f"No allowable field type of {self.name!r} fits its sample and container."
            )
        self.set_allowable_field_type(afts[0])

    def reset(self) -> None:
        """Clear the value, sample, item, position and allowable field type."""
        for name in ("value", "allowable_field_type_id", "child_item_id", "child_sample_id",
                     "row", "column"):  # fmt: skip
            setattr(self, name, None)
        for name in ("allowable_field_type", "item", "sample"):
            self.set_loaded(name, None)

    def compatible_items(self) -> list[Any]:
        """Items that can fill this input: the server's list for the sample and the
        container of the allowable field type (``POST json/items``)."""
        sample = self.sample
        aft = self.allowable_field_type
        if sample is None or aft is None:
            return []
        return list(session_of(self).utils.compatible_items(sample.id, aft.object_type_id))

    def choose_item(self, first: bool = True) -> Any:
        """Set the first (or last) compatible item as this value's item; returns it, or
        None when nothing fits."""
        items = self.compatible_items()
        if not items:
            return None
        item = items[0 if first else -1]
        if isinstance(item, dict):  # a part of a collection: the collection and a position
            self.set_value(item=item["collection"], row=item.get("row"), column=item.get("column"))
        else:
            self.set_value(item=item)
        return item

    def show(self, pre: str = "") -> None:
        """Print ``role.name:sample [item: id in container]`` or ``role.name:value``."""
        if self.sample is not None:
            where = ""
            if self.child_item_id:
                container = self.item.object_type if self.item is not None else None
                where = f" item: {self.child_item_id} in {getattr(container, 'name', None)}"
            print(f"{pre}{self.role}.{self.name}:{self.sample.name}{where}")
        elif self.value:
            print(f"{pre}{self.role}.{self.name}:{self.value}")

    def set_value(
        self,
        value: Any = None,
        sample: Any = None,
        item: Any = None,
        object_type: Any = None,
        row: int | None = None,
        column: int | None = None,
        container: Any = None,
    ) -> FieldValue:
        """Set the value, sample, item and/or position; for operation inputs/outputs the
        allowable field type matching the sample type and container is chosen."""
        container = container if container is not None else object_type
        if value is not None:
            self.value = value
        if sample is not None:
            self.sample = sample
        if item is not None:
            self.item = item
            if container is None:
                container = item.object_type
        if row is not None:
            self.row = row
        if column is not None:
            self.column = column
        if self.parent_class == "Operation" and (sample is not None or container is not None):
            self._choose_allowable_field_type(sample, container)
        return self

    def _choose_allowable_field_type(self, sample: Any, container: Any) -> None:
        field_type = self.field_type
        if field_type is None:
            return
        candidates = list(field_type.allowable_field_types or [])
        if not candidates:
            return
        if sample is not None and sample.sample_type_id is not None:
            candidates = [a for a in candidates if a.sample_type_id == sample.sample_type_id]
        if container is not None:
            candidates = [a for a in candidates if a.object_type_id == container.id]
        if not candidates:
            wanted = {
                "sample_type_id": None if sample is None else sample.sample_type_id,
                "object_type_id": None if container is None else container.id,
            }
            allowed = [
                (a.sample_type_id, a.object_type_id) for a in field_type.allowable_field_types or []
            ]
            raise AquariumModelError(
                f"Field {self.name!r} has no allowable field type for {wanted}; allowed "
                f"(sample_type_id, object_type_id) pairs: {allowed}."
            )
        self.allowable_field_type = candidates[0]


class AllowableFieldType(ModelBase):
    """A (sample type, object type) pair allowed for a field type."""

    COLUMNS = ("field_type_id", "sample_type_id", "object_type_id", "created_at", "updated_at")
    STR_FIELDS = ("field_type_id", "sample_type_id", "object_type_id")

    field_type = HasOne("FieldType")
    object_type = HasOne("ObjectType")
    sample_type = HasOne("SampleType")

    def __init__(
        self, field_type: Any = None, object_type: Any = None, sample_type: Any = None
    ) -> None:
        self._set_fields(
            {"field_type": field_type, "object_type": object_type, "sample_type": sample_type}
        )
