"""The request journal."""

from __future__ import annotations

import json
import threading

import pytest
import requests

from aqfake.app import FakeAquarium
from aqfake.journal import FILTERED, Journal


def record(journal: Journal, method: str = "GET", path: str = "/json", status: int = 200):
    return journal.record(method, path, {"q": "1"}, {"model": "Sample"}, status)


def test_entries_keep_order_fields_and_copies():
    journal = Journal()
    query = {"q": "1"}
    entry = journal.record("POST", "/json", query, {"model": "Item"}, 422)
    query["q"] = "changed"
    assert (entry.method, entry.path, entry.query, entry.body, entry.status, entry.seq) == (
        "POST", "/json", {"q": "1"}, {"model": "Item"}, 422, 0,
    )  # fmt: skip
    assert entry.time.tzinfo is not None
    record(journal, path="/second")
    assert [e.path for e in journal.entries] == ["/json", "/second"]
    journal.entries.clear()
    assert len(journal) == 2


def test_mark_and_since_survive_clear():
    journal = Journal()
    record(journal)
    mark = journal.mark()
    record(journal, path="/a")
    record(journal, path="/b")
    assert [e.path for e in journal.since(mark)] == ["/a", "/b"]
    journal.clear()
    assert len(journal) == 0
    after_clear = journal.mark()
    record(journal, path="/c")
    assert after_clear == 3
    assert [e.path for e in journal.since(mark)] == ["/c"]
    assert [e.seq for e in journal.entries] == [3]


def test_filter_by_method_and_path():
    journal = Journal()
    record(journal, "GET", "/json")
    record(journal, "POST", "/json")
    record(journal, "POST", "/json/save")
    assert [e.path for e in journal.filter(method="post")] == ["/json", "/json/save"]
    assert [e.method for e in journal.filter(path="/json")] == ["GET", "POST"]
    assert len(journal.filter(method="POST", path="/json")) == 1
    assert len(journal.filter()) == 3


def test_to_json_is_serialisable_and_honours_since():
    journal = Journal()
    record(journal, path="/a")
    record(journal, path="/b", status=404)
    dumped = journal.to_json(since=1)
    assert json.loads(json.dumps(dumped))[0]["path"] == "/b"
    assert dumped[0]["status"] == 404
    assert dumped[0]["seq"] == 1
    assert set(dumped[0]) == {"seq", "method", "path", "query", "body", "status", "time", "faults"}


def test_concurrent_records_get_unique_sequence_numbers():
    journal = Journal()

    def work():
        for _ in range(200):
            record(journal)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seqs = [e.seq for e in journal.entries]
    assert sorted(seqs) == list(range(1600))


def test_the_journal_keeps_at_most_max_entries_oldest_dropped_first():
    journal = Journal(max_entries=3)
    for number in range(5):
        record(journal, path=f"/{number}")
    assert [e.path for e in journal.entries] == ["/2", "/3", "/4"]
    assert [e.seq for e in journal.entries] == [2, 3, 4]
    assert journal.dropped == 2
    assert [e.path for e in journal.since(1)] == ["/2", "/3", "/4"]


def test_the_journal_keeps_about_max_bytes_of_bodies():
    journal = Journal(max_bytes=10_000, max_body_bytes=4_000)
    for number in range(6):
        journal.record("POST", f"/{number}", {}, {"n": number}, 200, size=3_000)
    assert journal.bytes <= 10_000
    assert [e.path for e in journal.entries] == ["/3", "/4", "/5"]
    big = journal.record("POST", "/big", {}, {"data": "x" * 10}, 200, size=50_000)
    assert big.body == "[body of 50000 bytes not kept: over the journal's max_body_bytes of 4000]"
    assert big.size == 50_000
    assert journal.bytes <= 10_000


def test_a_fake_journals_within_its_configured_bounds():
    fake = FakeAquarium("empty", journal_entries=2, journal_bytes=1_000_000)
    with fake.mock():
        for _ in range(4):
            requests.get(f"{fake.base_url}/signin", timeout=30)
        requests.post(f"{fake.base_url}/json", data=b"[" + b"1," * 600_000 + b"1]",
                      headers={"Content-Type": "application/json"}, allow_redirects=False,
                      timeout=30)  # fmt: skip
    assert [e.path for e in fake.journal.entries] == ["/signin", "/json"]
    assert "not kept" in fake.journal.entries[-1].body


def test_credentials_of_every_name_are_filtered():
    journal = Journal()
    entry = journal.record(
        "POST", "/x", {"api_key": "k"}, {"token": "t", "nested": [{"client_secret": "s"}]}, 200
    )
    assert entry.query == {"api_key": FILTERED}
    assert entry.body == {"token": FILTERED, "nested": [{"client_secret": FILTERED}]}


def test_bounds_must_be_positive():
    with pytest.raises(ValueError, match="max_entries and max_bytes must be positive"):
        Journal(max_entries=0)
