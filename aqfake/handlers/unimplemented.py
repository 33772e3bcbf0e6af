"""Aquarium routes pydent can call that the fake does not serve yet: 501, never a silent 404.

The table below is data: protocol section 2's rows that no handler module implements. The app
matches these routes after every other module's, so implementing a route elsewhere takes over
from its row here (and the row should then be deleted; a test checks for leftovers). Aquarium's
before-filters still run first, so an anonymous caller gets the usual sign-in redirect.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..routing import Auth, Context, Route
from ..wire import Response, json_response

S, U = Auth.SIGNED_IN, Auth.UP_TO_DATE

#: (method, path pattern, Aquarium's before-filters), in protocol section 2 order.
UNIMPLEMENTED: tuple[tuple[str, str, Auth], ...] = ()


@dataclass(frozen=True)
class NotImplementedYet:
    """The handler of one unimplemented route: 501 with a JSON body naming the route."""

    route: str

    def __call__(self, ctx: Context, **path_params: str) -> Response:
        return json_response(
            {"errors": f"aqfake does not implement {self.route} yet", "route": self.route}, 501
        )


ROUTES = [
    Route(method, pattern, NotImplementedYet(f"{method} {pattern}"), auth)
    for method, pattern, auth in UNIMPLEMENTED
]
