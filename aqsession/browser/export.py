"""Sample tables, CSV export and model inspection for the Browser (no requests of their own:
the Browser loads what they read in batches first)."""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Callable, Iterable
from typing import IO, Any

from aqsession.exceptions import BrowserException

ROWS_SPEC = {"sample_type": "field_types", "field_values": "sample"}
"""What :func:`sample_rows` reads; load it with ``browser.get(samples, ROWS_SPEC)`` first."""

_PATH_PART = re.compile(r"([A-Za-z_]\w*)((?:\[-?\d+\])*)")
_INDEX = re.compile(r"\[(-?\d+)\]")


def check_one_sample_type(samples: list[Any]) -> None:
    """BrowserException unless all samples share one sample type."""
    type_ids = {s.sample_type_id for s in samples}
    if len(type_ids) > 1:
        raise BrowserException(
            f"samples_to_rows needs samples of one sample type, got sample_type_ids "
            f"{sorted(type_ids, key=str)}; group the samples by sample_type_id first."
        )


def sample_name(sample: Any) -> Any:
    """The default resolver of sample-valued properties."""
    return None if sample is None else sample.name


def sample_rows(
    samples: list[Any], sample_resolver: Callable[[Any], Any] | None = None
) -> list[dict[str, Any]]:
    """One dict per sample: ``{<sample type name>: name, "Description", "Project",
    <property>: value...}`` in field type order; array properties are lists."""
    resolver = sample_resolver or sample_name
    if not samples:
        return []
    sample_type = samples[0].sample_type
    type_name = sample_type.name if sample_type is not None else "Sample"
    field_types = sorted(
        sample_type.field_types if sample_type is not None else [], key=lambda f: f.id or 0
    )
    rows = []
    for sample in samples:
        row: dict[str, Any] = {
            type_name: sample.name,
            "Description": sample.description,
            "Project": sample.project,
        }
        values_by_name: dict[str, list[Any]] = {}
        for fv in sorted(sample.field_values or [], key=lambda f: f.id or 0):
            values_by_name.setdefault(fv.name, []).append(fv)
        for field_type in field_types:
            values = [
                resolver(fv.sample) if field_type.ftype == "sample" else fv.value
                for fv in values_by_name.get(field_type.name, [])
            ]
            row[field_type.name] = values if field_type.array else (values or [None])[0]
        rows.append(row)
    return rows


def write_csv(rows: list[dict[str, Any]], out: str | os.PathLike[str] | IO[str]) -> None:
    """Write rows as CSV (columns in first-seen order; lists and dicts as JSON)."""
    columns: list[str] = []
    for row in rows:
        columns.extend(c for c in row if c not in columns)
    cells = [{k: _csv_cell(v) for k, v in row.items()} for row in rows]
    if isinstance(out, (str, os.PathLike)):
        with open(out, "w", newline="", encoding="utf-8") as handle:
            _write(handle, columns, cells)
    else:
        _write(out, columns, cells)


def _csv_cell(value: Any) -> Any:
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value)
    return "" if value is None else value


def _write(handle: IO[str], columns: list[str], rows: list[dict[str, Any]]) -> None:
    writer = csv.DictWriter(handle, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)


def describe(model: Any, header: str | None = None, attributes: Iterable[str] = ()) -> str:
    """A header line, then ``path: value`` for each attribute path."""
    title = header or f"{type(model).__name__}: {model.id} {getattr(model, 'name', '')}"
    lines = [title.rstrip()]
    for path in attributes:
        lines.append(f"    {path}: {resolve_path(model, path)!r}")
    return "\n".join(lines)


def resolve_path(model: Any, path: str) -> Any:
    """Follow ``a.b[0].c`` with getattr and integer indexing; BrowserException if invalid."""
    value = model
    for part in path.split("."):
        found = _PATH_PART.fullmatch(part.strip())
        if found is None:
            raise BrowserException(
                f"Invalid attribute path {path!r}: {part!r} is not a name optionally followed "
                "by [index]."
            )
        try:
            value = getattr(value, found.group(1))
            for index in _INDEX.findall(found.group(2)):
                value = value[int(index)]
        except (AttributeError, IndexError, KeyError, TypeError) as exc:
            raise BrowserException(f"Cannot resolve {path!r} on {model!r}: {exc}") from exc
    return value
