"""Importing a lab's own types: .aq workflow exports and JSON type lists, with clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from aqfake.app import FakeAquarium
from aqfake.lab.importing import imported_lab, parse_catalogue, read_catalogue
from aqfake.store import Store

#: An .aq export in the shape Aquarium writes (two components and a library).
AQ_EXPORT: dict[str, Any] = {
    "config": {"title": "Lab workflows", "version": "0.1.0"},
    "components": [
        {
            "library": {
                "name": "PlateHelpers",
                "category": "Lab Libs",
                "code_source": "module X\nend",
            }
        },
        {
            "sample_types": [
                {
                    "id": 3,
                    "name": "Buffer",
                    "description": "A buffer",
                    "field_types": [
                        {
                            "name": "pH",
                            "ftype": "number",
                            "required": True,
                            "array": False,
                            "choices": None,
                            "sample_types": [],
                            "object_types": [],
                        },
                    ],
                },
            ],
            "object_types": [
                {
                    "id": 20,
                    "name": "Buffer Bottle",
                    "handler": "sample_container",
                    "min": 0,
                    "max": 1,
                    "unit": "bottle",
                    "cost": 3.5,
                    "release_method": "return",
                    "prefix": "",
                    "rows": None,
                    "columns": None,
                    "sample_type_name": "Buffer",
                },
                {
                    "id": 21,
                    "name": "Buffer Plate",
                    "handler": "collection",
                    "min": 0,
                    "max": 1,
                    "unit": "plate",
                    "cost": 1.0,
                    "release_method": "return",
                    "prefix": "",
                    "rows": 8,
                    "columns": 12,
                    "sample_type_name": "Buffer",
                },
            ],
            "operation_type": {
                "name": "Aliquot Buffer",
                "category": "Lab Prep",
                "deployed": True,
                "on_the_fly": False,
                "field_types": [
                    {
                        "ftype": "sample",
                        "role": "input",
                        "name": "Stock",
                        "sample_types": ["Buffer"],
                        "object_types": ["Buffer Bottle"],
                        "part": False,
                        "array": False,
                        "routing": "B",
                        "choices": None,
                    },
                    {
                        "ftype": "number",
                        "role": "input",
                        "name": "Volume",
                        "sample_types": [],
                        "object_types": [],
                        "part": False,
                        "array": False,
                        "routing": None,
                        "choices": None,
                    },
                    {
                        "ftype": "sample",
                        "role": "output",
                        "name": "Plate",
                        "sample_types": ["Buffer"],
                        "object_types": ["Buffer Plate"],
                        "part": True,
                        "array": False,
                        "routing": "B",
                        "choices": None,
                    },
                ],
                "protocol": "class Protocol\n  def main\n  end\nend\n",
                "cost_model": "def cost(_op)\n  { labor: 1, materials: 2 }\nend\n",
                "timing": None,
            },
        },
    ],
}

#: The same types as the server renders them (SampleType/ObjectType/OperationType JSON).
RENDERED: list[dict[str, Any]] = [
    {"id": 3, "name": "Buffer", "description": "A buffer", "field_types": [
        {"id": 9, "name": "pH", "ftype": "number", "required": True, "array": False,
         "parent_class": "SampleType", "role": None, "allowable_field_types": []}]},
    {"id": 20, "name": "Buffer Bottle", "handler": "sample_container", "min": 0, "max": 1,
     "unit": "bottle", "cost": 3.5, "release_method": "return", "sample_type_id": 3},
    {"id": 1, "name": "Aliquot Buffer", "category": "Lab Prep", "deployed": True,
     "field_types": [
        {"id": 11, "name": "Stock", "ftype": "sample", "role": "input", "routing": "B",
         "allowable_field_types": [{"id": 5, "sample_type_id": 3, "object_type_id": 20}]},
        {"id": 12, "name": "Out", "ftype": "sample", "role": "output", "routing": "B",
         "allowable_field_types": [{"id": 6, "sample_type_id": 3, "object_type_id": 20,
                                    "sample_type": {"id": 3, "name": "Buffer"},
                                    "object_type": {"id": 20, "name": "Buffer Bottle"}}]}]},
]  # fmt: skip


def write(tmp_path: Path, name: str, document: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def test_aq_export_loads_on_top_of_the_docker_seed(tmp_path: Path) -> None:
    fake = FakeAquarium(imported_lab(write(tmp_path, "lab.aq", AQ_EXPORT)))
    store = fake.store
    assert store.first("users", login="neptune") is not None
    op_type = store.first("operation_types", name="Aliquot Buffer")
    assert op_type["category"] == "Lab Prep" and op_type["deployed"]
    fields = {
        ft["name"]: ft
        for ft in store.lookup("field_types", parent_class="OperationType", parent_id=op_type["id"])
    }
    assert fields["Plate"]["part"] and fields["Stock"]["routing"] == "B"
    (aft,) = store.lookup("allowable_field_types", field_type_id=fields["Plate"]["id"])
    assert store.get("object_types", aft["object_type_id"])["rows"] == 8
    protocol = store.first("codes", parent_id=op_type["id"], name="protocol")
    assert protocol["content"].startswith("class Protocol")
    assert store.first("libraries", name="PlateHelpers")["category"] == "Lab Libs"
    bottle = store.first("object_types", name="Buffer Bottle")
    assert bottle["cost"] == 3.5 and bottle["sample_type_id"] is not None


def test_rendered_type_list_resolves_ids_and_nested_names(tmp_path: Path) -> None:
    catalogue = read_catalogue(write(tmp_path, "types.json", RENDERED))
    (op,) = catalogue.operation_types
    assert [f["allowable"] for f in (*op["inputs"], *op["outputs"])] == [
        (("Buffer", "Buffer Bottle"),),
        (("Buffer", "Buffer Bottle"),),
    ]
    store = Store()
    imported_lab(write(tmp_path, "t.json", RENDERED))(store)
    assert store.first("sample_types", name="Buffer") is not None


def test_the_object_form_with_three_lists_is_accepted() -> None:
    document = {
        "sample_types": [RENDERED[0]],
        "object_types": [RENDERED[1]],
        "operation_types": [RENDERED[2]],
    }
    assert [s["name"] for s in parse_catalogue(document).sample_types] == ["Buffer"]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"components": [{"operation_type": {"name": "X"}}]},
         "component 1, operation type (operation type 'X'): has no 'category'"),
        ({"components": [{"sample_types": [{"description": "nameless"}], "operation_type": {}}]},
         "component 1, sample type 1: has no 'name'"),
        ([{"name": "Op", "category": "C", "field_types": [
            {"name": "In", "ftype": "sample", "role": "input",
             "sample_types": ["Ghost"], "object_types": ["Box"]}]}],
         "operation type 'Op', field 'In': sample type 'Ghost' is not defined in the file"),
        ([{"name": "Op", "category": "C", "field_types": [{"name": "In", "ftype": "blob",
                                                           "role": "input"}]}],
         "entry 1 (operation type 'Op'), field 1 'In': ftype 'blob' is not one of"),
        ([{"name": "Op", "category": "C", "field_types": [{"name": "In", "role": "inside"}]}],
         "role must be 'input' or 'output', got 'inside'"),
        ([{"name": "Plate", "handler": "collection", "rows": "8"}],
         "a collection type needs whole-number 'rows' and 'columns'"),
        ([{"name": "Op", "category": "C", "field_types": [
            {"name": "In", "role": "input", "allowable_field_types": [{"sample_type_id": 42}]}]}],
         "allowable sample type id 42 is not among the types in the file"),
        ("just text", "expected an .aq export object or a JSON list of types"),
        ({"operation_typez": []}, "key 'operation_typez'"),
    ],
)  # fmt: skip
def test_malformed_definitions_name_the_entry(document: Any, message: str) -> None:
    with pytest.raises(ValueError) as failure:
        parse_catalogue(document, "lab.json")
    assert str(failure.value).startswith("lab.json: ")
    assert message in str(failure.value)


def test_unreadable_and_non_json_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read the file"):
        read_catalogue(tmp_path / "missing.aq")
    broken = tmp_path / "broken.aq"
    broken.write_text('{"components": [')
    with pytest.raises(ValueError, match=r"broken\.aq: not JSON \(line 1"):
        read_catalogue(broken)


def test_serve_import_refuses_a_malformed_file_with_a_clear_message(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.aq", {"components": [{"operation_type": {"name": "X"}}]})
    done = subprocess.run(
        [sys.executable, "-m", "aqfake", "serve", "--import", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "bad.aq: component 1, operation type (operation type 'X'): has no 'category'" in (
        done.stderr
    )
    assert done.stdout == ""


def test_serve_rejects_a_bad_size() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "aqfake", "serve", "--size", "gigantic"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "gigantic" in done.stderr


INNER = """
import pytest


def test_size(aq_fake):
    assert 200 <= aq_fake.store.count("samples") < 300


@pytest.mark.aq_lab("demo", size="small")
def test_marker_wins(aq_fake):
    assert aq_fake.store.count("samples") < 100
"""

IMPORTED = """
def test_imported(aq_fake):
    assert aq_fake.store.first("operation_types", name="Aliquot Buffer") is not None
    assert aq_fake.store.count("samples") == 0
"""


def test_plugin_options_pick_the_lab_size_and_an_import(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    quiet = ("-p", "no:xdist", "-p", "no:hypothesispytest")
    pytester.makepyfile(test_inner=INNER)
    pytester.runpytest(*quiet, "--aq-lab-size", "250").assert_outcomes(passed=2)
    pytester.makepyfile(test_inner=IMPORTED)
    path = write(tmp_path, "lab.aq", AQ_EXPORT)
    pytester.runpytest(*quiet, "--aq-import", str(path)).assert_outcomes(passed=1)
    bad = pytester.runpytest(*quiet, "--aq-lab-size", "enormous")
    assert "enormous" in bad.stdout.str() + bad.stderr.str()
