"""Routes and the per-request context handlers receive.

Each module in :mod:`aqfake.handlers` declares a ``ROUTES`` list of :class:`Route`; the app's
:class:`Router` matches the request against them in order. A handler is a plain function
``handler(ctx: Context, **path_params) -> Response``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Any

from .contracts import Fake
from .store import Row, Store
from .wire import Request, Response


class Auth(str, Enum):
    """The before-filters Aquarium runs for a route (protocol section 2, Auth column)."""

    NONE = "-"  # no filter
    SIGNED_IN = "S"  # signed_in_user
    UP_TO_DATE = "U"  # signed_in_user, then up_to_date_user


@dataclass
class Context:
    """What a handler gets: the fake, its store, the request and the signed-in user (if any)."""

    fake: Fake
    request: Request
    user: Row | None = None
    base_url: str = ""  # scheme://host[:port] of this request, for redirects and URLs

    @property
    def store(self) -> Store:
        """The fake's store (shortcut for handlers)."""
        return self.fake.store

    @cached_property
    def params(self) -> dict[str, Any]:
        """Rails-style params: the munged JSON body, then the query string."""
        return self.request.params()


Handler = Callable[..., Response]


@dataclass(frozen=True)
class Route:
    """``METHOD /path/:param(.json)`` -> handler, with the auth filter Aquarium applies.

    ``pattern`` uses ``:name`` for path segments; an optional ``.json``/``.html`` format suffix is
    always accepted, as Rails does.
    """

    method: str
    pattern: str
    handler: Handler
    auth: Auth = Auth.SIGNED_IN
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        body = re.sub(r":(\w+)", r"(?P<\1>[^/]+?)", self.pattern.rstrip("/") or "/")
        object.__setattr__(self, "regex", re.compile(rf"^{body}(?:\.(?P<format>json|html))?/?$"))

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """The path parameters when ``method`` and ``path`` hit this route, else None."""
        if method != self.method:
            return None
        found = self.regex.match(path)
        return (
            None if found is None else {k: v for k, v in found.groupdict().items() if v is not None}
        )


def _first_segment(path: str) -> str:
    """The first path segment without a format suffix: the key routes are bucketed under."""
    head = path.lstrip("/").split("/", 1)[0]
    for suffix in (".json", ".html"):
        if head.endswith(suffix):
            return head[: -len(suffix)]
    return head


class Router:
    """Routes bucketed by method and literal first segment, tried in declaration order."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self._buckets: dict[tuple[str, str], list[Route]] = {}
        self._wildcards: dict[str, list[Route]] = {}
        self._order: dict[int, int] = {}
        for position, route in enumerate(routes):
            self._order[id(route)] = position
            head = _first_segment(route.pattern)
            if head.startswith(":"):
                self._wildcards.setdefault(route.method, []).append(route)
            else:
                self._buckets.setdefault((route.method, head), []).append(route)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        """The first route (in declaration order) that ``method`` and ``path`` hit, with its
        path parameters; None if no route does."""
        candidates = self._buckets.get((method, _first_segment(path)), [])
        wild = self._wildcards.get(method)
        if wild:
            candidates = sorted([*candidates, *wild], key=lambda r: self._order[id(r)])
        for route in candidates:
            params = route.match(method, path)
            if params is not None:
                return route, params
        return None
