"""The demo lab: counts, referential integrity and the invariants other tests rely on."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from aqfake.lab import NEPTUNE, build_lab, check_password, demo_lab
from aqfake.lab.catalogue import OPERATION_TYPES, USERS
from aqfake.lab.demo import MIN_STOCK_ITEMS
from aqfake.store import Store
from aqfake.tables import MODELS, Kind
from aqfake.wizards import wizard_location

ANCHOR = datetime(2026, 3, 15, tzinfo=timezone.utc)

#: Tables reached through ``parent_class``/``parent_id`` (no foreign key in Aquarium).
PARENT_TABLES = {
    "Sample": "samples",
    "SampleType": "sample_types",
    "Item": "items",
    "Collection": "items",
    "Operation": "operations",
    "OperationType": "operation_types",
    "Plan": "plans",
    "Library": "libraries",
}

#: Id columns without an ActiveRecord association in the table declarations.
EXTRA_REFERENCES = {
    ("jobs", "submitted_by"): "users",
    ("parameters", "user_id"): "users",
    ("codes", "user_id"): "users",
    ("items", "locator_id"): "locators",
    ("locators", "item_id"): "items",
    ("locators", "wizard_id"): "wizards",
}


def build(seed: int = 0, anchor: datetime = ANCHOR) -> Store:
    store = Store()
    demo_lab(store, seed, anchor=anchor)
    return store


@pytest.fixture(scope="module")
def lab() -> Store:
    return build()


def dump(store: Store) -> dict[str, list[dict[str, Any]]]:
    return {table: store.rows(table) for table in store.tables}


def dangling_references(store: Store) -> list[str]:
    """Every id column whose value names a row that does not exist."""
    problems: list[str] = []

    def check(table: str, row: dict[str, Any], column: str, target: str) -> None:
        value = row[column]
        if value is not None and store.get(target, value) is None:
            problems.append(f"{table}.{column}={value} (row {row['id']}) -> missing {target}")

    references: dict[tuple[str, str], str] = dict(EXTRA_REFERENCES)
    for model in MODELS.values():
        columns = store.table(model.table).column_names
        for assoc in model.associations:
            if assoc.kind is Kind.BELONGS_TO and not assoc.broken and assoc.key in columns:
                target = MODELS[assoc.target].table if assoc.target in MODELS else assoc.target
                references[(model.table, assoc.key)] = target
    for (table, column), target in sorted(references.items()):
        for row in store.rows(table):
            check(table, row, column, target)
    for table in ("field_values", "data_associations", "codes", "field_types"):
        for row in store.rows(table):
            parent_table = PARENT_TABLES.get(row["parent_class"])
            if parent_table is None:
                problems.append(f"{table} {row['id']}: unknown parent_class {row['parent_class']}")
            else:
                check(table, row, "parent_id", parent_table)
    return problems


def lab_problems(store: Store, anchor: datetime = ANCHOR) -> list[str]:
    """Every invariant the demo lab promises, as a list of violations (empty when valid)."""
    problems = dangling_references(store)
    part = store.first("object_types", name="__Part")
    if part is None or part["handler"] != "sample_container":
        problems.append("no __Part object type with handler sample_container")
        return problems
    for sample in store.rows("samples"):
        names = {
            fv["name"]
            for fv in store.lookup("field_values", parent_class="Sample", parent_id=sample["id"])
        }
        expected = {
            ft["name"]
            for ft in store.lookup(
                "field_types", parent_class="SampleType", parent_id=sample["sample_type_id"]
            )
        }
        if names != expected:
            problems.append(f"sample {sample['name']}: field values {names} != {expected}")
    wells = Counter(
        (pa["collection_id"], pa["row"], pa["column"]) for pa in store.rows("part_associations")
    )
    problems += [f"well {key} used {n} times" for key, n in wells.items() if n > 1]
    for pa in store.rows("part_associations"):
        if store.get("items", pa["part_id"])["object_type_id"] != part["id"]:
            problems.append(f"part {pa['part_id']} is not a __Part item")
    for item in store.rows("items"):
        deleted = item["location"] == "deleted"
        if deleted != (item["quantity"] == -1) or deleted != (item["inuse"] == -1):
            problems.append(f"item {item['id']} half deleted: {item}")
    start = anchor - timedelta(days=60)
    for table in store.tables:
        for row in store.rows(table):
            for column in ("created_at", "updated_at"):
                if column in row and not start <= row[column] < anchor:
                    problems.append(f"{table} {row['id']}.{column} {row[column]} outside window")
    return problems


def test_demo_lab_satisfies_every_invariant(lab: Store) -> None:
    assert lab_problems(lab) == []


@pytest.mark.parametrize("seed", [1, 2, 3, 17, 1234])
def test_other_seeds_also_satisfy_every_invariant(seed: int) -> None:
    assert lab_problems(build(seed)) == []


def test_dangling_reference_check_can_fail() -> None:
    store = build()
    sample = store.rows("samples")[0]
    store.update("samples", sample["id"], sample_type_id=9999)
    store.insert("data_associations", parent_class="Plan", parent_id=9999, key="k")
    problems = dangling_references(store)
    assert any("samples.sample_type_id=9999" in p for p in problems)
    assert any("data_associations.parent_id=9999" in p for p in problems)


def test_counts_meet_the_promised_minimums(lab: Store) -> None:
    assert lab.count("samples") >= 60
    stock = [i for i in lab.rows("items") if i["object_type_id"] != 1]
    assert len(stock) >= MIN_STOCK_ITEMS >= 150
    assert lab.count("part_associations") >= 20
    assert lab.count("plans") >= 5
    assert lab.count("jobs") >= 5
    assert lab.count("users") == 1 + len(USERS)
    assert {st["name"] for st in lab.rows("sample_types")} == {
        "Primer",
        "Fragment",
        "Plasmid",
        "Yeast Strain",
        "E coli strain",
        "Enzyme",
        "DNA Library",
        "Oligo Pool",
        "Media",
        "Antibody",
    }


def test_object_types_include_parts_stocks_and_a_96_well_collection(lab: Store) -> None:
    by_name = {ot["name"]: ot for ot in lab.rows("object_types")}
    for name in (
        "__Part",
        "Orphan",
        "Primer Aliquot",
        "Primer Stock",
        "Plasmid Stock",
        "Fragment Stock",
        "Yeast Glycerol Stock",
        "E coli Plate",
    ):
        assert name in by_name
    plate = by_name["96 Well Plate"]
    assert (plate["handler"], plate["rows"], plate["columns"]) == ("collection", 8, 12)
    assert by_name["Primer Stock"]["rows"] is None


def test_sample_names_are_unique_ignoring_case(lab: Store) -> None:
    names = [s["name"].casefold() for s in lab.rows("samples")]
    assert len(names) == len(set(names))


def test_field_values_are_stored_as_aquarium_stores_them(lab: Store) -> None:
    ftypes = {ft["id"]: ft for ft in lab.rows("field_types")}
    number = re.compile(r"^-?\d+\.\d+$")
    sample_links = 0
    for fv in lab.lookup("field_values", parent_class="Sample"):
        ft = ftypes[fv["field_type_id"]]
        assert fv["name"] == ft["name"] and fv["role"] is None
        if ft["ftype"] == "number":
            assert number.match(fv["value"]), fv
        if ft["ftype"] == "sample":
            assert fv["value"] is None
            sample_links += fv["child_sample_id"] is not None
        if ft["choices"] and fv["value"] is not None:
            assert fv["value"] in ft["choices"].split(",")
    assert sample_links > 20


def test_sample_field_links_respect_allowable_sample_types(lab: Store) -> None:
    for fv in lab.lookup("field_values", parent_class="Sample"):
        if fv["child_sample_id"] is None:
            continue
        allowed = {
            aft["sample_type_id"]
            for aft in lab.lookup("allowable_field_types", field_type_id=fv["field_type_id"])
        }
        assert lab.get("samples", fv["child_sample_id"])["sample_type_id"] in allowed


def test_items_sit_in_realistic_locations_and_some_are_deleted(lab: Store) -> None:
    locations = [i["location"] for i in lab.rows("items") if i["object_type_id"] != 1]
    assert any(re.fullmatch(r"M20\.\d+\.\d+\.\d+", loc or "") for loc in locations)
    assert any(re.fullmatch(r"M80\.\d+\.\d+\.\d+", loc or "") for loc in locations)
    assert "Bench" in locations
    assert 3 <= locations.count("deleted") < len(locations) // 4
    deleted = next(i for i in lab.rows("items") if i["location"] == "deleted")
    assert deleted["updated_at"] > deleted["created_at"]


def test_collections_hold_parts_of_samples(lab: Store) -> None:
    collection_types = {
        ot["id"] for ot in lab.rows("object_types") if ot["handler"] == "collection"
    }
    for pa in lab.rows("part_associations"):
        collection = lab.get("items", pa["collection_id"])
        assert collection["object_type_id"] in collection_types
        object_type = lab.get("object_types", collection["object_type_id"])
        assert 0 <= pa["row"] < object_type["rows"] and 0 <= pa["column"] < object_type["columns"]
        assert lab.get("items", pa["part_id"])["sample_id"] is not None


def test_operations_cover_the_lifecycle_statuses(lab: Store) -> None:
    statuses = {op["status"] for op in lab.rows("operations")}
    assert {"done", "waiting", "pending", "running", "planning", "error"} <= statuses
    plan_statuses = {p["status"] for p in lab.rows("plans")}
    assert plan_statuses == {"planning", None}


def test_operation_field_values_follow_their_operation_type(lab: Store) -> None:
    for op in lab.rows("operations"):
        fts = {
            ft["id"]: ft
            for ft in lab.lookup(
                "field_types", parent_class="OperationType", parent_id=op["operation_type_id"]
            )
        }
        fvs = lab.lookup("field_values", parent_class="Operation", parent_id=op["id"])
        assert {fv["field_type_id"] for fv in fvs} == set(fts)
        for fv in fvs:
            ft = fts[fv["field_type_id"]]
            assert (fv["name"], fv["role"]) == (ft["name"], ft["role"])
            if fv["allowable_field_type_id"] is not None:
                aft = lab.get("allowable_field_types", fv["allowable_field_type_id"])
                assert aft["field_type_id"] == ft["id"]
            if op["status"] == "done" and ft["ftype"] == "sample":
                assert fv["child_item_id"] is not None, (op, fv)


def test_wires_run_from_outputs_to_inputs_within_a_plan(lab: Store) -> None:
    assert lab.count("wires") >= 10
    plan_of = {pa["operation_id"]: pa["plan_id"] for pa in lab.rows("plan_associations")}
    for wire in lab.rows("wires"):
        source = lab.get("field_values", wire["from_id"])
        dest = lab.get("field_values", wire["to_id"])
        assert (source["role"], dest["role"]) == ("output", "input")
        assert plan_of[source["parent_id"]] == plan_of[dest["parent_id"]]
        assert source["child_sample_id"] == dest["child_sample_id"]


def test_every_operation_is_in_exactly_one_plan(lab: Store) -> None:
    counts = Counter(pa["operation_id"] for pa in lab.rows("plan_associations"))
    assert set(counts) == {op["id"] for op in lab.rows("operations")}
    assert set(counts.values()) == {1}


def test_jobs_have_associations_and_an_initialize_step(lab: Store) -> None:
    for job in lab.rows("jobs"):
        state = json.loads(job["state"])
        assert state[0]["operation"] == "initialize"
        assert job["pc"] >= -2
        assert (state[-1]["operation"] == "complete") == (job["pc"] == -2)
        assert lab.lookup("job_associations", job_id=job["id"])
    ops_in_jobs = {ja["operation_id"] for ja in lab.rows("job_associations")}
    for op in lab.rows("operations"):
        if op["status"] in ("done", "running", "error"):
            assert op["id"] in ops_in_jobs


def test_data_associations_repeat_keys_at_different_times(lab: Store) -> None:
    parents = {da["parent_class"] for da in lab.rows("data_associations")}
    assert {"Item", "Collection", "Operation", "Plan"} <= parents
    by_parent_key: dict[tuple[str, int, str], list[dict[str, Any]]] = {}
    for da in lab.rows("data_associations"):
        assert json.loads(da["object"]).keys() == {da["key"]}
        by_parent_key.setdefault((da["parent_class"], da["parent_id"], da["key"]), []).append(da)
    repeated = [rows for rows in by_parent_key.values() if len(rows) > 1]
    assert repeated
    assert any(len({da["updated_at"] for da in rows}) > 1 for rows in repeated)
    uploads = [da for da in lab.rows("data_associations") if da["upload_id"] is not None]
    assert uploads and all(lab.get("uploads", da["upload_id"]) for da in uploads)


def test_created_at_spreads_over_the_sixty_day_window(lab: Store) -> None:
    stamps = [row["created_at"] for table in lab.tables for row in lab.rows(table)]
    assert min(stamps) < ANCHOR - timedelta(days=50)
    assert max(stamps) > ANCHOR - timedelta(days=10)
    samples = sorted(s["created_at"] for s in lab.rows("samples"))
    assert samples[-1] - samples[0] > timedelta(days=20)


def test_default_anchor_is_today_midnight_utc() -> None:
    store = Store()
    demo_lab(store)
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    newest = max(row["created_at"] for row in store.rows("data_associations"))
    assert today - timedelta(days=60) <= newest < today + timedelta(days=1)


def test_same_seed_builds_an_identical_lab() -> None:
    assert dump(build(5)) == dump(build(5))


def test_different_seeds_build_different_labs() -> None:
    first, second = dump(build(0)), dump(build(1))
    assert first != second
    assert [s["name"] for s in first["samples"]] != [s["name"] for s in second["samples"]]


def test_build_lab_demo_is_the_demo_lab() -> None:
    store = Store()
    build_lab(store, "demo", 5, anchor=ANCHOR)
    assert dump(store) == dump(build(5))


def test_users_passwords_verify_and_are_never_stored_in_clear(lab: Store) -> None:
    accounts = [NEPTUNE, *USERS]
    for account in accounts:
        user = lab.first("users", login=account["login"])
        assert check_password(user, str(account["password"]))
        assert not check_password(user, str(account["password"]) + "x")
        for row in lab.rows("users"):
            assert str(account["password"]) not in "".join(str(v) for v in row.values())


def test_remember_tokens_are_unique_url_safe_and_22_chars(lab: Store) -> None:
    tokens = [u["remember_token"] for u in lab.rows("users")]
    assert len(set(tokens)) == len(tokens)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", t) for t in tokens)


def test_user_profiles_and_admin_membership(lab: Store) -> None:
    admin = lab.first("groups", name="admin")
    admins = {m["user_id"] for m in lab.lookup("memberships", group_id=admin["id"])}
    assert {lab.get("users", uid)["login"] for uid in admins} == {"neptune", "cokafor"}
    rookie = lab.first("users", login="rookie")
    assert lab.lookup("parameters", user_id=rookie["id"]) == []
    vega = lab.first("users", login="avega")
    keys = {p["key"]: p["value"] for p in lab.lookup("parameters", user_id=vega["id"])}
    assert keys["lab_agreement"] == keys["aquarium"] == "true"
    assert keys["email"] and keys["phone"]


def test_plan_names_are_unique_and_operations_updated_when_run(lab: Store) -> None:
    names = [p["name"].casefold() for p in lab.rows("plans")]
    assert len(names) == len(set(names))
    ran = {ja["operation_id"] for ja in lab.rows("job_associations")}
    for op in lab.rows("operations"):
        assert op["updated_at"] >= op["created_at"]
        assert (op["updated_at"] > op["created_at"]) == (op["id"] in ran)


def test_job_step_times_are_aquarium_timestamps_in_order(lab: Store) -> None:
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000-0[78]:00$")
    for job in lab.rows("jobs"):
        times = [step["time"] for step in json.loads(job["state"]) if "time" in step]
        assert all(stamp.match(t) for t in times), times
        parsed = [datetime.fromisoformat(t) for t in times]
        assert parsed == sorted(parsed)
        assert parsed[0] == job["created_at"]


@pytest.mark.parametrize("seed", [0, 7])
def test_landmark_samples_exist_whatever_the_seed(seed: int) -> None:
    store = build(seed)
    for name in ("fwd-GFP-01", "rev-GFP-01", "pMOD-pTEF1-GFP", "frag-GFP-01", "W303-1A", "BY4741"):
        assert store.first("samples", name=name) is not None, name
    fragment = store.first("samples", name="frag-GFP-01")
    links = {
        fv["name"]: store.get("samples", fv["child_sample_id"])["name"]
        for fv in store.lookup("field_values", parent_class="Sample", parent_id=fragment["id"])
        if fv["child_sample_id"] is not None
    }
    assert links == {
        "Template": "pMOD-pTEF1-GFP",
        "Forward Primer": "fwd-GFP-01",
        "Reverse Primer": "rev-GFP-01",
    }


def test_freezer_items_hold_wizard_slots(lab: Store) -> None:
    located = 0
    for item in lab.rows("items"):
        locator = lab.get("locators", item["locator_id"]) if item["locator_id"] else None
        in_freezer = re.fullmatch(r"M[28]0\.\d+\.\d+\.\d+", item["location"] or "")
        assert (locator is not None) == bool(in_freezer), item
        if locator is not None:
            located += 1
            assert locator["item_id"] == item["id"]
            assert wizard_location(lab, locator) == item["location"]
    assert located > 50
    held = [(loc["wizard_id"], loc["number"]) for loc in lab.rows("locators") if loc["item_id"]]
    assert len(held) == len(set(held)) == located


DIGEST_SCRIPT = """
import hashlib, sys
from datetime import datetime, timezone
from aqfake.lab import build_lab
from aqfake.store import Store
store = Store()
build_lab(store, "demo", 3, anchor=datetime(2026, 3, 15, tzinfo=timezone.utc))
dump = repr({table: store.rows(table) for table in store.tables})
print(hashlib.sha256(dump.encode()).hexdigest())
"""


def test_lab_is_identical_across_processes_and_hash_seeds() -> None:
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", DIGEST_SCRIPT], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        digests.add(done.stdout.strip())
    local = hashlib.sha256(repr(dump(build(3))).encode()).hexdigest()
    assert digests == {local}


def test_finished_operations_are_charged_and_invoiced(lab: Store) -> None:
    costs = {ot["name"]: ot["cost"] for ot in OPERATION_TYPES}
    charged: dict[int, dict[str, float]] = {}
    for account in lab.rows("accounts"):
        op = lab.get("operations", account["operation_id"])
        assert op["status"] == "done" and account["transaction_type"] == "debit"
        charged.setdefault(op["id"], {})[account["category"]] = account["amount"]
        plan_id = lab.first("plan_associations", operation_id=op["id"])["plan_id"]
        assert account["budget_id"] == lab.get("plans", plan_id)["budget_id"]
    done = [op for op in lab.rows("operations") if op["status"] == "done"]
    assert set(charged) == {op["id"] for op in done}
    for op in done:
        name = lab.get("operation_types", op["operation_type_id"])["name"]
        assert (charged[op["id"]]["labor"], charged[op["id"]]["materials"]) == costs[name]
    months = Counter((i["budget_id"], i["year"], i["month"]) for i in lab.rows("invoices"))
    assert months and set(months.values()) == {1}
    billed = {
        (a["budget_id"], a["created_at"].year, a["created_at"].month) for a in lab.rows("accounts")
    }
    assert set(months) == billed
