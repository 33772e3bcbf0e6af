"""The watch page ``/_aqfake/`` in a real browser: headless Chromium from the distribution
(``/usr/bin/chromium``, or ``AQFAKE_CHROMIUM``) driven by playwright. Each view is
screenshotted and checked: the expected size, not blank, and its key text in the DOM.

Skipped, with the reason, only where there is no browser (``make test`` installs Debian's
``chromium`` when it can).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from png_check import distinct_scanlines, png_size

from aqfake.app import FakeAquarium
from aqfake.transport import LiveServer

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="the Python package playwright is not installed"
)

CHROMIUM = os.environ.get("AQFAKE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1100, "height": 760}
REPO = Path(__file__).resolve().parents[2]
CASSETTES = sorted((REPO / "cassettes" / "test_demo_sessions").glob("*.yaml"))
LOGIN = {"session": {"login": "neptune", "password": "aquarium"}}

pytestmark = [
    pytest.mark.skipif(
        not os.access(CHROMIUM, os.X_OK),
        reason=f"no Chromium at {CHROMIUM}: install Debian's chromium (apt-get install -y "
        "chromium, which make test does when it can) or set AQFAKE_CHROMIUM",
    ),
    pytest.mark.xdist_group("chromium"),  # one browser at a time on a small CI machine
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def served() -> Iterator[tuple[FakeAquarium, str]]:
    fake = FakeAquarium("demo")
    with LiveServer(fake) as server:
        with requests.Session() as http:  # some traffic for the journal, a failure among it
            http.post(f"{server.url}/sessions.json", json=LOGIN, timeout=10)
            http.post(f"{server.url}/json", json={"model": "Sample", "method": "all"}, timeout=10)
            http.post(f"{server.url}/json", json={"model": "Nope"}, timeout=10)
        yield fake, server.url


def check_screenshot(page: Any, path: Path) -> None:
    """The view's screenshot: the viewport's size, and clearly not blank."""
    data = page.screenshot(path=str(path))
    assert png_size(data) == (VIEWPORT["width"], VIEWPORT["height"])
    assert distinct_scanlines(data) > 100, f"{path.name} looks blank"
    shots = os.environ.get("AQFAKE_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        Path(shots, path.name).write_bytes(data)


def test_tables_view_lists_every_table_with_its_count(page: Any, served: Any, tmp_path: Path):
    fake, url = served
    page.goto(f"{url}/_aqfake/")
    assert page.title() == "aqfake · tables"
    for table in ("samples", "items", "users", "wizards"):
        cell = page.locator(f'td[data-count-of="{table}"]')
        assert cell.inner_text() == str(fake.store.count(table))
    assert page.locator("#rows-table th").first.inner_text() == "id"
    check_screenshot(page, tmp_path / "tables.png")


def test_rows_are_paged_and_filtered(page: Any, served: Any, tmp_path: Path) -> None:
    fake, url = served
    page.goto(f"{url}/_aqfake/?view=tables&table=items")
    total = fake.store.count("items")
    assert f"{total} matching rows · page 1 of" in page.locator(".pager").inner_text()
    first_ids = page.locator("#rows-table tr td:first-child").all_inner_texts()
    page.click("#page-next")
    assert "page 2 of" in page.locator(".pager").inner_text()
    second_ids = page.locator("#rows-table tr td:first-child").all_inner_texts()
    assert first_ids and second_ids and set(first_ids).isdisjoint(second_ids)

    page.goto(f"{url}/_aqfake/?view=tables&table=samples")
    page.fill("#filter", "primer")
    page.press("#filter", "Enter")
    page.wait_for_url("**q=primer**")
    matching = [
        s for s in fake.store.rows("samples")
        if any("primer" in str(v).casefold() for k, v in s.items() if v is not None)
    ]  # fmt: skip
    assert f"{len(matching)} matching rows" in page.locator(".pager").inner_text()
    assert 0 < len(matching) < fake.store.count("samples")
    check_screenshot(page, tmp_path / "rows.png")


def test_users_are_shown_without_their_secrets(page: Any, served: Any, tmp_path: Path) -> None:
    fake, url = served
    page.goto(f"{url}/_aqfake/?view=tables&table=users&size=200")
    html = page.content()
    assert "neptune" in html
    for header in ("password_digest", "remember_token", "key"):
        assert header not in page.locator("#rows-table th").all_inner_texts()
    for user in fake.store.rows("users"):
        for column in ("password_digest", "remember_token"):
            if user[column]:
                assert user[column] not in html
    check_screenshot(page, tmp_path / "users.png")


def test_journal_view_updates_live(page: Any, served: Any, tmp_path: Path) -> None:
    fake, url = served
    page.goto(f"{url}/_aqfake/?view=journal")
    rows = page.locator("#journal-rows tr")
    assert rows.count() == len(fake.journal) == 3
    assert "POST" in rows.first.inner_text() and "/json" in rows.first.inner_text()
    assert "422" in rows.first.inner_text()
    mark = fake.journal.mark()
    requests.get(f"{url}/signin", timeout=10)  # a request after the page was rendered
    page.wait_for_selector(f'#journal-rows tr[data-seq="{mark}"]', timeout=10_000)
    assert "/signin" in page.locator(f'tr[data-seq="{mark}"]').inner_text()
    assert page.locator("#status").inner_text().startswith("live")
    assert "aquarium" not in page.content().replace("aquarium.test", "").replace("aqfake", "")
    check_screenshot(page, tmp_path / "journal.png")


def test_cassettes_view_lists_the_loaded_cassettes(page: Any, tmp_path: Path) -> None:
    fake = FakeAquarium.from_cassettes(CASSETTES)
    with LiveServer(fake) as server:
        page.goto(f"{server.url}/_aqfake/?view=cassettes")
        listed = page.locator("#cassette-list li").all_inner_texts()
        assert listed == [str(p) for p in CASSETTES]
        check_screenshot(page, tmp_path / "cassettes.png")
        page.goto(f"{server.url}/_aqfake/?view=cassettes")


def test_cassettes_view_of_a_lab_says_there_are_none(page: Any, served: Any) -> None:
    _, url = served
    page.goto(f"{url}/_aqfake/?view=cassettes")
    assert "none: this fake was seeded from a lab" in page.inner_text("#cassettes")
