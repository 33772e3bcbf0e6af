"""Hypothesis profiles for the property suite.

``ci`` (the default) derandomizes the search so every run draws the same examples and a failure
reproduces anywhere, and skips shrinking so a failing run stays fast (the failing example is
printed as found; shrunk ones live in ``test_found_examples.py``); ``dev`` explores with fresh
randomness and shrinks. Choose with ``HYPOTHESIS_PROFILE=dev``. Neither keeps an example
database, so the tests write nothing outside ``tmp_path``.

The profile is applied only to this directory's tests (through :func:`examples`), never loaded
globally, so the rest of the test suite keeps its own hypothesis settings.
"""

from __future__ import annotations

import os

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


def examples(max_examples: int) -> settings:
    """The selected profile (``HYPOTHESIS_PROFILE``, default ``ci``) with ``max_examples``."""
    return settings(
        settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci")), max_examples=max_examples
    )
