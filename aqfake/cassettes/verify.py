"""Drift check: does the fake still answer what the real server answered?

:func:`verify` seeds a fake from the records in a set of cassettes, replays every recorded
request against it in recording order, and compares each answer with the recorded one: the
status, and for JSON the decoded body with volatile fields left out (timestamps, which the fake
stamps itself, and values the scrubber replaced). The report groups the outcome per endpoint.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..contracts import FakeFactory
from ..wire import Request
from .matching import json_differences
from .scrub import is_placeholder
from .seed import RecordedExchange, load_exchanges, seed_store

#: Keys whose values legitimately differ between a recording and a replay.
VOLATILE_KEYS = frozenset(
    {"created_at", "updated_at", "upload_updated_at", "url", "expiring_url", "remember_token"}
)
_NUMBER_SEGMENT = re.compile(r"/\d+(?=[/.]|$)")


def normalise(data: Any) -> Any:
    """``data`` without volatile keys and with scrubbed placeholders blanked."""
    if isinstance(data, dict):
        return {k: normalise(v) for k, v in data.items() if k not in VOLATILE_KEYS}
    if isinstance(data, list):
        return [normalise(v) for v in data]
    if isinstance(data, str) and is_placeholder(data):
        return None
    return data


def endpoint_of(exchange: RecordedExchange) -> str:
    """``METHOD /path/:id``, with the model for ``/json`` queries (``POST /json Sample``)."""
    path = _NUMBER_SEGMENT.sub("/:id", urlsplit(exchange.uri).path.rstrip("/") or "/")
    label = f"{exchange.method.upper()} {path}"
    body = exchange.body if isinstance(exchange.body, dict) else {}
    model = body.get("model")
    if isinstance(model, dict):
        model = model.get("model")
    return f"{label} {model}" if isinstance(model, str) else label


@dataclass(frozen=True)
class Outcome:
    """One replayed request: reproduced or not, and why not."""

    endpoint: str
    reproduced: bool
    detail: str = ""


@dataclass
class EndpointStats:
    """How many requests of one endpoint the fake reproduced, with a few differences."""

    total: int = 0
    reproduced: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def fidelity(self) -> float:
        """The share of this endpoint's requests reproduced (1.0 when there were none)."""
        return self.reproduced / self.total if self.total else 1.0


@dataclass
class VerifyReport:
    """All outcomes, with per-endpoint statistics and a printable table."""

    outcomes: list[Outcome]

    @property
    def fidelity(self) -> float:
        """The share of all requests reproduced (1.0 when there were none)."""
        if not self.outcomes:
            return 1.0
        return sum(o.reproduced for o in self.outcomes) / len(self.outcomes)

    def by_endpoint(self) -> dict[str, EndpointStats]:
        """Statistics per endpoint, sorted by endpoint, with up to three differences each."""
        stats: dict[str, EndpointStats] = {}
        for outcome in self.outcomes:
            entry = stats.setdefault(outcome.endpoint, EndpointStats())
            entry.total += 1
            entry.reproduced += outcome.reproduced
            if not outcome.reproduced and len(entry.differences) < 3:
                entry.differences.append(outcome.detail)
        return dict(sorted(stats.items()))

    def table(self) -> str:
        """The per-endpoint statistics and the total as an aligned text table."""
        rows = [("endpoint", "requests", "reproduced", "fidelity")]
        for name, entry in self.by_endpoint().items():
            rows.append((name, str(entry.total), str(entry.reproduced), f"{entry.fidelity:.0%}"))
        reproduced = sum(1 for outcome in self.outcomes if outcome.reproduced)
        rows.append(("all", str(len(self.outcomes)), str(reproduced), f"{self.fidelity:.0%}"))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        for name, entry in self.by_endpoint().items():
            for difference in entry.differences:
                lines.append(f"  {name}: {difference}")
        return "\n".join(lines)


def verify(paths: Iterable[str | os.PathLike[str]], make_fake: FakeFactory) -> VerifyReport:
    """Replay the cassettes against a fake seeded from them; see the module docstring.

    ``make_fake`` builds the fake from a lab seeder: pass :class:`aqfake.FakeAquarium` (or a
    function that configures one). Taking it as an argument keeps this module below the app.
    """
    exchanges = load_exchanges(paths)
    fake = make_fake(lambda store: seed_store(store, exchanges))
    cookies: dict[str, str] = {}
    outcomes = []
    for exchange in exchanges:
        response = fake.handle(_request(exchange, cookies))
        for name, value in response.headers:
            if name.lower() == "set-cookie":
                cookie_name, _, rest = value.partition("=")
                cookies[cookie_name.strip()] = rest.split(";", 1)[0]
        outcomes.append(_compare(exchange, response.status, response.body))
    return VerifyReport(outcomes)


def _request(exchange: RecordedExchange, cookies: dict[str, str]) -> Request:
    parts = urlsplit(exchange.uri)
    headers = {"Host": parts.netloc or "aquarium.test"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = b""
    if exchange.body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(exchange.body).encode()
    return Request(exchange.method.upper(), parts.path, parts.query, headers, body)


def _compare(exchange: RecordedExchange, status: int, body: bytes) -> Outcome:
    endpoint = endpoint_of(exchange)
    if status != exchange.status:
        return Outcome(endpoint, False, f"status {status} != recorded {exchange.status}")
    if exchange.response is None:
        return Outcome(endpoint, True)
    try:
        answer = json.loads(body) if body.strip() else None
    except ValueError:
        return Outcome(endpoint, False, "the fake answered with a non-JSON body")
    differences = list(
        json_differences(normalise(answer), normalise(exchange.response), "$", "fake")
    )
    if differences:
        shown = "; ".join(differences[:3])
        return Outcome(endpoint, False, shown + (" ..." if len(differences) > 3 else ""))
    return Outcome(endpoint, True)
