"""The ``pytest11`` entry point: the aqfake plugin, or one line saying why it is inactive.

The plugin (:mod:`aqfake.pytest_plugin`) needs the ``aqsession[testing]`` extra (responses,
vcrpy, PyYAML, ...). A plain ``pip install aqsession`` does not bring it, and pytest loads
entry points in every run of every project in that environment; so when one of those modules
is missing, this module registers no fixtures and adds a single line to pytest's header
instead of failing the run. Any other import error is a real bug and is raised.
"""

from __future__ import annotations

#: Top-level modules of the ``aqsession[testing]`` extra that the plugin imports.
TESTING_MODULES = frozenset({"responses", "vcr", "yaml", "hypothesis", "tzdata"})

try:
    from .pytest_plugin import *  # noqa: F403 (the plugin's hooks and fixtures, registered here)
except ImportError as error:
    missing = (error.name or "").partition(".")[0]
    if missing not in TESTING_MODULES:
        raise
    INACTIVE_LINE = (
        f"aqfake: plugin inactive ({missing!r} is not installed); "
        "pip install 'aqsession[testing]' for the aq_* fixtures"
    )

    def pytest_report_header() -> str:
        """The one line that says why the aq_* fixtures are not available."""
        return INACTIVE_LINE
