"""Field type declarations for sample types and operation types, and field value text."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

FTYPES: tuple[str, ...] = ("string", "number", "url", "sample", "item", "json")


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
        """The choices as Aquarium stores them: comma-separated text, or None."""
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
