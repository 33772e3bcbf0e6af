"""Records as Aquarium's ``as_json`` renders them (protocol sections 3.6, 3.8 and 4).

A record renders its public columns in table order (secret columns never, a deliberate departure
from the real server), then each requested ``methods`` value, then each ``include``, then the
model's own extras when it is rendered at the top level (User ``groups``; AllowableFieldType
``sample_type``/``object_type``; FieldType ``allowable_field_types``; DataAssociation
``upload``/``url``). Attribute overrides apply everywhere: Item ``location`` is computed and
ObjectType ``rows``/``columns`` are null for non-collections.

"Calling" a name on a record -- for ``include`` or ``methods`` -- resolves, in order, an
association declared in :mod:`aqfake.tables`, a virtual method from :data:`VIRTUALS`, then a
column. Records embedded through ``include`` are rendered plainly (no model extras), records
returned through ``methods`` with their model's full top-level form, as Rails does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from .casting import RubyError, ruby_class, ruby_inspect
from .domain.inventory import dimensions
from .store import Row, Store, index_key
from .tables import MODELS, TABLES, Association, Kind
from .timefmt import format_time
from .wizards import attached_locator, wizard_location

JSON = Any


class RenderError(Exception):
    """A record the real server could not serialise; ``/json`` answers 422 with the message."""


@dataclass(frozen=True)
class Ref:
    """A record together with what it is: a model name, or a table name for non-model tables."""

    kind: str
    row: Row


@dataclass(frozen=True)
class IncludeSpec:
    """One normalised ``include`` entry: the name and its nested serializer options."""

    name: str
    include: tuple[IncludeSpec, ...] = ()
    methods: tuple[str, ...] = ()
    only: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()


# -- include / methods parameters -------------------------------------------------------------


def parse_methods(raw: Any) -> tuple[str, ...]:
    """Normalise a ``methods`` parameter (a string or a list of strings)."""
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    for item in items:
        if not isinstance(item, str):
            raise RenderError(f"{ruby_inspect(item)} is not a symbol nor a string")
    return tuple(items)


def parse_include(raw: Any) -> tuple[IncludeSpec, ...]:
    """Normalise an ``include`` the way Rails' serializer reads it.

    A string is one name; an object maps names to option objects (``{"include": ..., "methods":
    ..., "only": ..., "except": ...}``); in an array only the first key of each object counts.
    """
    if raw is None:
        return ()
    if isinstance(raw, str):
        return (IncludeSpec(raw),)
    if isinstance(raw, Mapping):
        return tuple(_spec(str(name), options) for name, options in raw.items())
    if isinstance(raw, list):
        specs: list[IncludeSpec] = []
        for item in raw:
            if isinstance(item, Mapping):
                if item:
                    name, options = next(iter(item.items()))
                    specs.append(_spec(str(name), options))
            elif isinstance(item, str):
                specs.append(IncludeSpec(item))
            else:
                raise RenderError(f"Invalid include: {ruby_inspect(item)}")
        return tuple(specs)
    raise RenderError(f"Invalid include: {ruby_inspect(raw)}")


def _names(raw: Any) -> tuple[str, ...]:
    items = raw if isinstance(raw, list) else [raw]
    return tuple(str(i) for i in items if i is not None)


def _spec(name: str, options: Any) -> IncludeSpec:
    if options is None:
        return IncludeSpec(name)
    if not isinstance(options, Mapping):
        raise RenderError("no implicit conversion of Symbol into Integer")
    return IncludeSpec(
        name,
        parse_include(options.get("include")),
        parse_methods(options.get("methods")),
        _names(options["only"]) if options.get("only") is not None else None,
        _names(options["except"]) if options.get("except") is not None else (),
    )


def validate_include(model_name: str, raw: Any) -> None:
    """Aquarium's include check: every name must be an association or public method.

    Quirk: in an object, keys that are not associations are skipped, and the values of the others
    are checked against the top-level model again, not against the associated model.
    """
    model = MODELS[model_name]

    def check(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                check(item)
        elif isinstance(value, Mapping):
            for key, inner in value.items():
                if model.association(str(key)) is not None:
                    check(inner)
        elif value is not None and not responds(model_name, str(value)):
            raise RenderError(f"Invalid include: {value}")

    check(raw)


def responds(kind: str, name: str) -> bool:
    """Whether a record of ``kind`` answers ``name`` (association, virtual method or column)."""
    model = MODELS.get(kind)
    if model is not None and model.association(name) is not None:
        return True
    if (kind, name) in VIRTUALS:
        return True
    column = TABLES[_table(kind)].column(name)
    return column is not None and not column.secret


def _table(kind: str) -> str:
    model = MODELS.get(kind)
    return model.table if model is not None else kind


#: Columns whose reader Aquarium overrides (rendered through :meth:`Renderer.attribute`).
_COMPUTED: dict[str, frozenset[str]] = {
    "items": frozenset({"location"}),
    "object_types": frozenset({"rows", "columns"}),
}
_PUBLIC_NAMES: dict[str, tuple[str, ...]] = {
    name: tuple(c.name for c in table.public_columns) for name, table in TABLES.items()
}

# -- the renderer ----------------------------------------------------------------------------


class Renderer:
    """Renders records of one store; caches lookups shared by many records of one response."""

    def __init__(self, store: Store, base_url: str = "") -> None:
        self.store = store
        self.base_url = base_url.rstrip("/")
        self._part_type: int | None = None
        self._part_looked_up = False
        self._locators: dict[int, Row] | None = None

    # public ---------------------------------------------------------------------------------

    def record(
        self,
        kind: str,
        row: Row,
        include: Sequence[IncludeSpec] = (),
        methods: Sequence[str] = (),
        *,
        top_level: bool = True,
        only: Sequence[str] | None = None,
        exclude: Sequence[str] = (),
    ) -> dict[str, JSON]:
        """One record as JSON. ``top_level`` applies the model's ``as_json`` override."""
        if top_level and kind in _FIXED_SERIALIZERS:
            return _FIXED_SERIALIZERS[kind](self, row)
        out = self.columns(kind, row, only, exclude)
        for name in methods:
            if responds(kind, name):
                out[name] = self.json(self.call(kind, row, name))
        for spec in include:
            self._include(out, kind, row, spec)
        if top_level and kind == "User":
            out["groups"] = self.json(self.call(kind, row, "groups"))
        return out

    def json(self, value: Any) -> JSON:
        """A value as ``to_json`` renders it: records with their model's top-level form."""
        if isinstance(value, Ref):
            return self.record(value.kind, value.row)
        if isinstance(value, (list, tuple)):
            return [self.json(v) for v in value]
        if isinstance(value, datetime):
            return format_time(value)
        if isinstance(value, Mapping):
            return {k: self.json(v) for k, v in value.items()}
        return value

    def columns(
        self, kind: str, row: Row, only: Sequence[str] | None = None, exclude: Sequence[str] = ()
    ) -> dict[str, JSON]:
        """The public columns in table order, with attribute overrides, as JSON values."""
        table = _table(kind)
        computed = _COMPUTED.get(table, ())
        if only is None and not exclude and not computed:  # the common case, in one pass
            names = _PUBLIC_NAMES[table]
            return {
                name: format_time(value) if isinstance(value, datetime) else value
                for name, value in zip(names, map(row.get, names), strict=True)
            }
        out: dict[str, JSON] = {}
        for name in _PUBLIC_NAMES[table]:
            if (only is not None and name not in only) or name in exclude:
                continue
            value = self.attribute(kind, row, name) if name in computed else row.get(name)
            out[name] = format_time(value) if isinstance(value, datetime) else value
        return out

    def attribute(self, kind: str, row: Row, name: str) -> Any:
        """A column value as the model's reader returns it (location, rows/columns computed)."""
        table = _table(kind)
        if table == "items" and name == "location":
            return self.item_location(row)
        if table == "object_types" and name in ("rows", "columns"):
            if row.get("handler") != "collection":
                return None
            stored = row.get(name)
            return stored if stored is not None else {"rows": 1, "columns": 12}[name]
        return row.get(name)

    def call(self, kind: str, row: Row, name: str) -> Any:
        """What ``record.send(name)`` returns: a :class:`Ref`, a list of them, or a plain value."""
        model = MODELS.get(kind)
        assoc = model.association(name) if model is not None else None
        if assoc is not None:
            return self.association(kind, row, assoc)
        virtual = VIRTUALS.get((kind, name))
        if virtual is not None:
            return virtual(self, row)
        if responds(kind, name):
            return self.attribute(kind, row, name)
        raise RenderError(f"undefined method `{name}' for #<{kind}>")

    # associations ---------------------------------------------------------------------------

    def association(self, kind: str, row: Row, assoc: Association) -> Any:
        """Association ``assoc`` of a ``kind`` row: a record, a list, or Rails' error for it."""
        if assoc.broken:
            const = "".join(p.capitalize() for p in assoc.name.rstrip("s").split("_"))
            raise RenderError(f"uninitialized constant {kind}::{const}")
        if assoc.kind is Kind.BELONGS_TO:
            return self.get(assoc.target, row.get(assoc.key))
        if assoc.kind is Kind.THROUGH:
            model = MODELS[kind]
            via = model.association(assoc.through)
            if via is None:
                raise RenderError(f"Could not find the association {assoc.through!r} in {kind}")
            found: list[Ref] = []
            for middle in _as_list(self.association(kind, row, via)):
                middle_model = MODELS[middle.kind]
                source = middle_model.association(assoc.source)
                if source is None:
                    raise RenderError(f"Could not find the source association {assoc.source!r}")
                found.extend(_as_list(self.association(middle.kind, middle.row, source)))
            return found
        many = self.children(assoc.target, **{assoc.key: row.get("id")}, **dict(assoc.where))
        if assoc.kind is Kind.HAS_ONE:
            return many[0] if many else None
        return many

    def get(self, kind: str, row_id: Any) -> Ref | None:
        """The record of ``kind`` with that id, or None (a NULL or dangling foreign key)."""
        if row_id is None:
            return None
        found = self.store.get(_table(kind), row_id)
        return Ref(kind, found) if found is not None else None

    def children(self, kind: str, **criteria: Any) -> list[Ref]:
        """Records of ``kind`` matching the criteria (none while the parent has no id yet)."""
        if any(value is None for value in criteria.values()):
            return []
        return [Ref(kind, r) for r in self.store.lookup(_table(kind), **criteria)]

    def linked(self, link: str, target: str, key: str, **criteria: Any) -> list[Ref]:
        """Records of ``target`` reached through the ``link`` rows matching the criteria (an
        association table such as PlanAssociation), whose ``key`` column holds the target id."""
        found = (self.get(target, row.row.get(key)) for row in self.children(link, **criteria))
        return [ref for ref in found if ref]

    # computed values --------------------------------------------------------------------------

    def part_type_id(self) -> int:
        """Id of the ObjectType named ``__Part``; Aquarium fails to render items without it."""
        if not self._part_looked_up:
            found = self.store.first("object_types", name="__Part")
            self._part_type = found["id"] if found is not None else None
            self._part_looked_up = True
        if self._part_type is None:
            raise RenderError("undefined method `id' for nil:NilClass")
        return self._part_type

    def item_location(self, row: Row) -> str:
        """``Part of Collection`` / wizard slot / stored location / ``Unknown`` (quirk 6)."""
        if row.get("object_type_id") == self.part_type_id():
            return "Part of Collection"
        locator = attached_locator(self.store, row)
        if locator is None:
            item_id = row.get("id")
            locator = self._locators_by_item().get(item_id) if item_id is not None else None
        if locator is not None:
            slot = wizard_location(self.store, locator)
            if slot is not None:
                return slot
        stored = row.get("location")
        return stored if stored is not None else "Unknown"

    def _locators_by_item(self) -> dict[int, Row]:
        """Locators by the item they hold (lowest id first), read once per response."""
        if self._locators is None:
            self._locators = {}
            for locator in self.store.rows("locators"):
                self._locators.setdefault(locator["item_id"], locator)
        return self._locators

    def upload_url(self, row: Row) -> str:
        """The download URL of an upload row, on this request's host."""
        return upload_url(self.base_url, row)

    def _include(self, out: dict[str, JSON], kind: str, row: Row, spec: IncludeSpec) -> None:
        if not responds(kind, spec.name):
            raise RenderError(f"undefined method `{spec.name}' for #<{kind}>")
        value = self.call(kind, row, spec.name)
        if value is None:
            return
        if isinstance(value, Ref):
            out[spec.name] = self._embedded(value, spec)
        elif isinstance(value, list) and all(isinstance(v, Ref) for v in value):
            out[spec.name] = [self._embedded(v, spec) for v in value]
        else:
            shown = value if not isinstance(value, datetime) else format_time(value)
            described = f"{ruby_inspect(shown)}:{ruby_class(shown)}"
            raise RenderError(f"undefined method `serializable_hash' for {described}")

    def _embedded(self, ref: Ref, spec: IncludeSpec) -> dict[str, JSON]:
        return self.record(
            ref.kind,
            ref.row,
            spec.include,
            spec.methods,
            top_level=False,
            only=spec.only,
            exclude=spec.exclude,
        )


def _as_list(value: Any) -> list[Ref]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def upload_url(base_url: str, row: Row) -> str:
    """Where the fake serves an upload's bytes (Aquarium's pre-signed S3 URL; no cookie needed)."""
    name = quote(row.get("upload_file_name") or "upload", safe="")
    if name.strip(".") == "":  # "." and ".." would be dropped from the path by URL clients
        name = name.replace(".", "%2E")
    return f"{base_url.rstrip('/')}/_aqfake/uploads/{row['id']}/{name}"


# -- top-level serializers that ignore include/methods ----------------------------------------


def _aft_json(r: Renderer, row: Row) -> dict[str, JSON]:
    out = r.columns("AllowableFieldType", row)
    for name, kind in (("sample_type", "SampleType"), ("object_type", "ObjectType")):
        ref = r.get(kind, row.get(f"{name}_id"))
        if ref is not None:
            out[name] = r.columns(kind, ref.row)
    return out


def _field_type_json(r: Renderer, row: Row) -> dict[str, JSON]:
    out = r.columns("FieldType", row)
    afts = r.children("AllowableFieldType", field_type_id=row.get("id"))
    out["allowable_field_types"] = [_aft_json(r, a.row) for a in afts]
    return out


def _data_association_json(r: Renderer, row: Row) -> dict[str, JSON]:
    out = r.columns("DataAssociation", row)
    upload = r.get("Upload", row.get("upload_id"))
    if upload is not None:
        out["upload"] = r.columns("Upload", upload.row)
        out["url"] = r.upload_url(upload.row)
    return out


_FIXED_SERIALIZERS: dict[str, Callable[[Renderer, Row], dict[str, JSON]]] = {
    "AllowableFieldType": _aft_json,
    "FieldType": _field_type_json,
    "DataAssociation": _data_association_json,
}


# -- virtual methods ---------------------------------------------------------------------------

Virtual = Callable[[Renderer, Row], Any]
VIRTUALS: dict[tuple[str, str], Virtual] = {}


def virtual(name: str, *kinds: str) -> Callable[[Virtual], Virtual]:
    """Register a method-backed name that records of ``kinds`` answer."""

    def register(fn: Virtual) -> Virtual:
        for kind in kinds:
            VIRTUALS[(kind, name)] = fn
        return fn

    return register


def _owned(kind: str, *parent_classes: str) -> Virtual:
    """Records of ``kind`` whose ``parent_class``/``parent_id`` point at the record."""

    def owned(r: Renderer, row: Row) -> list[Ref]:
        found: list[Ref] = []
        for parent_class in parent_classes:
            found += r.children(kind, parent_class=parent_class, parent_id=row.get("id"))
        return sorted(found, key=lambda ref: ref.row["id"])

    return owned


for _kind in ("Item", "Collection"):
    virtual("data_associations", _kind)(_owned("DataAssociation", "Item", "Collection"))
for _kind in ("Operation", "Plan", "OperationType"):
    virtual("data_associations", _kind)(_owned("DataAssociation", _kind))
for _kind in ("Sample", "Operation"):
    virtual("field_values", _kind)(_owned("FieldValue", _kind))
for _kind in ("SampleType", "OperationType"):
    virtual("field_types", _kind)(_owned("FieldType", _kind))


@virtual("is_part", "Item", "Collection")
def _is_part(r: Renderer, row: Row) -> bool:
    return row.get("object_type_id") == r.part_type_id()


@virtual("containing_collection", "Item", "Collection")
def _containing_collection(r: Renderer, row: Row) -> Ref | None:
    links = r.children("PartAssociation", part_id=row.get("id"))
    return r.get("Collection", links[0].row.get("collection_id")) if links else None


@virtual("dimensions", "Collection")
def _dimensions(r: Renderer, row: Row) -> list[int]:
    try:
        return list(dimensions(r.store, row))
    except RubyError as exc:
        raise RenderError(str(exc)) from exc


def _grid(r: Renderer, row: Row, cell: Callable[[Ref | None], Any], empty: Any) -> list[list[Any]]:
    rows, columns = _dimensions(r, row)
    grid = [[empty] * columns for _ in range(rows)]
    for link in r.children("PartAssociation", collection_id=row.get("id")):
        i, j = link.row.get("row"), link.row.get("column")
        if i is not None and j is not None and 0 <= i < rows and 0 <= j < columns:
            grid[i][j] = cell(r.get("Item", link.row.get("part_id")))
    return grid


@virtual("matrix", "Collection")
def _matrix(r: Renderer, row: Row) -> list[list[int]]:
    def sample_of(part: Ref | None) -> int:
        sample_id = part.row.get("sample_id") if part is not None else None
        return sample_id if sample_id is not None else -1

    return _grid(r, row, sample_of, -1)


@virtual("part_matrix", "Collection")
def _part_matrix(r: Renderer, row: Row) -> list[list[Ref | None]]:
    return _grid(r, row, lambda part: part, None)


@virtual("parts", "Collection")
def _parts(r: Renderer, row: Row) -> list[Ref]:
    return r.linked("PartAssociation", "Item", "part_id", collection_id=row.get("id"))


def _newest_code(parent_class: str, name: str) -> Virtual:
    """The current version of a code: the highest-id Code row with that name (quirk 16)."""

    def newest(r: Renderer, row: Row) -> Ref | None:
        codes = r.children("Code", parent_class=parent_class, parent_id=row.get("id"), name=name)
        return codes[-1] if codes else None

    return newest


for _code_name in ("protocol", "precondition", "cost_model", "documentation", "test"):
    virtual(_code_name, "OperationType")(_newest_code("OperationType", _code_name))
virtual("source", "Library")(_newest_code("Library", "source"))


@virtual("timing", "OperationType")
def _timing(r: Renderer, row: Row) -> None:
    return None  # the fake keeps no timings table: Aquarium answers nil when none is set


@virtual("sample", "FieldValue")
def _fv_sample(r: Renderer, row: Row) -> Ref | None:
    return r.get("Sample", row.get("child_sample_id"))


@virtual("item", "FieldValue")
def _fv_item(r: Renderer, row: Row) -> Ref | None:
    return r.get("Item", row.get("child_item_id"))


@virtual("operation", "FieldValue")
def _fv_operation(r: Renderer, row: Row) -> Ref | None:
    if row.get("parent_class") != "Operation":
        return None
    return r.get("Operation", row.get("parent_id"))


@virtual("routing", "FieldValue")
def _fv_routing(r: Renderer, row: Row) -> str | None:
    field_type = r.get("FieldType", row.get("field_type_id"))
    return field_type.row.get("routing") if field_type is not None else None


@virtual("plan", "Operation")
def _operation_plan(r: Renderer, row: Row) -> Ref | None:
    links = r.children("PlanAssociation", operation_id=row.get("id"))
    return r.get("Plan", links[0].row.get("plan_id")) if links else None


def _plan_operations(r: Renderer, row: Row) -> list[Ref]:
    return r.linked("PlanAssociation", "Operation", "operation_id", plan_id=row.get("id"))


@virtual("wires", "Plan")
def _plan_wires(r: Renderer, row: Row) -> list[Ref]:
    fv_ids: list[int] = []
    for op in _plan_operations(r, row):
        fv_ids += [fv.row["id"] for fv in VIRTUALS[("Operation", "field_values")](r, op.row)]
    wires: dict[int, Ref] = {}
    for key in ("from_id", "to_id"):
        for fv_id in fv_ids:
            for wire in r.children("Wire", **{key: fv_id}):
                wires[wire.row["id"]] = wire
    return [wires[i] for i in sorted(wires)]


@virtual("costs", "Plan")
def _plan_costs(r: Renderer, row: Row) -> list[Ref]:
    found: list[Ref] = []
    for op in _plan_operations(r, row):
        found += r.children("Account", operation_id=op.row["id"])
    return found


@virtual("operations", "Job")
def _job_operations(r: Renderer, row: Row) -> list[Ref]:
    return r.linked("JobAssociation", "Operation", "operation_id", job_id=row.get("id"))


@virtual("status", "Job")
def _job_status(r: Renderer, row: Row) -> str:
    pc = row.get("pc")
    if pc is not None and pc >= 0:
        return "ACTIVE"
    return "PENDING" if pc == -1 else "COMPLETED"


@virtual("groups", "User")
def _user_groups(r: Renderer, row: Row) -> list[Ref]:
    return r.linked("Membership", "Group", "group_id", user_id=row.get("id"))


@virtual("is_admin", "User")
def _is_admin(r: Renderer, row: Row) -> bool:
    return any(index_key(g.row.get("name") or "") == "admin" for g in _user_groups(r, row))


@virtual("name", "Upload")
def _upload_name(r: Renderer, row: Row) -> str | None:
    return row.get("upload_file_name")


@virtual("size", "Upload")
def _upload_size(r: Renderer, row: Row) -> int | None:
    return row.get("upload_file_size")


@virtual("url", "Upload")
@virtual("expiring_url", "Upload")
def _upload_url(r: Renderer, row: Row) -> str:
    return r.upload_url(row)


# -- module-level conveniences -----------------------------------------------------------------


def is_admin(store: Store, user: Row) -> bool:
    """Aquarium's admin test: membership in the group named ``admin`` (not ``users.admin``)."""
    return bool(_is_admin(Renderer(store), user))


def render_record(
    store: Store,
    model_name: str,
    row: Row,
    include: Any = None,
    methods: Any = None,
    top_level: bool = True,
    *,
    base_url: str = "",
) -> dict[str, JSON]:
    """One record as Aquarium's JSON; ``include``/``methods`` in any shape ``/json`` accepts."""
    renderer = Renderer(store, base_url)
    return renderer.record(
        model_name, row, parse_include(include), parse_methods(methods), top_level=top_level
    )


def render_records(
    store: Store,
    model_name: str,
    rows: Iterable[Row],
    include: Any = None,
    methods: Any = None,
    *,
    base_url: str = "",
) -> list[dict[str, JSON]]:
    """Several records (a query result), each with its model's top-level form."""
    renderer = Renderer(store, base_url)
    specs, names = parse_include(include), parse_methods(methods)
    return [renderer.record(model_name, row, specs, names) for row in rows]
