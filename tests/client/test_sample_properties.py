"""``Sample.properties`` decodes field values as pydent does (numbers stored as text)."""

from __future__ import annotations

from typing import Any

import pytest
from test_models_double import FakeSession


def _field_type(ft_id: int, name: str, ftype: str, array: bool = False) -> dict[str, Any]:
    return {
        "id": ft_id,
        "parent_id": 2,
        "parent_class": "SampleType",
        "name": name,
        "ftype": ftype,
        "required": False,
        "array": array,
    }


@pytest.fixture
def session() -> FakeSession:
    return FakeSession(
        {
            "SampleType": [{"id": 2, "name": "Fragment"}],
            "FieldType": [
                _field_type(21, "Length", "number"),
                _field_type(22, "Sizes", "number", array=True),
                _field_type(23, "Note", "string"),
                _field_type(24, "Odd", "number"),
            ],
            "FieldValue": [
                {"id": 90, "parent_id": 5, "parent_class": "Sample", "name": "Length",
                 "value": "1015.0"},
                {"id": 91, "parent_id": 5, "parent_class": "Sample", "name": "Sizes",
                 "value": "3"},
                {"id": 92, "parent_id": 5, "parent_class": "Sample", "name": "Sizes",
                 "value": 4.5},
                {"id": 93, "parent_id": 5, "parent_class": "Sample", "name": "Note",
                 "value": "42"},
                {"id": 94, "parent_id": 5, "parent_class": "Sample", "name": "Odd",
                 "value": "about 7"},
            ],
        }
    )  # fmt: skip


def test_properties_decode_number_fields_like_pydent(session: FakeSession) -> None:
    """Aquarium stores numbers as text; pydent's ``properties`` shows them as numbers."""
    sample = session.load("Sample", {"id": 5, "sample_type_id": 2, "name": "s5"})
    props = sample.properties
    assert props["Length"] == 1015.0 and isinstance(props["Length"], float)
    assert props["Sizes"] == [3, 4.5]
    assert props["Note"] == "42"
    assert props["Odd"] == "about 7"
