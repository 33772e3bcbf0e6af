"""Sealed cassettes store their requests' key digests; loading uses them and replay stays exact."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
import vcr
from hypothesis import given
from vcr.request import Request

from aqfake.cassettes import Scrubber, matching, replay, serializer, use_cassette
from aqfake.cassettes.loaded import LoadedRequest
from aqfake.cassettes.matching import KEY_FORMAT, canonical_json, key_digest, request_key
from aqfake.cassettes.persist import KEYS_KEY, SEAL_KEY, AuditedPersister, is_sealed, seal
from tests.cassettes.json_strategies import json_values

URL = "http://aquarium.test/json"
COUNT = 5


def write(path: Path, count: int = COUNT) -> None:
    recorded = [
        Request("POST", URL, json.dumps({"model": "Sample", "id": n}), {"Accept": ["*/*"]})
        for n in range(count)
    ]
    responses: list[dict[str, Any]] = [
        {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/json"]},
            "body": {"string": json.dumps({"id": n}).encode()},
        }
        for n in range(count)
    ]
    AuditedPersister(Scrubber()).save_cassette(
        path, {"requests": recorded, "responses": responses}, serializer
    )


def replaced_keys_line(path: Path, line: str) -> None:
    """The file with its key digests line replaced and sealed again."""
    lines = path.read_text().splitlines(keepends=True)
    assert lines[-2].startswith(f"{KEYS_KEY}: ") and lines[-1].startswith(f"{SEAL_KEY}: ")
    path.write_text(seal("".join([*lines[:-2], line])))


class KeyCount:
    """Counts canonical keys the cassette computes for requests it loaded."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        original = matching.key_of

        def counted(request: Any) -> matching.RequestKey:
            self.calls += isinstance(request, LoadedRequest)
            return original(request)

        monkeypatch.setattr(replay, "key_of", counted)


def replay_all(path: Path, count: int = COUNT) -> None:
    with use_cassette(path):
        for n in reversed(range(count)):
            assert requests.post(URL, json={"id": n, "model": "Sample"}).json() == {"id": n}


def test_a_written_cassette_stores_one_digest_per_interaction_under_the_seal(
    tmp_path: Path,
) -> None:
    path = tmp_path / "c.yaml"
    write(path)
    text = path.read_text()
    assert is_sealed(text)
    line = text.splitlines()[-2]
    version, *digests = line.removeprefix(f"{KEYS_KEY}: ").split(" ")
    assert version == str(KEY_FORMAT)
    expected = [
        key_digest(request_key("POST", URL, json.dumps({"model": "Sample", "id": n})))
        for n in range(COUNT)
    ]
    assert digests == expected
    with vcr.VCR(record_mode="none", match_on=["method", "uri"]).use_cassette(str(path)) as c:
        assert len(c.data) == COUNT  # stock vcrpy ignores the line


def test_loading_a_sealed_cassette_computes_no_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.yaml"
    write(path)
    keys = KeyCount(monkeypatch)
    with use_cassette(path):
        assert keys.calls == 0
        assert requests.post(URL, json={"id": 3, "model": "Sample"}).json() == {"id": 3}
    assert keys.calls == 1  # the one recorded request the lookup found
    replay_all(path)


@pytest.mark.parametrize(
    "line",
    [
        f"{KEYS_KEY}: {KEY_FORMAT + 1} " + " ".join(["00000000"] * COUNT) + "\n",
        f"{KEYS_KEY}: {KEY_FORMAT} 00000000\n",
        f"{KEYS_KEY}: {KEY_FORMAT} " + " ".join(["00000000"] * COUNT) + "\n",
        f"{KEYS_KEY}: [1, 2]\n",
    ],
    ids=["other-format", "other-count", "wrong-digests", "not-text"],
)
def test_digests_that_cannot_be_used_are_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str
) -> None:
    path = tmp_path / "c.yaml"
    write(path)
    replaced_keys_line(path, line)
    keys = KeyCount(monkeypatch)
    with use_cassette(path):
        assert keys.calls == COUNT
    replay_all(path)


def test_requests_whose_digests_collide_are_told_apart_by_their_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.yaml"
    write(path)
    path.write_text(path.read_text().rpartition(f"{KEYS_KEY}:")[0])  # no digests, no seal
    monkeypatch.setattr(replay, "key_digest", lambda key: "same")
    replay_all(path)


def test_key_digests_are_pinned_to_the_key_format() -> None:
    """If this fails, the canonical form changed: bump ``KEY_FORMAT`` and update the values,
    so that digests stored by the old form are not used."""
    body = '{"b": 1, "arguments": {"id": [3, 1]}, "t": "<AQ:token:3>"}'
    assert KEY_FORMAT == 1
    assert key_digest(request_key("POST", "http://h/json?b=2&a=1", body)) == "28998a0a"
    assert key_digest(request_key("get", "http://h//api/samples/?x=%20", None)) == "3b51e339"


FLOAT_JSON = json_values(floats=True)


@given(FLOAT_JSON)
def test_canonical_json_is_the_sorted_compact_encoding(value: Any) -> None:
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_json(value) == expected
    if "NaN" not in expected:  # NaN is never equal to itself
        assert json.loads(canonical_json(value)) == value


@pytest.mark.parametrize(
    "text", ["a: 1\n", "a: 'é ✓'\n", "", "a: 1", "a:\n- x\n\n\n", "\n\n"], ids=repr
)
def test_a_seal_matches_its_text_and_nothing_else(text: str) -> None:
    sealed = seal(text)
    assert is_sealed(sealed)
    assert is_sealed(sealed + "\n\n")
    assert not is_sealed(sealed.replace(f"{SEAL_KEY}: ", f"{SEAL_KEY}: 0"))
    assert not is_sealed("x" + sealed)
