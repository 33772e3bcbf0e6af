"""Field type and field value access shared by the typed models.

* :class:`FieldTypeInterface` — SampleType / OperationType: look up their FieldTypes.
* :class:`FieldValueInterface` — Sample / Operation: read and set their FieldValues, creating
  them from the parent's field types when needed.
"""

from __future__ import annotations

from typing import Any, ClassVar

from aqsession.exceptions import AquariumModelError

from .registry import get_model

_SETTINGS = frozenset({"value", "sample", "item", "container", "object_type", "row", "column"})


def _is_settings(entry: Any) -> bool:
    """Whether ``entry`` is a dict of FieldValue.set_value settings (pydent's value form)."""
    return isinstance(entry, dict) and bool(entry) and set(entry) <= _SETTINGS


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
    #: pydent's name for :attr:`FIELD_TYPE_OWNER` (set with it in each model).
    METATYPE: ClassVar[str] = ""

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

    def get_metatype(self: Any) -> Any:
        """The SampleType or OperationType whose field types describe this model."""
        return self._field_type_owner()

    def get_field_types(self: Any, name: str | None = None, role: str | None = None) -> list[Any]:
        """The type's field types, only those called ``name`` / with ``role`` when given."""
        return [
            ft
            for ft in self._field_type_owner().field_types or []
            if (name is None or ft.name == name) and (role is None or ft.role == role)
        ]

    def get_field_type(self: Any, name: str, role: str | None = None) -> Any:
        """The field type called ``name`` (and ``role``), or None (see :meth:`field_type`)."""
        found = self.get_field_types(name, role)
        return found[0] if found else None

    def safe_get_field_type(self: Any, fv: Any) -> Any:
        """``fv``'s field type; one without a field type id gets the type's field type of the
        same name and role attached first."""
        if fv.field_type_id is None:
            match = self.get_field_type(fv.name, fv.role)
            if match is not None:
                fv.set_field_type(match)
        return fv.field_type

    def new_field_value(
        self: Any, name: str, role: str | None = None, values_dict: dict[str, Any] | None = None
    ) -> Any:
        """A new field value for the field type ``name``, appended to ``field_values``;
        ``values_dict`` (``{"sample": s, "item": i, "value": v, "object_type": o}``) sets it."""
        field_type = self.field_type(name, role)
        fv = get_model("FieldValue")(
            name=field_type.name,
            role=field_type.role,
            parent_class=self.FIELD_VALUE_PARENT,
            parent_id=self.id,
            field_type=field_type,
            session=self.session,
        )
        fv.set_loaded(fv.get_parent_key(), self)
        self.append_to_many("field_values", fv)
        if values_dict:
            fv.set_value(**values_dict)
        return fv

    def new_field_value_from_field_type(
        self: Any, field_type: Any, values_dict: dict[str, Any] | None = None
    ) -> Any:
        """:meth:`new_field_value` for one of this type's field types."""
        if all(ft is not field_type and ft.id != field_type.id for ft in self.get_field_types()):
            raise AquariumModelError(
                f"{field_type!r} is not a field type of {self._field_type_owner()!r}."
            )
        return self.new_field_value(field_type.name, field_type.role, values_dict=values_dict)

    def set_field_value(
        self: Any,
        name: str,
        role: str | None = None,
        values: dict[str, Any] | None = None,
        *,
        value: Any = None,
        sample: Any = None,
        item: Any = None,
        container: Any = None,
        row: int | None = None,
        column: int | None = None,
    ) -> Any:
        """Set (creating if needed) the field value ``name`` and return it.

        ``values`` is pydent's form (``{"sample": s, "item": i, ...}``); the keywords are the
        same settings one by one.
        """
        fv = self.get_field_value(name, role) or self.new_field_value(name, role)
        settings = {
            "value": value, "sample": sample, "item": item, "container": container,
            "row": row, "column": column,
        }  # fmt: skip
        settings.update(values or {})
        fv.set_value(**settings)
        return fv

    def set_field_value_array(
        self: Any, name: str, role: str | None = None, values_array: list[Any] | None = None
    ) -> list[Any]:
        """Replace the field values of array field ``name`` with one per element of
        ``values_array``: a dict of :meth:`FieldValue.set_value` settings (pydent's form) or
        a plain Sample, Item or value (stored by the field's type)."""
        field_type = self.field_type(name, role)
        kept = [fv for fv in self.field_values or [] if not _matches(fv, name, role)]
        self.field_values = kept
        created = []
        for entry in values_array or []:
            fv = self.new_field_value(name, role)
            settings = entry if _is_settings(entry) else self._value_kwargs(field_type, entry)
            fv.set_value(**settings)
            created.append(fv)
        return created

    def update_field_values(self: Any, value_dict: dict[str, Any], role: str | None = None) -> Any:
        """Set several field values by name (lists go to array fields); returns self."""
        for name, value in value_dict.items():
            field_type = self.field_type(name, role)
            if field_type.array and isinstance(value, (list, tuple)):
                self.set_field_value_array(name, role, list(value))
            elif _is_settings(value):
                self.set_field_value(name, role, value)
            else:
                self.set_field_value(name, role, self._value_kwargs(field_type, value))
        return self

    def get_routing(self: Any) -> dict[str, Any]:
        """``{routing symbol: sample identifier}`` of the field values whose type routes."""
        routes: dict[str, Any] = {}
        for fv in self.field_values or []:
            field_type = fv.field_type
            if field_type is not None and field_type.routing and fv.sid is not None:
                routes[field_type.routing] = fv.sid
        return routes

    def field_value_dictionary(self: Any) -> dict[str, Any]:
        """``{field type name: field value}`` (a list for array fields; None when unset)."""
        result: dict[str, Any] = {}
        for ft in self.get_field_types():
            values = self.get_field_value_array(ft.name, ft.role)
            result[ft.name] = values if ft.array else (values[0] if values else None)
        return result

    @staticmethod
    def _value_kwargs(field_type: Any, value: Any) -> dict[str, Any]:
        """How a property value is stored for a field type (``sample``, ``item`` or value)."""
        if field_type.ftype == "sample":
            return {"sample": value}
        if field_type.ftype == "item":
            return {"item": value}
        return {"value": value}
