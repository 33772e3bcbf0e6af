"""The compatibility tests reuse the end-to-end suite's fixtures: the pydent venv and a
separate ``aqfake serve`` process."""

from __future__ import annotations

from e2e.conftest import live_fake, pydent_python

__all__ = ["live_fake", "pydent_python"]
