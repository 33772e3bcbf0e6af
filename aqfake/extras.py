"""The ``aqsession[testing]`` extra: what the fake, its plugin and its command need beyond the
client, and the one-line message for when it is missing."""

from __future__ import annotations

#: Top-level modules of the ``aqsession[testing]`` extra that the fake imports.
TESTING_MODULES = frozenset({"responses", "vcr", "yaml", "hypothesis", "tzdata"})


def missing_extra(error: ImportError) -> str | None:
    """The extra's module whose absence caused ``error``, or None for any other import error."""
    missing = (error.name or "").partition(".")[0]
    return missing if missing in TESTING_MODULES else None


def install_hint(missing: str, needed_for: str) -> str:
    """The end of the one-line message: the missing module and the install command."""
    return f"({missing!r} is not installed); pip install 'aqsession[testing]' for {needed_for}"
