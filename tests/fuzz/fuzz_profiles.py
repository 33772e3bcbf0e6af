"""How much the fuzz suite generates: a quick slice for every ``make test``, or ``thorough``.

Pick the profile with the environment variable ``AQFAKE_FUZZ_PROFILE``::

    AQFAKE_FUZZ_PROFILE=thorough .venv/bin/pytest tests/fuzz -q     # >= 10,000 requests

``ci`` (the default) runs a few hundred generated requests in a few seconds. Each fuzz test
counts the requests it really sent and fails if the profile's budget was not reached, so a
profile cannot silently shrink.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from hypothesis import HealthCheck, settings

PROFILE_ENV = "AQFAKE_FUZZ_PROFILE"


@dataclass(frozen=True)
class Budget:
    """Generated examples for one fuzz test in the ``ci`` and ``thorough`` profiles."""

    ci: int
    thorough: int

    @property
    def examples(self) -> int:
        """The number of examples of the active profile."""
        return self.thorough if active_profile() == "thorough" else self.ci


def active_profile() -> str:
    """``ci`` or ``thorough``, from :data:`PROFILE_ENV`; anything else is an error."""
    name = os.environ.get(PROFILE_ENV, "ci").strip().lower() or "ci"
    if name not in ("ci", "thorough"):
        raise ValueError(f"{PROFILE_ENV}={name!r}: use 'ci' (the default) or 'thorough'")
    return name


def fuzz_settings(budget: Budget) -> settings:
    """Hypothesis settings for ``budget``: no deadline (the fake is fast, CI machines are not),
    and no health check that would stop a large, slow-to-generate example."""
    return settings(
        max_examples=budget.examples,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )
