"""Hostile and malformed requests: the fake answers them as Aquarium would, never with a 500,
a dropped connection or an exception reaching the caller."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import pytest
import requests
from tiny_lab import NEPTUNE_TOKEN, tiny_fake

from aqfake.app import FakeAquarium
from aqfake.conditions import MAX_NESTING, QueryError, parse_sql
from aqfake.journal import FILTERED, Journal
from aqfake.transport import MAX_BODY_BYTES, LiveServer
from aqfake.wire import MAX_JSON_NESTING, BadRequest, Request

COOKIE = f"remember_token={NEPTUNE_TOKEN}"
JSON_HEADERS = {"Content-Type": "application/json", "Cookie": COOKIE}


@pytest.fixture
def fake() -> FakeAquarium:
    return tiny_fake()


@pytest.fixture
def live(fake: FakeAquarium) -> Iterator[LiveServer]:
    with fake.live() as server:
        yield server


def post_raw(fake: FakeAquarium, path: str, body: bytes | str) -> tuple[int, Any]:
    """POST ``body`` as it is (not re-encoded) straight to ``fake.handle``."""
    raw = body.encode() if isinstance(body, str) else body
    response = fake.handle(Request("POST", path, headers=JSON_HEADERS, body=raw))
    assert response.header("Content-Type") == "application/json; charset=utf-8", response.body
    return response.status, response.json()


def where_body(arguments: Any, **options: Any) -> str:
    return json.dumps({"model": "Sample", "method": "where", "arguments": arguments, **options})


# -- 1. every /json failure is a 422 --------------------------------------------------------------

DEEP_PARENS = "(" * 200 + "id = 1" + ")" * 200
HOSTILE_QUERIES = {
    "infinite limit": '{"model": "Sample", "method": "where", "options": {"limit": 1e400}}',
    "infinite offset": '{"model": "Sample", "method": "where", "options": {"offset": -1e400}}',
    "infinite id in a list": '{"model": "Sample", "id": [1e400]}',
    "infinite id": '{"model": "Sample", "id": 1e400}',
    "huge id": '{"model": "Sample", "id": 1e30}',
    "huge ids": '{"model": "Sample", "id": [1, 99999999999999]}',
    "infinite hash condition": '{"model": "Sample", "method": "where", "arguments": {"id": 1e400}}',
    "huge integer literal": '{"model": "Sample", "id": ' + "9" * 5000 + "}",
    "deep parentheses": where_body(DEEP_PARENS),
    "long NOT chain": where_body("NOT " * 5000 + "id = 1"),
}


@pytest.mark.parametrize("body", HOSTILE_QUERIES.values(), ids=HOSTILE_QUERIES.keys())
def test_hostile_json_queries_answer_422_with_a_message(fake: FakeAquarium, body: str) -> None:
    status, data = post_raw(fake, "/json", body)
    assert status == 422, data
    assert isinstance(data["errors"], str) and data["errors"]
    assert "Traceback" not in data["errors"]


def test_out_of_range_ids_are_not_found_as_rails_words_it(fake: FakeAquarium) -> None:
    for body in ('{"model": "Sample", "id": [1e400]}', '{"model": "Sample", "id": [1, 1e30]}'):
        assert post_raw(fake, "/json", body)[1] == {
            "errors": "Couldn't find Sample with an out of range ID"
        }


def test_infinite_limit_fails_as_ruby_to_i_does(fake: FakeAquarium) -> None:
    body = '{"model": "Sample", "method": "where", "options": {"limit": 1e400}}'
    assert post_raw(fake, "/json", body)[1] == {"errors": "Infinity"}
    body = '{"model": "Sample", "method": "where", "options": {"offset": -1e400}}'
    assert post_raw(fake, "/json", body)[1] == {"errors": "-Infinity"}


def test_huge_finite_limits(fake: FakeAquarium) -> None:
    body = '{"model": "User", "method": "where", "arguments": {}, "options": {"limit": %s}}'
    status, data = post_raw(fake, "/json", body % "1e18")
    assert status == 200
    assert [u["login"] for u in data] == ["neptune", "rookie", "ghost"]
    # past an unsigned 64-bit number MySQL's grammar no longer reads LIMIT's argument
    status, data = post_raw(fake, "/json", body % "1e300")
    assert status == 422
    assert data["errors"].startswith("Mysql2::Error: You have an error in your SQL syntax")


def test_nesting_is_bounded_with_a_mysql_error(fake: FakeAquarium) -> None:
    message = post_raw(fake, "/json", where_body(DEEP_PARENS))[1]["errors"]
    assert message.startswith("Mysql2::Error: ")
    assert "too deeply nested" in message
    with pytest.raises(QueryError, match="too deeply nested"):
        parse_sql("samples", "NOT " * (MAX_NESTING + 1) + "id = 1")


def test_nesting_up_to_the_bound_still_works(fake: FakeAquarium) -> None:
    depth = 120
    assert depth <= MAX_NESTING
    parens = "(" * depth + "login = 'rookie'" + ")" * depth
    status, data = post_raw(
        fake, "/json", json.dumps({"model": "User", "method": "where", "arguments": parens})
    )
    assert status == 200 and [u["login"] for u in data] == ["rookie"]
    nots = "NOT " * 120 + "login = 'rookie'"
    status, data = post_raw(
        fake, "/json", json.dumps({"model": "User", "method": "where", "arguments": nots})
    )
    assert status == 200 and [u["login"] for u in data] == ["rookie"]
    parse_sql("samples", "NOT (" * (MAX_NESTING // 2) + "id = 1" + ")" * (MAX_NESTING // 2))


def test_unexpected_failures_inside_json_are_422_not_500(
    fake: FakeAquarium, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aqfake.handlers.json as json_handlers

    def explode(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(json_handlers, "run_query", explode)
    status, data = post_raw(fake, "/json", '{"model": "Sample", "method": "all"}')
    assert status == 422
    assert "division by zero" in data["errors"]


def test_hostile_json_queries_over_both_transports(fake: FakeAquarium, live: LiveServer) -> None:
    transports: list[tuple[str, AbstractContextManager[object]]] = [
        (fake.base_url, fake.mock()),
        (live.url, nullcontext()),
    ]
    for base, transport in transports:
        with transport:
            for body in (HOSTILE_QUERIES["infinite limit"], HOSTILE_QUERIES["deep parentheses"]):
                response = requests.post(
                    base + "/json", data=body, headers=JSON_HEADERS, timeout=10
                )
                assert response.status_code == 422, (base, response.text)
                assert isinstance(response.json()["errors"], str)


# -- 2. and 3. bodies Rails' JSON parser refuses ---------------------------------------------------

REFUSED_BODIES = {
    "NaN": '{"model": "Sample", "id": NaN}',
    "Infinity": '{"model": "Sample", "id": Infinity}',
    "-Infinity": '{"model": "Sample", "id": -Infinity}',
    "deeply nested arrays": "[" * 100_000 + "]" * 100_000,
    "nesting just past the limit": "[" * (MAX_JSON_NESTING + 1) + "]" * (MAX_JSON_NESTING + 1),
}


@pytest.mark.parametrize("body", REFUSED_BODIES.values(), ids=REFUSED_BODIES.keys())
def test_bodies_rails_refuses_are_400(fake: FakeAquarium, body: str) -> None:
    status, data = post_raw(fake, "/json", body)
    assert status == 400
    assert data["errors"].startswith("There was a problem in the JSON you submitted")


def test_raw_json_names_what_is_wrong() -> None:
    with pytest.raises(BadRequest, match="NaN"):
        Request("POST", "/json", body=b'{"id": NaN}').raw_json()
    with pytest.raises(BadRequest, match="nesting of 101 is too deep"):
        Request("POST", "/x", body=b"[" * 101 + b"]" * 101).raw_json()
    limit = MAX_JSON_NESTING
    assert Request("POST", "/x", body=b"[" * limit + b"]" * limit).raw_json() is not None


def test_nesting_counts_objects_and_arrays_but_not_brackets_inside_strings() -> None:
    deep = b'{"a":' * 60 + b"[" * 41 + b"]" * 41 + b"}" * 60
    with pytest.raises(BadRequest, match="nesting of 101 is too deep"):
        Request("POST", "/x", body=deep).raw_json()
    shallow = json.dumps({"name": "[{" * 200}).encode()
    assert Request("POST", "/x", body=shallow).raw_json() == {"name": "[{" * 200}


def test_headers_are_read_case_insensitively_first_of_repeats_winning() -> None:
    request = Request("GET", "/", headers={"Content-Type": "a/b", "content-type": "c/d"})
    assert request.header("CONTENT-TYPE") == "a/b"
    assert request.header("Host", "none") == "none"
    assert request.header("host") == ""


def test_refused_bodies_over_the_in_process_transport(fake: FakeAquarium) -> None:
    with fake.mock():
        for body in (REFUSED_BODIES["NaN"], REFUSED_BODIES["deeply nested arrays"]):
            response = requests.post(
                fake.base_url + "/json", data=body, headers=JSON_HEADERS, timeout=10
            )
            assert response.status_code == 400
            assert "errors" in response.json()


def test_refused_bodies_over_the_live_transport(live: LiveServer) -> None:
    with requests.Session() as http:
        for body in (REFUSED_BODIES["NaN"], REFUSED_BODIES["deeply nested arrays"]):
            response = http.post(live.url + "/json", data=body, headers=JSON_HEADERS, timeout=10)
            assert response.status_code == 400
            assert "errors" in response.json()
        # the server is still there afterwards
        assert http.get(live.url + "/signin", timeout=10).status_code == 200


def raw_exchange(live: LiveServer, head: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``head`` (request line and headers, no body) and read one response."""
    host, port = live.url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head)
        stream = sock.makefile("rb")
        status_line = stream.readline()
        assert status_line, "the server dropped the connection without answering"
        headers: dict[str, str] = {}
        while (line := stream.readline()) not in (b"\r\n", b""):
            name, value = line.decode("latin-1").split(":", 1)
            headers[name.strip().lower()] = value.strip()
        body = stream.read(int(headers.get("content-length", 0)))
    return int(status_line.split()[1]), headers, body


def test_live_server_refuses_an_oversized_body_without_reading_it(live: LiveServer) -> None:
    head = (
        b"POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100000000000\r\n\r\n"
    )
    status, headers, body = raw_exchange(live, head)
    assert status == 413
    assert headers["connection"] == "close"
    assert str(MAX_BODY_BYTES) in json.loads(body)["errors"]


@pytest.mark.parametrize("length", [b"abc", b"-5", b"1e3"])
def test_live_server_answers_a_bad_content_length_with_400(live: LiveServer, length: bytes) -> None:
    head = b"POST /json HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + b"\r\n\r\n"
    status, _, body = raw_exchange(live, head)
    assert status == 400
    assert "Content-Length" in json.loads(body)["errors"]


def test_live_server_answers_a_bad_chunk_size_with_400(live: LiveServer) -> None:
    head = (
        b"POST /json HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n"
    )
    status, _, body = raw_exchange(live, head)
    assert status == 400
    assert "chunk" in json.loads(body)["errors"]


def test_live_server_bounds_chunked_bodies(live: LiveServer) -> None:
    size = format(MAX_BODY_BYTES + 1, "x").encode()
    head = b"POST /json HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + size + b"\r\n"
    status, _, _ = raw_exchange(live, head)
    assert status == 413


def test_in_process_transport_bounds_the_body_too(fake: FakeAquarium) -> None:
    with fake.mock():
        response = requests.post(
            fake.base_url + "/json", data=b" " * (MAX_BODY_BYTES + 1), headers=JSON_HEADERS
        )
    assert response.status_code == 413
    assert "errors" in response.json()


# -- 4. the journal keeps no passwords -------------------------------------------------------------


def test_journal_filters_password_parameters_at_any_depth() -> None:
    journal = Journal()
    body = {
        "session": {"login": "neptune", "password": "aquarium"},
        "user": [{"Password_Confirmation": "x", "name": "n"}],
        "password": None,
        "note": "password",
    }
    entry = journal.record("POST", "/x", {"session[password]": "q", "page": "1"}, body, 200)
    assert entry.body == {
        "session": {"login": "neptune", "password": FILTERED},
        "user": [{"Password_Confirmation": FILTERED, "name": "n"}],
        "password": FILTERED,
        "note": "password",
    }
    assert entry.query == {"session[password]": FILTERED, "page": "1"}
    assert body["session"]["password"] == "aquarium"  # the caller's data is left alone


def test_login_passwords_never_reach_the_journal_endpoint(fake: FakeAquarium) -> None:
    login = {"session": {"login": "neptune", "password": "aquarium"}}
    with fake.mock(), requests.Session() as http:
        assert http.post(fake.base_url + "/sessions.json", json=login).status_code == 200
        published = http.get(fake.base_url + "/_aqfake/journal").text
    assert "aquarium" not in published.replace("aquarium.test", "")
    assert FILTERED in published


def test_wsgi_entry_point_answers_a_bad_content_length_with_400(fake: FakeAquarium) -> None:
    seen: list[str] = []
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/json",
        "SERVER_NAME": "aquarium.test",
        "SERVER_PORT": "80",
        "CONTENT_LENGTH": "abc",
        "wsgi.input": io.BytesIO(b"{}"),
    }
    body = b"".join(fake(environ, lambda status, headers: seen.append(status)))
    assert seen == ["400 Bad Request"]
    assert "Content-Length" in json.loads(body)["errors"]


def test_live_server_answers_500_when_the_fake_itself_fails(
    fake: FakeAquarium, live: LiveServer, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    def broken(request: Request, base_url: str | None = None) -> Any:
        raise RuntimeError("fault inside the fake")

    monkeypatch.setattr(fake, "handle", broken)
    with requests.Session() as http:
        first = http.get(live.url + "/json/current.json", timeout=10)
        second = http.get(live.url + "/json/current.json", timeout=10)
    assert [first.status_code, second.status_code] == [500, 500]
    assert first.json() == {"status": "500", "error": "Internal Server Error"}
    assert "fault inside the fake" in caplog.text


SIBLING_ANSWERS = {
    "save an infinite id": ("/json/save", '{"model": {"model": "Sample"}, "id": 1e400}', 404),
    "save a huge id": ("/json/save", '{"model": {"model": "Sample"}, "id": 1e30}', 404),
    "save infinity in an int column": (
        "/json/save",
        '{"model": {"model": "Sample"}, "name": "x", "sample_type_id": 1e400}',
        500,
    ),
    "delete an infinite id": ("/json/delete", '{"model": {"model": "Sample"}, "id": -1e400}', 404),
    "items of infinite ids": ("/json/items", '{"sid": 1e400, "oid": 1e400}', 422),
}


@pytest.mark.parametrize(
    ("path", "body", "status"), SIBLING_ANSWERS.values(), ids=SIBLING_ANSWERS.keys()
)
def test_json_siblings_answer_infinite_ids_as_rails_does(
    fake: FakeAquarium, caplog: Any, path: str, body: str, status: int
) -> None:
    """Out-of-range ids are not found (404 where ``find`` escapes); an infinite value written
    into an integer column is Rails' RangeError, a 500 -- none of them a fault in the fake."""
    response = fake.handle(Request("POST", path, headers=JSON_HEADERS, body=body.encode()))
    assert response.status == status
    assert "Traceback" not in caplog.text


def test_infinite_ids_in_other_handlers_never_crash():
    from aqfake.casting import record_id, ruby_float_to_s
    from aqfake.store import Store

    assert record_id(float("inf")) is None
    assert Store().get("samples", float("inf")) is None
    assert ruby_float_to_s(float("-inf")) == "-Infinity"
    fake = FakeAquarium("demo")
    with fake.mock():
        session = requests.Session()
        session.post(
            fake.base_url + "/sessions.json",
            json={"session": {"login": "neptune", "password": "aquarium"}},
        )
        answer = session.post(
            fake.base_url + "/browser/create_samples",
            data='{"samples": [{"name": "x", "project": "p", "sample_type_id": 1e400}]}',
            headers={"Content-Type": "application/json"},
        )
    assert answer.status_code < 500, answer.text
