"""``FakeAquarium.from_cassettes``: a fake that answers from recorded data."""

from __future__ import annotations

from pathlib import Path

import pytest

from aqfake.app import FakeAquarium
from aqfake.cassettes.scrub import PASSWORD_PLACEHOLDER
from aqfake.cassettes.seed import load_exchanges
from aqsession import AqSession
from aqsession.exceptions import TridentLoginError

CASSETTES = sorted((Path(__file__).resolve().parents[2] / "cassettes").glob("*/*.yaml"))
LAZY = next(p for p in CASSETTES if p.stem == "test_lazy_relationships")


def _recorded_samples(path: Path) -> list[dict]:
    return [
        record
        for e in load_exchanges([path])
        if isinstance(e.body, dict) and e.body.get("model") == "Sample"
        for record in (e.response if isinstance(e.response, list) else [e.response])
        if isinstance(record, dict)
    ]


def test_answers_queries_that_were_never_recorded() -> None:
    fake = FakeAquarium.from_cassettes(CASSETTES)
    sample = _recorded_samples(LAZY)[0]
    with fake.mock():
        session = AqSession("neptune", PASSWORD_PLACEHOLDER, fake.base_url)
        # recorded: where by sample_type_id; never recorded: find_by_name in another case
        found = session.Sample.find_by_name(sample["name"].swapcase())
        assert found is not None and found.id == sample["id"]
        assert found.sample_type.name == "Primer"
        where_name = session.Sample.where(
            {"name": sample["name"], "sample_type_id": found.sample_type_id}
        )
        assert [s.id for s in where_name] == [sample["id"]]


def test_takes_one_path_and_constructor_options() -> None:
    fake = FakeAquarium.from_cassettes(LAZY, base_url="http://seeded.test")
    assert fake.base_url == "http://seeded.test"
    assert fake.store.count("samples") == len({s["id"] for s in _recorded_samples(LAZY)})
    with pytest.raises(TypeError, match="drop lab="):
        FakeAquarium.from_cassettes(LAZY, lab="demo")


def test_only_the_placeholder_password_logs_in() -> None:
    fake = FakeAquarium.from_cassettes([LAZY])
    with fake.mock(), pytest.raises(TridentLoginError):
        AqSession("neptune", "aquarium", fake.base_url)
