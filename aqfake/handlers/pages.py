"""Aquarium's resource and page routes outside the JSON API, answered in Aquarium's shape.

pydent and aqsession use the API routes of the other handler modules; scripts and browsers also
reach the Rails resource routes below. Each answers as its Aquarium controller does:

- ``GET /<resources>/:id.json`` renders the record (``render json: @record``: its columns,
  secrets never included); an unknown id is Rails' 404. Without ``.json`` the answer is a small
  HTML page about the record.
- ``GET /<resources>.json`` renders every record of the model, in id order.
- The web UI's pages (``/browser``, ``/launcher``, ``/dashboard``...) are HTML; asked for as
  ``.json`` they are 406, as Rails answers a format an action does not offer
  (``ActionController::UnknownFormat``).

Aquarium's before-filters run first (the table's auth column), so an anonymous caller gets the
usual sign-in redirect.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from ..errors import NotFound
from ..render import Renderer
from ..routing import Auth, Context, Route
from ..tables import MODELS
from ..wire import Response, html_response, json_response

S, U = Auth.SIGNED_IN, Auth.UP_TO_DATE

#: (path prefix, model, Aquarium's before-filters): ``GET /<prefix>`` and ``/<prefix>/:id``.
RESOURCES: tuple[tuple[str, str, Auth], ...] = (
    ("samples", "Sample", S),
    ("items", "Item", S),
    ("object_types", "ObjectType", S),
    ("jobs", "Job", S),
    ("groups", "Group", U),
    ("budgets", "Budget", U),
    ("invoices", "Invoice", U),
    ("libraries", "Library", U),
)
#: ``GET /users`` (``/users/current`` and ``/users/:id`` belong to :mod:`.sessions`).
USERS = ("users", "User", S)
#: (path, Aquarium's before-filters, title) of the web UI's pages.
PAGES: tuple[tuple[str, Auth, str], ...] = (
    ("/browser", U, "Sample Browser"),
    ("/launcher", U, "Designer"),
    ("/dashboard", U, "Dashboard"),
    ("/wizards", U, "Location Wizards"),
    ("/wizards/:id", U, "Location Wizard"),
    ("/parameters", U, "Parameters"),
    ("/logs", U, "Logs"),
)


def _page(title: str, body: str = "") -> Response:
    return html_response(
        f"<!DOCTYPE html>\n<html><head><title>{escape(title)}</title></head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>\n"
    )


def not_acceptable() -> Response:
    """Rails' answer to a format the action does not render (``UnknownFormat``)."""
    return json_response({"status": "406", "error": "Not Acceptable"}, 406)


@dataclass(frozen=True)
class Show:
    """``GET /<resources>/:id``: the record as JSON, or a page about it."""

    model: str

    def __call__(self, ctx: Context, id: str, format: str | None = None) -> Response:
        """Answer one record (404 when there is none)."""
        try:
            row = ctx.store.get(MODELS[self.model].table, int(id))
        except ValueError:
            row = None
        if row is None:
            raise NotFound(f"Couldn't find {self.model} with 'id'={id}")
        renderer = Renderer(ctx.store, ctx.base_url)
        if format == "json":
            return json_response(renderer.columns(self.model, row))
        name = row.get("name") or row.get("login") or ""
        return _page(f"{self.model} {row['id']}", f"<p>{escape(str(name))}</p>")


@dataclass(frozen=True)
class Index:
    """``GET /<resources>``: every record as JSON, or a page counting them."""

    model: str

    def __call__(self, ctx: Context, format: str | None = None) -> Response:
        """Answer the model's records in id order."""
        rows = ctx.store.rows(MODELS[self.model].table)
        if format == "json":
            renderer = Renderer(ctx.store, ctx.base_url)
            return json_response([renderer.columns(self.model, row) for row in rows])
        return _page(f"{self.model}s", f"<p>{len(rows)} records</p>")


@dataclass(frozen=True)
class Page:
    """A web UI page: HTML only."""

    title: str

    def __call__(self, ctx: Context, format: str | None = None, **params: str) -> Response:
        """The page, or 406 for ``.json``."""
        return not_acceptable() if format == "json" else _page(self.title)


ROUTES = [
    *(Route("GET", f"/{prefix}/:id", Show(model), auth) for prefix, model, auth in RESOURCES),
    *(Route("GET", f"/{p}", Index(model), auth) for p, model, auth in (*RESOURCES, USERS)),
    *(Route("GET", path, Page(title), auth) for path, auth, title in PAGES),
]
