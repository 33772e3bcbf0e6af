"""The watch page's HTML, rendered on the server from ``templates/page.html``.

Every value put into the page is HTML-escaped here; the template only holds markup.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files
from string import Template
from typing import Any
from urllib.parse import urlencode

from ..contracts import Fake
from . import views

VIEWS = ("tables", "journal", "cassettes")
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


def _resource(*parts: str) -> str:
    resource = files(__package__)
    for part in parts:
        resource = resource.joinpath(part)
    return resource.read_text(encoding="utf-8")


def static_file(name: str) -> tuple[str, str] | None:
    """(content type, text) of a file of ``static/``, or None if there is no such file."""
    kind = next((t for suffix, t in STATIC_TYPES.items() if name.endswith(suffix)), None)
    if kind is None or "/" in name or name.startswith("."):
        return None
    resource = files(__package__).joinpath("static").joinpath(name)
    return (kind, resource.read_text(encoding="utf-8")) if resource.is_file() else None


def _cell(value: Any) -> str:
    if value is None:
        return '<td class="null">NULL</td>'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<td class="num">{value}</td>'
    text = str(value)
    shown = text if len(text) <= 160 else text[:157] + "..."
    return f'<td title="{escape(text)}">{escape(shown)}</td>'


def _link(base: str, **query: Any) -> str:
    clean = {k: v for k, v in query.items() if v not in (None, "")}
    return escape(f"{base}/_aqfake/?{urlencode(clean)}")


def _tables_view(fake: Fake, base: str, query: dict[str, str]) -> str:
    counts = views.table_counts(fake)
    table = query.get("table") or next((c["table"] for c in counts if c["rows"]), "samples")
    lines = ['<div class="split">', '<section id="tables">', "<h2>Tables</h2>"]
    lines.append('<table id="table-counts">')
    lines.append("<tr><th>table</th><th>rows</th></tr>")
    for entry in counts:
        name = entry["table"]
        href = _link(base, view="tables", table=name)
        lines.append(
            f'<tr><td><a href="{href}">{escape(name)}</a></td>'
            f'<td class="num" data-count-of="{escape(name)}">{entry["rows"]}</td></tr>'
        )
    lines.append("</table></section>")
    lines.append(_rows_section(fake, base, table, query))
    lines.append("</div>")
    return "\n".join(lines)


def _rows_section(fake: Fake, base: str, table: str, query: dict[str, str]) -> str:
    try:
        page = views.rows_page(
            fake, table, query=query.get("q", ""), page=query.get("page"), size=query.get("size")
        )
    except views.ViewError as exc:
        return f'<section id="rows"><p class="error">{escape(str(exc))}</p></section>'
    lines = [
        '<section id="rows">',
        f"<h2>{escape(page.table)}</h2>",
        f'<form class="filter" method="get" action="{escape(base)}/_aqfake/">',
        '<input type="hidden" name="view" value="tables">',
        f'<input type="hidden" name="table" value="{escape(page.table)}">',
        f'<input type="search" name="q" value="{escape(page.query)}" '
        'placeholder="filter: text in any column" id="filter">',
        '<button type="submit">Filter</button></form>',
        f'<p class="pager">{page.total} matching rows · page {page.page} of {page.pages} ',
    ]
    for label, number in (("previous", page.page - 1), ("next", page.page + 1)):
        if 1 <= number <= page.pages:
            href = _link(base, view="tables", table=page.table, q=page.query, page=number)
            lines.append(f'<a href="{href}" rel="{label[:4]}" id="page-{label}">{label}</a>')
    lines.append("</p>")
    if not page.rows:
        lines.append('<p class="empty">no rows</p></section>')
        return "\n".join(lines)
    lines.append('<div class="rows-wrap"><table id="rows-table"><tr>')
    lines.extend(f"<th>{escape(c)}</th>" for c in page.columns)
    lines.append("</tr>")
    for row in page.rows:
        lines.append("<tr>" + "".join(_cell(v) for v in row) + "</tr>")
    lines.append("</table></div></section>")
    return "\n".join(lines)


def _journal_row(entry: dict[str, Any]) -> str:
    faults = ", ".join(entry["faults"])
    return (
        f'<tr data-seq="{entry["seq"]}"><td class="num">{entry["seq"]}</td>'
        f"<td>{escape(str(entry['time']))}</td><td>{escape(str(entry['method']))}</td>"
        f"<td>{escape(str(entry['path']))}</td>"
        f'<td class="s{str(entry["status"])[:1]}">{entry["status"]}</td>'
        f'<td class="{"fault" if faults else ""}">{escape(faults)}</td></tr>'
    )


def _journal_view(data: dict[str, Any]) -> str:
    lines = ['<section id="journal">', "<h2>Request journal</h2>"]
    if not data["entries"]:
        lines.append('<p class="empty" id="journal-empty">no requests yet</p>')
    lines.append('<table id="journal-table"><thead><tr><th>#</th><th>time</th><th>method</th>')
    lines.append(
        '<th>path</th><th>status</th><th>faults</th></tr></thead><tbody id="journal-rows">'
    )
    lines.extend(_journal_row(e) for e in reversed(data["entries"]))
    lines.append("</tbody></table></section>")
    return "\n".join(lines)


def _cassettes_view(fake: Fake) -> str:
    loaded = views.cassettes(fake)
    lines = ['<section id="cassettes">', "<h2>Loaded cassettes</h2>"]
    if not loaded:
        lines.append(
            '<p class="empty">none: this fake was seeded from a lab, not from cassettes</p>'
        )
    else:
        lines.append('<ul id="cassette-list">')
        lines.extend(f"<li>{escape(path)}</li>" for path in loaded)
        lines.append("</ul>")
    lines.append("</section>")
    return "\n".join(lines)


def render_page(fake: Fake, base: str, query: dict[str, str]) -> tuple[int, str]:
    """(status, HTML) of the watch page for the ``view`` the query names (404 if unknown)."""
    view = query.get("view") or "tables"
    status = 200
    journal = views.journal_entries(fake)
    if view == "tables":
        content = _tables_view(fake, base, query)
    elif view == "journal":
        content = _journal_view(journal)
    elif view == "cassettes":
        content = _cassettes_view(fake)
    else:
        status = 404
        shown = ", ".join(VIEWS)
        content = f'<p class="error">no view {escape(view)!s}; the views are {shown}</p>'
    rows = sum(c["rows"] for c in views.table_counts(fake))
    summary = f"{rows} rows in {len(fake.store.tables)} tables · {len(fake.journal)} requests"
    html = Template(_resource("templates", "page.html")).substitute(
        title=escape(view),
        base=escape(base),
        view=escape(view),
        journal_next=journal["next"],
        instance=escape(fake.instance_name),
        summary=escape(summary),
        content=content,
        **{f"nav_{name}": "current" if name == view else "" for name in VIEWS},
    )
    return status, html
