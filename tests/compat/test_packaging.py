"""Packaging: the client needs only its runtime dependencies; the plugin degrades to one line.

A missing extra is simulated in a subprocess with an import hook that refuses the modules of
``aqsession[testing]``, as if ``pip install aqsession`` had been run without the extra.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TESTING_ONLY = ("responses", "vcr", "yaml", "hypothesis", "pytest", "tzdata", "dill")

BLOCKER = textwrap.dedent(
    """
    import importlib.abc, sys
    BLOCKED = set(sys.argv[1].split(","))
    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None
    sys.meta_path.insert(0, Block())
    for name in list(sys.modules):
        if name.partition(".")[0] in BLOCKED:
            del sys.modules[name]
    """
)


def run_python(code: str, blocked: tuple[str, ...], cwd: Path) -> subprocess.CompletedProcess[str]:
    script = BLOCKER + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", script, ",".join(blocked)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_the_client_works_without_the_testing_extra(tmp_path):
    result = run_python(
        """
        import aqsession
        from aqsession import AqSession, Browser, ModelBase, SessionABC
        from aqsession import aql, models
        from aqsession.interfaces import QueryInterface
        assert issubclass(AqSession, SessionABC) and Browser and ModelBase and QueryInterface
        assert aql.query_schema()["required"]
        session = AqSession(None, None, None, aqhttp=object.__new__(aqsession.AqHTTP))
        print("client ok", len(models.MODEL_NAMES))
        """,
        TESTING_ONLY,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "client ok 27" in result.stdout


def test_runtime_dependencies_leave_the_fake_to_the_extra():
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {req.split(">")[0].split("[")[0].lower() for req in project["dependencies"]}
    assert runtime == {"requests", "jsonschema", "tqdm"}
    testing = " ".join(project["optional-dependencies"]["testing"])
    for needed in ("responses", "vcrpy", "hypothesis", "pytest", "pyyaml", "tzdata"):
        assert needed in testing
    assert "aqsession[testing]" in project["optional-dependencies"]["test"]
    assert project["entry-points"]["pytest11"] == {"aqfake": "aqfake.pytest_entry"}


def test_the_plugin_is_one_line_when_its_extra_is_missing(tmp_path):
    (tmp_path / "test_plain.py").write_text("def test_plain():\n    assert True\n")
    result = run_python(
        """
        import sys, pytest
        sys.exit(pytest.main(["-p", "no:cacheprovider", "-p", "no:xdist", "-W", "error",
                              "-p", "no:hypothesispytest", "test_plain.py"]))
        """,
        ("responses", "vcr", "yaml"),
        tmp_path,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    lines = [line for line in output.splitlines() if "aqfake" in line]
    assert len(lines) == 1, output
    assert re.fullmatch(
        r"aqfake: plugin inactive \('(responses|vcr|yaml)' is not installed\); "
        r"pip install 'aqsession\[testing\]' for the aq_\* fixtures",
        lines[0],
    )
    assert "1 passed" in output and "Error" not in output and "warning" not in output.lower()


def test_the_plugin_raises_real_import_errors(tmp_path):
    result = run_python(
        """
        import sys
        sys.modules["aqfake.pytest_plugin"] = None  # the import raises, naming our own module
        try:
            import aqfake.pytest_entry
        except ImportError as error:
            print("raised", error.name)
        """,
        (),
        tmp_path,
    )
    assert "raised aqfake.pytest_plugin" in result.stdout, result.stdout + result.stderr
