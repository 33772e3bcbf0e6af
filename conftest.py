"""Root conftest: makes sure this repository's own tests get the aqfake plugin, exactly once.

With the package installed (``make test`` installs it editable) pytest loads the plugin through
its ``pytest11`` entry point ``aqfake``. Naming it here as well would register the same module a
second time under another name, which pluggy refuses. So this file asks for the plugin only when
pytest will not load entry points: the package is not installed, or plugin autoloading is off
(``PYTEST_DISABLE_PLUGIN_AUTOLOAD``).
"""

from __future__ import annotations

import os
from importlib.metadata import entry_points

PLUGIN_MODULE = "aqfake.pytest_plugin"


def _plugin_autoloaded() -> bool:
    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        return False
    return any(ep.value == PLUGIN_MODULE for ep in entry_points(group="pytest11"))


pytest_plugins = [] if _plugin_autoloaded() else [PLUGIN_MODULE]
