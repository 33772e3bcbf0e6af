"""Type models and their fields: SampleType, FieldType, FieldValue, AllowableFieldType."""

from __future__ import annotations

from typing import Any

from aqsession.exceptions import AquariumModelError

from .base import ModelBase
from .crud import JSONDeleteMixin, JSONSaveMixin
from .field_access import FieldTypeInterface
from .registry import get_model
from .relationships import Function, HasMany, HasOne, Raw, session_of

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
        project: str,
        description: str = "",
        properties: dict[str, Any] | None = None,
    ) -> Any:
        """A new (unsaved) Sample of this type, bound to this type's session."""
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


class FieldType(ModelBase):
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

    def initialize_field_value(self, parent: Any = None) -> Any:
        """A new FieldValue for this field type (attached to ``parent`` when given)."""
        parent_class = "Operation" if self.parent_class == "OperationType" else "Sample"
        fv = get_model("FieldValue")(
            name=self.name,
            role=self.role,
            parent_class=parent_class,
            field_type=self,
            session=self.session,
        )
        if parent is not None:
            fv.parent_id = parent.id
            parent.append_to_many("field_values", fv)
        return fv


class FieldValue(JSONSaveMixin, JSONDeleteMixin, ModelBase):
    """The value of one field of a Sample or Operation: plain data, a Sample or an Item."""

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
        """The wires that leave this field value (it is their source)."""
        return list(self.wires_as_source or [])

    @property
    def incoming_wires(self) -> list[Any]:
        """The wires that arrive at this field value (it is their destination)."""
        return list(self.wires_as_dest or [])

    @property
    def successors(self) -> list[Any]:
        """Field values this output is wired to."""
        return [w.destination for w in self.outgoing_wires]

    @property
    def predecessors(self) -> list[Any]:
        """Field values wired into this input."""
        return [w.source for w in self.incoming_wires]

    def set_value(
        self,
        value: Any = None,
        sample: Any = None,
        container: Any = None,
        item: Any = None,
        row: int | None = None,
        column: int | None = None,
        object_type: Any = None,
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
