"""One fake shared by many client threads, live and in-process: every write lands exactly once,
every read sees a consistent store, every answer is well-formed, and the store's indexes agree
with its rows afterwards.

The CI variant runs :data:`THREADS` threads of :data:`OPS` mixed requests each; set
``AQFAKE_HEAVY=1`` for the full 8 threads x 500 of issue 11.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from aqfake.app import FakeAquarium
from aqfake.transport import LiveServer

THREADS = 8
HEAVY = bool(os.environ.get("AQFAKE_HEAVY"))
OPS = 500 if HEAVY else 60
LOGIN = {"session": {"login": "neptune", "password": "aquarium"}}
MODEL = {"model": "DataAssociation", "record_methods": {}, "record_getters": {}}
TIMEOUT = 60  # a guard against a hung request only


def worker(base: str, thread: int, parent_id: int) -> list[str]:
    """``OPS`` requests: a write every third one, reads of what this thread wrote and of the
    whole table in between. Returns what went wrong (nothing, when all is well)."""
    problems: list[str] = []
    written: dict[str, int] = {}
    with requests.Session() as http:
        http.trust_env = False
        http.post(f"{base}/sessions.json", json=LOGIN, timeout=TIMEOUT).raise_for_status()
        for op in range(OPS):
            if op % 3 == 0:
                key = f"conc-{thread}-{op}"
                body = {"model": MODEL, "parent_id": parent_id, "parent_class": "Item",
                        "key": key, "object": json.dumps({key: op}), "upload_id": None}  # fmt: skip
                answer = http.post(f"{base}/json/save", json=body, timeout=TIMEOUT)
                data = answer.json()
                if answer.status_code != 200 or data.get("key") != key:
                    problems.append(f"save {key}: {answer.status_code} {data}")
                else:
                    written[key] = data["id"]
            elif op % 3 == 1 and written:
                key = next(reversed(written))
                query = {"model": "DataAssociation", "method": "where",
                         "arguments": {"key": key}}  # fmt: skip
                found = http.post(f"{base}/json", json=query, timeout=TIMEOUT).json()
                if [row.get("id") for row in found] != [written[key]]:
                    problems.append(f"where key={key}: {found}")
            else:
                query = {"model": "Item", "method": "find", "arguments": [parent_id]}
                answer = http.post(f"{base}/json", json=query, timeout=TIMEOUT)
                if answer.status_code != 200 or answer.json().get("id") != parent_id:
                    problems.append(f"find item: {answer.status_code} {answer.text[:200]}")
    return problems


def hammer(fake: FakeAquarium, base: str, run: Callable[[Callable[[int], list[str]]], Any]) -> None:
    parent_id = fake.store.rows("items")[0]["id"]
    before = fake.store.count("data_associations")
    results = run(lambda thread: worker(base, thread, parent_id))
    problems = [p for found in results for p in found]
    assert not problems, problems[:10]
    rows = [r for r in fake.store.rows("data_associations") if r["key"].startswith("conc-")]
    keys = sorted(r["key"] for r in rows)
    expected = sorted(f"conc-{t}-{op}" for t in range(THREADS) for op in range(0, OPS, 3))
    assert keys == expected, "every write landed exactly once"
    assert len({r["id"] for r in rows}) == len(rows)
    assert fake.store.count("data_associations") == before + len(expected)
    assert fake.store.integrity_problems() == []
    statuses = {e.status for e in fake.journal.entries}
    assert statuses == {200}, statuses


def in_threads(work: Callable[[int], list[str]]) -> list[list[str]]:
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(work, range(THREADS)))


@pytest.mark.xdist_group("concurrency")
def test_the_live_server_under_concurrent_clients() -> None:
    fake = FakeAquarium("demo", require_up_to_date=False)
    with LiveServer(fake) as live:
        hammer(fake, live.url, in_threads)


def test_the_in_process_fake_shared_between_threads() -> None:
    fake = FakeAquarium("demo", require_up_to_date=False)
    with fake.mock():
        hammer(fake, fake.base_url, in_threads)


def test_direct_store_writes_and_reads_from_many_threads() -> None:
    fake = FakeAquarium("empty")
    store = fake.store
    barrier = threading.Barrier(THREADS)

    def work(thread: int) -> list[str]:
        barrier.wait(TIMEOUT)
        problems = []
        for n in range(OPS):
            row = store.insert("parameters", key=f"k{thread}-{n}", value=str(n))
            if store.get("parameters", row["id"]) is None:
                problems.append(f"row {row['id']} vanished")
            store.lookup("parameters", key=f"k{thread}-{n}")
            if n % 5 == 0:
                store.update("parameters", row["id"], value="updated")
            if n % 7 == 0:
                store.delete("parameters", row["id"])
        return problems

    assert in_threads(work) == [[] for _ in range(THREADS)]
    kept = [r for r in store.rows("parameters") if r["key"].startswith("k")]
    assert len(kept) == THREADS * (OPS - len(range(0, OPS, 7)))
    assert store.integrity_problems() == []
