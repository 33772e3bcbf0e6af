"""LabBuilder: each builder writes rows the way Aquarium stores them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from aqfake.lab import Field, LabBuilder, check_password, number_text, seed_lab
from aqfake.passwords import check_password as check_digest
from aqfake.passwords import hash_password
from aqfake.store import Store
from aqfake.wizards import wizard_location

WHEN = datetime(2026, 2, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def b() -> LabBuilder:
    builder = seed_lab(Store(), anchor=WHEN)
    builder.now = WHEN
    builder.sample_type(
        "Primer",
        "An oligo",
        [Field("Anneal Sequence", required=True), Field("T Anneal", "number")],
    )
    builder.sample_type(
        "Strain",
        "A strain",
        [
            {"name": "Parent", "ftype": "sample", "allowable": ["Strain"]},
            {"name": "Mating Type", "choices": ["MATa", "MATalpha"]},
            {"name": "Markers", "ftype": "string", "array": True},
            {"name": "Extra", "ftype": "json"},
        ],
    )
    builder.object_type("Primer Stock", sample_type="Primer")
    builder.collection_type("Plate", 2, 3)
    return builder


def fvs(b: LabBuilder, parent_class: str, parent_id: int) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for fv in b.store.lookup("field_values", parent_class=parent_class, parent_id=parent_id):
        grouped.setdefault(fv["name"], []).append(fv)
    return grouped


@pytest.mark.parametrize(
    ("value", "text"),
    [(5, "5.0"), ("5", "5.0"), (58.5, "58.5"), (1e20, "1.0e+20"), (1e-05, "1.0e-05"), (-2, "-2.0")],
)
def test_number_text_is_rubys_float_to_s(value: object, text: str) -> None:
    assert number_text(value) == text


def test_number_text_refuses_non_finite_numbers() -> None:
    with pytest.raises(ValueError, match="finite"):
        number_text(float("nan"))


def test_sample_gets_a_field_value_per_field_type(b: LabBuilder) -> None:
    primer = b.sample("fwd-GFP-01", "Primer", "Demo", {"Anneal Sequence": "ACGT", "T Anneal": 58})
    values = fvs(b, "Sample", primer["id"])
    assert values["T Anneal"][0]["value"] == "58.0"
    assert values["Anneal Sequence"][0]["value"] == "ACGT"
    ft = b.store.get("field_types", values["T Anneal"][0]["field_type_id"])
    assert (ft["name"], ft["parent_class"], ft["ftype"]) == ("T Anneal", "SampleType", "number")
    assert primer["created_at"] == WHEN and primer["user_id"] == 1


def test_sample_links_arrays_json_and_missing_values(b: LabBuilder) -> None:
    root = b.sample("W303", "Strain", "Demo", {"Mating Type": "MATa"})
    child = b.sample(
        "yJN001",
        "Strain",
        "Demo",
        {"Parent": "W303", "Markers": ["URA3", "LEU2"], "Extra": {"ploidy": 1}},
    )
    values = fvs(b, "Sample", child["id"])
    assert values["Parent"][0]["child_sample_id"] == root["id"]
    assert [fv["value"] for fv in values["Markers"]] == ["URA3", "LEU2"]
    assert json.loads(values["Extra"][0]["value"]) == {"ploidy": 1}
    assert values["Mating Type"][0]["value"] is None
    assert set(fvs(b, "Sample", root["id"])) == {"Parent", "Mating Type", "Markers", "Extra"}


def test_sample_type_allowable_field_types(b: LabBuilder) -> None:
    strain = b.store.first("sample_types", name="Strain")
    parent = next(
        ft for ft in b.field_types("SampleType", strain, "sample_types") if ft["name"] == "Parent"
    )
    (aft,) = b.store.lookup("allowable_field_types", field_type_id=parent["id"])
    assert (aft["sample_type_id"], aft["object_type_id"]) == (strain["id"], None)
    mating = b.store.first("field_types", name="Mating Type")
    assert mating["choices"] == "MATa,MATalpha"


def test_sample_errors_name_the_problem(b: LabBuilder) -> None:
    b.sample("fwd-GFP-01", "Primer", "Demo")
    with pytest.raises(ValueError, match="already exists"):
        b.sample("FWD-gfp-01", "Primer", "Demo")
    with pytest.raises(ValueError, match=r"has no field 'Tm'.*Anneal Sequence, T Anneal"):
        b.sample("p2", "Primer", "Demo", {"Tm": 50})
    with pytest.raises(ValueError, match="no sample_types row with name 'Plasmid'"):
        b.sample("p3", "Plasmid", "Demo")
    with pytest.raises(ValueError, match="project is required"):
        b.sample("p4", "Primer", "")
    with pytest.raises(ValueError, match="ftype 'float'"):
        Field("Bad", "float")


def test_items_and_deletion(b: LabBuilder) -> None:
    primer = b.sample("fwd-GFP-01", "Primer", "Demo")
    item = b.item(primer, "Primer Stock", "M20.1.2.3")
    assert (item["location"], item["quantity"], item["inuse"]) == ("M20.1.2.3", 1, 0)
    with b.at(WHEN + timedelta(days=2)):
        b.delete_item(item)
    assert (item["location"], item["quantity"], item["inuse"]) == ("deleted", -1, -1)
    assert item["updated_at"] == WHEN + timedelta(days=2)
    gone = b.item(primer, "Primer Stock", deleted=True)
    assert gone["location"] == "deleted"
    with pytest.raises(ValueError, match="inuse"):
        b.item(primer, "Primer Stock", inuse=2)


def test_collection_parts(b: LabBuilder) -> None:
    a = b.sample("fwd-A-01", "Primer", "Demo")
    c = b.sample("fwd-C-01", "Primer", "Demo")
    plate = b.collection("Plate", {(0, 0): a, (1, 2): "fwd-C-01"})
    pas = b.store.lookup("part_associations", collection_id=plate["id"])
    assert [(pa["row"], pa["column"]) for pa in pas] == [(0, 0), (1, 2)]
    parts = [b.store.get("items", pa["part_id"]) for pa in pas]
    assert [p["sample_id"] for p in parts] == [a["id"], c["id"]]
    assert {p["object_type_id"] for p in parts} == {1}
    with pytest.raises(ValueError, match="taken"):
        b.part(plate, 0, 0, a)
    with pytest.raises(ValueError, match="outside"):
        b.part(plate, 2, 0, a)
    with pytest.raises(ValueError, match="not a collection type"):
        b.collection("Primer Stock")


def test_object_type_validation_and_collection_shape(b: LabBuilder) -> None:
    assert b.store.first("object_types", name="Plate")["rows"] == 2
    assert b.store.first("object_types", name="Primer Stock")["columns"] is None
    with pytest.raises(ValueError, match="already exists"):
        b.object_type("plate")
    with pytest.raises(ValueError, match="min <= max"):
        b.object_type("Odd", min=2, max=1)
    with pytest.raises(ValueError, match="release_method"):
        b.object_type("Odd", release_method="burn")


def test_user_secrets_groups_and_profile(b: LabBuilder) -> None:
    user = b.user("AVega", "secret-pw", "Ada Vega", admin=True)
    assert user["login"] == "avega"
    assert check_password(user, "secret-pw") and not check_password(user, "secret-PW")
    assert "secret-pw" not in user["password_digest"]
    assert len(user["remember_token"]) == 22
    groups = {
        b.store.get("groups", m["group_id"])["name"]
        for m in b.store.lookup("memberships", user_id=user["id"])
    }
    assert groups == {"avega", "admin"}
    assert len(b.store.lookup("parameters", user_id=user["id"])) == 4
    stale = b.user("rookie", "rookie-pw", "Rory", up_to_date=False)
    assert b.store.lookup("parameters", user_id=stale["id"]) == []
    with pytest.raises(ValueError, match="already exists"):
        b.user("ROOKIE", "another-pw", "Rory 2")
    with pytest.raises(ValueError, match="at least 6"):
        b.user("short", "abc", "Short")


def test_check_password_handles_missing_and_malformed_digests() -> None:
    assert not check_password(None, "x")
    assert not check_password({"password_digest": None}, "x")
    assert not check_digest("plain-text", "plain-text")
    assert not check_digest("pbkdf2_sha256$0$AAAA$AAAA", "")
    digest = hash_password("pw123456", b"salt", iterations=5)
    assert check_digest(digest, "pw123456") and not check_digest(digest, "pw1234567")


def test_tokens_depend_on_seed_and_login() -> None:
    def token(seed: int, login: str) -> str:
        return LabBuilder(Store(), seed=seed).user(login, "password", "X")["remember_token"]

    assert token(0, "a") == token(0, "a")
    assert token(0, "a") != token(1, "a")
    assert token(0, "a") != token(0, "b")


def planning_lab(b: LabBuilder) -> None:
    b.operation_type(
        "Rehydrate",
        "Cloning",
        inputs=[Field("Primer", "sample", allowable=[("Primer", "Primer Stock")])],
        outputs=[Field("Primer", "sample", allowable=[("Primer", "Primer Stock")])],
    )
    b.operation_type(
        "PCR",
        "Cloning",
        inputs=[
            Field("Primer", "sample", allowable=[("Primer", "Primer Stock")]),
            Field("Cycles", "number"),
            Field("Options", "json"),
        ],
        outputs=[Field("Product", "sample", allowable=[("Primer", "Plate")], part=True)],
        codes={"protocol": "# custom"},
    )


def test_operation_type_field_types_and_codes(b: LabBuilder) -> None:
    planning_lab(b)
    pcr = b.store.first("operation_types", name="PCR")
    fts = b.field_types("OperationType", pcr, "operation_types")
    assert [(ft["name"], ft["role"]) for ft in fts] == [
        ("Primer", "input"),
        ("Cycles", "input"),
        ("Options", "input"),
        ("Product", "output"),
    ]
    assert fts[-1]["part"] is True
    codes = {c["name"]: c for c in b.store.lookup("codes", parent_class="OperationType")}
    assert len(b.store.lookup("codes", parent_class="OperationType", parent_id=pcr["id"])) == 5
    mine = b.store.lookup(
        "codes", parent_class="OperationType", parent_id=pcr["id"], name="protocol"
    )
    assert mine[0]["content"] == "# custom"
    assert "cost_model" in codes
    with pytest.raises(ValueError, match="already exists"):
        b.operation_type("pcr", "cloning")
    with pytest.raises(ValueError, match="unknown code 'script'"):
        b.operation_type("Other", "Cloning", codes={"script": ""})
    newer = b.code(pcr, "OperationType", "protocol", "# v2")
    assert newer["id"] > mine[0]["id"]


def test_operations_plans_wires_and_jobs(b: LabBuilder) -> None:
    planning_lab(b)
    primer = b.sample("fwd-GFP-01", "Primer", "Demo")
    stock = b.item(primer, "Primer Stock", "M20.1.1.1")
    first = b.operation(
        "Rehydrate",
        status="done",
        inputs={"Primer": {"sample": primer, "item": stock}},
        outputs={"Primer": primer},
    )
    second = b.operation(
        "PCR",
        status="waiting",
        inputs={"Primer": primer, "Cycles": 30, "Options": {"hot_start": True}},
    )
    plan = b.plan(
        "GFP",
        [first, second],
        [(first, "Primer", second, "Primer")],
        status=None,
        budget="My First Budget",
    )
    (wire,) = b.store.rows("wires")
    source, dest = (
        b.store.get("field_values", wire["from_id"]),
        b.store.get("field_values", wire["to_id"]),
    )
    assert (source["parent_id"], source["role"]) == (first["id"], "output")
    assert (dest["parent_id"], dest["role"]) == (second["id"], "input")
    values = fvs(b, "Operation", second["id"])
    assert values["Cycles"][0]["value"] == "30.0"
    assert json.loads(values["Options"][0]["value"]) == {"hot_start": True}
    assert values["Product"][0]["child_sample_id"] is None
    aft = b.store.get("allowable_field_types", values["Primer"][0]["allowable_field_type_id"])
    assert aft["field_type_id"] == values["Primer"][0]["field_type_id"]
    assert fvs(b, "Operation", first["id"])["Primer"][0]["child_item_id"] == stock["id"]
    assert [
        pa["operation_id"] for pa in b.store.lookup("plan_associations", plan_id=plan["id"])
    ] == [
        first["id"],
        second["id"],
    ]
    assert plan["budget_id"] == 1 and json.loads(plan["layout"])["name"] == "GFP"
    job = b.job([first], pc=-2)
    state = json.loads(job["state"])
    assert state[0]["operation"] == "initialize" and state[-1]["operation"] == "complete"
    assert job["group_id"] == 235
    assert [ja["operation_id"] for ja in b.store.lookup("job_associations", job_id=job["id"])] == [
        first["id"]
    ]
    pending = json.loads(b.job([second])["state"])
    assert [step["operation"] for step in pending] == ["initialize"]
    with pytest.raises(ValueError, match="has no input 'Template'"):
        b.operation("PCR", inputs={"Template": primer})
    with pytest.raises(ValueError, match="neither a samples row nor a field value spec"):
        b.operation("PCR", inputs={"Primer": {"sampel": primer}})
    with pytest.raises(ValueError, match="a wire is"):
        b.plan("bad", wires=[(1, 2, 3)])


def test_data_associations_infer_the_parent_class(b: LabBuilder) -> None:
    planning_lab(b)
    primer = b.sample("fwd-GFP-01", "Primer", "Demo")
    item = b.item(primer, "Primer Stock")
    plate = b.collection("Plate")
    op = b.operation("PCR")
    plan = b.plan("p", [op])
    job = b.job([op])
    upload = b.upload(job, "gel.jpg", size=10)
    made = [
        b.data_association(item, "concentration", 12.5),
        b.data_association(plate, "notes", "fresh"),
        b.data_association(op, "gel", "image", upload=upload),
        b.data_association(plan, "notes", None),
        b.data_association(7, "x", 1, parent_class="OperationType"),
        b.data_association(b.store.get("budgets", 1), "note", "ok"),
    ]
    assert [da["parent_class"] for da in made] == [
        "Item",
        "Collection",
        "Operation",
        "Plan",
        "OperationType",
        "Budget",
    ]
    assert json.loads(made[0]["object"]) == {"concentration": 12.5}
    assert made[2]["upload_id"] == upload["id"] and upload["upload_file_size"] == 10
    with pytest.raises(ValueError, match="parent_class"):
        b.data_association(b.store.first("parameters", user_id=1), "k", 1)
    with pytest.raises(ValueError, match="parent_class"):
        b.data_association(3, "k", 1)


def test_rows_take_the_store_clock_when_now_is_unset() -> None:
    fixed = datetime(2025, 5, 5, tzinfo=timezone.utc)
    builder = LabBuilder(Store(clock=lambda: fixed))
    assert builder.group("g")["created_at"] == fixed
    later = fixed + timedelta(hours=1)
    with builder.at(later):
        assert builder.group("h")["created_at"] == later
    assert builder.now is None


def test_references_must_exist(b: LabBuilder) -> None:
    with pytest.raises(ValueError, match="no items row with id 999"):
        b.part(999, 0, 0, None)
    with pytest.raises(ValueError, match="no object_types row with id 999"):
        b.collection(999)
    with pytest.raises(ValueError, match="not a reference"):
        b.ref("samples", 1.5)  # type: ignore[arg-type]


def test_wizard_slots_get_locators(b: LabBuilder) -> None:
    freezer = b.wizard("M20", [("Hotel", 99), ("Box", 16), ("Slot", 81)], "-20C freezer")
    assert json.loads(freezer["specification"])["fields"][0]["capacity"] == -1
    primer = b.sample("fwd-GFP-01", "Primer", "Demo")
    item = b.item(primer, "Primer Stock", "M20.1.2.3")
    locator = b.store.get("locators", item["locator_id"])
    assert (locator["wizard_id"], locator["item_id"]) == (freezer["id"], item["id"])
    assert locator["number"] == (1 * 16 + 2) * 81 + 3
    assert wizard_location(b.store, locator) == "M20.1.2.3" == item["location"]
    with pytest.raises(ValueError, match=r"'M20.1.2.3' is taken by item"):
        b.item(primer, "Primer Stock", "M20.1.2.3")
    with pytest.raises(ValueError, match="exceeds capacity 81"):
        b.item(primer, "Primer Stock", "M20.0.0.81")
    assert b.store.count("items") == 1
    b.delete_item(item)
    assert item["locator_id"] is None and locator["item_id"] is None
    again = b.item(primer, "Primer Stock", "M20.1.2.3")
    assert again["locator_id"] is not None
    loose = b.item(primer, "Primer Stock", "M80.1.2.3")
    assert loose["locator_id"] is None and loose["location"] == "M80.1.2.3"
    with pytest.raises(ValueError, match="positive capacity"):
        b.wizard("SF2", [("Shelf", -1), ("Slot", 0)])


def test_accounts_and_invoices_are_validated(b: LabBuilder) -> None:
    debit = b.account("My First Budget", 2.5, "PCR labor", category="labor", labor_rate=0.5)
    assert (debit["budget_id"], debit["user_id"], debit["transaction_type"]) == (1, 1, "debit")
    credit = b.account(1, 100.0, "Refund", transaction_type="credit", category="credit")
    assert credit["amount"] == 100.0
    with pytest.raises(ValueError, match="credit or debit"):
        b.account(1, 1.0, "x", transaction_type="refund")
    with pytest.raises(ValueError, match="category"):
        b.account(1, 1.0, "x", category="travel")
    with pytest.raises(ValueError, match=">= 0"):
        b.account(1, -1.0, "x")
    with pytest.raises(ValueError, match="description"):
        b.account(1, 1.0, "")
    invoice = b.invoice("My First Budget", 2026, 1, status="reconciled", notes="paid")
    assert (invoice["year"], invoice["month"], invoice["status"]) == (2026, 1, "reconciled")
    with pytest.raises(ValueError, match="status"):
        b.invoice(1, 2026, 1, status="paid")
    with pytest.raises(ValueError, match="month"):
        b.invoice(1, 2026, 13)
