"""Aquarium routes the fake does not serve: 501, never a silent 404.

Every route pydent can call is served. The table below lists the other routes of Aquarium's
``config/routes.rb`` that clients may reach (the web UI's pages and the resources behind them),
so a script that strays there learns that the fake does not cover it instead of getting a 404
that Aquarium would never give. The app
matches these routes after every other module's, so implementing a route elsewhere takes over
from its row here (and the row should then be deleted; a test checks for leftovers). Aquarium's
before-filters still run first, so an anonymous caller gets the usual sign-in redirect.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..routing import Auth, Context, Route
from ..wire import Response, json_response

S, U = Auth.SIGNED_IN, Auth.UP_TO_DATE

#: (method, path pattern, Aquarium's before-filters).
UNIMPLEMENTED: tuple[tuple[str, str, Auth], ...] = (
    ("GET", "/browser", U),
    ("GET", "/launcher", U),
    ("GET", "/dashboard", U),
    ("GET", "/samples/:id", S),
    ("GET", "/items/:id", S),
    ("GET", "/object_types/:id", S),
    ("GET", "/jobs", S),
    ("GET", "/jobs/:id", S),
    ("GET", "/groups", U),
    ("GET", "/groups/:id", U),
    ("GET", "/budgets", U),
    ("GET", "/budgets/:id", U),
    ("GET", "/invoices", U),
    ("GET", "/invoices/:id", U),
    ("GET", "/wizards", U),
    ("GET", "/wizards/:id", U),
    ("GET", "/parameters", U),
    ("GET", "/logs", U),
    ("GET", "/libraries", U),
    ("GET", "/users", S),
)


@dataclass(frozen=True)
class NotImplementedYet:
    """The handler of one unimplemented route: 501 with a JSON body naming the route."""

    route: str

    def __call__(self, ctx: Context, **path_params: str) -> Response:
        """Answer 501, naming the route the fake does not implement."""
        return json_response(
            {"errors": f"aqfake does not implement {self.route} yet", "route": self.route}, 501
        )


ROUTES = [
    Route(method, pattern, NotImplementedYet(f"{method} {pattern}"), auth)
    for method, pattern, auth in UNIMPLEMENTED
]
