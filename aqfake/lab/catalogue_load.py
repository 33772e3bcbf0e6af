"""Turn a catalogue given as data (see :mod:`aqfake.lab.standard`) into rows.

A catalogue is four sequences of plain dicts: sample types, object types, collection types and
operation types. :func:`catalogue_steps` lists the builder calls that create them, in an order
where every reference resolves: sample types first without fields, then their fields (so a
``sample`` field may allow any type of the catalogue, cycles included), containers, operation
types. Callers run the steps (the demo lab stamps each on its timeline);
:func:`load_catalogue` just runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from .fields import Field, as_field
from .types import TypesBuilder

Spec = Mapping[str, Any]
Step = Callable[[], object]

_OBJECT_KEYS = frozenset(
    {"name", "description", "sample_type", "prefix", "unit", "cost", "min", "max",
     "release_method", "handler", "rows", "columns"}
)  # fmt: skip
_OPERATION_KEYS = frozenset(
    {"name", "category", "summary", "inputs", "outputs", "parameters", "cost", "on_the_fly",
     "deployed", "codes"}
)  # fmt: skip


@dataclass(frozen=True)
class Catalogue:
    """The types of a lab, as data."""

    sample_types: Sequence[Spec] = ()
    object_types: Sequence[Spec] = ()
    collection_types: Sequence[Spec] = ()
    operation_types: Sequence[Spec] = ()
    libraries: Sequence[Spec] = field(default=())

    def operation_type(self, name: str) -> Spec:
        """The operation type spec called ``name``."""
        for spec in self.operation_types:
            if spec["name"] == name:
                return spec
        raise KeyError(f"no operation type {name!r} in the catalogue")


def _checked(kind: str, spec: Spec, allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(spec, Mapping) or not isinstance(spec.get("name"), str):
        raise ValueError(f"{kind} {spec!r}: each entry needs a 'name' string")
    unknown = set(spec) - allowed
    if unknown:
        raise ValueError(
            f"{kind} {spec['name']!r}: unknown key {sorted(unknown)[0]!r} "
            f"(known: {', '.join(sorted(allowed))})"
        )
    return dict(spec)


def _field(owner: str, spec: Spec | Field, default_ftype: str) -> Field:
    if isinstance(spec, Field):
        return spec
    values = dict(spec)
    values.setdefault("ftype", default_ftype)
    try:
        return as_field(values)
    except TypeError as exc:
        raise ValueError(f"{owner}: field {values.get('name')!r}: {exc}") from None
    except ValueError as exc:
        raise ValueError(f"{owner}: {exc}") from None


def operation_type_kwargs(spec: Spec) -> dict[str, Any]:
    """``TypesBuilder.operation_type`` keyword arguments for an operation type spec.

    Inputs and outputs are ``sample`` fields unless they say otherwise; parameters are inputs
    (``string`` unless they say otherwise) listed after them, as Aquarium stores them.
    """
    values = _checked("operation type", spec, _OPERATION_KEYS)
    owner = f"operation type {values['name']!r}"
    inputs = [_field(owner, f, "sample") for f in values.pop("inputs", ())]
    inputs += [_field(owner, f, "string") for f in values.pop("parameters", ())]
    outputs = [_field(owner, f, "sample") for f in values.pop("outputs", ())]
    if "cost" in values:
        values["cost"] = tuple(values["cost"])
    return {**values, "inputs": inputs, "outputs": outputs}


def catalogue_steps(builder: TypesBuilder, catalogue: Catalogue) -> list[Step]:
    """The builder calls that create ``catalogue``, in an order where references resolve."""
    steps: list[Step] = []
    fields: list[tuple[str, list[Field]]] = []
    for spec in catalogue.sample_types:
        values = _checked("sample type", spec, frozenset({"name", "description", "fields"}))
        owner = f"sample type {values['name']!r}"
        specs = [_field(owner, f, "string") for f in values.pop("fields", ())]
        fields.append((values["name"], specs))
        steps.append(partial(builder.sample_type, **values))
    steps += [partial(builder.sample_type_fields, name, specs) for name, specs in fields if specs]
    for spec in catalogue.object_types:
        values = _checked("object type", spec, _OBJECT_KEYS)
        steps.append(partial(builder.object_type, **values))
    for spec in catalogue.collection_types:
        values = _checked("collection type", spec, _OBJECT_KEYS)
        values.pop("handler", None)
        if not isinstance(values.get("rows"), int) or not isinstance(values.get("columns"), int):
            raise ValueError(f"collection type {values['name']!r}: rows and columns are required")
        steps.append(partial(builder.collection_type, **values))
    for spec in catalogue.operation_types:
        kwargs = operation_type_kwargs(spec)
        steps.append(partial(builder.operation_type, **kwargs))
    for spec in catalogue.libraries:
        values = _checked("library", spec, frozenset({"name", "category", "source"}))
        steps.append(partial(builder.library, **values))
    return steps


def load_catalogue(builder: TypesBuilder, catalogue: Catalogue) -> None:
    """Create every type of ``catalogue`` (see :func:`catalogue_steps`)."""
    for step in catalogue_steps(builder, catalogue):
        step()
