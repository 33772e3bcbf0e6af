"""The fast cassette reader agrees with PyYAML wherever it answers, and answers for our files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from aqfake.cassettes import blockyaml, serializer

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(["yes", "No", "0x1f", "1_000", "2001-12-14", "~", "null", ".inf", "012", "-"]),
    st.sampled_from(["a: b", "x #y", "- z", "'q'", '"d"', "{}", "[]", " lead", "trail ", "!tag"]),
)
keys = st.one_of(st.text(max_size=12), st.sampled_from(["Content-Type", "true", "12", "body"]))
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=25,
)
json_bodies = st.recursive(
    st.one_of(st.none(), st.integers(), st.text(max_size=20)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


def interaction(request_body: str, response_body: str, headers: dict[str, list[str]]) -> Any:
    return {
        "request": {"body": request_body, "headers": headers, "method": "POST", "uri": "/json"},
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": headers,
            "body": {"string": response_body},
        },
    }


def agrees(text: str) -> bool:
    """True when the fast reader answered (and then it must equal PyYAML)."""
    try:
        fast = blockyaml.load(text)
    except blockyaml.Unsupported:
        return False
    assert fast == yaml.load(text, Loader=yaml.SafeLoader)
    return True


@settings(max_examples=80, deadline=None)
@given(documents)
def test_any_dumped_document_reads_as_pyyaml_reads_it(document: Any) -> None:
    agrees(yaml.dump(document, Dumper=serializer._ReadableDumper, sort_keys=False, width=10**9))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            json_bodies,
            json_bodies,
            st.dictionaries(
                st.sampled_from(["Content-Type", "Set-Cookie", "X-Note"]),
                st.lists(st.text(max_size=40), min_size=1, max_size=2),
                max_size=3,
            ),
        ),
        max_size=4,
    )
)
def test_serialized_cassettes_are_read_fast_and_exactly(cases: list[Any]) -> None:
    data = {
        "interactions": [interaction(json.dumps(q), json.dumps(r), h) for q, r, h in cases],
        "version": 1,
    }
    text = serializer.serialize(data)
    assert serializer.deserialize(text) == yaml.load(text, Loader=yaml.SafeLoader)


def test_pretty_json_bodies_with_plain_headers_take_the_fast_path() -> None:
    body = json.dumps({"id": 1, "name": "fwd GFP: 01", "tags": ["a", "b"], "data": None})
    data = {"interactions": [interaction(body, body, {"Content-Type": ["text/x; a=1"]})]}
    assert agrees(serializer.serialize({**data, "version": 1}))


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: {b: 1}\n",
        "a: [1, 2]\n",
        "a: 1 # note\n",
        "# comment\na: 1\n",
        "---\na: 1\n",
        "a: >\n  folded\n",
        "a: |+\n  kept\n\n",
        "a: |2-\n   indented\n",
        "a: 'multi\n  line'\n",
        "a: plain\n  continued\n",
        "a:\r\n  b: 1\r\n",
        "a: 1\n b: 2\n",
    ],
)
def test_yaml_outside_the_subset_is_refused_not_misread(text: str) -> None:
    with pytest.raises(blockyaml.Unsupported):
        blockyaml.load(text)


def test_literal_blocks_keep_inner_indentation_blank_lines_and_chomping() -> None:
    text = "a: |-\n  x\n\n    y\nb: |\n  z\n\n\nc: 1\n"
    assert blockyaml.load(text) == yaml.safe_load(text) == {"a": "x\n\n  y", "b": "z\n", "c": 1}


def test_this_repositorys_cassettes_read_as_pyyaml_reads_them() -> None:
    files = sorted(CASSETTES.rglob("*.yaml"))
    assert files, f"no cassettes under {CASSETTES}"
    for path in files:
        text = path.read_text()
        assert serializer.deserialize(text) == yaml.load(text, Loader=yaml.SafeLoader), path
