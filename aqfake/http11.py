"""HTTP/1.1 framing for the live server: a request head read off a buffered socket stream, and
the head of an answer as bytes.

It is the part of ``http.server`` the fake needs and nothing more, because ``http.server`` spends
more CPU on each request than the fake spends answering it (the email parser for headers, a
fresh ``Date`` string, a write per header). A head already whole in the read buffer (the usual
case) is taken with one search and split into fields by one regular expression pass; only an
unusual one (split over packets, bare LF endings, leading blank lines) is read line by line. The
``Date`` string is made once a second, and the whole answer head is one bytes object.

Decisions, where HTTP leaves a choice or ``http.server`` did something else:

- Malformed framing is refused as Puma refuses it, with 400 and a message saying what was wrong:
  a request line that is not ``METHOD TARGET HTTP/x.y`` (HTTP/0.9's two-word form included), a
  header line without a colon or with blanks in its name, a bare CR inside a line, more than
  :data:`MAX_HEADERS` header lines, or a line longer than :data:`MAX_LINE_BYTES` (400 for these
  two as well, where ``http.server`` said 414 and 431). A version other than HTTP/1.x is 505;
  HTTP/1.2 and later minor versions are read as 1.1. The transport sends the answer (JSON
  ``{"errors": ...}``) and closes the connection, since the framing is lost.
- Any method is passed on as sent (the app answers an unknown one 405, as Rails does).
- Empty lines before a request line are skipped (RFC 9112 2.2), a few of them at most.
- Lines may end in CRLF or a bare LF. Header values lose blanks at both ends; a folded
  continuation line (obsolete, starts with a blank) is joined to the value before it with a space.
- A header sent more than once is one value, the values joined by ``", "`` in order, under the
  name as first spelled (what Puma gives Rack); lookups use :attr:`RequestHead.lowered`.
- Header bytes are read as latin-1, as ``http.server`` did: no request is refused for them.
- HTTP/1.1 connections stay open unless ``Connection: close``; HTTP/1.0 ones close unless
  ``Connection: keep-alive`` (answered with ``Connection: keep-alive``).
- A target with leading ``//`` keeps one slash (``http.server``'s guard against it being read
  as a host); the path is percent-decoded, the query string is kept as sent.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from email.utils import formatdate
from io import BufferedReader
from urllib.parse import unquote, urlsplit

from .wire import Response

#: A request line or header line longer than this (with its line ending) is refused (400).
MAX_LINE_BYTES = 65536
#: More header lines than this are refused (400).
MAX_HEADERS = 100
#: Empty lines skipped before a request line; more of them and the connection is closed.
MAX_LEADING_BLANK_LINES = 8
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_LINE_ENDS = (b"\r\n", b"\n")


class MalformedRequest(Exception):
    """A request head that cannot be read as HTTP/1.x; ``status`` is the answer to give."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(slots=True)
class RequestHead:
    """A parsed request line and its headers."""

    method: str
    target: str
    version: tuple[int, int]
    #: header values by name as first spelled, repeats joined by ``", "``
    headers: dict[str, str]
    #: the same values by lower-cased name
    lowered: dict[str, str]
    #: whether the connection stays open after the answer (see :func:`keeps_alive`)
    keep_alive: bool

    @property
    def connection_header(self) -> str | None:
        """The answer's ``Connection`` header value, if it needs one."""
        if not self.keep_alive:
            return "close"
        return "keep-alive" if self.version < (1, 1) else None

    def path_and_query(self) -> tuple[str, str]:
        """The percent-decoded path (``/`` if empty) and the raw query string."""
        return split_target(self.target)


def keeps_alive(version: tuple[int, int], lowered: dict[str, str]) -> bool:
    """Whether the connection stays open after the answer: as the client asks, except after a
    request framed both by length and by chunks (a smuggling attempt, RFC 9112 6.1), which is
    read as chunked, answered, and then the connection closed."""
    if "transfer-encoding" in lowered and "content-length" in lowered:
        return False
    connection = lowered.get("connection", "").lower()
    if version >= (1, 1):
        return connection in ("", "keep-alive") or "close" not in _tokens(connection)
    return connection == "keep-alive" or "keep-alive" in _tokens(connection)


def _tokens(value: str) -> set[str]:
    return {token.strip() for token in value.split(",")}


def split_target(target: str) -> tuple[str, str]:
    """The percent-decoded path and the raw query string of a request target."""
    if target.startswith("//"):
        target = "/" + target.lstrip("/")
    if target.startswith("/") and "#" not in target:
        path, _, query = target.partition("?")
    else:  # absolute form (``http://host/path``), ``*`` or a fragment: the general parser
        parts = urlsplit(target)
        path, query = parts.path, parts.query
    return (unquote(path) if "%" in path else path) or "/", query


#: One whole header line (after unfolding): a name without blanks or colons, then its value
#: without surrounding blanks. A head is well-formed when every line is one of these.
_FIELD = re.compile(r"^([^:\s]+):[ \t]*((?:[^\r\n]*[^\s])?)[ \t]*\r?\n", re.MULTILINE)
_FOLD = re.compile(r"\r?\n[ \t]+")
_HEAD_END = b"\r\n\r\n"


def _line(stream: BufferedReader, what: str) -> bytes:
    line = stream.readline(MAX_LINE_BYTES + 1)
    if len(line) > MAX_LINE_BYTES:
        raise MalformedRequest(400, f"The {what} is longer than {MAX_LINE_BYTES} bytes")
    return line


def _version(text: str) -> tuple[int, int]:
    if text == "HTTP/1.1":
        return (1, 1)
    numbers = text[5:].split(".") if text.startswith("HTTP/") else []
    if len(numbers) != 2 or not all(n.isdigit() and n.isascii() and len(n) <= 10 for n in numbers):
        raise MalformedRequest(400, f"Malformed HTTP version {text[:40]!r}")
    version = int(numbers[0]), int(numbers[1])
    if version[0] != 1:
        raise MalformedRequest(505, f"HTTP version {text[:40]!r} is not supported; use HTTP/1.1")
    return version


def _head_bytes(stream: BufferedReader) -> bytes | None:
    """The request line and header lines of the next request, without the blank line that
    ends them; None if the connection closes first. The usual case, a whole head already in
    the read buffer, takes one search and one copy; anything else is read line by line."""
    buffered = stream.peek(1)
    end = buffered.find(_HEAD_END)
    if end > 0 and buffered[0] not in b"\r\n":
        return stream.read(end + 4)[: end + 2]
    line = _line(stream, "request line")
    for _ in range(MAX_LEADING_BLANK_LINES):
        if line not in _LINE_ENDS:
            break
        line = _line(stream, "request line")
    if not line.endswith(b"\n"):
        return None  # closed before a whole request line arrived (or only blank lines)
    lines = [line]
    while (line := _line(stream, "header line")) not in _LINE_ENDS:
        if not line.endswith(b"\n"):
            return None  # closed inside the head
        if len(lines) > MAX_HEADERS:
            raise MalformedRequest(400, f"The request has more than {MAX_HEADERS} header lines")
        lines.append(line)
    return b"".join(lines)


def read_head(stream: BufferedReader) -> RequestHead | None:
    """The next request head on ``stream``; None when the client closed the connection before
    (or while) sending one, which gets no answer. :class:`MalformedRequest` for a bad head.
    A read that times out raises :class:`TimeoutError`."""
    raw = _head_bytes(stream)
    if raw is None:
        return None
    text = raw.decode("latin-1")
    line_end = text.index("\n")
    words = text[:line_end].split()
    if len(words) != 3:
        shown = text[:line_end].strip()[:80]
        raise MalformedRequest(
            400, f"Malformed request line {shown!r}: expected 'METHOD /path HTTP/1.1'"
        )
    method, target, version_text = words
    version = _version(version_text)
    block = text[line_end + 1 :]
    if block[:1] in (" ", "\t"):
        raise MalformedRequest(400, "A folded header line comes before any header")
    if "\n " in block or "\n\t" in block:
        block = _FOLD.sub(" ", block)
    fields = _FIELD.findall(block)
    if len(fields) != block.count("\n"):
        raise _malformed_line(block)
    if len(fields) > MAX_HEADERS:
        raise MalformedRequest(400, f"The request has more than {MAX_HEADERS} header lines")
    lowered = {name.lower(): value for name, value in fields}
    headers = dict(fields) if len(lowered) == len(fields) else _joined(fields, lowered)
    return RequestHead(method, target, version, headers, lowered, keeps_alive(version, lowered))


def _joined(fields: list[tuple[str, str]], lowered: dict[str, str]) -> dict[str, str]:
    """Headers by name as first spelled, the values of a repeated one joined by ``", "``;
    ``lowered`` is refilled the same way, by lower-cased name."""
    headers: dict[str, str] = {}
    names: dict[str, str] = {}  # a lower-cased name to its first spelling
    lowered.clear()
    for name, value in fields:
        key = name.lower()
        if key in lowered:
            value = f"{lowered[key]}, {value}"
        else:
            names[key] = name
        lowered[key] = headers[names[key]] = value
    return headers


def _malformed_line(block: str) -> MalformedRequest:
    """The error for the first header line in ``block`` that is not ``Name: value``."""
    lines = [f"{line}\n" for line in block.split("\n")[:-1]]
    bad = next((line for line in lines if not _FIELD.fullmatch(line)), block)
    shown = bad.rstrip("\r\n")[:80]
    return MalformedRequest(400, f"Malformed header line {shown!r}: expected 'Name: value'")


class _Clock:
    """The ``Date`` header value, made once per second."""

    def __init__(self) -> None:
        self._second = -1
        self._text = ""

    def now(self) -> str:
        second = int(time.time())
        if second != self._second:
            self._text = formatdate(second, usegmt=True)
            self._second = second  # a racing thread at worst formats the same second again
        return self._text


_CLOCK = _Clock()


_STATUS_LINES: dict[int, str] = {}


def response_head(response: Response, connection: str | None = None) -> bytes:
    """The status line and headers of ``response`` (Date and Content-Length added, then
    ``Connection: <connection>`` if given), ending with the blank line."""
    status = _STATUS_LINES.get(response.status)
    if status is None:
        status = _STATUS_LINES[response.status] = f"HTTP/1.1 {response.status} {response.reason}"
    lines = [f"{status}\r\nDate: {_CLOCK.now()}\r\n"]
    lines.extend([f"{name}: {value}\r\n" for name, value in response.headers])
    lines.append(f"Content-Length: {len(response.body)}\r\n")
    if connection:
        lines.append(f"Connection: {connection}\r\n")
    lines.append("\r\n")
    return "".join(lines).encode("latin-1")
