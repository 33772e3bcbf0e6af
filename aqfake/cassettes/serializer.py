"""A vcrpy serializer that keeps cassettes readable: JSON bodies as indented YAML blocks.

The file is an ordinary vcrpy YAML cassette (``interactions`` / ``version: 1``), so plain vcrpy
loads it with its own ``yaml`` serializer. The only difference is presentation: a JSON body is
stored pretty-printed in a literal block (``|-``) instead of one escaped line, which makes diffs
of re-recorded cassettes reviewable. Replayed bodies are the same JSON, indented; clients parse
JSON, so nothing observable changes (``Content-Length`` is kept in step).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import yaml

from . import blockyaml, layout

#: Lines are never folded: a one-line scalar stays on one line, which keeps the file in the
#: subset :mod:`.blockyaml` reads fast (and long header values readable).
LINE_WIDTH = 1 << 30

try:  # libyaml makes loading large cassettes several times faster
    from yaml import CSafeDumper as _Dumper
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - pure-Python fallback
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


class _ReadableDumper(_Dumper):
    """Block style for multi-line strings, plain style otherwise, no anchors or aliases (a
    value shared by two interactions is written out twice, as a reader expects)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: _ReadableDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value and _block_safe(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _block_safe(value: str) -> bool:
    # YAML literal blocks cannot carry trailing spaces on lines or most control characters.
    return all(not line.endswith((" ", "\t")) for line in value.split("\n")) and all(
        ch == "\n" or ch >= " " for ch in value
    )


_ReadableDumper.add_representer(str, _represent_str)


def pretty_json(text: str) -> str | None:
    """``text`` re-indented if it is a JSON object or array, else None."""
    stripped = text.strip()
    if not stripped or stripped[0] not in "[{":
        return None
    try:
        data = json.loads(stripped)
    except ValueError:
        return None
    return json.dumps(data, indent=2, ensure_ascii=False)


def _prettify_request(request: dict[str, Any]) -> None:
    body = request.get("body")
    if isinstance(body, str):
        pretty = pretty_json(body)
        if pretty is not None:
            request["body"] = pretty


def _prettify_response(response: dict[str, Any]) -> None:
    body = response.get("body")
    if not isinstance(body, dict) or not isinstance(body.get("string"), str):
        return
    pretty = pretty_json(body["string"])
    if pretty is None:
        return
    body["string"] = pretty
    headers = response.get("headers") or {}
    for name in list(headers):
        if name.lower() == "content-length":
            headers[name] = [str(len(pretty.encode("utf-8")))]


def serialize(cassette_dict: dict[str, Any]) -> str:
    """vcrpy serializer hook: the cassette as readable YAML (the input is left untouched)."""
    data = copy.deepcopy(cassette_dict)
    for interaction in data.get("interactions", []):
        _prettify_request(interaction.get("request", {}))
        _prettify_response(interaction.get("response", {}))
    return yaml.dump(
        data, Dumper=_ReadableDumper, sort_keys=False, allow_unicode=True, width=LINE_WIDTH
    )


def deserialize(cassette_string: str) -> dict[str, Any]:
    """vcrpy serializer hook: parse a cassette (ours or any vcrpy YAML cassette).

    The layout this serializer writes is read by :mod:`.layout` (an interaction per regular
    expression match, some twenty times faster than PyYAML), any other file in the YAML subset
    it writes by :mod:`.blockyaml`, and anything else (an older or hand-written file) by PyYAML.
    """
    try:
        data = layout.load(cassette_string)
    except blockyaml.Unsupported:
        try:
            data = blockyaml.load(cassette_string)
        except blockyaml.Unsupported:
            data = yaml.load(cassette_string, Loader=_Loader)
    if not isinstance(data, dict):
        raise ValueError("not a vcrpy cassette: the document is not a mapping")
    return data
