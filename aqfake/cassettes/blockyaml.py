"""A fast reader for the block YAML that :mod:`.serializer` writes, exact or refusing.

Loading a cassette with PyYAML (even libyaml's parser) costs about half a millisecond per
interaction, most of it building Python objects node by node; a 10,000-interaction cassette took
seconds. The serializer writes a small, regular subset of YAML: block mappings and sequences
indented by two, plain and quoted one-line scalars, and literal blocks (``|`` / ``|-``) for the
JSON bodies that make up most of the file. :func:`load` reads exactly that subset, line by line,
and resolves plain scalars with PyYAML's own implicit resolvers (so ``yes``, ``0x1f`` or
``2001-12-14`` mean what they mean to PyYAML). Anything outside the subset -- flow collections,
anchors, tags, comments, folded or multi-line flow scalars, documents markers, unusual line
breaks -- raises :class:`Unsupported` and the caller falls back to PyYAML, so the result is always
what ``yaml.load(text, Loader=CSafeLoader)`` returns.
"""

from __future__ import annotations

import re
from functools import cache
from itertools import accumulate
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - pure-Python fallback
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


class Unsupported(ValueError):
    """The text uses YAML this reader does not handle; parse it with PyYAML instead."""


#: A block mapping key this reader accepts (plain, no spaces), then ``:`` and the value.
_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.\-/]*):(?: (.*))?\Z")
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
#: Characters that make a line break or a byte order mark for YAML but not for ``str.split``.
ODD_BREAKS = ("\r", "\x85", "\u2028", "\u2029", "\ufeff")
#: First characters of plain scalars that are indicators in block context.
_INDICATORS = frozenset("?:,[]{}#&*!|>%@`'\"")
_BOOLS = SafeConstructor.bool_values
_TAG = "tag:yaml.org,2002:"


def load(text: str, tokens: dict[str, Any] | None = None) -> Any:
    """The document in ``text``, as PyYAML's safe loader would build it.

    ``tokens`` caches what each distinct line says (see :func:`token`); documents read one
    after another may share it. Raises :class:`Unsupported` when the text is outside the subset
    described above.
    """
    if any(mark in text for mark in ODD_BREAKS):
        raise Unsupported("line breaks other than \\n")
    reader = _Reader(text, {} if tokens is None else tokens)
    value = reader.node(-1)
    reader.skip_blank()
    if reader.at < len(reader.lines):
        raise Unsupported(f"unexpected line {reader.at + 1}")
    return value


def _is_entry(content: str) -> bool:
    return content == "-" or content.startswith("- ")


def _yaml_scalar(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise Unsupported(f"scalar {text[:40]!r}") from exc


def plain(text: str) -> Any:
    """A plain scalar's value, resolved as PyYAML resolves it (str, int, bool, None, ...)."""
    if not text:
        return None
    first = text[0]
    if (
        first in _INDICATORS
        or _is_entry(text)
        or ": " in text
        or " #" in text
        or text.endswith(":")
        or "\t" in text
    ):
        raise Unsupported(f"plain scalar {text[:40]!r}")
    if text != text.strip():
        raise Unsupported(f"plain scalar with surrounding space {text[:40]!r}")
    for tag, pattern in (
        *Resolver.yaml_implicit_resolvers.get(first, ()),
        *Resolver.yaml_implicit_resolvers.get(None, ()),
    ):
        if pattern.match(text):
            if tag == _TAG + "null":
                return None
            if tag == _TAG + "bool":
                return _BOOLS[text.lower()]
            if tag == _TAG + "int" and _DECIMAL.match(text):
                return int(text)
            return _yaml_scalar(text)
    return text


def scalar(text: str) -> Any:
    """A one-line flow scalar (plain, single- or double-quoted, ``{}`` or ``[]``)."""
    first = text[0]
    if first == "'":
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != "'" or "'" in inner.replace("''", ""):
            raise Unsupported("single-quoted scalar continues on the next line")
        return inner.replace("''", "'")
    if first == '"':
        inner = text[1:-1]
        if "\\" in text:
            return _yaml_scalar(text)
        if len(text) < 2 or text[-1] != '"' or '"' in inner:
            raise Unsupported("double-quoted scalar continues on the next line")
        return inner
    if text == "{}":
        return {}
    if text == "[]":
        return []
    return plain(text)


#: What follows ``key:`` (or ``-``) on a line.
_SCALAR, _NESTED, _STRIP, _CLIP, _EMPTY_MAP, _EMPTY_LIST = range(6)
_BLANK: tuple[Any, ...] = ()
#: A line's reading: indent, entry dash, has a key, key, kind, value.
Token = tuple[int, bool, bool, Any, int, Any]


def token(line: str) -> Token | tuple[()]:
    """What one line says, independent of its neighbours (so equal lines are read once)."""
    content = line.lstrip(" ")
    if not content:
        return _BLANK
    indent = len(line) - len(content)
    if content[0] == "\t":
        raise Unsupported("tab in indentation")
    dash = _is_entry(content)
    if dash:
        content = content[2:]
        if not content:
            return (indent, True, False, None, _NESTED, None)
        if _is_entry(content):
            raise Unsupported("a sequence entry opening another sequence")
    match = _KEY.match(content)
    if match is not None:
        key, rest = plain(match.group(1)), match.group(2)
        if rest is None:
            return (indent, dash, True, key, _NESTED, None)
        return (indent, dash, True, key, *_value(rest))
    if not dash:
        raise Unsupported(f"line {line[:40]!r} is neither a key nor an entry")
    return (indent, True, False, None, *_value(content))


def _value(text: str) -> tuple[int, Any]:
    if not text:
        raise Unsupported("trailing space after a key")
    if text == "|-":
        return _STRIP, None
    if text == "|":
        return _CLIP, None
    if text == "{}":
        return _EMPTY_MAP, None
    if text == "[]":
        return _EMPTY_LIST, None
    return _SCALAR, scalar(text)


class _Reader:
    """Recursive descent over the lines; ``at`` is the next line to read."""

    def __init__(self, text: str, tokens: dict[str, Any]) -> None:
        self.text = text
        self.lines = text.split("\n")
        #: Characters before the end of each line, line breaks excluded (for line offsets).
        self.lengths = list(accumulate(map(len, self.lines)))
        self.at = 0
        self.tokens = tokens

    def offset(self, line: int) -> int:
        """Where line number ``line`` (from 0) starts in the text."""
        return self.lengths[line - 1] + line if line else 0

    def read(self, at: int) -> Any:
        line = self.lines[at]
        found = self.tokens.get(line)
        if found is None:
            found = self.tokens[line] = token(line)
        return found

    def skip_blank(self) -> None:
        while self.at < len(self.lines) and not self.read(self.at):
            self.at += 1

    def node(self, parent: int) -> Any:
        """The collection on the next lines, indented deeper than ``parent`` (None if none)."""
        self.skip_blank()
        if self.at >= len(self.lines):
            return None
        found = self.read(self.at)
        if found[0] <= parent:
            return None
        return self.sequence(found[0]) if found[1] else self.mapping(found[0])

    def nested(self, indent: int) -> Any:
        """The value of ``key:`` at ``indent`` with nothing after it: a deeper collection, an
        indentless sequence at the same indent, or null."""
        self.skip_blank()
        if self.at < len(self.lines):
            here, dash = self.read(self.at)[:2]
            if here > indent:
                return self.sequence(here) if dash else self.mapping(here)
            if here == indent and dash:
                return self.sequence(indent)
        return None

    def take(self, kind: int, value: Any, indent: int) -> Any:
        """The value of a key or entry whose line was just read."""
        if kind == _SCALAR:
            return value
        if kind == _NESTED:
            return self.nested(indent)
        if kind == _EMPTY_MAP:
            return {}
        if kind == _EMPTY_LIST:
            return []
        return self.literal(kind == _STRIP, indent)

    def mapping(self, indent: int, entry: bool = False) -> dict[Any, Any]:
        """A block mapping at ``indent``; ``entry``: its first key is on a ``- `` line."""
        out: dict[Any, Any] = {}
        lines, tokens = self.lines, self.tokens
        count, at = len(lines), self.at
        while at < count:
            line = lines[at]
            found = tokens.get(line)
            if found is None:
                found = tokens[line] = token(line)
            if not found:
                at += 1
                continue
            here, dash, has_key, key, kind, value = found
            if entry:
                here, dash, entry = here + 2, False, False
            if here != indent or dash:
                self.at = at
                if here < indent:
                    return out
                raise Unsupported(f"line {at + 1} does not continue the mapping")
            if not has_key:
                raise Unsupported(f"line {at + 1} has no key")
            at += 1
            if kind == _SCALAR:
                out[key] = value
                continue
            self.at = at
            below = tokens.get(lines[at]) if kind == _NESTED and at < count else None
            if below:
                # the common case, read inline: the key's collection starts on the next line
                if below[0] > indent:
                    out[key] = self.sequence(below[0]) if below[1] else self.mapping(below[0])
                elif below[0] == indent and below[1]:
                    out[key] = self.sequence(indent)
                else:
                    out[key] = None
            else:
                out[key] = self.take(kind, value, indent)
            at = self.at
        self.at = at
        return out

    def sequence(self, indent: int) -> list[Any]:
        """A block sequence whose ``- `` entries are at ``indent``."""
        out: list[Any] = []
        lines, tokens = self.lines, self.tokens
        count, at = len(lines), self.at
        while at < count:
            line = lines[at]
            found = tokens.get(line)
            if found is None:
                found = tokens[line] = token(line)
            if not found:
                at += 1
                continue
            here, dash, has_key, _key, kind, value = found
            if here < indent or (here == indent and not dash):
                break  # an indentless sequence ends at its mapping's next key
            if here > indent:
                raise Unsupported(f"line {at + 1} does not continue the sequence")
            self.at = at
            if has_key:
                out.append(self.mapping(indent + 2, entry=True))
            elif kind == _SCALAR:
                self.at += 1
                out.append(value)
            else:
                self.at += 1
                out.append(self.take(kind, value, indent))
            at = self.at
        self.at = at
        return out

    def literal(self, strip: bool, parent: int) -> str:
        """A literal block scalar whose header ended the previous line.

        The block's end is found in the text with one regular-expression search (the first
        non-empty line indented less than its first line), not line by line: the blocks hold
        most of a cassette's lines.
        """
        lines, start = self.lines, self.at
        first = start
        while first < len(lines) and not lines[first]:
            first += 1
        if first >= len(lines):
            self.at = first
            return ""
        content = lines[first].lstrip(" ")
        width = len(lines[first]) - len(content)
        if content.startswith("\t"):
            raise Unsupported("a tab where a literal block's indentation is detected")
        if width <= parent or not content:
            if not content:
                raise Unsupported("whitespace-only line in a literal block")
            self.at = first
            return ""
        begin = self.offset(first)
        found = _block_end(width).search(self.text, begin)
        stop = len(self.text) if found is None else found.start()
        self.at = first + self.text.count("\n", begin, stop) + 1
        text = ("\n" + self.text[self.offset(start) : stop]).replace("\n" + " " * width, "\n")
        text = text[1:].rstrip("\n")
        return text if strip else text + "\n"


@cache
def _block_end(width: int) -> re.Pattern[str]:
    """Finds the line break before the first non-empty line indented less than ``width``."""
    return re.compile(rf"\n(?! {{{width}}}|\n)")
