"""Sealed cassettes: written with a digest, loaded without a second pass through the hooks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests
import vcr
from vcr.request import Request

from aqfake.cassettes import Scrubber, serializer, use_cassette
from aqfake.cassettes.persist import SEAL_KEY, AuditedPersister, is_sealed, seal

URL = "http://aquarium.test/json"


def write(path: Path, sample_id: int = 1) -> None:
    request = Request(
        "POST", URL, json.dumps({"model": "Sample", "id": sample_id}), {"Accept": ["*/*"]}
    )
    response: dict[str, Any] = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"Content-Type": ["application/json"]},
        "body": {"string": json.dumps({"id": sample_id, "name": "fwd"}).encode()},
    }
    persister = AuditedPersister(Scrubber())
    persister.save_cassette(path, {"requests": [request], "responses": [response]}, serializer)


def loaded_body(path: Path) -> bytes:
    with use_cassette(path) as cassette:
        body: bytes = cassette.data[0][1]["body"]["string"]
        replayed = requests.post(URL, json={"id": 1, "model": "Sample"}).json()
    assert replayed == json.loads(body)
    return body


def test_a_written_cassette_ends_with_a_seal_over_everything_above(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    write(path)
    text = path.read_text()
    assert text.splitlines()[-1].startswith(f"{SEAL_KEY}: ")
    assert is_sealed(text)
    assert not is_sealed(text.replace('"fwd"', '"rev"'))
    assert not is_sealed(text.rpartition(SEAL_KEY)[0])
    assert is_sealed(seal("a: 1"))


def test_a_sealed_cassette_is_loaded_as_written_without_the_hooks(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    write(path)
    # the hooks would re-dump the JSON body compactly; a sealed load keeps it as written
    assert loaded_body(path) == serializer.pretty_json('{"id": 1, "name": "fwd"}').encode()


def test_an_edited_cassette_loses_its_seal_and_goes_through_the_hooks(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    write(path)
    path.write_text(path.read_text().replace('"fwd"', '"rev"'))
    assert loaded_body(path) == b'{"id":1,"name":"rev"}'


def test_plain_vcrpy_still_loads_a_sealed_cassette(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    write(path)
    with vcr.VCR(record_mode="none", match_on=["method", "uri"]).use_cassette(str(path)):
        assert requests.post(URL, json={"anything": 1}).json() == {"id": 1, "name": "fwd"}
