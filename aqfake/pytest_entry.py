"""The ``pytest11`` entry point: the aqfake plugin, or one line saying why it is inactive.

The plugin (:mod:`aqfake.pytest_plugin`) needs the ``aqsession[testing]`` extra (responses,
vcrpy, PyYAML, ...). A plain ``pip install aqsession`` does not bring it, and pytest loads
entry points in every run of every project in that environment; so when one of those modules
is missing, this module registers no fixtures and adds a single line to pytest's header
instead of failing the run. Any other import error is a real bug and is raised.
"""

from __future__ import annotations

from .extras import install_hint, missing_extra

try:
    from .pytest_plugin import *  # noqa: F403 (the plugin's hooks and fixtures, registered here)
except ImportError as error:
    missing = missing_extra(error)
    if missing is None:
        raise
    INACTIVE_LINE = "aqfake: plugin inactive " + install_hint(missing, "the aq_* fixtures")

    def pytest_report_header() -> str:
        """The one line that says why the aq_* fixtures are not available."""
        return INACTIVE_LINE
