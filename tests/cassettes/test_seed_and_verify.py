"""A fake seeded from recorded cassettes, and the drift check that replays them against it."""

from __future__ import annotations

from pathlib import Path

from aqfake.app import FakeAquarium
from aqfake.cassettes import use_cassette
from aqfake.cassettes.seed import load_exchanges, seed_store
from aqfake.cassettes.verify import endpoint_of, verify
from aqfake.store import Store
from aqsession import AqSession


def _record(url: str, path: Path) -> dict[str, object]:
    with use_cassette(path, record_mode="once", password="aquarium"):
        session = AqSession("neptune", "aquarium", url)
        primer_type = session.SampleType.find_by_name("Primer")
        primers = session.Sample.where({"sample_type_id": primer_type.id})
        first = primers[0]
        items = first.items
        return {
            "primer_type": primer_type.id,
            "first": first.name,
            "items": sorted(i.id for i in items),
            "fields": len(first.field_values),
        }


def test_seeded_fake_answers_queries_that_were_never_recorded(aq_server: str, tmp_path: Path):
    path = tmp_path / "browse.yaml"
    seen = _record(aq_server, path)
    store = Store()
    counts = seed_store(store, load_exchanges([path]))
    assert counts["samples"] >= 1 and counts["items"] >= 1
    # a query by name was never recorded; the seeded fake answers it from recorded rows
    fake = FakeAquarium(lab=lambda s: seed_store(s, load_exchanges([path])))
    with fake.mock():
        session = AqSession("neptune", "<AQ:password>", fake.base_url)
        again = session.Sample.find_by_name(str(seen["first"]).upper())
        assert again is not None and again.name == seen["first"]
        assert sorted(i.id for i in session.Item.where({"sample_id": again.id})) == seen["items"]


def test_verify_reproduces_a_recording_of_the_fake(aq_server: str, tmp_path: Path):
    path = tmp_path / "browse.yaml"
    _record(aq_server, path)
    report = verify([path], FakeAquarium)
    stats = report.by_endpoint()
    assert "POST /sessions.json" in stats
    assert "POST /json Sample" in stats
    assert report.fidelity == 1.0, report.table()
    assert "fidelity" in report.table().splitlines()[0]


def test_verify_reports_where_the_fake_differs(aq_server: str, tmp_path: Path):
    path = tmp_path / "browse.yaml"
    _record(aq_server, path)
    text = path.read_text()
    # pretend the real server rendered a column the fake does not know: that is drift
    tampered = tmp_path / "tampered.yaml"
    first_name = load_exchanges([path])[2].response[0]["name"]
    old = f'"name": "{first_name}",'
    assert old in text
    tampered.write_text(text.replace(old, old + ' "colour": "blue",', 1))
    report = verify([tampered], FakeAquarium)
    assert report.fidelity < 1.0
    (failed,) = [o for o in report.outcomes if not o.reproduced]
    assert failed.endpoint == "POST /json Sample"
    assert 'colour: fake: (absent), recorded: "blue"' in failed.detail
    assert 'colour: fake: (absent), recorded: "blue"' in report.table()


def test_endpoint_labels_group_ids_and_models():
    from aqfake.cassettes.seed import RecordedExchange

    exchange = RecordedExchange("GET", "http://x/plans/12.json", None, 200, {})
    assert endpoint_of(exchange) == "GET /plans/:id.json"
    query = RecordedExchange("POST", "http://x/json", {"model": "Item"}, 200, [])
    assert endpoint_of(query) == "POST /json Item"


def test_all_repository_cassettes_together_are_reproduced():
    cassettes = sorted((Path(__file__).parents[2] / "cassettes").rglob("*.yaml"))
    assert len(cassettes) >= 5
    report = verify(cassettes, FakeAquarium)
    assert report.fidelity == 1.0, report.table()


def test_records_created_during_the_recording_are_not_seeded(aq_server: str, tmp_path: Path):
    path = tmp_path / "associate.yaml"
    with use_cassette(path, record_mode="once", password="aquarium"):
        session = AqSession("neptune", "aquarium", aq_server)
        item = session.Item.first()[0]
        created = item.associate("seeding-check", 12.5).id
    store = Store()
    seed_store(store, load_exchanges([path]))
    assert store.get("data_associations", created) is None
    assert store.insert("data_associations", key="k")["id"] == created
