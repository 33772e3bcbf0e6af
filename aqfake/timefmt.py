"""Timestamps as Aquarium renders them: US Pacific wall time, millisecond precision, with offset.

Aquarium stores UTC and is configured with ``config.time_zone = 'Pacific Time (US & Canada)'``,
so every datetime in its JSON looks like ``"2018-07-17T15:10:05.000-07:00"`` (PDT) or
``"...-08:00"`` (PST). MySQL ``datetime`` has whole seconds, so the milliseconds are ``.000``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")


@lru_cache(maxsize=1 << 16)
def format_time(value: datetime) -> str:
    """Render an aware (or naive-UTC) datetime as Aquarium's JSON timestamp string."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    local = aware.astimezone(PACIFIC)
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    millis = local.microsecond // 1000
    return f"{local:%Y-%m-%dT%H:%M:%S}.{millis:03d}{sign}{hours:02d}:{mins:02d}"
