"""Requests of a sealed cassette are built on first use, and are then what vcrpy would build."""

from __future__ import annotations

import copy
import json
import pickle
import threading
from pathlib import Path
from typing import Any

import pytest
import requests
import vcr
from hypothesis import given
from hypothesis import strategies as st
from vcr.request import Request

from aqfake.cassettes import Scrubber, key_of, serializer, use_cassette
from aqfake.cassettes.loaded import LoadedRequest, unbuilt_fields
from aqfake.cassettes.persist import AuditedPersister, seal
from tests.cassettes.json_strategies import json_values

URL = "http://aquarium.test/json"


bodies = st.one_of(
    st.none(),
    st.text(max_size=40),
    json_values().map(lambda value: json.dumps(value, indent=2)),
    st.builds(
        lambda ids: json.dumps({"model": "Item", "method": "where", "arguments": {"id": ids}}),
        st.lists(st.integers(0, 9), max_size=4),
    ),
    st.just('{"token": "<AQ:token:3>"}'),
)


def fields(body: str | None, uri: str = URL + "?b=2&a=%3C1%3E") -> dict[str, Any]:
    return {
        "method": "post",
        "uri": uri,
        "body": body,
        "headers": {"Content-Type": ["application/json"], "Accept": ["*/*"]},
    }


def write(path: Path, count: int) -> None:
    """``count`` interactions (sample ids 1..count), as the plugin writes them."""
    recorded = [
        Request("POST", URL, json.dumps({"model": "Sample", "id": n}), {"Accept": ["*/*"]})
        for n in range(1, count + 1)
    ]
    responses: list[dict[str, Any]] = [
        {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/json"]},
            "body": {"string": json.dumps({"id": n, "name": f"s{n}"}).encode()},
        }
        for n in range(1, count + 1)
    ]
    AuditedPersister(Scrubber()).save_cassette(
        path, {"requests": recorded, "responses": responses}, serializer
    )


def described(request: Any) -> tuple[Any, ...]:
    return (
        request._to_dict(),
        request.method,
        request.uri,
        request.body,
        dict(request.headers),
        request.host,
        request.port,
        request.path,
        request.query,
        str(request),
    )


@given(bodies)
def test_a_loaded_request_is_keyed_without_building_as_the_built_request_is(
    body: str | None,
) -> None:
    loaded = LoadedRequest(fields(body))
    key = key_of(loaded)
    assert unbuilt_fields(loaded) is not None
    assert key == key_of(Request(**fields(body)))


@given(bodies)
def test_a_loaded_request_reads_exactly_as_a_vcrpy_request(body: str | None) -> None:
    loaded = LoadedRequest(fields(body))
    assert isinstance(loaded, Request)
    assert described(loaded) == described(Request(**fields(body)))
    assert unbuilt_fields(loaded) is None
    assert key_of(loaded) == key_of(Request(**fields(body)))


def test_what_is_set_before_the_request_is_built_is_kept() -> None:
    loaded = LoadedRequest(fields('{"id": 1}'))
    loaded.body = '{"id": 2}'
    assert loaded.headers["content-type"] == "application/json"
    assert loaded.body == b'{"id": 2}'
    other = LoadedRequest(fields(None))
    other.uri = "http://elsewhere.test/json"
    assert (other.host, other.body) == ("elsewhere.test", None)
    plain = Request(**fields(None))
    with pytest.raises(AttributeError):
        del LoadedRequest(fields(None)).missing
    with pytest.raises(AttributeError):
        del plain.missing
    with pytest.raises(AttributeError):
        _ = LoadedRequest(fields(None)).missing


def test_copies_and_pickles_of_an_unbuilt_request_build_the_same_request() -> None:
    loaded = LoadedRequest(fields('{"id": 1}'))
    clones = [copy.deepcopy(loaded), copy.copy(loaded), pickle.loads(pickle.dumps(loaded))]
    assert unbuilt_fields(loaded) is not None
    for clone in clones:
        assert described(clone) == described(Request(**fields('{"id": 1}')))
    assert unbuilt_fields(loaded) is not None


def test_threads_reading_an_unbuilt_request_at_once_all_see_it_built() -> None:
    loaded = LoadedRequest(fields('{"id": 1}'))
    barrier = threading.Barrier(8)
    seen: list[Any] = []

    def read() -> None:
        barrier.wait()
        seen.append((dict(loaded.headers), loaded.body, loaded.path))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [(dict(Request(**fields(None)).headers), b'{"id": 1}', "/json")] * 8


def test_a_sealed_cassette_loads_unbuilt_requests_that_replay_as_vcrpy_reads_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "c.yaml"
    write(path, 5)
    with vcr.use_cassette(str(path), record_mode="none") as stock:
        expected = [(described(q), r) for q, r in stock.data]
    with use_cassette(path) as cassette:
        assert all(unbuilt_fields(q) is not None for q, _ in cassette.data)
        assert requests.post(URL, json={"id": 4, "model": "Sample"}).json() == {
            "id": 4,
            "name": "s4",
        }
        assert requests.post(URL, json={"model": "Sample", "id": 2}).json()["name"] == "s2"
        assert [(described(q), r) for q, r in cassette.data] == expected


def test_an_unsealed_cassette_loads_plain_requests(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    write(path, 2)
    path.write_text(path.read_text().rpartition("aqfake_sealed:")[0])
    with use_cassette(path) as cassette:
        assert [type(q) for q, _ in cassette.data] == [Request, Request]
        assert requests.post(URL, json={"model": "Sample", "id": 2}).json()["name"] == "s2"


def test_a_sealed_cassette_written_again_after_loading_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    write(path, 3)
    before = path.read_text()
    persister = AuditedPersister(Scrubber())
    requests_, responses = persister.load_cassette(path, serializer)
    assert all(unbuilt_fields(q) is not None for q in requests_)
    persister.save_cassette(path, {"requests": requests_, "responses": responses}, serializer)
    assert path.read_text() == before


def test_a_sealed_request_vcrpy_would_refuse_fails_at_load_as_in_vcrpy(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    write(path, 1)
    text = path.read_text().rpartition("aqfake_sealed:")[0]
    path.write_text(seal(text.replace("    method: POST\n", "    method: POST\n    verb: x\n")))
    with pytest.raises(TypeError, match="verb"):
        AuditedPersister(Scrubber()).load_cassette(path, serializer)
