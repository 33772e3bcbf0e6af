"""One test for each bug the fuzz suite found in the fake, on the smallest failing input."""

from __future__ import annotations

import json

import pytest
import requests

from aqfake.app import FakeAquarium
from aqfake.handlers.krill import stored_file_name
from aqfake.render import upload_url
from aqfake.wire import Request


@pytest.fixture
def fake() -> FakeAquarium:
    return FakeAquarium("demo")


def _cookie(fake: FakeAquarium) -> str:
    return f"{fake.cookie_name}={fake.user_token('neptune')}"


@pytest.mark.parametrize("text", ['"\\ud800"', '{"model": "\\udfff"}', '{"\\ud83e": 1}'])
def test_lone_surrogates_in_json_are_refused(fake: FakeAquarium, text: str) -> None:
    """Found: a lone surrogate passed the parser, reached the journal, and
    ``GET /_aqfake/journal`` then failed to encode its answer (UnicodeEncodeError)."""
    answer = fake.handle(
        Request("POST", "/json", headers={"Content-Type": "application/json",
                                          "Cookie": _cookie(fake)}, body=text.encode())
    )  # fmt: skip
    assert answer.status == 400
    assert "lone surrogate" in answer.json()["errors"]
    journal = fake.handle(Request("GET", "/_aqfake/journal"))
    assert journal.status == 200 and journal.json()["entries"][-1]["status"] == 400


def test_paired_surrogate_escapes_are_ordinary_text(fake: FakeAquarium) -> None:
    body = json.dumps({"model": "Sample", "method": "where", "arguments": {"name": "🧪"}})
    answer = fake.handle(
        Request("POST", "/json", headers={"Content-Type": "application/json",
                                          "Cookie": _cookie(fake)}, body=body.encode())
    )  # fmt: skip
    assert (answer.status, answer.json()) == (200, [])


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("a/b.txt", "a_b.txt"),
        ("../../etc/passwd", ".._.._etc_passwd"),
        ("C:/boot.ini", "C__boot.ini"),
        ("C:\\boot.ini", "C__boot.ini"),
        ("<0>", "_0_"),
        ("<>", "__"),
        ("tab\there", "tab_here"),
        ("名前 1.csv", "名前_1.csv"),
        ("plain-name_1.txt", "plain-name_1.txt"),
    ],
)
def test_upload_names_are_stored_cleaned_and_download(fake: FakeAquarium, sent: str,
                                                      stored: str) -> None:  # fmt: skip
    """Found: a name with ``/`` got a URL whose decoded path no route matched (404); a name
    in angle brackets lost them (``<0>`` became ``0``, ``<>`` no file at all: a 500), and a
    Windows path its backslashes, because the form was read with e-mail's rules, not Rack's."""
    assert stored_file_name(sent) == stored
    with fake.mock(), requests.Session() as http:
        http.cookies.set(fake.cookie_name, fake.user_token("neptune"))
        upload = http.post(
            f"{fake.base_url}/json/upload", files={"files[]": (sent, b"bytes")}
        ).json()
        assert upload["upload_file_name"] == stored
        assert requests.get(upload["url"]).content == b"bytes"


@pytest.mark.parametrize("name", [".", ".."])
def test_dot_upload_names_keep_a_downloadable_url(fake: FakeAquarium, name: str) -> None:
    """Found: ``..`` as a name gave ``.../uploads/3/..``, which URL clients fold away."""
    url = upload_url(fake.base_url, {"id": 3, "upload_file_name": name})
    assert url.endswith("/_aqfake/uploads/3/" + "%2E" * len(name))
    with fake.mock(), requests.Session() as http:
        http.cookies.set(fake.cookie_name, fake.user_token("neptune"))
        upload = http.post(f"{fake.base_url}/json/upload", files={"files[]": (name, b"x")}).json()
        assert requests.get(upload["url"]).content == b"x"
