"""Hypothesis profiles for the property suite.

``ci`` (the default) derandomizes the search so every run draws the same examples and a failure
reproduces anywhere, and skips shrinking so a failing run stays fast (the failing example is
printed as found; the shrunk ones live in ``test_found_examples.py``); ``dev`` explores with
fresh randomness and shrinks. Choose with
``--hypothesis-profile=dev`` or ``HYPOTHESIS_PROFILE=dev``. Neither keeps an example database,
so the tests write nothing outside ``tmp_path``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, settings

_COMMON = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
}

settings.register_profile(
    "ci",
    derandomize=True,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    report_multiple_bugs=False,
    print_blob=True,
    **_COMMON,
)
settings.register_profile("dev", **_COMMON)


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("hypothesis_profile", None) is None:
        settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
