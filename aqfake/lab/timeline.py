"""Deterministic timestamps for built labs.

A lab's rows are dated inside a window that ends at an *anchor*: by default today's date at
00:00 UTC, so "created in the last N days" queries find rows whatever day the tests run, while
every offset from the anchor (and so the whole lab, on a given day) depends only on the seed.
Pass an explicit anchor to make a lab identical across days.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

WINDOW_DAYS = 60


def default_anchor() -> datetime:
    """Today at 00:00 UTC: the end of the window built labs are dated in."""
    now = datetime.now(timezone.utc)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


class Timeline:
    """Maps fractions of the window ``[anchor - days, anchor)`` to whole-second UTC datetimes."""

    def __init__(self, anchor: datetime | None = None, days: int = WINDOW_DAYS) -> None:
        end = anchor if anchor is not None else default_anchor()
        if end.tzinfo is None:
            end = end.replace(tzinfo=timezone.utc)
        self.end = end.astimezone(timezone.utc).replace(microsecond=0)
        self.start = self.end - timedelta(days=days)
        self._span = (self.end - self.start).total_seconds()

    def at(self, fraction: float) -> datetime:
        """The instant ``fraction`` (0 = window start, 1 = anchor) through the window."""
        clamped = min(max(fraction, 0.0), 1.0)
        seconds = min(int(clamped * self._span), int(self._span) - 1)
        return self.start + timedelta(seconds=seconds)

    def spread(self, rng: random.Random, count: int, low: float, high: float) -> list[datetime]:
        """``count`` ascending instants drawn uniformly between fractions ``low`` and ``high``."""
        return [self.at(f) for f in sorted(rng.uniform(low, high) for _ in range(count))]
