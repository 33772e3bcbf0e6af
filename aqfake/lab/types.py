"""Sample types, object types, operation types with their field types, code and libraries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..store import Row
from ..validations import RELEASE_METHODS
from .base import BuilderBase, Ref
from .codes import OPERATION_TYPE_CODE_NAMES, library_source, operation_type_code
from .fields import FieldSpec, as_field


class TypesBuilder(BuilderBase):
    """Builders for the type catalogue."""

    def _field_type(
        self, parent_class: str, parent_id: int, spec: FieldSpec, role: str | None
    ) -> Row:
        field = as_field(spec)
        row = self._insert(
            "field_types",
            parent_id=parent_id,
            name=field.name,
            ftype=field.ftype,
            choices=field.choices_text,
            array=field.array,
            required=field.required,
            parent_class=parent_class,
            role=role,
            part=field.part,
            routing=field.routing,
        )
        for entry in field.allowable:
            sample_type, object_type = (
                entry if isinstance(entry, (tuple, list)) and len(entry) == 2 else (entry, None)
            )
            self._insert(
                "allowable_field_types",
                field_type_id=row["id"],
                sample_type_id=self.ref("sample_types", sample_type),
                object_type_id=self.ref("object_types", object_type),
            )
        return row

    def sample_type(
        self,
        name: str,
        description: str | None = None,
        fields: Iterable[FieldSpec] = (),
        *,
        id: int | None = None,
    ) -> Row:
        """A sample type and its field types (``sample`` fields may allow the type itself)."""
        self._unique("sample_types", name=name)
        row = self._insert("sample_types", id=id, name=name, description=description or name)
        self.sample_type_fields(row, fields)
        return row

    def sample_type_fields(self, sample_type: Ref, fields: Iterable[FieldSpec]) -> list[Row]:
        """Add field types to an existing sample type (for fields allowing types made later)."""
        type_id = int(self.row("sample_types", sample_type)["id"])
        return [self._field_type("SampleType", type_id, spec, None) for spec in fields]

    def object_type(
        self,
        name: str,
        description: str | None = None,
        *,
        handler: str = "sample_container",
        unit: str = "each",
        min: int = 0,
        max: int = 1,
        cost: float = 0.01,
        release_method: str = "return",
        sample_type: Ref = None,
        prefix: str | None = None,
        rows: int | None = None,
        columns: int | None = None,
        id: int | None = None,
        **extra: Any,
    ) -> Row:
        """An object type (container); ``rows``/``columns`` are kept only for collections."""
        self._unique("object_types", name=name)
        if not 0 <= min <= max:
            raise ValueError(f"object type {name!r}: need 0 <= min <= max, got {min}, {max}")
        if cost < 0.01:
            raise ValueError(f"object type {name!r}: cost must be at least 0.01, got {cost}")
        if release_method not in RELEASE_METHODS:
            raise ValueError(
                f"object type {name!r}: release_method must be one of {', '.join(RELEASE_METHODS)}"
            )
        is_collection = handler == "collection"
        return self._insert(
            "object_types",
            id=id,
            name=name,
            description=description or name,
            min=min,
            max=max,
            handler=handler,
            unit=unit,
            cost=cost,
            release_method=release_method,
            sample_type_id=self.ref("sample_types", sample_type),
            prefix=prefix,
            rows=rows if is_collection else None,
            columns=columns if is_collection else None,
            **extra,
        )

    def collection_type(self, name: str, rows: int, columns: int, **kw: Any) -> Row:
        """An object type whose items are collections of ``rows`` x ``columns`` parts."""
        if rows < 1 or columns < 1:
            raise ValueError(f"collection type {name!r}: rows and columns must be positive")
        return self.object_type(name, handler="collection", rows=rows, columns=columns, **kw)

    def code(
        self, parent: Ref, parent_class: str, name: str, content: str, *, user: Ref = None
    ) -> Row:
        """A new version of a code (Aquarium appends; the highest id is current)."""
        table = {"OperationType": "operation_types", "Library": "libraries"}.get(parent_class)
        if table is None:
            raise ValueError(
                f"code parent_class must be OperationType or Library, got {parent_class!r}"
            )
        return self._insert(
            "codes",
            name=name,
            content=content,
            parent_id=self.ref(table, parent, by="id"),
            parent_class=parent_class,
            user_id=self.user_id(user),
        )

    def operation_type(
        self,
        name: str,
        category: str,
        *,
        inputs: Iterable[FieldSpec] = (),
        outputs: Iterable[FieldSpec] = (),
        deployed: bool = True,
        on_the_fly: bool = False,
        codes: Mapping[str, str] | None = None,
        cost: tuple[float, float] = (1.0, 1.0),
        summary: str | None = None,
        user: Ref = None,
        id: int | None = None,
    ) -> Row:
        """An operation type with input/output field types, AFTs and its five codes.

        Codes not given in ``codes`` get default source text naming the fields and saying
        ``summary``; ``cost`` is the ``(labor, materials)`` the default cost model returns.
        """
        if not category:
            raise ValueError(f"operation type {name!r}: a category is required")
        self._unique("operation_types", category=category, name=name)
        row = self._insert(
            "operation_types",
            id=id,
            name=name,
            category=category,
            deployed=deployed,
            on_the_fly=on_the_fly,
        )
        input_fields = [as_field(spec) for spec in inputs]
        output_fields = [as_field(spec) for spec in outputs]
        for role, fields in (("input", input_fields), ("output", output_fields)):
            for field in fields:
                self._field_type("OperationType", row["id"], field, role)
        given = dict(codes or {})
        unknown = set(given) - set(OPERATION_TYPE_CODE_NAMES)
        if unknown:
            raise ValueError(
                f"operation type {name!r}: unknown code {sorted(unknown)[0]!r}; use "
                f"{', '.join(OPERATION_TYPE_CODE_NAMES)}"
            )
        for code_name in OPERATION_TYPE_CODE_NAMES:
            content = given.get(code_name)
            if content is None:
                content = operation_type_code(
                    code_name,
                    name=name,
                    category=category,
                    first_input=input_fields[0].name if input_fields else "",
                    labor=cost[0],
                    materials=cost[1],
                    inputs=[f.name for f in input_fields],
                    outputs=[f.name for f in output_fields],
                    summary=summary,
                )
            self.code(row, "OperationType", code_name, content, user=user)
        return row

    def library(
        self,
        name: str,
        category: str,
        source: str | None = None,
        *,
        user: Ref = None,
        id: int | None = None,
    ) -> Row:
        """A library and its ``source`` code."""
        self._unique("libraries", category=category, name=name)
        row = self._insert("libraries", id=id, name=name, category=category)
        self.code(row, "Library", "source", source or library_source(name, category), user=user)
        return row
