"""LabBuilder: write a consistent Aquarium lab into a :class:`~aqfake.store.Store`.

Each method creates one domain object the way Aquarium stores it -- a sample with a field value
for every field type of its sample type, a collection with ``__Part`` items and part
associations, an operation with input/output field values, a job with its associations -- and
returns the main row. References to other rows may be given as an id, a row, or a name (a login
for users); a reference that does not resolve raises ``ValueError`` naming what is missing.

Timestamps come from :attr:`LabBuilder.now` when it is set (the demo lab moves it along a
deterministic timeline), otherwise from the store's clock. Secrets (password salts, remember
tokens) come from random generators seeded with ``seed`` and the login, so a lab built twice
with the same seed is identical.
"""

from __future__ import annotations

import base64
import json
import math
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..passwords import check_password as _check_digest
from ..passwords import hash_password
from ..store import Row, Store
from ..tables import TABLES
from .codes import OPERATION_TYPE_CODE_NAMES, library_source, operation_type_code

Ref = int | Mapping[str, Any] | str | None

FTYPES: tuple[str, ...] = ("string", "number", "url", "sample", "item", "json")
RELEASE_METHODS: tuple[str, ...] = ("return", "dispose", "query")
PART_TYPE = "__Part"
DELETED = "deleted"
DEFAULT_COLLECTION_SHAPE = (1, 12)
_SPEC_KEYS = frozenset({"sample", "item", "value", "row", "column"})


@dataclass(frozen=True)
class Field:
    """A field type to declare on a sample type or operation type.

    ``allowable`` lists what the field accepts: for a sample type's ``sample`` field, sample
    type references; for an operation type's field, ``(sample_type, object_type)`` pairs
    (either may be None). ``choices`` is a list or Aquarium's comma-separated string.
    """

    name: str
    ftype: str = "string"
    choices: str | Sequence[str] | None = None
    array: bool = False
    required: bool = False
    allowable: tuple[Any, ...] = ()
    part: bool = False
    routing: str | None = None

    def __post_init__(self) -> None:
        if self.ftype not in FTYPES:
            raise ValueError(
                f"field {self.name!r}: ftype {self.ftype!r} is not one of {', '.join(FTYPES)}"
            )

    @property
    def choices_text(self) -> str | None:
        if self.choices is None or isinstance(self.choices, str):
            return self.choices
        return ",".join(self.choices)


FieldSpec = Field | Mapping[str, Any]


def as_field(spec: FieldSpec) -> Field:
    """A :class:`Field` from a Field or a mapping of its attributes."""
    if isinstance(spec, Field):
        return spec
    values = dict(spec)
    if "allowable" in values:
        values["allowable"] = tuple(values["allowable"])
    return Field(**values)


def number_text(value: Any) -> str:
    """A number as Aquarium stores it in ``field_values.value``: Ruby's ``Float#to_s``."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"field value {value!r} is not a finite number")
    text = repr(number)
    mantissa, sep, exponent = text.partition("e")
    if sep and "." not in mantissa:
        text = f"{mantissa}.0e{exponent}"
    return text


def url_safe_token(rng: random.Random, nbytes: int = 16) -> str:
    """URL-safe base64 without padding: 16 random bytes give Aquarium's 22-character tokens."""
    return base64.urlsafe_b64encode(rng.randbytes(nbytes)).rstrip(b"=").decode("ascii")


def check_password(user: Mapping[str, Any] | None, password: str) -> bool:
    """True when ``password`` is the password of the ``users`` row ``user``."""
    if not user:
        return False
    return _check_digest(user.get("password_digest"), password)


_TABLE_BY_COLUMNS: dict[frozenset[str], str] = {
    frozenset(table.column_names): name for name, table in TABLES.items()
}
_MODEL_BY_TABLE: dict[str, str] = {
    "operations": "Operation",
    "plans": "Plan",
    "samples": "Sample",
    "operation_types": "OperationType",
    "jobs": "Job",
    "uploads": "Upload",
    "users": "User",
    "libraries": "Library",
}


class LabBuilder:
    """Creates lab objects through the store API; see the module docstring."""

    def __init__(self, store: Store, *, seed: int = 0, now: datetime | None = None) -> None:
        self.store = store
        self.seed = seed
        self.rng = random.Random(seed)
        self.now = now
        self.owner_id: int | None = None

    # -- time ----------------------------------------------------------------------------------

    def timestamp(self) -> datetime:
        """The instant new rows are stamped with."""
        return self.now if self.now is not None else self.store.clock()

    @contextmanager
    def at(self, when: datetime) -> Iterator[LabBuilder]:
        """Stamp rows created inside the block with ``when``."""
        previous = self.now
        self.now = when
        try:
            yield self
        finally:
            self.now = previous

    def _insert(self, table: str, **values: Any) -> Row:
        stamp = self.timestamp()
        values.setdefault("created_at", stamp)
        values.setdefault("updated_at", values["created_at"])
        return self.store.insert(table, values)

    # -- references ----------------------------------------------------------------------------

    def ref(self, table: str, ref: Ref, *, by: str = "name") -> int | None:
        """The id of the row ``ref`` designates in ``table`` (None stays None)."""
        if ref is None:
            return None
        if isinstance(ref, Mapping):
            ref = ref["id"]
        if isinstance(ref, bool):
            raise ValueError(f"{ref!r} is not a reference to a {table} row")
        if isinstance(ref, str):
            found = self.store.first(table, **{by: ref})
            if found is None:
                raise ValueError(f"no {table} row with {by} {ref!r}; create it first")
            return int(found["id"])
        if isinstance(ref, int):
            if self.store.get(table, ref) is None:
                raise ValueError(f"no {table} row with id {ref}; create it first")
            return ref
        raise ValueError(f"{ref!r} is not a reference to a {table} row (give an id, row or name)")

    def row(self, table: str, ref: Ref, *, by: str = "name") -> Row:
        """The row ``ref`` designates; ``ValueError`` when it is None or missing."""
        row_id = self.ref(table, ref, by=by)
        if row_id is None:
            raise ValueError(f"a {table} row is required here, got None")
        found = self.store.get(table, row_id)
        assert found is not None
        return found

    def user_id(self, ref: Ref) -> int | None:
        """A user reference (id, row or login); None means the lab owner."""
        if ref is None:
            return self.owner_id
        return self.ref("users", ref, by="login")

    def _unique(self, table: str, **criteria: Any) -> None:
        if self.store.first(table, **criteria) is not None:
            described = ", ".join(f"{k} {v!r}" for k, v in criteria.items())
            raise ValueError(f"a {table} row with {described} already exists (names are unique)")

    # -- users, groups, budgets ----------------------------------------------------------------

    def group(self, name: str, description: str | None = None, *, id: int | None = None) -> Row:
        """A group (names are unique, case-insensitively)."""
        self._unique("groups", name=name)
        return self._insert(
            "groups", id=id, name=name, description=description or f"The {name} group"
        )

    def group_named(self, name: str, *, id: int | None = None) -> Row:
        """The group called ``name``, created if missing (as Aquarium does for admin etc.)."""
        return self.store.first("groups", name=name) or self.group(name, id=id)

    def membership(self, user: Ref, group: Ref) -> Row:
        return self._insert(
            "memberships", user_id=self.user_id(user), group_id=self.ref("groups", group)
        )

    def user(
        self,
        login: str,
        password: str,
        name: str,
        admin: bool = False,
        up_to_date: bool = True,
        *,
        technician: bool = False,
        email: str | None = None,
        phone: str | None = None,
        id: int | None = None,
        group_id: int | None = None,
    ) -> Row:
        """A user with a hashed password, a remember token and a personal group.

        ``admin`` adds a membership in the ``admin`` group (what Aquarium checks), ``technician``
        one in ``technicians``; ``up_to_date`` adds the profile parameters (email, phone, lab
        agreement, aquarium agreement) without which Aquarium redirects most pages.
        """
        login = login.strip().lower()
        if not login:
            raise ValueError("a user needs a non-empty login")
        if len(password) < 6:
            raise ValueError(f"user {login!r}: passwords must have at least 6 characters")
        self._unique("users", login=login)
        secrets = random.Random(f"aqfake-user:{self.seed}:{login}")
        row = self._insert(
            "users",
            id=id,
            name=name,
            login=login,
            password_digest=hash_password(password, secrets.randbytes(16)),
            remember_token=url_safe_token(secrets),
            admin=admin,
        )
        if self.owner_id is None:
            self.owner_id = row["id"]
        own = self.group_named(login, id=group_id)
        self.membership(row, own)
        if admin:
            self.membership(row, self.group_named("admin"))
        if technician:
            self.membership(row, self.group_named("technicians"))
        if up_to_date:
            profile = {
                "email": email or f"{login}@example.org",
                "phone": phone or f"206-555-{secrets.randrange(10000):04d}",
                "lab_agreement": "true",
                "aquarium": "true",
            }
            for key, value in profile.items():
                self._insert("parameters", key=key, value=value, user_id=row["id"])
        return row

    def budget(
        self,
        name: str,
        *,
        contact: str = "Lab Manager",
        email: str = "billing@example.org",
        phone: str = "206-555-0100",
        description: str | None = None,
        overhead: float = 0.0,
        users: Mapping[Any, float] | Iterable[Any] = (),
        id: int | None = None,
    ) -> Row:
        """A budget; ``users`` maps user references to quotas (or lists users, quota 1000)."""
        row = self._insert(
            "budgets",
            id=id,
            name=name,
            overhead=overhead,
            contact=contact,
            description=description or name,
            email=email,
            phone=phone,
        )
        quotas = users if isinstance(users, Mapping) else dict.fromkeys(users, 1000.0)
        for user, quota in quotas.items():
            self.user_budget(user, row, quota)
        return row

    def user_budget(
        self, user: Ref, budget: Ref, quota: float = 1000.0, *, disabled: bool = False
    ) -> Row:
        return self._insert(
            "user_budget_associations",
            user_id=self.user_id(user),
            budget_id=self.ref("budgets", budget),
            quota=quota,
            disabled=disabled,
        )

    # -- types ---------------------------------------------------------------------------------

    def _field_type(self, parent_class: str, parent_id: int, spec: FieldSpec, role: str | None):
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

    def field_types(self, parent_class: str, parent: Ref, table: str) -> list[Row]:
        """The field types of a SampleType or OperationType, in id order."""
        return self.store.lookup(
            "field_types", parent_class=parent_class, parent_id=self.ref(table, parent)
        )

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
        for spec in fields:
            self._field_type("SampleType", row["id"], spec, None)
        return row

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

    # -- samples and items ---------------------------------------------------------------------

    def _value_columns(self, ftype: str, value: Any) -> dict[str, Any]:
        if value is None:
            return {}
        if ftype == "sample":
            return {"child_sample_id": self.ref("samples", value)}
        if ftype == "item":
            return {"child_item_id": self.ref("items", value, by="id")}
        if ftype == "number":
            return {"value": number_text(value)}
        if ftype == "json" and not isinstance(value, str):
            return {"value": json.dumps(value)}
        return {"value": str(value)}

    def sample(
        self,
        name: str,
        sample_type: Ref,
        project: str,
        properties: Mapping[str, Any] | None = None,
        *,
        description: str | None = None,
        user: Ref = None,
        data: str | None = None,
    ) -> Row:
        """A sample with one field value per field type of its type (array fields: one each).

        ``properties`` maps field names to values: numbers are stored as Ruby float strings
        (``5`` -> ``"5.0"``), ``sample`` fields take a sample reference, ``item`` fields an
        item reference, ``json`` fields any JSON-able value.
        """
        properties = dict(properties or {})
        type_row = self.row("sample_types", sample_type)
        if not project:
            raise ValueError(f"sample {name!r}: a project is required")
        self._unique("samples", name=name)
        field_types = self.field_types("SampleType", type_row, "sample_types")
        unknown = set(properties) - {ft["name"] for ft in field_types}
        if unknown:
            known = ", ".join(ft["name"] for ft in field_types) or "none"
            raise ValueError(
                f"sample {name!r}: {type_row['name']} has no field {sorted(unknown)[0]!r} "
                f"(its fields: {known})"
            )
        row = self._insert(
            "samples",
            name=name,
            sample_type_id=type_row["id"],
            project=project,
            user_id=self.user_id(user),
            description=description,
            data=data,
        )
        for ft in field_types:
            value = properties.get(ft["name"])
            values = list(value) if ft["array"] and isinstance(value, (list, tuple)) else [value]
            for one in values:
                self._insert(
                    "field_values",
                    parent_id=row["id"],
                    parent_class="Sample",
                    name=ft["name"],
                    field_type_id=ft["id"],
                    **self._value_columns(ft["ftype"], one),
                )
        return row

    def item(
        self,
        sample: Ref,
        object_type: Ref,
        location: str | None = "Bench",
        *,
        quantity: int = 1,
        inuse: int = 0,
        data: str | None = None,
        deleted: bool = False,
    ) -> Row:
        """An item of ``object_type`` holding ``sample`` (None for sample-less items)."""
        if deleted:
            location, quantity, inuse = DELETED, -1, -1
        if quantity < -1 or not -1 <= inuse <= quantity:
            raise ValueError(
                f"item: need quantity >= -1 and -1 <= inuse <= quantity, got "
                f"quantity {quantity}, inuse {inuse}"
            )
        return self._insert(
            "items",
            location=location,
            quantity=quantity,
            object_type_id=self.ref("object_types", object_type),
            inuse=inuse,
            sample_id=self.ref("samples", sample),
            data=data,
        )

    def delete_item(self, item: Ref) -> Row:
        """Mark an item deleted as Aquarium does: location ``deleted``, quantity and inuse -1."""
        return self.store.update(
            "items",
            self.row("items", item, by="id")["id"],
            location=DELETED,
            quantity=-1,
            inuse=-1,
            updated_at=self.timestamp(),
        )

    def part_type_id(self) -> int:
        """The id of the ``__Part`` object type that part items use."""
        found = self.store.first("object_types", name=PART_TYPE)
        if found is None:
            raise ValueError(f"no {PART_TYPE} object type: build empty_lab(store) first")
        return int(found["id"])

    def dimensions(self, collection: Ref) -> tuple[int, int]:
        """``(rows, columns)`` of a collection item, from its object type."""
        item = self.row("items", collection, by="id")
        object_type = self.store.get("object_types", item["object_type_id"])
        if object_type is None or object_type["handler"] != "collection":
            raise ValueError(f"item {item['id']} is not a collection")
        default_rows, default_columns = DEFAULT_COLLECTION_SHAPE
        return (object_type["rows"] or default_rows, object_type["columns"] or default_columns)

    def collection(
        self,
        object_type: Ref,
        parts: Mapping[tuple[int, int], Ref] | None = None,
        location: str | None = "Bench",
        *,
        data: str | None = None,
    ) -> Row:
        """A collection item, with a ``__Part`` item and part association per filled well."""
        type_row = self.row("object_types", object_type)
        if type_row["handler"] != "collection":
            raise ValueError(f"object type {type_row['name']!r} is not a collection type")
        row = self.item(None, type_row, location, data=data)
        for (r, c), sample in (parts or {}).items():
            self.part(row, r, c, sample)
        return row

    def part(self, collection: Ref, row: int, column: int, sample: Ref) -> Row:
        """Put ``sample`` in well (row, column) of a collection; returns the part item."""
        collection_id = self.ref("items", collection, by="id")
        rows, columns = self.dimensions(collection_id)
        if not (0 <= row < rows and 0 <= column < columns):
            raise ValueError(
                f"well ({row}, {column}) is outside collection {collection_id} "
                f"({rows} x {columns}, 0-based)"
            )
        if self.store.first(
            "part_associations", collection_id=collection_id, row=row, column=column
        ):
            raise ValueError(f"well ({row}, {column}) of collection {collection_id} is taken")
        part = self._insert(
            "items",
            location=None,
            quantity=1,
            inuse=0,
            object_type_id=self.part_type_id(),
            sample_id=self.ref("samples", sample),
        )
        self._insert(
            "part_associations",
            part_id=part["id"],
            collection_id=collection_id,
            row=row,
            column=column,
        )
        return part

    # -- operation types, code, libraries ------------------------------------------------------

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
        user: Ref = None,
        id: int | None = None,
    ) -> Row:
        """An operation type with input/output field types, AFTs and its five codes.

        Codes not given in ``codes`` get default source text; ``cost`` is the
        ``(labor, materials)`` the default cost model returns.
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
        for role, fields in (("input", input_fields), ("output", [as_field(s) for s in outputs])):
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

    # -- planning and execution ----------------------------------------------------------------

    def _operation_field_value(
        self, op_id: int, field_type: Row, spec: Any, afts: list[Row]
    ) -> Row:
        is_spec = isinstance(spec, Mapping) and set(spec) <= _SPEC_KEYS
        parts: dict[str, Any] = dict(spec) if is_spec else {}
        if not is_spec and spec is not None:
            key = {"sample": "sample", "item": "item"}.get(field_type["ftype"], "value")
            parts[key] = spec
        unknown = set(parts) - _SPEC_KEYS
        if unknown:
            raise ValueError(
                f"field value {field_type['name']!r}: unknown key {sorted(unknown)[0]!r} "
                "(use sample, item, value, row, column)"
            )
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
        return self._insert("wires", from_id=from_id, to_id=to_id, active=active)

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
        layout_text = layout if isinstance(layout, str) or layout is None else json.dumps(layout)
        row = self._insert(
            "plans",
            user_id=self.user_id(user),
            budget_id=self.ref("budgets", budget),
            name=name,
            status=status,
            cost_limit=cost_limit,
            folder=folder,
            layout=layout_text if layout_text is not None else json.dumps(default_layout(name)),
        )
        for op in operations:
            self._insert(
                "plan_associations",
                plan_id=row["id"],
                operation_id=self.ref("operations", op, by="id"),
            )
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
        state_text = state if isinstance(state, str) else json.dumps(list(state))
        args = dict(arguments) if arguments is not None else {"operation_type_id": type_id}
        group_id = self.ref("groups", group) if group is not None else self._technicians()
        row = self._insert(
            "jobs",
            user_id=self.user_id(user),
            arguments=json.dumps(args),
            state=state_text,
            path=path,
            pc=pc,
            group_id=group_id,
            submitted_by=self.user_id(submitted_by),
            desired_start_time=desired_start_time,
            latest_start_time=latest_start_time,
        )
        for op_id in op_ids:
            self._insert("job_associations", job_id=row["id"], operation_id=op_id)
        return row

    def _technicians(self) -> int | None:
        found = self.store.first("groups", name="technicians")
        return int(found["id"]) if found else None

    # -- data associations and uploads ---------------------------------------------------------

    def parent_class_of(self, row: Mapping[str, Any]) -> str:
        """The model name Aquarium would record as ``parent_class`` for a row."""
        table = _TABLE_BY_COLUMNS.get(frozenset(row))
        if table == "items":
            object_type = self.store.get("object_types", row["object_type_id"])
            return (
                "Collection" if object_type and object_type["handler"] == "collection" else "Item"
            )
        model = _MODEL_BY_TABLE.get(table or "")
        if model is None:
            raise ValueError(
                "cannot tell the parent_class of this row; pass parent_class= explicitly"
            )
        return model

    def data_association(
        self,
        parent: Mapping[str, Any] | int,
        key: str,
        value: Any,
        *,
        parent_class: str | None = None,
        upload: Ref = None,
    ) -> Row:
        """A data association ``{key: value}`` on a row (class inferred from the row)."""
        if parent_class is None:
            if not isinstance(parent, Mapping):
                raise ValueError("give parent_class= when the parent is an id")
            parent_class = self.parent_class_of(parent)
        parent_id = parent["id"] if isinstance(parent, Mapping) else int(parent)
        return self._insert(
            "data_associations",
            parent_id=parent_id,
            parent_class=parent_class,
            key=key,
            upload_id=self.ref("uploads", upload, by="id"),
            object=json.dumps({key: value}),
        )

    def upload(
        self,
        job: Ref,
        file_name: str,
        *,
        content_type: str = "image/jpeg",
        size: int | None = None,
    ) -> Row:
        """An upload attached to a job (the file itself is not stored)."""
        return self._insert(
            "uploads",
            job_id=self.ref("jobs", job, by="id"),
            upload_file_name=file_name,
            upload_content_type=content_type,
            upload_file_size=size if size is not None else self.rng.randrange(20_000, 900_000),
            upload_updated_at=self.timestamp(),
        )


def default_layout(name: str) -> dict[str, Any]:
    """The layout Aquarium's planner saves for a plan without modules."""
    return {
        "id": 0,
        "parent_id": -1,
        "name": name or "no_name",
        "x": 160,
        "y": 160,
        "width": 160,
        "height": 60,
        "input": [],
        "output": [],
        "wires": [],
        "children": [],
        "documentation": "No documentation yet for this module.",
        "text_boxes": [],
    }


def job_state(operation_type_id: int | None, pc: int, when: datetime) -> list[dict[str, Any]]:
    """A Krill job state for a job at ``pc``: initialize, then the steps done so far."""
    stamp = when.isoformat()
    steps: list[dict[str, Any]] = [
        {
            "operation": "initialize",
            "arguments": {"operation_type_id": operation_type_id},
            "time": stamp,
        }
    ]
    shown = pc + 1 if pc >= 0 else (2 if pc == -2 else 0)
    for number in range(shown):
        steps.append(
            {
                "operation": "display",
                "content": [{"title": f"Step {number + 1}"}, {"note": "Follow the instructions."}],
            }
        )
        steps.append({"operation": "next", "time": stamp, "inputs": {}})
    if pc == -2:
        steps.append({"operation": "complete", "rval": {}})
    return steps
