"""Hypothesis profiles for the property suite.

``ci`` (the default here) derandomizes the search so every run draws the same examples and a
failure reproduces anywhere; ``dev`` explores with fresh randomness. Pick one with
``--hypothesis-profile=dev`` or ``HYPOTHESIS_PROFILE=dev``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,
    "database": None,  # no .hypothesis/ directory: tests write nothing outside tmp_path
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
}

settings.register_profile("ci", derandomize=True, print_blob=True, **_COMMON)
settings.register_profile("dev", **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
