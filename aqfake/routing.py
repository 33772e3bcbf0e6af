"""Routes and the per-request context handlers receive.

Each module in :mod:`aqfake.handlers` declares a ``ROUTES`` list of :class:`Route`; the app
matches the request against them in order. A handler is a plain function
``handler(ctx: Context, **path_params) -> Response``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .store import Row, Store
from .wire import Request, Response

if TYPE_CHECKING:
    from .app import FakeAquarium


class Auth(str, Enum):
    """The before-filters Aquarium runs for a route (protocol section 2, Auth column)."""

    NONE = "-"  # no filter
    SIGNED_IN = "S"  # signed_in_user
    UP_TO_DATE = "U"  # signed_in_user, then up_to_date_user


@dataclass
class Context:
    """What a handler gets: the fake, its store, the request and the signed-in user (if any)."""

    fake: FakeAquarium
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
