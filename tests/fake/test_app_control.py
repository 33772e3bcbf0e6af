"""The ``/_aqfake/`` test-control endpoints (no auth, not journaled)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from tiny_lab import tiny_fake

from aqfake.app import FakeAquarium

URL = "http://aquarium.test"


@pytest.fixture
def fake() -> FakeAquarium:
    return tiny_fake()


@pytest.fixture
def http(fake: FakeAquarium) -> Iterator[requests.Session]:
    with fake.mock(), requests.Session() as session:
        yield session


def test_health_needs_no_login(http):
    body = http.get(f"{URL}/_aqfake/health").json()
    assert body["status"] == "ok"
    assert body["cookie"] == "remember_token_YourLab_production"


def test_control_requests_are_not_journaled(http, fake):
    http.get(f"{URL}/signin")
    http.get(f"{URL}/_aqfake/health")
    http.post(f"{URL}/_aqfake/snapshot")
    assert [e.path for e in fake.journal.entries] == ["/signin"]


def test_journal_dump_since_and_clear(http):
    http.post(f"{URL}/sessions.json", json={"session": {"login": "neptune", "password": "x"}})
    http.get(f"{URL}/signin")
    dump = http.get(f"{URL}/_aqfake/journal").json()
    assert dump["next"] == 2
    assert [(e["method"], e["path"], e["status"]) for e in dump["entries"]] == [
        ("POST", "/sessions.json", 422),
        ("GET", "/signin", 200),
    ]
    assert dump["entries"][0]["body"] == {"session": {"login": "neptune", "password": "[FILTERED]"}}
    later = http.get(f"{URL}/_aqfake/journal", params={"since": 1}).json()
    assert [e["path"] for e in later["entries"]] == ["/signin"]
    assert http.delete(f"{URL}/_aqfake/journal").json() == {"status": "cleared"}
    assert http.get(f"{URL}/_aqfake/journal").json() == {"next": 2, "entries": []}


def test_journal_since_must_be_an_integer(http):
    response = http.get(f"{URL}/_aqfake/journal", params={"since": "yesterday"})
    assert response.status_code == 400
    assert "since must be an integer" in response.json()["errors"]


def test_reset_snapshot_and_restore(http, fake):
    fake.store.insert("users", login="before-snapshot")
    snapshot = http.post(f"{URL}/_aqfake/snapshot").json()["snapshot"]
    fake.store.insert("users", login="after-snapshot")
    restored = http.post(f"{URL}/_aqfake/restore/{snapshot}")
    assert restored.json() == {"status": "restored", "snapshot": snapshot}
    assert [u["login"] for u in fake.store.rows("users")][-1] == "before-snapshot"
    assert http.post(f"{URL}/_aqfake/reset").json() == {"status": "reset"}
    assert fake.store.count("users") == 3
    # A snapshot survives a reset.
    http.post(f"{URL}/_aqfake/restore/{snapshot}")
    assert fake.store.count("users") == 4


def test_restore_of_unknown_snapshot_is_404_naming_it(http):
    response = http.post(f"{URL}/_aqfake/restore/42")
    assert response.status_code == 404
    assert "no snapshot '42'" in response.json()["errors"]
