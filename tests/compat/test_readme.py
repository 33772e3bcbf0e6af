"""The README's "Migrating from pydent" section is what tools/migration_notes.py generates."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def notes() -> ModuleType:
    spec = importlib.util.spec_from_file_location("migration_notes", ROOT / "tools" /
                                                  "migration_notes.py")  # fmt: skip
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_section_is_current():
    tool = notes()
    manifest = json.loads(tool.MANIFEST.read_text())
    readme = tool.README.read_text()
    assert tool.render(readme, manifest) == readme, (
        "README.md is not current: run python tools/migration_notes.py"
    )


def test_every_departure_is_in_the_readme():
    tool = notes()
    manifest = json.loads(tool.MANIFEST.read_text())
    readme = tool.README.read_text()
    for pattern, reason in manifest["departures"].items():
        assert f"| `{pattern}` | {reason} |" in readme


def test_render_replaces_only_its_section():
    tool = notes()
    manifest = {"pydent_version": "1.0.11", "classes": {"AqSession": {"members": {"a": {}}}},
                "exceptions": {}, "departures": {"AqSession.a": "gone"}}  # fmt: skip
    before = f"# T\n\nintro\n\n{tool.BEGIN}\nstale\n{tool.END}\n\n## After\n"
    after = tool.render(before, manifest)
    assert after.startswith("# T\n\nintro\n\n") and after.endswith("\n\n## After\n")
    assert "stale" not in after and "| `AqSession.a` | gone |" in after
    assert "0 of them are here" in after and "The other 1, and why" in after
