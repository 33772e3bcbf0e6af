"""Import a lab's own type definitions: Aquarium ``.aq`` workflow exports and JSON type lists.

Two formats, both JSON:

- an ``.aq`` workflow export: ``{"config": {...}, "components": [...]}`` where each component
  is ``{"library": {"name", "category", "code_source"}}`` or ``{"sample_types": [...],
  "object_types": [...], "operation_type": {...}}``; an exported field type names its
  allowable field types as two parallel lists, ``sample_types`` and ``object_types``;
- a JSON list of sample types, object types and operation types as the server renders them
  (``SampleType.all(include="field_types")`` and the like: field types carry
  ``allowable_field_types`` with ``sample_type_id``/``object_type_id`` and, when rendered,
  nested ``sample_type``/``object_type``), or an object with ``sample_types``,
  ``object_types`` and ``operation_types`` lists. An entry with ``handler`` is an object type,
  one with ``category`` an operation type, any other a sample type.

:func:`read_catalogue` turns either into a :class:`~aqfake.lab.catalogue_load.Catalogue`,
raising ``ValueError`` that names the file, the entry and what is wrong; an entry that names a
type the file does not define is an error. :func:`imported_lab` builds the Docker seed plus
those types. A type defined twice keeps its first definition (``.aq`` exports repeat the
sample and object types each operation type needs).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..store import Store
from .catalogue_load import Catalogue, load_catalogue
from .codes import OPERATION_TYPE_CODE_NAMES
from .fields import FTYPES
from .seed import seed_lab

_OBJECT_COLUMNS = ("description", "min", "max", "unit", "cost", "prefix", "release_method")


class _Reader:
    """Collects the types of one file, naming the entry each error comes from."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.sample_types: dict[str, dict[str, Any]] = {}
        self.object_types: dict[str, dict[str, Any]] = {}
        self.collection_types: dict[str, dict[str, Any]] = {}
        self.operation_types: dict[tuple[str, str], dict[str, Any]] = {}
        self.libraries: dict[tuple[str, str], dict[str, Any]] = {}
        self.sample_type_ids: dict[int, str] = {}
        self.object_type_ids: dict[int, str] = {}

    def fail(self, where: str, problem: str) -> ValueError:
        return ValueError(f"{self.source}: {where}: {problem}")

    @staticmethod
    def name_of(entry: Any, where: str, reader: _Reader) -> str:
        if not isinstance(entry, Mapping):
            raise reader.fail(where, f"expected an object, got {type(entry).__name__}")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise reader.fail(where, "has no 'name'")
        return name

    # -- entries ----------------------------------------------------------------------------

    def remember_ids(self, entries: Sequence[Any], kind: str) -> None:
        """Ids of the types in a rendered list, so AFTs given by id resolve to names."""
        for entry in entries:
            if isinstance(entry, Mapping) and isinstance(entry.get("id"), int):
                target = self.object_type_ids if kind == "object" else self.sample_type_ids
                target[entry["id"]] = str(entry.get("name"))

    def sample_type(self, entry: Any, where: str) -> None:
        name = self.name_of(entry, where, self)
        where = f"{where} (sample type {name!r})"
        if name in self.sample_types:
            return
        raw_fields = entry.get("field_types") or []
        if not isinstance(raw_fields, list):
            raise self.fail(where, "'field_types' must be a list")
        fields = [
            self.field(f, f"{where}, field {i + 1}", sample_field=True)
            for i, f in enumerate(raw_fields)
        ]
        self.sample_types[name] = {
            "name": name,
            "description": entry.get("description") or name,
            "fields": fields,
        }

    def object_type(self, entry: Any, where: str) -> None:
        name = self.name_of(entry, where, self)
        where = f"{where} (object type {name!r})"
        if name in self.object_types or name in self.collection_types:
            return
        spec: dict[str, Any] = {"name": name}
        for column in _OBJECT_COLUMNS:
            value = entry.get(column, entry.get(column.replace("_", " ")))
            if value is not None and value != "":
                spec[column] = value
        sample_type = entry.get("sample_type_name")
        if sample_type is None and isinstance(entry.get("sample_type"), Mapping):
            sample_type = entry["sample_type"].get("name")
        if sample_type is None and entry.get("sample_type_id") is not None:
            sample_type = self.sample_type_ids.get(entry["sample_type_id"])
        if sample_type:
            spec["sample_type"] = sample_type
        for number in ("min", "max"):
            if number in spec and not isinstance(spec[number], int):
                raise self.fail(where, f"{number!r} must be a whole number, got {spec[number]!r}")
        if "cost" in spec and not isinstance(spec["cost"], (int, float)):
            raise self.fail(where, f"'cost' must be a number, got {spec['cost']!r}")
        if entry.get("handler") == "collection":
            rows, columns = entry.get("rows"), entry.get("columns")
            if not isinstance(rows, int) or not isinstance(columns, int):
                raise self.fail(where, "a collection type needs whole-number 'rows' and 'columns'")
            self.collection_types[name] = {**spec, "rows": rows, "columns": columns}
        else:
            self.object_types[name] = spec

    def operation_type(self, entry: Any, where: str) -> None:
        name = self.name_of(entry, where, self)
        category = entry.get("category")
        where = f"{where} (operation type {name!r})"
        if not isinstance(category, str) or not category:
            raise self.fail(where, "has no 'category'")
        if (category, name) in self.operation_types:
            return
        raw_fields = entry.get("field_types") or []
        if not isinstance(raw_fields, list):
            raise self.fail(where, "'field_types' must be a list")
        inputs: list[dict[str, Any]] = []
        outputs: list[dict[str, Any]] = []
        for i, raw in enumerate(raw_fields):
            field_where = f"{where}, field {i + 1}"
            role = raw.get("role") if isinstance(raw, Mapping) else None
            if role not in ("input", "output"):
                raise self.fail(field_where, f"role must be 'input' or 'output', got {role!r}")
            (inputs if role == "input" else outputs).append(
                self.field(raw, field_where, sample_field=False)
            )
        codes = {
            code: entry[code]
            for code in OPERATION_TYPE_CODE_NAMES
            if isinstance(entry.get(code), str)
        }
        spec: dict[str, Any] = {
            "name": name,
            "category": category,
            "inputs": inputs,
            "outputs": outputs,
        }
        for flag in ("deployed", "on_the_fly"):
            if isinstance(entry.get(flag), bool):
                spec[flag] = entry[flag]
        if codes:
            spec["codes"] = codes
        self.operation_types[(category, name)] = spec

    def library(self, entry: Any, where: str) -> None:
        name = self.name_of(entry, where, self)
        category = entry.get("category")
        if not isinstance(category, str) or not category:
            raise self.fail(f"{where} (library {name!r})", "has no 'category'")
        source = entry.get("code_source", entry.get("source"))
        spec = {"name": name, "category": category}
        if isinstance(source, str):
            spec["source"] = source
        self.libraries.setdefault((category, name), spec)

    def field(self, raw: Any, where: str, *, sample_field: bool) -> dict[str, Any]:
        """A field spec of the catalogue format from an exported or rendered field type."""
        name = self.name_of(raw, where, self)
        where = f"{where} {name!r}"
        ftype = raw.get("ftype") or "string"
        if ftype not in FTYPES:
            raise self.fail(where, f"ftype {ftype!r} is not one of {', '.join(FTYPES)}")
        spec: dict[str, Any] = {"name": name, "ftype": ftype}
        for flag in ("required", "array", "part"):
            if raw.get(flag):
                spec[flag] = True
        if raw.get("routing"):
            spec["routing"] = str(raw["routing"])
        if raw.get("choices"):
            spec["choices"] = str(raw["choices"])
        pairs = self.allowable(raw, where)
        if pairs:
            spec["allowable"] = tuple(st for st, _ in pairs) if sample_field else tuple(pairs)
        return spec

    def allowable(self, raw: Mapping[str, Any], where: str) -> list[tuple[str | None, str | None]]:
        if "allowable_field_types" in raw:
            afts = raw["allowable_field_types"] or []
            if not isinstance(afts, list):
                raise self.fail(where, "'allowable_field_types' must be a list")
            return [self.rendered_aft(aft, where) for aft in afts]
        sample_types = raw.get("sample_types") or []
        object_types = raw.get("object_types") or []
        if not isinstance(sample_types, list) or not isinstance(object_types, list):
            raise self.fail(where, "'sample_types' and 'object_types' must be lists")
        if object_types and len(object_types) != len(sample_types):
            raise self.fail(
                where,
                f"'sample_types' ({len(sample_types)}) and 'object_types' "
                f"({len(object_types)}) must pair up one to one",
            )
        return list(zip(sample_types, object_types or [None] * len(sample_types), strict=True))

    def rendered_aft(self, aft: Any, where: str) -> tuple[str | None, str | None]:
        if not isinstance(aft, Mapping):
            raise self.fail(where, "an allowable field type must be an object")
        names: list[str | None] = []
        for key, ids in (
            ("sample_type", self.sample_type_ids),
            ("object_type", self.object_type_ids),
        ):
            nested = aft.get(key)
            if isinstance(nested, Mapping) and nested.get("name"):
                names.append(str(nested["name"]))
            elif aft.get(f"{key}_id") is not None:
                found = ids.get(aft[f"{key}_id"])
                if found is None:
                    raise self.fail(
                        where,
                        f"allowable {key.replace('_', ' ')} id {aft[f'{key}_id']} is not among "
                        "the types in the file",
                    )
                names.append(found)
            else:
                names.append(None)
        return names[0], names[1]

    # -- the whole file ---------------------------------------------------------------------

    def check_references(self) -> None:
        """Every type a field or container names must be defined in the file."""
        containers = {**self.object_types, **self.collection_types}
        for spec in containers.values():
            st = spec.get("sample_type")
            if st is not None and st not in self.sample_types:
                raise self.fail(
                    f"object type {spec['name']!r}",
                    f"sample type {st!r} is not defined in the file",
                )
        for st_spec in self.sample_types.values():
            for field in st_spec["fields"]:
                for allowed in field.get("allowable", ()):
                    if allowed is not None and allowed not in self.sample_types:
                        raise self.fail(
                            f"sample type {st_spec['name']!r}, field {field['name']!r}",
                            f"allowable sample type {allowed!r} is not defined in the file",
                        )
        for op in self.operation_types.values():
            for field in (*op["inputs"], *op["outputs"]):
                for st, ot in field.get("allowable", ()):
                    where = f"operation type {op['name']!r}, field {field['name']!r}"
                    if st is not None and st not in self.sample_types:
                        raise self.fail(where, f"sample type {st!r} is not defined in the file")
                    if ot is not None and ot not in containers and ot != "__Part":
                        raise self.fail(where, f"object type {ot!r} is not defined in the file")

    def catalogue(self) -> Catalogue:
        self.check_references()
        return Catalogue(
            tuple(self.sample_types.values()),
            tuple(self.object_types.values()),
            tuple(self.collection_types.values()),
            tuple(self.operation_types.values()),
            tuple(self.libraries.values()),
        )


def parse_catalogue(document: Any, source: str = "<definitions>") -> Catalogue:
    """The types of an already parsed ``.aq`` export or JSON type list (see the module)."""
    reader = _Reader(source)
    if isinstance(document, Mapping) and "components" in document:
        components = document["components"]
        if not isinstance(components, list):
            raise reader.fail("'components'", "must be a list")
        for n, component in enumerate(components, 1):
            where = f"component {n}"
            if not isinstance(component, Mapping):
                raise reader.fail(where, "expected an object")
            if "library" in component:
                reader.library(component["library"], where)
                continue
            if "operation_type" not in component:
                raise reader.fail(where, "has neither 'library' nor 'operation_type'")
            for i, entry in enumerate(component.get("sample_types") or [], 1):
                reader.sample_type(entry, f"{where}, sample type {i}")
            for i, entry in enumerate(component.get("object_types") or [], 1):
                reader.object_type(entry, f"{where}, object type {i}")
            reader.operation_type(component["operation_type"], f"{where}, operation type")
        return reader.catalogue()
    if isinstance(document, Mapping):
        unknown = set(document) - {"sample_types", "object_types", "operation_types"}
        if unknown:
            raise reader.fail(
                f"key {sorted(unknown)[0]!r}",
                "expected an .aq export ('components') or the keys sample_types, object_types, "
                "operation_types",
            )
        entries = [
            *document.get("sample_types", []),
            *document.get("object_types", []),
            *document.get("operation_types", []),
        ]
    elif isinstance(document, list):
        entries = document
    else:
        raise reader.fail("top level", "expected an .aq export object or a JSON list of types")
    kinds = [_kind(entry) for entry in entries]
    reader.remember_ids([e for e, k in zip(entries, kinds, strict=True) if k == "sample"], "sample")
    reader.remember_ids([e for e, k in zip(entries, kinds, strict=True) if k == "object"], "object")
    handlers = {
        "sample": reader.sample_type,
        "object": reader.object_type,
        "operation": reader.operation_type,
    }
    for order in ("sample", "object", "operation"):
        for n, (entry, kind) in enumerate(zip(entries, kinds, strict=True), 1):
            if kind == order:
                handlers[kind](entry, f"entry {n}")
    return reader.catalogue()


def _kind(entry: Any) -> str:
    if isinstance(entry, Mapping) and "handler" in entry:
        return "object"
    if isinstance(entry, Mapping) and "category" in entry:
        return "operation"
    return "sample"


def read_catalogue(path: str | Path) -> Catalogue:
    """The types defined in the file at ``path`` (see the module docstring)."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"{source}: cannot read the file: {exc.strerror or exc}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{source}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); give an "
            ".aq workflow export or a JSON list of types"
        ) from None
    return parse_catalogue(document, source)


def _without_seeded(store: Store, catalogue: Catalogue) -> Catalogue:
    """``catalogue`` less the types the Docker seed already has (``__Part``, the Debug
    library...), which exports of standard libraries repeat."""

    def fresh(table: str, specs: Sequence[Mapping[str, Any]], by_category: bool) -> tuple[Any, ...]:
        def exists(spec: Mapping[str, Any]) -> bool:
            criteria = {"name": spec["name"]}
            if by_category:
                criteria["category"] = spec["category"]
            return store.first(table, **criteria) is not None

        return tuple(spec for spec in specs if not exists(spec))

    return Catalogue(
        fresh("sample_types", catalogue.sample_types, False),
        fresh("object_types", catalogue.object_types, False),
        fresh("object_types", catalogue.collection_types, False),
        fresh("operation_types", catalogue.operation_types, True),
        fresh("libraries", catalogue.libraries, True),
    )


def imported_lab(path: str | Path, seed: int = 0) -> Callable[[Store], None]:
    """A lab factory: the Docker seed plus the types in ``path`` (read, and checked, now)."""
    catalogue = read_catalogue(path)

    def build(store: Store) -> None:
        builder = seed_lab(store, seed)
        builder.now = None
        try:
            load_catalogue(builder, _without_seeded(store, catalogue))
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None

    return build
