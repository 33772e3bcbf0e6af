"""The pytest plugin's fixtures and the ``aq_lab`` marker."""

from __future__ import annotations

import pytest
import requests

from aqfake.app import FakeAquarium, seeded_snapshot
from aqfake.pytest_plugin import lab_from_marker


class Node:
    def __init__(self, mark: pytest.MarkDecorator | None) -> None:
        self.mark = mark.mark if mark else None

    def get_closest_marker(self, name: str):
        return self.mark if self.mark and self.mark.name == name else None


def test_aq_fake_is_a_fresh_demo_lab(aq_fake):
    assert isinstance(aq_fake, FakeAquarium)
    assert aq_fake.store.first("users", login="neptune") is not None
    seeded = seeded_snapshot("demo", 0)
    assert aq_fake.store.count("samples") == len(seeded.rows["samples"]) > 0
    aq_fake.store.delete("samples", aq_fake.store.rows("samples")[0]["id"])
    assert len(seeded_snapshot("demo", 0).rows["samples"]) == len(seeded.rows["samples"])


@pytest.mark.aq_lab("empty")
def test_aq_lab_marker_picks_the_empty_lab(aq_fake):
    assert aq_fake.store.count("samples") == 0
    assert aq_fake.store.first("users", login="neptune") is not None


@pytest.mark.aq_lab(name="demo", seed=1)
def test_aq_lab_marker_takes_a_seed(aq_fake):
    assert aq_fake.store.count("samples") == len(seeded_snapshot("demo", 1).rows["samples"])


@pytest.mark.parametrize(
    ("mark", "expected"),
    [
        (None, ("demo", 0)),
        (pytest.mark.aq_lab("empty"), ("empty", 0)),
        (pytest.mark.aq_lab("demo", 3), ("demo", 3)),
        (pytest.mark.aq_lab(seed=2), ("demo", 2)),
    ],
)
def test_lab_from_marker(mark, expected):
    assert lab_from_marker(Node(mark)) == expected


@pytest.mark.parametrize(
    "mark",
    [pytest.mark.aq_lab(3), pytest.mark.aq_lab("demo", "1"), pytest.mark.aq_lab("demo", 1, 2),
     pytest.mark.aq_lab(lab="demo")],
)  # fmt: skip
def test_lab_from_marker_rejects_bad_arguments(mark):
    with pytest.raises(pytest.UsageError, match="aq_lab"):
        lab_from_marker(Node(mark))


def test_aq_server_serves_aq_fake_on_loopback(aq_server, aq_fake):
    assert aq_server.startswith("http://127.0.0.1:")
    requests.get(f"{aq_server}/signin", timeout=10)
    assert [e.path for e in aq_fake.journal.entries] == ["/signin"]


def test_aq_session_is_signed_in_in_process(aq_session, aq_fake):
    assert aq_session.url == aq_fake.base_url
    assert aq_session.login == "neptune"
    login = aq_fake.journal.filter(path="/sessions.json")
    assert [(e.method, e.status) for e in login] == [("POST", 200)]
