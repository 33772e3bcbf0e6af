"""The compatibility tests reuse the end-to-end suite's pydent venv fixture."""

from __future__ import annotations

from e2e.conftest import pydent_python

__all__ = ["pydent_python"]
