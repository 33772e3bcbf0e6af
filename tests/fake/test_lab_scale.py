"""Growing the demo lab to a size: every table grows consistently, fast and seeded."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone
from typing import Any

import pytest

from aqfake.app import FakeAquarium
from aqfake.lab import SIZES, LabBuilder, build_lab, sample_count
from aqfake.lab.scale_data import MIN_PER_TYPE, SAMPLE_MIX
from aqfake.lab.seed import seed_lab
from aqfake.store import Store, StoreError

ANCHOR = datetime(2026, 3, 15, tzinfo=timezone.utc)
MODEST = 1500


@pytest.fixture(scope="module")
def grown() -> Store:
    store = Store()
    build_lab(store, "demo", 2, anchor=ANCHOR, size=MODEST)
    return store


def test_sizes_parse_presets_and_numbers() -> None:
    assert sample_count("small") == 0 and sample_count("LARGE") == SIZES["large"] == 100_000
    assert sample_count("1200") == sample_count(1200) == 1200
    for bad in ("huge", -1, "1.5", True, None):
        with pytest.raises(ValueError, match=r"small, medium, large|negative"):
            sample_count(bad)


def test_default_lab_is_big_enough_for_real_code() -> None:
    store = FakeAquarium("demo").store
    assert store.count("samples") >= 500
    assert store.count("items") >= 1500
    assert store.count("plans") >= 100
    per_type = Counter(s["sample_type_id"] for s in store.rows("samples"))
    assert len(per_type) == len(SAMPLE_MIX)
    assert min(per_type.values()) >= MIN_PER_TYPE


def test_small_is_the_ungrown_demo_lab() -> None:
    store = Store()
    build_lab(store, "demo", 0, anchor=ANCHOR, size="small")
    assert 60 <= store.count("samples") < 100
    assert store.first("samples", name="fwd-GFP-01") is not None


def test_grown_lab_reaches_its_size_with_every_table(grown: Store) -> None:
    assert grown.count("samples") == MODEST  # exactly: the shares' remainders are handed out
    assert grown.count("items") > 3 * MODEST
    assert grown.count("plans") >= MODEST // 5
    statuses = {op["status"] for op in grown.rows("operations")}
    assert {"done", "running", "pending", "planning", "error", "waiting", "delayed"} <= statuses
    assert grown.count("uploads") > 20
    for table in ("wires", "jobs", "job_associations", "data_associations",
                  "part_associations", "locators", "accounts"):  # fmt: skip
        assert grown.count(table) > 50, table


def test_grown_samples_link_to_real_samples_of_the_allowed_types(grown: Store) -> None:
    links = 0
    type_of = {s["id"]: s["sample_type_id"] for s in grown.rows("samples")}
    for fv in grown.lookup("field_values", parent_class="Sample"):
        if fv["child_sample_id"] is None:
            continue
        links += 1
        allowed = {
            a["sample_type_id"]
            for a in grown.lookup("allowable_field_types", field_type_id=fv["field_type_id"])
        }
        assert type_of[fv["child_sample_id"]] in allowed
    assert links > MODEST


def test_fragments_name_real_primers(grown: Store) -> None:
    fragment_type = grown.first("sample_types", name="Fragment")["id"]
    primer_type = grown.first("sample_types", name="Primer")["id"]
    fragments = grown.lookup("samples", sample_type_id=fragment_type)
    assert len(fragments) > 200
    for fragment in fragments:
        values = {
            fv["name"]: fv
            for fv in grown.lookup("field_values", parent_class="Sample", parent_id=fragment["id"])
        }
        forward = grown.get("samples", values["Forward Primer"]["child_sample_id"])
        assert forward["sample_type_id"] == primer_type


def test_grown_network_has_thousands_of_nodes(grown: Store) -> None:
    nodes = {s["id"] for s in grown.rows("samples")}
    edges = [
        (fv["parent_id"], fv["child_sample_id"])
        for fv in grown.lookup("field_values", parent_class="Sample")
        if fv["child_sample_id"] is not None
    ]
    linked = {a for a, _ in edges} | {b for _, b in edges}
    assert len(linked & nodes) > 1000


def test_wires_join_outputs_to_inputs_of_one_plan_and_sample(grown: Store) -> None:
    plan_of = {pa["operation_id"]: pa["plan_id"] for pa in grown.rows("plan_associations")}
    for wire in grown.rows("wires"):
        source = grown.get("field_values", wire["from_id"])
        dest = grown.get("field_values", wire["to_id"])
        assert (source["role"], dest["role"]) == ("output", "input")
        assert plan_of[source["parent_id"]] == plan_of[dest["parent_id"]]
        assert source["child_sample_id"] == dest["child_sample_id"]
        source_aft = grown.get("allowable_field_types", source["allowable_field_type_id"])
        dest_aft = grown.get("allowable_field_types", dest["allowable_field_type_id"])
        assert (source_aft["sample_type_id"], source_aft["object_type_id"]) == (
            dest_aft["sample_type_id"],
            dest_aft["object_type_id"],
        )


def test_same_seed_and_size_build_the_same_lab() -> None:
    def dump(seed: int) -> dict[str, Any]:
        store = Store()
        build_lab(store, "demo", seed, anchor=ANCHOR, size=700)
        return {table: store.rows(table) for table in store.tables}

    first = dump(4)
    assert first == dump(4)
    assert first != dump(5)


def test_progress_reports_reach_the_total() -> None:
    seen: list[tuple[int, int]] = []
    build_lab(
        Store(), "demo", 0, anchor=ANCHOR, size=800, progress=lambda n, t: seen.append((n, t))
    )
    total = seen[-1][1]
    assert sum(n for n, _ in seen) == total > 800


def test_seeded_uploads_download_their_bytes(aq_session: Any) -> None:
    upload = aq_session.Upload.where({"upload_content_type": "text/csv"})[0]
    text = upload.data.decode()
    assert text.startswith("# operation") and "position,base,quality" in text
    assert len(upload.data) == upload.size
    gel = aq_session.Upload.where({"upload_content_type": "image/svg+xml"})[0]
    assert gel.data.startswith(b"<svg")


@pytest.mark.aq_lab("demo", size=300)
def test_marker_size_picks_the_lab_size(aq_fake: FakeAquarium) -> None:
    assert 290 <= aq_fake.store.count("samples") < 420


def test_size_is_refused_for_the_empty_lab() -> None:
    with pytest.raises(ValueError, match="only the 'demo' lab grows"):
        build_lab(Store(), "empty", size="large")


def test_labbuilder_grows_a_custom_lab() -> None:
    store = Store()
    builder = seed_lab(store, 3)
    builder.standard_catalogue()
    builder.wizard("M20", (("Hotel", -1), ("Box", 16), ("Slot", 81)))
    builder.grow(400, anchor=ANCHOR)
    assert 390 <= store.count("samples") <= 420
    located = [i for i in store.rows("items") if (i["location"] or "").startswith("M20.")]
    assert located and all(i["locator_id"] for i in located)
    numbers = [loc["number"] for loc in store.rows("locators")]
    assert len(numbers) == len(set(numbers))


def test_labbuilder_grow_needs_the_standard_catalogue() -> None:
    store = Store()
    builder = LabBuilder(store)
    builder.user("owner", "secret-1", "Owner")
    builder.budget("B", users=["owner"])
    with pytest.raises(ValueError, match="standard catalogue"):
        builder.grow(100)


def test_insert_many_refuses_unknown_columns_and_duplicate_ids() -> None:
    store = Store()
    (row,) = store.insert_many("groups", [{"name": "g", "created_at": ANCHOR}])
    assert store.get("groups", row["id"])["name"] == "g"
    assert store.ids_matching("groups", "name", ["G"]) == {row["id"]}
    with pytest.raises(StoreError, match="Unknown column 'colour'"):
        store.insert_many("groups", [{"name": "h", "colour": "red"}])
    with pytest.raises(StoreError, match="Duplicate entry"):
        store.insert_many("groups", [{"id": row["id"], "name": "i"}])


def test_grown_job_states_are_json_lists(grown: Store) -> None:
    for job in grown.rows("jobs")[-50:]:
        state = json.loads(job["state"])
        assert state[0]["operation"] == "initialize"


def test_grown_store_keeps_its_bookkeeping_and_write_marks(grown: Store) -> None:
    assert grown.integrity_problems() == []
    store = Store()
    before = store.write_marks()["groups"]
    store.insert_many("groups", [{"name": "g", "created_at": ANCHOR}])
    assert store.write_marks()["groups"] != before
