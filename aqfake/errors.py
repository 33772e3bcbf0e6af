"""What Aquarium answers when a request goes wrong (protocol section 0.1), and redirects.

Rails in production renders errors by URL format: a ``.json`` URL gets a small JSON object, any
other URL the static HTML page of ``public/``. Handlers raise :class:`NotFound` where Aquarium's
controllers let ``ActiveRecord::RecordNotFound`` escape; the app turns it into the 404 below.
"""

from __future__ import annotations

from .wire import Response, errors_response, html_response, json_response


class NotFound(Exception):
    """A record the request names does not exist (Rails' ``RecordNotFound``): answers 404."""


_PAGE = (
    "<!DOCTYPE html>\n<html>\n<head>\n  <title>{title}</title>\n</head>\n<body>\n"
    '  <div class="dialog">\n    <h1>{title}</h1>\n    <p>{text}</p>\n  </div>\n'
    "</body>\n</html>\n"
)

_STATIC_PAGES = {
    404: (
        "The page you were looking for doesn't exist (404)",
        "You may have mistyped the address or the page may have moved.",
    ),
    500: (
        "We're sorry, but something went wrong (500)",
        "If you are the application owner check the logs for more information.",
    ),
}

_JSON_ERRORS = {404: "Not Found", 500: "Internal Server Error"}


def wants_json(path: str) -> bool:
    """Whether Rails would pick the JSON error format for this URL path."""
    return path.endswith(".json")


def error_page(status: int, path: str) -> Response:
    """The 404 or 500 answer for ``path``: JSON for ``.json`` URLs, the static page otherwise."""
    if wants_json(path):
        return json_response({"status": str(status), "error": _JSON_ERRORS[status]}, status)
    title, text = _STATIC_PAGES[status]
    return html_response(_PAGE.format(title=title, text=text), status)


def not_found(path: str) -> Response:
    """Rails' 404 for ``path``: JSON for ``.json`` paths, the static page otherwise."""
    return error_page(404, path)


def server_error(path: str) -> Response:
    """Rails' 500 for ``path``: JSON for ``.json`` paths, the static page otherwise."""
    return error_page(500, path)


def method_not_allowed(path: str) -> Response:
    """Rails' answer to a method it does not know (``ActionController::UnknownHttpMethod``):
    405, JSON for ``.json`` paths, else an empty HTML body (Aquarium has no ``public/405.html``)."""
    if wants_json(path):
        return json_response({"status": "405", "error": "Method Not Allowed"}, 405)
    return html_response("", 405)


def bad_request(message: str) -> Response:
    """A body the server cannot parse: 400 with an ``errors`` message saying what is wrong."""
    return errors_response(message, 400)


def redirect(location: str) -> Response:
    """A Rails ``redirect_to``: 302 with an absolute ``Location`` and the tiny HTML body."""
    body = f'<html><body>You are being <a href="{location}">redirected</a>.</body></html>'
    return html_response(body, 302, [("Location", location)])
