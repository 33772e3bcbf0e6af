"""The per-interaction reader: used for what the serializer writes, and always PyYAML's answer."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vcr.request import Request

from aqfake.cassettes import Scrubber, blockyaml, layout, serializer
from aqfake.cassettes.persist import AuditedPersister, seal, with_key_digests
from tests.cassettes.json_strategies import json_values

#: The loader the serializer falls back to (libyaml's where it is installed).
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SMALL_JSON = json_values(max_leaves=8)


#: Bodies as recorded: JSON (written as indented blocks), other text (blocks with empty lines,
#: leading spaces or trailing newlines, one-line scalars that look like numbers or nulls).
bodies = st.one_of(
    st.none(),
    SMALL_JSON.map(json.dumps),
    st.text(max_size=30),
    st.sampled_from(["", "\n", "a\n\nb", "  lead\nx", "x\n\n", "null", "12", "yes", "- a", "{}"]),
)
scalars = st.one_of(
    st.sampled_from(["OK", "No", "yes", "Not Found", "", "null", "1.5", "a: b", "#x", "'q'"]),
    st.text(max_size=12),
)
header_names = st.sampled_from(["Content-Type", "Set-Cookie", "X-Note", "Content-Length"])
headers = st.dictionaries(
    header_names | st.sampled_from(["true", "12", "a b"]),
    st.lists(scalars, min_size=1, max_size=2),
    max_size=3,
)
#: Headers as servers send them: names that are plain YAML keys, printable ASCII values.
header_values = st.from_regex(r"[A-Za-z0-9(/]([ -~]{0,20}[!-~])?", fullmatch=True)
plain_headers = st.dictionaries(
    header_names, st.lists(header_values, min_size=1, max_size=2), max_size=3
)


@st.composite
def interactions(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "request": {
            "method": draw(st.sampled_from(["GET", "POST", "PUT", "DELETE"])),
            "uri": draw(st.sampled_from(["http://h/json", "http://h/api?x=1&y=%20"]) | scalars),
            "body": draw(bodies),
            "headers": draw(headers),
        },
        "response": {
            "status": {
                "code": draw(st.sampled_from([200, 201, 404, 422])),
                "message": draw(scalars),
            },
            "headers": draw(headers),
            "body": {"string": draw(bodies)},
        },
    }


def cassette_text(cases: list[dict[str, Any]]) -> str:
    return serializer.serialize({"version": 1, "interactions": cases})


def pyyaml(text: str) -> Any:
    return yaml.load(text, Loader=LOADER)


class Fallbacks:
    """Counts interactions the fast path handed to blockyaml."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        original = layout._Interactions.entry

        def counted(reader: Any, text: str) -> Any:
            self.calls += 1
            return original(reader, text)

        monkeypatch.setattr(layout._Interactions, "entry", counted)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(interactions(), max_size=4))
def test_any_serialized_cassette_reads_as_pyyaml_reads_it(cases: list[dict[str, Any]]) -> None:
    text = cassette_text(cases)
    assert serializer.deserialize(text) == pyyaml(text)
    try:
        fast = layout.load(text)
    except blockyaml.Unsupported:
        return
    assert fast == pyyaml(text)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(SMALL_JSON, SMALL_JSON, st.integers(100, 599), plain_headers),
        min_size=1,
        max_size=4,
    )
)
def test_json_interactions_take_the_fast_path(
    cases: list[tuple[Any, Any, int, dict[str, Any]]],
) -> None:
    text = cassette_text(
        [
            {
                "request": {
                    "method": "POST",
                    "uri": "http://h/json",
                    "body": json.dumps(q),
                    "headers": {"Content-Type": ["application/json"]},
                },
                "response": {
                    "status": {"code": code, "message": "OK"},
                    "headers": h,
                    "body": {"string": json.dumps(r)},
                },
            }
            for q, r, code, h in cases
        ]
    )
    with pytest.MonkeyPatch.context() as monkeypatch:
        fallbacks = Fallbacks(monkeypatch)
        assert layout.load(text) == pyyaml(text)
    assert fallbacks.calls == 0


def test_interactions_get_their_own_header_dicts_and_lists() -> None:
    case = {
        "request": {"method": "GET", "uri": "http://h/", "body": None, "headers": {"A": ["1"]}},
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"A": ["1"]},
            "body": {"string": "x"},
        },
    }
    loaded = layout.load(cassette_text([case, case]))["interactions"]
    loaded[0]["response"]["headers"]["A"].append("2")
    loaded[0]["request"]["headers"]["B"] = ["3"]
    assert loaded[1] == case


#: Changes to one interaction of a serialized cassette that take it out of the exact layout.
EDITS = [
    ("    uri:", "    extra: 1\n    uri:"),  # a key the layout does not have
    ("  response:", "  # comment\n  response:"),
    ("      string: |-\n", "      string: |2-\n"),
    ('        "id": 1', '\n        "id": 1'),  # an empty line inside a block
    ("      message: OK", "      message: OK\n        continued"),  # a multi-line plain scalar
    ("    method: POST", "    method: 'POST'"),
    ("      Accept:\n      - '*/*'", "        Accept:\n        - '*/*'"),
    ("- request:\n", "-\n  request:\n"),
    ("      code: 200\n", "      code: 200  \n"),
]


def two_interactions() -> str:
    case = {
        "request": {
            "method": "POST",
            "uri": "http://h/json",
            "body": json.dumps({"id": 1}),
            "headers": {"Accept": ["*/*"]},
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/json"]},
            "body": {"string": json.dumps({"id": 1, "name": "a"})},
        },
    }
    return cassette_text([case, case])


@pytest.mark.parametrize(("old", "new"), EDITS)
def test_an_interaction_in_another_layout_is_read_exactly(old: str, new: str) -> None:
    text = two_interactions()
    for edited in (text.replace(old, new, 1), new.join(text.rsplit(old, 1))):
        assert edited != text
        expected = pyyaml(edited)
        assert serializer.deserialize(edited) == expected
        with contextlib.suppress(blockyaml.Unsupported):
            assert layout.load(edited) == expected


def test_only_the_interaction_in_another_layout_leaves_the_fast_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = two_interactions()
    edited = "    extra: 1\n    uri:".join(text.rsplit("    uri:", 1))
    fallbacks = Fallbacks(monkeypatch)
    assert layout.load(edited) == pyyaml(edited)
    assert fallbacks.calls == 1


def test_a_file_whose_first_interaction_is_in_another_layout_is_left_to_the_others() -> None:
    text = two_interactions()
    with pytest.raises(blockyaml.Unsupported):
        layout.load(text.replace("    uri:", "    extra: 1\n    uri:", 1))


@pytest.mark.parametrize(
    "text",
    [
        "version: 1\n",
        "interactions: []\nversion: 1\n",
        "interactions:\n  - request: {}\n",
        "version: 1\ninteractions:\n- request: 1\nx: [1]\n",
        "interactions:\n- a\r\n",
    ],
)
def test_documents_outside_the_layout_are_refused(text: str) -> None:
    with pytest.raises(blockyaml.Unsupported):
        layout.load(text)


def varied_interactions() -> str:
    """Interactions with bodies and headers outside the fast path's usual shape."""
    base = json.loads(json.dumps(pyyaml(two_interactions())["interactions"]))
    base[0]["request"].update(body=None, headers={})
    base[0]["response"]["body"]["string"] = "line one\n\n  indented\n"
    base[1]["response"]["body"]["string"] = ""
    base[1]["response"]["headers"] = {"X-Note": ["yes", "12"]}
    return cassette_text(base)


@settings(max_examples=600, deadline=None)
@given(
    st.sampled_from(
        [
            two_interactions(),
            varied_interactions(),
            seal(with_key_digests(two_interactions(), serializer)),
        ]
    ),
    st.integers(0, 10**6),
    st.text(alphabet=" \n\t-:|>#'\"{}[],!&*?%@`~ab1.0x", min_size=1, max_size=3),
    st.integers(0, 3),
)
def test_a_damaged_cassette_reads_as_pyyaml_reads_it_or_fails(
    text: str, position: int, inserted: str, removed: int
) -> None:
    at = position % len(text)
    damaged = text[:at] + inserted + text[at + removed :]
    try:
        expected = pyyaml(damaged)
    except yaml.YAMLError:
        with pytest.raises((yaml.YAMLError, ValueError)):
            serializer.deserialize(damaged)
        return
    if not isinstance(expected, dict):
        with pytest.raises(ValueError):
            serializer.deserialize(damaged)
        return
    assert serializer.deserialize(damaged) == expected


def test_a_cassette_the_persister_writes_is_read_on_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = [
        Request("POST", "http://h/json", json.dumps({"id": n}), {"Accept": ["*/*"]})
        for n in range(30)
    ]
    responses: list[dict[str, Any]] = [
        {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/json"], "Content-Length": [str(n)]},
            "body": {"string": json.dumps({"id": n, "note": "a\nb"}).encode()},
        }
        for n in range(30)
    ]
    path = tmp_path / "c.yaml"
    AuditedPersister(Scrubber()).save_cassette(
        path, {"requests": recorded, "responses": responses}, serializer
    )
    text = path.read_text()
    expected = pyyaml(text)
    fallbacks = Fallbacks(monkeypatch)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the slow reader was used")

    monkeypatch.setattr(yaml, "load", refuse)
    assert serializer.deserialize(text) == expected
    assert fallbacks.calls == 0
