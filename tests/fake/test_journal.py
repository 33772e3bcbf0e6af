"""The request journal."""

from __future__ import annotations

import json
import threading

from aqfake.journal import Journal


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
