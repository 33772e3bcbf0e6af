"""Uploads under hostile file names: each is stored under a cleaned name, its download URL
serves exactly the bytes sent, and download paths with path tricks find nothing else."""

from __future__ import annotations

import re

import requests
from fuzz_harness import FuzzRun, Probe
from fuzz_profiles import Budget, fuzz_settings
from fuzz_requests import BOUNDARY, multipart, path_segments, upload_names
from hypothesis import given
from hypothesis import strategies as st

from aqfake.app import FakeAquarium
from aqfake.handlers.krill import stored_file_name

UPLOAD_BUDGET = Budget(ci=60, thorough=2_000)
DOWNLOAD_BUDGET = Budget(ci=60, thorough=2_000)
UNSAFE = re.compile(r"[/\\\x00-\x1f\x7f]")
#: quoting and line-break characters, which form parsers read by their own rules
QUOTING = re.compile('["\\\\%\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]')


def _upload(fake: FakeAquarium, name: str, data: bytes, route: str) -> Probe:
    field = "files[]" if route == "/json/upload" else "file"
    headers = {
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        "Cookie": f"{fake.cookie_name}={fake.user_token('neptune')}",
        "Host": "aquarium.test",
    }
    return Probe("POST", route, "", headers, multipart(field, name, data, {}))


def test_hostile_upload_names_are_cleaned_and_their_urls_serve_the_bytes() -> None:
    fake = FakeAquarium("demo")
    with FuzzRun(fake).watching() as run, fake.mock():

        @fuzz_settings(UPLOAD_BUDGET)
        @given(
            name=upload_names().filter(lambda n: n.strip() != ""),
            data=st.binary(max_size=200),
            route=st.sampled_from(["/json/upload", "/krill/upload"]),
        )
        def upload_then_download(name, data, route):
            probe = _upload(fake, name, data, route)
            try:
                (answer,) = [run.send(probe)]
                assert answer.status == 200, answer.body
                upload = answer.json()
                assert not UNSAFE.search(upload["upload_file_name"]), upload
                stored = upload["upload_file_name"]
                assert stored == stored_file_name(stored)
                if name == name.strip() and not QUOTING.search(name):  # no parser rules in play
                    assert stored == stored_file_name(name)
                url = upload.get("url") or f"{fake.base_url}/_aqfake/uploads/{upload['id']}/x"
                downloaded = requests.get(url, timeout=10)
                run.sent += 1
                assert downloaded.status_code == 200, (url, downloaded.text)
                assert downloaded.content == data
            finally:
                fake.restore(run.seed)

        upload_then_download()
    run.assert_sent_at_least(2 * UPLOAD_BUDGET.examples)


def test_download_paths_with_tricks_find_only_their_own_upload() -> None:
    fake = FakeAquarium("demo")
    with FuzzRun(fake).watching() as run:

        @fuzz_settings(DOWNLOAD_BUDGET)
        @given(
            upload_id=path_segments(),
            name=st.one_of(upload_names(), path_segments()),
            prefix=st.sampled_from(["", "../", "..%2F", "%2e%2e/", "/", "./"]),
        )
        def download(upload_id, name, prefix):
            path = f"/_aqfake/uploads/{prefix}{upload_id}/{name}"
            answer = run.send(Probe("GET", path, headers={"Host": "aquarium.test"}))
            assert answer.status in (404, 200)
            if answer.status == 200:  # only a real upload id, whose bytes the fake holds
                assert answer.body

        download()
    run.assert_sent_at_least(DOWNLOAD_BUDGET.examples)
