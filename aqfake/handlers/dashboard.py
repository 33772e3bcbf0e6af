"""The watch page and the save endpoint under ``/_aqfake/`` (not part of Aquarium).

- ``GET /_aqfake/``                         -> the watch page (HTML; ``?view=tables|journal|
  cassettes``, with ``table``, ``q`` (filter), ``page`` and ``size`` for the rows)
- ``GET /_aqfake/watch/tables``             -> ``{"tables": [{"table", "rows"}...]}``
- ``GET /_aqfake/watch/tables/<table>``     -> one page of rows (``q``, ``page``, ``size``)
- ``GET /_aqfake/watch/journal[?since=N]``  -> journal entries: method, path, status, time,
  faults only
- ``GET /_aqfake/watch/cassettes``          -> ``{"cassettes": [paths]}``
- ``GET /_aqfake/static/<file>``            -> the page's script and style sheet
- ``POST /_aqfake/save``                    -> write the store to the ``--data`` file now

Like the other control endpoints they need no sign-in and are never journaled; none of them
shows a secret column, a cookie or a request body (see :mod:`aqfake.ui.views`).
"""

from __future__ import annotations

from .. import persistence
from ..routing import Auth, Context, Route
from ..ui import views
from ..ui.page import render_page, static_file
from ..wire import Response, errors_response, html_response, json_response


def page(ctx: Context) -> Response:
    """The watch page, rendered on the server."""
    status, html = render_page(ctx.fake, ctx.base_url, ctx.request.query)
    return html_response(html, status)


def tables(ctx: Context) -> Response:
    """Every table and its row count (polled by the page)."""
    return json_response({"tables": views.table_counts(ctx.fake)})


def table_rows(ctx: Context, name: str) -> Response:
    """One page of a table's rows, secret columns left out; 404 for an unknown table."""
    query = ctx.request.query
    try:
        found = views.rows_page(
            ctx.fake, name, query=query.get("q", ""), page=query.get("page"), size=query.get("size")
        )
    except views.ViewError as exc:
        return errors_response(str(exc), 404 if "no table" in str(exc) else 400)
    return json_response(found.to_json())


def journal(ctx: Context) -> Response:
    """Journal entries from ``since`` on, without bodies or queries (polled by the page)."""
    raw = ctx.request.query.get("since", "0") or "0"
    if not (raw.isascii() and raw.isdigit()):
        return errors_response(f"since must be a sequence number (0 or more), not {raw!r}", 400)
    return json_response(views.journal_entries(ctx.fake, int(raw)))


def cassettes(ctx: Context) -> Response:
    """The cassettes the fake was seeded from."""
    return json_response({"cassettes": views.cassettes(ctx.fake)})


def static(ctx: Context, name: str) -> Response:
    """The page's script and style sheet (package data of :mod:`aqfake.ui`)."""
    found = static_file(name)
    if found is None:
        return errors_response(f"no static file {name!r}", 404)
    kind, text = found
    return Response(200, [("Content-Type", kind)], text.encode("utf-8"))


def save(ctx: Context) -> Response:
    """Write the store to the data file now; 409 when the fake has none (no ``--data``)."""
    data_file = persistence.attached(ctx.fake)
    if data_file is None:
        return errors_response(
            "this fake keeps no data file: start it with aqfake serve --data FILE", 409
        )
    try:
        rows = data_file.save(ctx.fake)
    except persistence.DataFileError as exc:
        return errors_response(str(exc), 500)
    return json_response({"status": "saved", "file": str(data_file.path), "rows": rows})


ROUTES = [
    Route("GET", "/_aqfake/", page, Auth.NONE),
    Route("GET", "/_aqfake/watch/tables", tables, Auth.NONE),
    Route("GET", "/_aqfake/watch/tables/:name", table_rows, Auth.NONE),
    Route("GET", "/_aqfake/watch/journal", journal, Auth.NONE),
    Route("GET", "/_aqfake/watch/cassettes", cassettes, Auth.NONE),
    Route("GET", "/_aqfake/static/:name", static, Auth.NONE),
    Route("POST", "/_aqfake/save", save, Auth.NONE),
]
