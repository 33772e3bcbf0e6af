"""Plumbing shared by the parity scripts; runs under pydent's venv and under ours.

Only the standard library and the client module are imported, and the client module is chosen
at run time (``AQ_CLIENT=pydent`` or ``AQ_CLIENT=aqsession``), so one script file is run twice
unchanged: once by pydent 1.0.11, once by aqsession.

A script reads ``{"url": ..., "params": {...}}`` from stdin and prints one JSON object:

- ``same``: named checks whose answers must be identical for both clients. Each is
  ``{"value": ...}`` or ``{"error": <exception class name>}`` -- only the class name, because
  exception messages are free text that aqsession is allowed to word better.
- ``own``: checks that touch a documented pydent bug (client-behaviour.md §10) which aqsession
  fixes; the pytest side asserts each client's own documented answer instead of equality.
- ``requests``: requests the fake received per phase (from its journal mark, which control
  requests do not move), so both clients are measured the same way, from the server's side.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

LOGIN = "neptune"
PASSWORD = "aquarium"
CLIENTS = ("pydent", "aqsession")

Mark = Callable[[], int]


def client_module() -> Any:
    """The client named by ``AQ_CLIENT`` (the only line that differs between the two runs)."""
    name = os.environ.get("AQ_CLIENT", "")
    if name not in CLIENTS:
        raise SystemExit(f"set AQ_CLIENT to one of {CLIENTS}, not {name!r}")
    importlib.import_module(f"{name}.exceptions")
    return importlib.import_module(name)


def journal_mark(url: str) -> Mark:
    """A function returning the fake's next journal sequence number (read over HTTP)."""

    def mark() -> int:
        with urllib.request.urlopen(f"{url}/_aqfake/journal?since=999999999", timeout=10) as r:
            return int(json.load(r)["next"])

    return mark


def ids(models: Iterable[Any] | None) -> list[int] | None:
    """The ids of a model list in the order the client returned them (None stays None)."""
    return None if models is None else [m.id for m in models]


def pick(model: Any, *fields: str) -> dict[str, Any] | None:
    """A plain dict of some attributes of one model (None stays None)."""
    return None if model is None else {f: getattr(model, f) for f in fields}


class Summary:
    """Collects check outcomes and per-phase request counts; ``as_dict`` is what is printed."""

    def __init__(self, mark: Mark) -> None:
        self.mark = mark
        self.same: dict[str, dict[str, Any]] = {}
        self.own: dict[str, dict[str, Any]] = {}
        self.requests: dict[str, int] = {}
        self._phase: tuple[str, int] | None = None

    def _record(self, into: dict[str, dict[str, Any]], name: str, action: Callable[[], Any]) -> Any:
        if name in into:
            raise ValueError(f"check {name!r} is recorded twice; give it a unique name")
        try:
            value = action()
        except Exception as exc:
            into[name] = {"error": type(exc).__name__}
            return None
        into[name] = {"value": value}
        return value

    def check(self, name: str, action: Callable[[], Any]) -> Any:
        """Record an answer both clients must give identically."""
        return self._record(self.same, name, action)

    def differs(self, name: str, action: Callable[[], Any]) -> Any:
        """Record an answer where pydent's documented bug makes the clients differ."""
        return self._record(self.own, name, action)

    def phase(self, name: str) -> None:
        """Close the running phase (recording its request count) and start ``name``."""
        now = self.mark()
        if self._phase is not None:
            label, started = self._phase
            self.requests[label] = now - started
        self._phase = (name, now)

    def as_dict(self) -> dict[str, Any]:
        self.phase("")
        return {"same": self.same, "own": self.own, "requests": self.requests}


def main(run: Callable[[Any, str, dict[str, Any], Mark], dict[str, Any]]) -> None:
    """Entry point of a script run as a subprocess: stdin in, one JSON summary out."""
    data = json.load(sys.stdin)
    url = data["url"]
    summary = run(client_module(), url, data.get("params", {}), journal_mark(url))
    json.dump(summary, sys.stdout, default=str, sort_keys=True)
    sys.stdout.write("\n")
