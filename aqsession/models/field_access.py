"""Field type and field value access shared by the typed models.

* :class:`FieldTypeInterface` — SampleType / OperationType: look up their FieldTypes.
* :class:`FieldValueInterface` — Sample / Operation: read and set their FieldValues, creating
  them from the parent's field types when needed.
"""

from __future__ import annotations

from typing import Any, ClassVar

from aqsession.exceptions import AquariumModelError

from .registry import get_model


def _matches(model: Any, name: str, role: str | None) -> bool:
    return bool(model.name == name and (role is None or model.role == role))


class FieldTypeInterface:
    """Lookup of the ``field_types`` of a SampleType or OperationType."""

    def get_field_types(self: Any, role: str | None = None) -> list[Any]:
        """The field types of this type, only those of ``role`` when given."""
        return [ft for ft in self.field_types or [] if role is None or ft.role == role]

    def field_type(self: Any, name: str, role: str | None = None) -> Any:
        """The field type called ``name`` (and ``role``); None when there is none."""
        for ft in self.field_types or []:
            if _matches(ft, name, role):
                return ft
        return None

    get_field_type = field_type

    def field_type_names(self: Any, role: str | None = None) -> list[str]:
        """The names of this type's field types, only those of ``role`` when given."""
        return [ft.name for ft in self.get_field_types(role)]


class FieldValueInterface:
    """Field value access for models with ``field_values`` typed by a parent's field types.

    ``FIELD_VALUE_PARENT`` is the ``parent_class`` of their field values, ``FIELD_TYPE_OWNER``
    the relationship holding the type that lists the field types.
    """

    FIELD_VALUE_PARENT: ClassVar[str] = ""
    FIELD_TYPE_OWNER: ClassVar[str] = ""

    def _field_type_owner(self: Any) -> Any:
        """The SampleType or OperationType whose field types describe this model."""
        owner = getattr(self, self.FIELD_TYPE_OWNER)
        if owner is None:
            raise AquariumModelError(
                f"{self!r} has no {self.FIELD_TYPE_OWNER}; set it before using field values."
            )
        return owner

    def field_type(self: Any, name: str, role: str | None = None) -> Any:
        """The field type called ``name``; AquariumModelError (listing the names) otherwise."""
        owner = self._field_type_owner()
        found = owner.field_type(name, role)
        if found is None:
            names = owner.field_type_names(role)
            raise AquariumModelError(
                f"{type(owner).__name__} {owner.name!r} has no field type {name!r}"
                f"{'' if role is None else f' with role {role!r}'}; it has {names}."
            )
        return found

    def get_field_value_array(self: Any, name: str, role: str | None = None) -> list[Any]:
        """Every field value called ``name`` (and ``role``), in order."""
        return [fv for fv in self.field_values or [] if _matches(fv, name, role)]

    field_value_array = get_field_value_array

    def get_field_value(self: Any, name: str, role: str | None = None) -> Any:
        """The first field value called ``name`` (and ``role``), or None."""
        found = self.get_field_value_array(name, role)
        return found[0] if found else None

    field_value = get_field_value

    def new_field_value(self: Any, name: str, role: str | None = None) -> Any:
        """A new field value for the field type ``name``, appended to ``field_values``."""
        field_type = self.field_type(name, role)
        fv = get_model("FieldValue")(
            name=field_type.name,
            role=field_type.role,
            parent_class=self.FIELD_VALUE_PARENT,
            parent_id=self.id,
            field_type=field_type,
            session=self.session,
        )
        self.append_to_many("field_values", fv)
        return fv

    def set_field_value(
        self: Any,
        name: str,
        role: str | None = None,
        value: Any = None,
        sample: Any = None,
        item: Any = None,
        container: Any = None,
        row: int | None = None,
        column: int | None = None,
    ) -> Any:
        """Set (creating if needed) the field value ``name`` and return it."""
        fv = self.get_field_value(name, role) or self.new_field_value(name, role)
        fv.set_value(
            value=value, sample=sample, item=item, container=container, row=row, column=column
        )
        return fv

    def set_field_value_array(
        self: Any, name: str, values: list[Any], role: str | None = None
    ) -> list[Any]:
        """Replace the field values of array field ``name`` with one per element of
        ``values`` (Samples, Items, or plain values, by the field's type)."""
        field_type = self.field_type(name, role)
        kept = [fv for fv in self.field_values or [] if not _matches(fv, name, role)]
        self.field_values = kept
        created = []
        for value in values:
            fv = self.new_field_value(name, role)
            fv.set_value(**self._value_kwargs(field_type, value))
            created.append(fv)
        return created

    @staticmethod
    def _value_kwargs(field_type: Any, value: Any) -> dict[str, Any]:
        """How a property value is stored for a field type (``sample``, ``item`` or value)."""
        if field_type.ftype == "sample":
            return {"sample": value}
        if field_type.ftype == "item":
            return {"item": value}
        return {"value": value}
