"""Root conftest: makes sure this repository's own tests get the aqfake plugin, exactly once.

With the package installed (``make test`` installs it editable) pytest loads the plugin through
its ``pytest11`` entry point ``aqfake``. Naming it here as well would register the same module a
second time under another name, which pluggy refuses. So this file asks for the plugin only when
pytest will not load entry points: the package is not installed, or plugin autoloading is off
(``PYTEST_DISABLE_PLUGIN_AUTOLOAD``).

It also makes the top-level ``cassettes/`` folder this repository's cassette directory.
"""

from __future__ import annotations

import os
from importlib.metadata import entry_points
from pathlib import Path

import pytest

PLUGIN_MODULE = "aqfake.pytest_entry"


def _plugin_autoloaded() -> bool:
    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        return False
    return any(ep.value == PLUGIN_MODULE for ep in entry_points(group="pytest11"))


#: ``pytester`` runs pytest inside tests (the plugin's own tests need it); pytest accepts
#: ``pytest_plugins`` only in the root conftest.
pytest_plugins = ["pytester"] + ([] if _plugin_autoloaded() else [PLUGIN_MODULE])

#: This repository keeps its own recorded sessions in the top-level ``cassettes/`` folder, not
#: beside each test file (the plugin's default for downstream projects).
REPO_CASSETTES = Path(__file__).resolve().parent / "cassettes"


def pytest_configure(config: pytest.Config) -> None:
    """Point ``aq_cassette`` at ``cassettes/`` unless the command line or ini chose a folder."""
    if not config.getoption("aq_cassette_dir", None) and not config.getini("aq_cassette_dir"):
        config.option.aq_cassette_dir = str(REPO_CASSETTES)
    config.addinivalue_line(
        "markers",
        "downstream: builds this repository's wheel and uses the plugin from a fresh venv",
    )
