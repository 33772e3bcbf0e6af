"""Plumbing shared by the scenario scripts, which run under the pydent venv's interpreter.

Only pydent and the standard library are importable there. A script reads one JSON object from
stdin, ``{"url": <base URL>, "params": {...}}``, runs named checks against that server with
unmodified pydent, and writes one JSON object to stdout: for every check either
``{"value": <what pydent returned>}`` or ``{"error": <exception class>, "message": <text>}``,
so one failing check never hides the others and the pytest side can compare exact answers.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from typing import Any

from pydent import AqSession

LOGIN = "neptune"
PASSWORD = "aquarium"


def read_input() -> tuple[str, dict[str, Any]]:
    """Return the base URL and the scenario parameters chosen by the pytest side."""
    data = json.load(sys.stdin)
    return data["url"], data.get("params", {})


def login(url: str, user: str = LOGIN, password: str = PASSWORD) -> AqSession:
    """Log in the way a lab script does."""
    return AqSession(user, password, url)


def ids(models: Iterable[Any] | None) -> list[int] | None:
    """The ids of a model list in the order pydent returned them (None stays None)."""
    return None if models is None else [m.id for m in models]


def pick(model: Any, *fields: str) -> dict[str, Any] | None:
    """A plain dict of some attributes of one model (None stays None)."""
    return None if model is None else {f: getattr(model, f) for f in fields}


def counted(session: AqSession, action: Callable[[], Any]) -> dict[str, Any]:
    """Run ``action``; return its value and how many HTTP requests pydent made for it."""
    before = session._aqhttp.num_requests
    value = action()
    return {"result": value, "requests": session._aqhttp.num_requests - before}


class Checks:
    """Collects the outcome of each named check and prints them all as one JSON object."""

    def __init__(self) -> None:
        self.results: dict[str, dict[str, Any]] = {}

    def run(self, name: str, action: Callable[[], Any]) -> Any:
        """Run one check, recording its value or the exception it raised."""
        try:
            value = action()
        except Exception as exc:
            self.results[name] = {"error": type(exc).__name__, "message": str(exc)}
            return None
        self.results[name] = {"value": value}
        return value

    def emit(self) -> None:
        json.dump(self.results, sys.stdout, default=str, sort_keys=True)
        sys.stdout.write("\n")
