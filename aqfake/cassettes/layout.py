"""Reading a cassette in the exact layout the serializer writes, one interaction per match.

:mod:`.blockyaml` reads the serializer's YAML subset line by line; a 10,000-interaction cassette is
some 380,000 lines walked in Python. Yet every interaction this project records has one shape:
vcrpy's request mapping (``method``, ``uri``, ``body``, ``headers``) and response mapping
(``status``, ``headers``, ``body``), in vcrpy's key order, indented as PyYAML's emitter indents
them. :func:`load` matches each interaction against one regular expression for that shape and
decodes every field from its slice of the text:

- one-line scalars (method, URI, status code and message, one-line bodies) with blockyaml's own
  exact scalar rules, each distinct text once per file (they repeat);
- header mappings with blockyaml, once per distinct block of header lines, then copied for each
  interaction (every interaction gets its own dicts and lists, as from PyYAML);
- literal bodies (``|-`` / ``|``) by taking the block's indentation off each line.

An interaction in any other shape, or with a field this fast path does not take (a block whose
first line is indented further, a scalar continued on the next line), is read by blockyaml from
its own lines; so are the top-level keys around ``interactions``. A file whose first interaction
is in another shape was not written by this serializer and is left to the whole-document
readers. Whatever blockyaml refuses raises :class:`~.blockyaml.Unsupported`, and the caller reads
the whole text with PyYAML. The result is what ``yaml.load(text, Loader=CSafeLoader)`` returns.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from . import blockyaml
from .blockyaml import Unsupported

#: One interaction as the serializer writes it. Groups: request method, URI, what follows
#: ``body:`` and the lines below it, the header lines (None for ``{}``); response code, message,
#: header lines, what follows ``string:`` and the lines below it. The match must end where the
#: next top-level line (or the end of the text) begins. Repeats are possessive (nothing would
#: match after giving a line back: every line a repeat takes starts with more indentation than
#: what follows it), which spares the regular expression engine its backtracking records.
_INTERACTION_PATTERN = (
    r"- request:\n"
    r"    method: ([^\n]*+)\n"
    r"    uri: ([^\n]*+)\n"
    r"    body:([^\n]*+)\n((?: {6}[^\n]*+\n|\n)*+)"
    r"    headers:(?: \{\}\n|\n((?: {6}[^\n]*+\n)*+))"
    r"  response:\n"
    r"    status:\n"
    r"      code: ([^\n]*+)\n"
    r"      message: ([^\n]*+)\n"
    r"    headers:(?: \{\}\n|\n((?: {6}[^\n]*+\n)*+))"
    r"    body:\n"
    r"      string:([^\n]*+)\n((?: {8}[^\n]*+\n|\n)*+)"
    r"(?=[^ \n]|\Z)"
)
#: Python before 3.11 has no possessive repeats; the greedy ones match the same, more slowly.
_INTERACTION = re.compile(
    _INTERACTION_PATTERN if sys.version_info >= (3, 11) else _INTERACTION_PATTERN.replace("*+", "*")
)
#: The line break before the next line that starts at column 0 (where a sequence entry ends).
_ENTRY_END = re.compile(r"\n(?=[^ \n])")
#: Text whose first non-blank line is indented (read alone, it would seem a mapping at column 0).
_INDENTED_START = re.compile(r"(?:[ ]*\n)*[ ]+[^ \n]")
_KEY = "interactions:\n"
_ENTRY_STARTS = ("- ", "-\n")
#: Scalar values that can be shared between interactions (mutable ``{}`` / ``[]`` cannot).
_IMMUTABLE = frozenset({str, int, float, bool, type(None)})
#: Indentation of the request's fields' contents (body lines, headers) and of the response body.
_REQUEST_INDENT, _RESPONSE_INDENT = 6, 8
#: A line break and the indentation of the next line, by indentation.
_PADS = {indent: "\n" + " " * indent for indent in (_REQUEST_INDENT, _RESPONSE_INDENT)}
_UNREAD: Any = object()


def load(text: str) -> dict[Any, Any]:
    """The cassette document in ``text``, as PyYAML's safe loader would build it.

    Raises :class:`~.blockyaml.Unsupported` when any part of it is outside what blockyaml reads.
    """
    if any(mark in text for mark in blockyaml.ODD_BREAKS):
        raise Unsupported("line breaks other than \\n")
    if text.startswith(_KEY):
        start = len(_KEY)
    else:
        found = text.find("\n" + _KEY)
        if found < 0:
            raise Unsupported("no top-level interactions sequence")
        start = found + 1 + len(_KEY)
    if not text.startswith(_ENTRY_STARTS, start):
        raise Unsupported("interactions is not a sequence of entries at column 0")
    head = _mapping(text[: start - len(_KEY)])
    reader = _Interactions(text)
    interactions, end = reader.read(start)
    return {**head, "interactions": interactions, **_mapping(text[end:])}


def _mapping(text: str) -> dict[Any, Any]:
    """The top-level keys in ``text`` (lines outside the interactions)."""
    if _INDENTED_START.match(text):
        raise Unsupported("the document's first line is indented")
    value = blockyaml.load(text)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Unsupported("the cassette is not a mapping")
    return value


class _Interactions:
    """The entries of the interactions sequence, with the caches of one file."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.scalars: dict[str, Any] = {}
        #: blockyaml's reading of each distinct line, shared by the entries it reads.
        self.tokens: dict[str, Any] = {}
        #: Header lines -> (name, values) pairs to copy, or None: read them afresh each time.
        self.headers: dict[str, tuple[tuple[Any, tuple[Any, ...]], ...] | None] = {}

    def read(self, at: int) -> tuple[list[Any], int]:
        """The entries from ``at`` on, and where the text after them begins."""
        text, out = self.text, []
        match = _INTERACTION.match
        while text.startswith(_ENTRY_STARTS, at):
            found = match(text, at)
            if found is not None:
                try:
                    out.append(self.interaction(found.groups()))
                    at = found.end()
                    continue
                except Unsupported:
                    pass
            if not out:
                raise Unsupported("the first interaction is in another layout")
            end = _ENTRY_END.search(text, at)
            stop = len(text) if end is None else end.end()
            out.append(self.entry(text[at:stop]))
            at = stop
        return out, at

    def entry(self, text: str) -> Any:
        """One sequence entry (``- ...`` and the lines below it) read by blockyaml."""
        value = blockyaml.load(text, self.tokens)
        if not isinstance(value, list) or len(value) != 1:
            raise Unsupported("an interactions entry blockyaml did not read as one entry")
        return value[0]

    def interaction(self, groups: tuple[str, ...]) -> dict[str, Any]:
        """One interaction from the groups of :data:`_INTERACTION`."""
        method, uri, q_head, q_lines, q_headers, code, message, r_headers, s_head, s_lines = groups
        scalar = self.scalar
        return {
            "request": {
                "method": scalar(method),
                "uri": scalar(uri),
                "body": self.value(q_head, q_lines, _REQUEST_INDENT),
                "headers": self.header_map(q_headers),
            },
            "response": {
                "status": {"code": scalar(code), "message": scalar(message)},
                "headers": self.header_map(r_headers),
                "body": {"string": self.value(s_head, s_lines, _RESPONSE_INDENT)},
            },
        }

    def scalar(self, text: str) -> Any:
        """A one-line scalar, read once per distinct text (when its value can be shared)."""
        try:
            return self.scalars[text]
        except KeyError:
            pass
        if not text:
            raise Unsupported("an empty value after ': '") from None
        value = blockyaml.scalar(text)
        if type(value) in _IMMUTABLE:
            self.scalars[text] = value
        return value

    def value(self, head: str, lines: str, indent: int) -> Any:
        """A key's value from what follows its ``:`` and the lines below it."""
        if head == " |-" or head == " |":
            return literal(lines, indent, strip=head == " |-")
        if not head.startswith(" ") or lines.strip("\n"):
            raise Unsupported("a value on more than one line")
        return self.scalar(head[1:])

    def header_map(self, lines: str | None) -> Any:
        """A fresh copy of the header mapping written as ``lines`` (None: ``headers: {}``)."""
        if lines is None:
            return {}
        pairs = self.headers.get(lines, _UNREAD)
        if pairs is _UNREAD or pairs is None:
            value = blockyaml.load(lines.replace(_PADS[_REQUEST_INDENT], "\n")[_REQUEST_INDENT:])
            self.headers[lines] = _copyable(value)
            return value
        return {name: list(values) for name, values in pairs}


def _copyable(value: Any) -> tuple[tuple[Any, tuple[Any, ...]], ...] | None:
    """``value`` as pairs to rebuild it from, when it is a mapping of lists of shareable
    scalars (as headers are); None for anything else."""
    if not isinstance(value, dict):
        return None
    pairs = []
    for name, values in value.items():
        if type(values) is not list or any(type(item) not in _IMMUTABLE for item in values):
            return None
        pairs.append((name, tuple(values)))
    return tuple(pairs)


def literal(lines: str, indent: int, strip: bool) -> str:
    """A literal block scalar's value from its lines (each ``indent`` spaces deep or empty).

    The block's indentation is the first non-empty line's, which must be exactly ``indent``
    (PyYAML's emitter writes an indentation indicator otherwise, which this path does not take).
    """
    content = lines.lstrip("\n") if lines.startswith("\n") else lines
    if not content:
        return ""
    if content[indent] in " \t\n":
        raise Unsupported("a literal block whose first line is indented further (or by a tab)")
    text = content[indent:].replace(_PADS[indent], "\n").rstrip("\n")
    if len(content) < len(lines):
        text = "\n" * (len(lines) - len(content)) + text
    return text if strip else text + "\n"
