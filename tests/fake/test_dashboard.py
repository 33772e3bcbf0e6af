"""The watch page's views and JSON routes, in-process (the browser tests are in
tests/browser): what they show, how they page and filter, and that no secret gets through."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from aqfake.app import FakeAquarium
from aqfake.ui import views
from aqfake.wire import Request, Response

REPO = Path(__file__).resolve().parents[2]
CASSETTES = sorted((REPO / "cassettes" / "test_demo_sessions").glob("*.yaml"))


@pytest.fixture(scope="module")
def fake() -> FakeAquarium:
    return FakeAquarium("demo")


def get(fake: FakeAquarium, path: str, query: str = "") -> Response:
    return fake.handle(Request("GET", path, query, {"Host": "watch.test"}))


def test_table_counts_match_the_store(fake: FakeAquarium) -> None:
    counts = get(fake, "/_aqfake/watch/tables").json()["tables"]
    assert counts == [{"table": t, "rows": fake.store.count(t)} for t in fake.store]


def test_rows_are_paged_in_id_order(fake: FakeAquarium) -> None:
    first = get(fake, "/_aqfake/watch/tables/items", "size=10").json()
    second = get(fake, "/_aqfake/watch/tables/items", "size=10&page=2").json()
    ids = [r["id"] for r in fake.store.rows("items")]
    assert [r[0] for r in first["rows"]] == ids[:10]
    assert [r[0] for r in second["rows"]] == ids[10:20]
    assert first["total"] == len(ids) and first["pages"] == -(-len(ids) // 10)
    past = get(fake, "/_aqfake/watch/tables/items", "size=10&page=999").json()
    assert past["rows"] == [] and past["page"] == 999


def test_the_filter_matches_text_in_any_column(fake: FakeAquarium) -> None:
    found = get(fake, "/_aqfake/watch/tables/samples", "q=GFP&size=200").json()
    expected = [
        s["id"] for s in fake.store.rows("samples")
        if any("gfp" in str(v).casefold() for v in s.values() if v is not None)
    ]  # fmt: skip
    assert [r[0] for r in found["rows"]] == expected and 0 < len(expected) < fake.store.count(
        "samples"
    )
    assert found["query"] == "GFP"


def test_page_size_is_capped(fake: FakeAquarium) -> None:
    found = get(fake, "/_aqfake/watch/tables/field_values", "size=100000").json()
    assert found["size"] == views.MAX_PAGE_SIZE == len(found["rows"])


@pytest.mark.parametrize(
    ("path", "query", "status"),
    [
        ("/_aqfake/watch/tables/nope", "", 404),
        ("/_aqfake/watch/tables/items", "page=0", 400),
        ("/_aqfake/watch/tables/items", "size=-1", 400),
        ("/_aqfake/watch/tables/items", "page=1e3", 400),
        ("/_aqfake/watch/journal", "since=-1", 400),
        ("/_aqfake/static/nope.js", "", 404),
        ("/_aqfake/", "view=nope", 404),
    ],
)
def test_bad_view_requests_say_what_is_wrong(
    fake: FakeAquarium, path: str, query: str, status: int
) -> None:
    answer = get(fake, path, query)
    assert answer.status == status
    if answer.header("Content-Type", ).startswith("application/json"):  # fmt: skip
        assert answer.json()["errors"]


def test_no_secret_reaches_any_view(fake: FakeAquarium) -> None:
    secrets = [
        u[c] for u in fake.store.rows("users")
        for c in ("password_digest", "remember_token", "key") if u[c]
    ]  # fmt: skip
    assert secrets
    shown = b"".join(
        get(fake, path, query).body
        for path, query in [
            ("/_aqfake/", "view=tables&table=users&size=200"),
            ("/_aqfake/watch/tables/users", "size=200"),
            ("/_aqfake/", "view=journal"),
        ]
    )
    assert b"password_digest" not in shown and b"remember_token" not in shown
    assert not [s for s in secrets if s.encode() in shown]


def test_the_journal_view_shows_no_body_query_or_cookie() -> None:
    fake = FakeAquarium("demo")
    token = fake.user_token("neptune")
    login = json.dumps({"session": {"login": "neptune", "password": "aquarium"}}).encode()
    fake.handle(Request("POST", "/sessions.json", "remember=me-secret", body=login,
                        headers={"Content-Type": "application/json",
                                 "Cookie": f"remember_token={token}"}))  # fmt: skip
    entries = get(fake, "/_aqfake/watch/journal").json()["entries"]
    assert entries == [
        {
            "seq": 0,
            "method": "POST",
            "path": "/sessions.json",
            "status": 200,
            "time": entries[0]["time"],
            "faults": [],
        }
    ]
    page = get(fake, "/_aqfake/", "view=journal").body
    assert b"/sessions.json" in page
    for secret in (b'aquarium"', b"me-secret", token.encode()):
        assert secret not in page


def test_watching_is_not_journaled() -> None:
    fake = FakeAquarium("empty")
    for path in ("/_aqfake/", "/_aqfake/watch/tables", "/_aqfake/static/dashboard.js"):
        assert get(fake, path).status == 200
    assert len(fake.journal) == 0


def test_page_values_are_escaped() -> None:
    fake = FakeAquarium("demo")
    fake.store.insert("wizards", name="<script>alert(1)</script>")
    html = get(fake, "/_aqfake/", "view=tables&table=wizards").body.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_static_files_are_served_with_their_types(fake: FakeAquarium) -> None:
    script = get(fake, "/_aqfake/static/dashboard.js")
    style = get(fake, "/_aqfake/static/dashboard.css")
    assert script.header("Content-Type") == "text/javascript; charset=utf-8"
    assert b"/_aqfake/watch/journal" in script.body
    assert style.header("Content-Type") == "text/css; charset=utf-8"


def test_serve_from_cassettes_lists_them_on_the_page() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "aqfake", "serve", *[f"--cassette={c}" for c in CASSETTES]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        listed = requests.get(f"{url}/_aqfake/watch/cassettes", timeout=10).json()
        assert listed == {"cassettes": [str(c) for c in CASSETTES]}
        page = requests.get(f"{url}/_aqfake/?view=cassettes", timeout=10).text
        assert all(c.name in page for c in CASSETTES)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_serve_refuses_a_cassette_that_is_not_one(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("interactions: [unclosed\n")
    proc = subprocess.run(
        [sys.executable, "-m", "aqfake", "serve", "--cassette", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "is not a cassette" in proc.stderr
