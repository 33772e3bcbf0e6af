"""Fault injection: make the fake misbehave the way a real server and network do.

A downstream test adds faults to ``fake.faults`` (a :class:`Faults`); each request the fake
receives (``/_aqfake/*`` control requests excepted) is checked against them in the order they
were added, and every fault that fires is named in the request's journal entry.

Kinds (:data:`KINDS`):

- ``latency``: the answer is delayed by ``seconds``, or by a draw from ``distribution``
  (``["uniform", low, high]``, ``["normal", mean, stddev]`` clipped at 0, ``["exponential",
  mean]``). In-process, a delay longer than the client's read timeout raises
  ``requests.ReadTimeout`` after that timeout, as a slow server would.
- ``status``: the request is answered with ``status`` (default 503) instead of reaching
  Aquarium: Aquarium's own pages for 404 and 500, a gateway's page (JSON for ``.json`` URLs)
  for anything else, as a proxy in front of Rails answers.
- ``drop``: the connection is closed without an answer. In-process: ``requests.ConnectionError``.
- ``timeout``: no answer comes. In-process: ``requests.ReadTimeout``; live, the socket is held
  silent for ``seconds`` (default :data:`DEFAULT_STALL_SECONDS`) or until the client gives up,
  then closed.
- ``expire_session``: the requesting user's ``remember_token`` is rotated, so the cookie stops
  working and this request (and every later one with the old cookie) gets Aquarium's sign-in
  redirect; signing in again hands out the new token. Fires once unless ``times`` says more.
- ``down``: the server is unreachable: in-process ``requests.ConnectionError`` (connection
  refused); live, the connection is closed before any answer (a listening socket cannot refuse
  one request and accept the next, so ``down`` differs from ``drop`` live only in intent:
  every request, by default).

Where and when: ``route`` is a shell-style pattern on the path (``/json/*``, ``/plans/*``),
optionally after a method (``POST /json/save``); Route-style ``:id`` segments are accepted as
``*``. ``after`` lets that many matching requests through first; ``times`` limits how often the
fault fires (default: every time); ``probability`` makes it fire at random, drawn from a
generator seeded by the set's ``seed`` and the fault's id, so a schedule repeats exactly for
the same requests in the same order, and adding one fault does not change another's draws.

Nothing fires before routing decides anything: a fault on a path the fake does not serve still
fires. A fault that answers or aborts the request keeps it from the store (no write happens).
"""

from __future__ import annotations

import fnmatch
import json
import math
import random
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from .errors import error_page, wants_json
from .wire import Request, Response, html_response, json_response

KINDS = ("latency", "status", "drop", "timeout", "expire_session", "down")
#: Kinds after which the request gets no answer at all.
ABORTING = frozenset({"drop", "timeout", "down"})
DISTRIBUTIONS = {"uniform": 2, "normal": 2, "exponential": 1}
DEFAULT_STATUS = 503
DEFAULT_STALL_SECONDS = 30.0
_FIELDS = (
    "kind", "route", "times", "after", "probability", "status", "seconds", "distribution",
)  # fmt: skip
_PARAM_SEGMENT = re.compile(r"/:[A-Za-z_]\w*")
_METHOD = re.compile(r"^([A-Za-z]+)\s+(/.*)$")


class FaultError(ValueError):
    """A fault description that cannot be used; the message says what to change."""


@dataclass(frozen=True)
class Fault:
    """One fault: what happens (``kind``), to which requests (``route``) and how often."""

    kind: str
    route: str = "*"
    times: int | None = None
    after: int = 0
    probability: float = 1.0
    status: int = DEFAULT_STATUS
    seconds: float | None = None
    distribution: tuple[Any, ...] | None = None
    id: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise FaultError(f"unknown fault kind {self.kind!r}; use one of {', '.join(KINDS)}")
        if not isinstance(self.route, str) or not self.route.strip():
            raise FaultError(f"route must be a path pattern such as '/json/*', not {self.route!r}")
        if self.times is not None and (not _is_int(self.times) or self.times < 1):
            raise FaultError(f"times must be a positive whole number or null, not {self.times!r}")
        if not _is_int(self.after) or self.after < 0:
            raise FaultError(f"after must be a whole number of requests, not {self.after!r}")
        if not _is_number(self.probability) or not 0 <= self.probability <= 1:
            raise FaultError(f"probability must be between 0 and 1, not {self.probability!r}")
        if not _is_int(self.status) or not 100 <= self.status <= 599:
            raise FaultError(f"status must be an HTTP status (100-599), not {self.status!r}")
        if self.seconds is not None and (not _is_number(self.seconds) or self.seconds < 0):
            raise FaultError(f"seconds must be a number of seconds >= 0, not {self.seconds!r}")
        if self.distribution is not None:
            _check_distribution(self.distribution)
        if self.kind == "latency" and (self.seconds is None) == (self.distribution is None):
            raise FaultError(
                "a latency fault needs either seconds (fixed) or distribution, e.g. "
                "['uniform', 0.1, 0.5], ['normal', 0.2, 0.05] or ['exponential', 0.2]"
            )

    @property
    def label(self) -> str:
        """How the journal names the fault: ``status 503 #2``, ``latency #1``."""
        detail = f" {self.status}" if self.kind == "status" else ""
        return f"{self.kind}{detail} #{self.id}"

    def matches(self, method: str, path: str) -> bool:
        """Whether the fault's route pattern covers this request."""
        wanted_method, pattern = _split_route(self.route)
        if wanted_method is not None and wanted_method != method.upper():
            return False
        return fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, pattern + ".json")

    def to_json(self) -> dict[str, Any]:
        """The fault as JSON-ready data (what :meth:`from_json` reads back)."""
        data: dict[str, Any] = {"id": self.id}
        for name in _FIELDS:
            value = getattr(self, name)
            data[name] = list(value) if isinstance(value, tuple) else value
        return data

    @classmethod
    def from_json(cls, data: Any) -> Fault:
        """A fault from a JSON object (unknown fields are refused, ``id`` is ignored)."""
        if not isinstance(data, Mapping):
            raise FaultError(f"a fault is a JSON object with a 'kind', not {data!r}")
        unknown = sorted(set(data) - set(_FIELDS) - {"id"})
        if unknown:
            raise FaultError(
                f"unknown fault field(s) {', '.join(unknown)}; known: {', '.join(_FIELDS)}"
            )
        if "kind" not in data:
            raise FaultError(f"a fault needs a 'kind' ({', '.join(KINDS)})")
        values = {k: v for k, v in data.items() if k != "id"}
        if values.get("distribution") is not None:
            values["distribution"] = _as_tuple(values["distribution"])
        if values["kind"] == "expire_session" and "times" not in values:
            values["times"] = 1
        try:
            return cls(**values)
        except TypeError as exc:
            raise FaultError(f"bad fault {dict(data)!r}: {exc}") from None


def parse_fault(text: str) -> Fault:
    """A fault from the command line: a JSON object, or ``KIND[,field=value...]``, e.g.
    ``status,route=POST /json/save,status=502,times=1`` or
    ``latency,distribution=uniform:0.1:0.5``."""
    text = text.strip()
    if text.startswith("{"):
        try:
            return Fault.from_json(json.loads(text))
        except ValueError as exc:
            if isinstance(exc, FaultError):
                raise
            raise FaultError(f"{text!r} is not a JSON object: {exc}") from None
    kind, *pairs = [part.strip() for part in text.split(",")]
    data: dict[str, Any] = {"kind": kind}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise FaultError(f"{pair!r} in {text!r} is not field=value")
        data[name.strip()] = _cli_value(name.strip(), value.strip())
    return Fault.from_json(data)


@dataclass(frozen=True)
class Firing:
    """What the faults decided for one request."""

    fired: tuple[Fault, ...] = ()
    delay: float = 0.0

    @property
    def labels(self) -> tuple[str, ...]:
        """The journal labels of the faults that fired."""
        return tuple(f.label for f in self.fired)

    def first(self, *kinds: str) -> Fault | None:
        """The first fired fault of one of ``kinds``."""
        return next((f for f in self.fired if f.kind in kinds), None)


@dataclass
class _State:
    fault: Fault
    rng: random.Random
    seen: int = 0
    fired: int = 0


class FaultAbort(Exception):
    """The request gets no answer: the transport drops, stalls or refuses the connection."""

    def __init__(self, fault: Fault, kind: str | None = None) -> None:
        self.fault = fault
        #: ``drop``, ``timeout`` or ``down`` (``timeout`` too for latency past the client's
        #: read timeout, in-process)
        self.kind = kind or fault.kind
        super().__init__(f"aqfake fault {fault.label}: {self.kind} on {fault.route}")

    @property
    def stall_seconds(self) -> float:
        """How long a live server holds a timed-out connection before closing it."""
        return DEFAULT_STALL_SECONDS if self.fault.seconds is None else float(self.fault.seconds)


class Faults:
    """The faults of one fake, and the seed of their random schedule (thread-safe)."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._states: list[_State] = []
        self._next_id = 1
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<Faults seed={self.seed} {[s.fault.label for s in self._states]}>"

    def add(self, kind: str | Fault, route: str = "*", **options: Any) -> Fault:
        """Add a fault (a :class:`Fault`, or its kind and fields) and return it with its id."""
        fault = kind if isinstance(kind, Fault) else Fault.from_json(
            {"kind": kind, "route": route, **options}
        )  # fmt: skip
        with self._lock:
            fault = replace(fault, id=self._next_id)
            self._next_id += 1
            self._states.append(_State(fault, self._rng(fault.id)))
        return fault

    def extend(self, faults: Iterable[Fault | Mapping[str, Any] | str]) -> list[Fault]:
        """Add several faults: :class:`Fault` objects, JSON objects or command-line texts."""
        return [self.add(_as_fault(f)) for f in faults]

    def remove(self, fault_id: int) -> None:
        """Remove one fault; KeyError naming the known ids if there is none with that id."""
        with self._lock:
            kept = [s for s in self._states if s.fault.id != fault_id]
            if len(kept) == len(self._states):
                known = ", ".join(str(s.fault.id) for s in self._states) or "none"
                raise KeyError(f"no fault {fault_id} (known: {known})")
            self._states = kept

    def clear(self) -> None:
        """Remove every fault (ids keep counting)."""
        with self._lock:
            self._states = []

    def reseed(self, seed: int) -> None:
        """Start every fault's random draws again from ``seed``."""
        with self._lock:
            self.seed = seed
            for state in self._states:
                state.rng = self._rng(state.fault.id)

    def __len__(self) -> int:
        with self._lock:
            return len(self._states)

    def __iter__(self) -> Iterator[Fault]:
        """The faults, in the order they were added (a copy: adding one later is safe)."""
        with self._lock:
            return iter([s.fault for s in self._states])

    def fired(self, fault_id: int) -> int:
        """How often the fault has fired so far."""
        with self._lock:
            for state in self._states:
                if state.fault.id == fault_id:
                    return state.fired
        raise KeyError(f"no fault {fault_id}")

    def to_json(self) -> dict[str, Any]:
        """The seed and every fault with how often it matched and fired."""
        with self._lock:
            listed = [{**s.fault.to_json(), "seen": s.seen, "fired": s.fired} for s in self._states]
        return {"seed": self.seed, "faults": listed}

    def decide(self, request: Request, signed_in: Callable[[], bool] = lambda: True) -> Firing:
        """Which faults fire for ``request`` (counting it against each fault's schedule), and
        the delay the latency faults add up to. ``signed_in`` tells whether the request
        carries a working session: an ``expire_session`` fault only counts requests that do
        (expiring nobody's session would use it up for nothing)."""
        if not self._states:
            return Firing()
        fired: list[Fault] = []
        delay = 0.0
        with self._lock:
            for state in self._states:
                fault = state.fault
                if not fault.matches(request.method, request.path):
                    continue
                if fault.kind == "expire_session" and not signed_in():
                    continue
                state.seen += 1
                if state.seen <= fault.after:
                    continue
                if fault.times is not None and state.fired >= fault.times:
                    continue
                if fault.probability < 1 and state.rng.random() >= fault.probability:
                    continue
                state.fired += 1
                fired.append(fault)
                if fault.kind == "latency":
                    delay += _draw(fault, state.rng)
        return Firing(tuple(fired), delay)

    def _rng(self, fault_id: int) -> random.Random:
        return random.Random(f"aqfake-faults:{self.seed}:{fault_id}")


def fault_response(fault: Fault, path: str) -> Response:
    """The answer a ``status`` fault gives instead of the fake's."""
    if fault.status in (404, 500):
        return error_page(fault.status, path)
    response = Response(fault.status)
    reason = response.reason
    if wants_json(path):
        return json_response({"status": str(fault.status), "error": reason}, fault.status)
    page = (
        f"<html>\r\n<head><title>{fault.status} {reason}</title></head>\r\n<body>\r\n"
        f"<center><h1>{fault.status} {reason}</h1></center>\r\n</body>\r\n</html>\r\n"
    )
    return html_response(page, fault.status)


def _draw(fault: Fault, rng: random.Random) -> float:
    if fault.seconds is not None:
        return float(fault.seconds)
    assert fault.distribution is not None  # checked in Fault.__post_init__
    name, *params = fault.distribution
    if name == "uniform":
        return rng.uniform(float(params[0]), float(params[1]))
    if name == "normal":
        return max(0.0, rng.gauss(float(params[0]), float(params[1])))
    return rng.expovariate(1.0 / float(params[0])) if params[0] else 0.0


def _check_distribution(value: tuple[Any, ...]) -> None:
    example = "e.g. ['uniform', 0.1, 0.5], ['normal', 0.2, 0.05] or ['exponential', 0.2]"
    if not value or value[0] not in DISTRIBUTIONS:
        raise FaultError(f"distribution {list(value)!r} is not one of {example}")
    name, *params = value
    if len(params) != DISTRIBUTIONS[name] or not all(_is_number(p) and p >= 0 for p in params):
        raise FaultError(
            f"distribution {name} takes {DISTRIBUTIONS[name]} numbers >= 0, got {params!r}; "
            + example
        )
    if name == "uniform" and params[0] > params[1]:
        raise FaultError(f"uniform distribution needs low <= high, got {params!r}")


def _split_route(route: str) -> tuple[str | None, str]:
    found = _METHOD.match(route.strip())
    method, pattern = (found.group(1).upper(), found.group(2)) if found else (None, route.strip())
    return method, _PARAM_SEGMENT.sub("/*", pattern)


def _as_tuple(value: Any) -> tuple[Any, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(value)
    raise FaultError(f"distribution must be a list such as ['uniform', 0.1, 0.5], not {value!r}")


def _as_fault(value: Fault | Mapping[str, Any] | str) -> Fault:
    if isinstance(value, Fault):
        return value
    if isinstance(value, str):
        return parse_fault(value)
    return Fault.from_json(value)


def _cli_value(name: str, text: str) -> Any:
    if name == "distribution":
        kind, *numbers = text.split(":")
        return [kind, *(_number(n, name) for n in numbers)]
    if name in ("times", "after", "status"):
        return None if text in ("", "null") else _number(text, name)
    if name in ("probability", "seconds"):
        return _number(text, name)
    return text


def _number(text: str, name: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            raise FaultError(f"{name}={text!r} is not a number") from None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
