"""``aqfake serve --data FILE``: the store survives a restart, a corrupt file is refused and
left alone, and the file never holds a secret."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from aqfake.app import FakeAquarium
from aqfake.invariants import store_problems
from aqfake.persistence import DataFile, DataFileError, attach
from aqfake.wire import Request

LIMIT_SECONDS = 60  # a guard against a hung child only
DEMO = {"name": "demo", "seed": 0}
LOGIN = {"session": {"login": "neptune", "password": "aquarium"}}


# -- in-process ---------------------------------------------------------------------------------


def _sample_count(fake: FakeAquarium) -> int:
    return fake.store.count("samples")


def test_a_saved_store_loads_back_exactly(tmp_path: Path) -> None:
    fake = FakeAquarium("demo")
    fake.store.insert("samples", name="persisted", sample_type_id=1, project="p", user_id=1)
    path = tmp_path / "lab.json"
    rows = DataFile(path, DEMO).save(fake)
    assert rows == sum(fake.store.count(t) for t in fake.store)

    fresh = FakeAquarium("demo")
    loaded = DataFile(path, DEMO).load_into(fresh)
    assert loaded is not None and loaded.rows == rows
    assert fresh.snapshot() == fake.snapshot()
    assert fresh.store.first("samples", name="persisted") is not None
    assert store_problems(fresh.store) == []
    # ids keep counting where they stopped
    assert fresh.store.insert("samples", name="next")["id"] == fake.store.count("samples") + 1


def test_the_file_never_holds_a_secret_and_users_still_sign_in(tmp_path: Path) -> None:
    fake = FakeAquarium("demo")
    path = tmp_path / "lab.json"
    DataFile(path, DEMO).save(fake)
    text = path.read_text()
    for user in fake.store.rows("users"):
        for column in ("password_digest", "remember_token", "key"):
            if user[column]:
                assert user[column] not in text
    assert '"password_digest"' not in text and '"remember_token"' not in text
    fresh = FakeAquarium("demo")
    DataFile(path, DEMO).load_into(fresh)
    assert fresh.user_token("neptune") == fake.user_token("neptune")
    answer = fresh.handle(Request("POST", "/sessions.json", body=json.dumps(LOGIN).encode(),
                                  headers={"Content-Type": "application/json"}))  # fmt: skip
    assert answer.json() == {"message": "Log in successful"}


def test_a_missing_file_loads_nothing(tmp_path: Path) -> None:
    fake = FakeAquarium("demo")
    before = fake.snapshot()
    assert DataFile(tmp_path / "absent.json", DEMO).load_into(fake) is None
    assert fake.snapshot() == before


def _document(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    path = tmp_path / "lab.json"
    DataFile(path, DEMO).save(FakeAquarium("demo"))
    return path, json.loads(path.read_text())


def _corrupt_samples_row(doc: dict[str, Any], column: str, value: Any) -> None:
    table = doc["tables"]["samples"]
    table["rows"][0][table["columns"].index(column)] = value


CORRUPTIONS = {
    "not JSON": (lambda doc: None, "cannot be read as JSON"),
    "another format": (lambda doc: doc.update(format="x"), "not an aqfake data file"),
    "another version": (lambda doc: doc.update(version=99), "version 99"),
    "unknown table": (lambda doc: doc["tables"].update(nope={}), "unknown table(s) nope"),
    "unknown column": (
        lambda doc: doc["tables"]["samples"]["columns"].__setitem__(1, "nmae"),
        "do not fit its schema",
    ),
    "a wrong type": (lambda doc: _corrupt_samples_row(doc, "name", 5), "samples.name holds 5"),
    "a bad time": (
        lambda doc: _corrupt_samples_row(doc, "created_at", "yesterday"),
        "Incorrect datetime value",
    ),
    "a short row": (lambda doc: doc["tables"]["samples"]["rows"][0].pop(), "row 0: not"),
    "a dangling foreign key": (
        lambda doc: _corrupt_samples_row(doc, "sample_type_id", 9999),
        "break the store's invariants",
    ),
    "a duplicate id": (
        lambda doc: doc["tables"]["wizards"]["rows"].append(doc["tables"]["wizards"]["rows"][0]),
        "is not unique",
    ),
    "another lab": (lambda doc: doc.update(lab={"name": "empty", "seed": 0}), "saved from the lab"),
    "bad upload bytes": (lambda doc: doc.update(uploads={"1": "***"}), "upload '1'"),
}


@pytest.mark.parametrize(("corrupt", "message"), CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
def test_a_corrupt_file_is_refused_with_its_reason_and_left_alone(
    tmp_path: Path, corrupt: Any, message: str
) -> None:
    path, doc = _document(tmp_path)
    corrupt(doc)
    raw = json.dumps(doc).encode() if doc != {} else b""
    if corrupt is CORRUPTIONS["not JSON"][0]:
        raw = path.read_bytes()[: len(path.read_bytes()) // 2]  # a file cut short
    path.write_bytes(raw)
    fake = FakeAquarium("demo")
    before = fake.snapshot()
    with pytest.raises(DataFileError, match=str(path)) as failure:
        DataFile(path, DEMO).load_into(fake)
    assert message in str(failure.value)
    assert path.read_bytes() == raw
    assert fake.snapshot() == before


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = _document(tmp_path)
    old = path.read_bytes()

    def refuse(*args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(DataFileError, match="No space left on device"):
        DataFile(path, DEMO).save(FakeAquarium("empty"))
    assert path.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["lab.json"]


def test_save_endpoint_without_a_data_file_is_409() -> None:
    answer = FakeAquarium("empty").handle(Request("POST", "/_aqfake/save"))
    assert answer.status == 409
    assert "--data FILE" in answer.json()["errors"]


def test_save_endpoint_writes_the_attached_file(tmp_path: Path) -> None:
    fake = FakeAquarium("demo")
    attach(fake, DataFile(tmp_path / "lab.json", DEMO))
    answer = fake.handle(Request("POST", "/_aqfake/save"))
    assert answer.status == 200
    assert answer.json()["rows"] == sum(fake.store.count(t) for t in fake.store)
    assert json.loads((tmp_path / "lab.json").read_text())["format"] == "aqfake-store"


def test_a_data_file_in_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="does not exist"):
        DataFile(tmp_path / "no" / "lab.json", DEMO).check_writable()


# -- aqfake serve as a subprocess ---------------------------------------------------------------


class Served:
    def __init__(self, data: Path, *extra: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "aqfake", "serve", "--lab", "demo", "--data", str(data), *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str]:
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=LIMIT_SECONDS)
        assert self.proc.stderr is not None and self.proc.stdout is not None
        err = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return code, err

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def data_path(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "fake-lab.json"


def _signed_in(url: str) -> requests.Session:
    http = requests.Session()
    assert http.post(f"{url}/sessions.json", json=LOGIN, timeout=10).status_code == 200
    return http


def _write_through_http(http: requests.Session, url: str) -> dict[str, Any]:
    sample = http.post(
        f"{url}/json/save",
        json={"model": {"model": "Sample"}, "name": "survivor", "project": "restart",
              "sample_type_id": 1, "user_id": 1},
        timeout=10,
    ).json()  # fmt: skip
    upload = http.post(
        f"{url}/json/upload", files={"files[]": ("notes.txt", b"kept across restarts")}, timeout=10
    ).json()
    return {"sample": sample, "upload": upload}


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_keeps_every_write_across_a_signal_and_a_restart(data_path: Path, sig: int) -> None:
    first = Served(data_path)
    try:
        assert first.url.startswith("http://127.0.0.1:")
        http = _signed_in(first.url)
        written = _write_through_http(http, first.url)
        samples_before = requests.get(f"{first.url}/_aqfake/watch/tables", timeout=10).json()
        code, err = first.stop(sig)
    finally:
        first.kill()
    assert code == 0, err
    assert "Traceback" not in err
    assert "saved " in err and str(data_path) in err
    assert data_path.exists()

    second = Served(data_path)
    try:
        assert second.url, second.proc.stderr.read() if second.proc.stderr else ""
        counts = requests.get(f"{second.url}/_aqfake/watch/tables", timeout=10).json()
        assert counts == samples_before
        http2 = requests.Session()
        http2.cookies.update(http.cookies)  # the first run's cookie still signs in
        found = http2.post(
            f"{second.url}/json",
            json={"model": "Sample", "id": written["sample"]["id"]},
            timeout=10,
        ).json()
        assert found["name"] == "survivor"
        download = requests.get(written["upload"]["url"].replace(first.url, second.url), timeout=10)
        assert download.content == b"kept across restarts"
        assert _signed_in(second.url).get(f"{second.url}/json/current.json").status_code == 200
        code, err = second.stop()
    finally:
        second.kill()
    assert code == 0, err
    assert f"loaded {sum(t['rows'] for t in counts['tables'])} rows from {data_path}" in err


def test_serve_says_it_loaded_the_file(data_path: Path) -> None:
    DataFile(data_path, DEMO).save(FakeAquarium("demo"))
    served = Served(data_path)
    try:
        code, err = served.stop()
    finally:
        served.kill()
    assert code == 0
    assert "loaded " in err and str(data_path) in err


def test_save_endpoint_survives_a_hard_kill(data_path: Path) -> None:
    served = Served(data_path)
    try:
        http = _signed_in(served.url)
        written = _write_through_http(http, served.url)
        saved = requests.post(f"{served.url}/_aqfake/save", timeout=10)
        assert saved.status_code == 200, saved.text
        served.proc.kill()  # SIGKILL: no chance to save on the way out
        served.proc.wait()
    finally:
        served.kill()
    fresh = FakeAquarium("demo")
    DataFile(data_path, DEMO).load_into(fresh)
    assert fresh.store.get("samples", written["sample"]["id"])["name"] == "survivor"


def test_serve_refuses_a_corrupt_file_and_never_overwrites_it(data_path: Path) -> None:
    data_path.write_bytes(b'{"format": "aqfake-store", "version": 1, "tables": {"samp')
    proc = subprocess.run(
        [sys.executable, "-m", "aqfake", "serve", "--data", str(data_path)],
        capture_output=True,
        text=True,
        timeout=LIMIT_SECONDS,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""  # no URL: the server never started
    assert str(data_path) in proc.stderr and "cannot be read as JSON" in proc.stderr
    assert "left as it is" in proc.stderr
    assert data_path.read_bytes() == b'{"format": "aqfake-store", "version": 1, "tables": {"samp'
