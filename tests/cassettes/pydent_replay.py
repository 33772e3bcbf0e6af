"""Run one demo scenario under unmodified pydent (this file runs in pydent's venv).

Reads ``{"url": ..., "login": ..., "scenario": ...}`` from stdin, logs in to ``url`` (a
:class:`aqfake.proxy.CassetteProxy`), runs :mod:`demo_scenarios` ``scenario`` and prints its
summary as JSON, or ``{"error": ..., "message": ...}`` when pydent raised.
"""

from __future__ import annotations

import json
import sys

import demo_scenarios
from pydent import AqSession

#: Any password replays: recorded passwords are scrubbed to one placeholder.
PASSWORD = "typed-at-replay"


def main() -> None:
    job = json.load(sys.stdin)
    try:
        session = AqSession(job["login"], PASSWORD, job["url"])
        result = {"value": demo_scenarios.SCENARIOS[job["scenario"]](session)}
    except Exception as exc:
        result = {"error": type(exc).__name__, "message": str(exc)}
    json.dump(result, sys.stdout, default=str)


if __name__ == "__main__":
    main()
