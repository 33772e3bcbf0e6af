"""The standard catalogue: its contract names, its consistency, and aqsession building the
four-step cloning chain through its allowable field types."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aqfake.lab import LabBuilder, build_lab
from aqfake.lab import standard as std
from aqfake.lab.seed import seed_lab
from aqfake.store import Store

CHAIN = ("Assemble Plasmid", "Transform Cells", "Plate Transformed Cells", "Check Plate")

#: Names issue 9 lists as the catalogue's contract.
SAMPLE_FIELDS = {
    "Primer": {"Overhang Sequence", "Anneal Sequence", "T Anneal"},
    "Fragment": {"Forward Primer", "Reverse Primer", "Template", "Length", "Sequence"},
    "Yeast Strain": {
        "Parent",
        "Integrant",
        "Plasmid",
        "Mating Type",
        "QC Primer1",
        "QC Primer2",
        "QC_length",
        "Comp_cell_limit",
        "Has this strain passed QC?",
    },
    "Plasmid": set(),
    "E coli strain": set(),
    "Enzyme": set(),
    "DNA Library": set(),
    "Oligo Pool": set(),
    "Media": set(),
}
CONTAINERS = (
    "Primer Aliquot",
    "Primer Stock",
    "Fragment Stock",
    "Plasmid Stock",
    "Plasmid Glycerol Stock",
    "E coli Plate of Plasmid",
    "Checked E coli Plate of Plasmid",
    "Transformed E. coli Aliquot",
    "Yeast Plate",
    "Yeast Glycerol Stock",
    "Yeast Overnight Suspension",
)
OPERATIONS = (
    "Order Primer",
    "Rehydrate Primer",
    "Make Primer Aliquot",
    "Make PCR Fragment",
    "Run Gel",
    "Extract Gel Slice",
    "Purify Gel Slice",
    "Assemble Plasmid",
    "Transform Cells",
    "Plate Transformed Cells",
    "Check Plate",
    "Make Overnight Suspension",
    "Make Miniprep",
    "Send to Sequencing",
    "Upload Sequencing Results",
    "E Coli Lysate",
    "E Coli Colony PCR",
    "Restriction Digest",
    "Make Glycerol Stock",
    "Yeast Transformation",
    "Check Yeast Plate",
    "Streak Plate",
    "Yeast Overnight Suspension",
    "Make Yeast Lysate",
    "Yeast Colony PCR",
    "Fragment Analyzing",
    "Challenge and Label",
)


@pytest.fixture(scope="module")
def catalogue() -> Store:
    store = Store()
    seed_lab(store).standard_catalogue()
    return store


def field_types(store: Store, parent_class: str, parent_id: int) -> dict[str, dict[str, Any]]:
    return {
        ft["name"]: ft
        for ft in store.lookup("field_types", parent_class=parent_class, parent_id=parent_id)
    }


def test_sample_types_have_the_fields_real_labs_use(catalogue: Store) -> None:
    for name, fields in SAMPLE_FIELDS.items():
        sample_type = catalogue.first("sample_types", name=name)
        assert sample_type is not None, name
        assert fields <= set(field_types(catalogue, "SampleType", sample_type["id"])), name
    yeast = catalogue.first("sample_types", name="Yeast Strain")
    fields = field_types(catalogue, "SampleType", yeast["id"])
    assert fields["QC_length"]["ftype"] == "number"
    assert fields["Mating Type"]["required"] and "MATalpha" in fields["Mating Type"]["choices"]
    allowed = {
        catalogue.get("sample_types", aft["sample_type_id"])["name"]
        for aft in catalogue.lookup(
            "allowable_field_types", field_type_id=fields["Integrant"]["id"]
        )
    }
    assert allowed == {"Fragment", "Plasmid"}
    pool = catalogue.first("sample_types", name="Oligo Pool")
    assert field_types(catalogue, "SampleType", pool["id"])["variants (array)"]["array"]


def test_containers_and_collections_exist(catalogue: Store) -> None:
    for name in CONTAINERS:
        container = catalogue.first("object_types", name=name)
        assert container is not None and container["sample_type_id"] is not None, name
    stripwell = catalogue.first("object_types", name="Stripwell")
    assert (stripwell["handler"], stripwell["rows"], stripwell["columns"]) == ("collection", 1, 12)
    plate = catalogue.first("object_types", name="96 Well Plate")
    assert (plate["rows"], plate["columns"]) == (8, 12)


def test_operation_types_are_deployed_with_protocol_code(catalogue: Store) -> None:
    for name in OPERATIONS:
        op_type = catalogue.first("operation_types", name=name)
        assert op_type is not None and op_type["deployed"], name
        codes = {
            c["name"]: c["content"]
            for c in catalogue.lookup(
                "codes", parent_class="OperationType", parent_id=op_type["id"]
            )
        }
        assert name in codes["protocol"] and "class Protocol" in codes["protocol"]
        assert "def cost" in codes["cost_model"]
    categories = {ot["category"] for ot in catalogue.rows("operation_types")}
    assert {"Cloning", "Yeast"} <= categories


def test_routing_array_and_part_flags_follow_the_definitions(catalogue: Store) -> None:
    def io(op_name: str) -> dict[str, dict[str, Any]]:
        op_type = catalogue.first("operation_types", name=op_name)
        return field_types(catalogue, "OperationType", op_type["id"])

    assert io("Assemble Plasmid")["Fragment"]["array"]
    assert io("Transform Cells")["Comp Cells"]["part"]
    pcr = io("Make PCR Fragment")
    assert [pcr[n]["routing"] for n in ("Forward Primer", "Reverse Primer", "Template")] == [
        "FP",
        "RP",
        "T",
    ]
    assert pcr["Fragment"]["part"] and pcr["Fragment"]["role"] == "output"


def allowable_problems(store: Store) -> list[str]:
    """AFTs that name a missing sample or object type, or a container of another sample type."""
    problems = []
    for aft in store.rows("allowable_field_types"):
        ft = store.get("field_types", aft["field_type_id"])
        st_id, ot_id = aft["sample_type_id"], aft["object_type_id"]
        if ft is None:
            problems.append(f"aft {aft['id']}: no field type")
            continue
        if st_id is not None and store.get("sample_types", st_id) is None:
            problems.append(f"{ft['name']}: sample type {st_id} missing")
        if ft["parent_class"] == "OperationType":
            container = store.get("object_types", ot_id) if ot_id is not None else None
            if container is None:
                problems.append(f"{ft['name']}: object type {ot_id} missing")
            elif container["sample_type_id"] not in (None, st_id):
                problems.append(f"{ft['name']}: {container['name']} holds another sample type")
    return problems


def test_allowable_field_type_check_can_fail() -> None:
    store = Store()
    seed_lab(store).standard_catalogue()
    aft = store.first("allowable_field_types", sample_type_id=1)
    store.update("allowable_field_types", aft["id"], sample_type_id=999)
    assert allowable_problems(store)


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 10_000), size=st.sampled_from(["small", 150]))
def test_every_allowable_field_type_points_at_existing_types(seed: int, size: Any) -> None:
    store = Store()
    build_lab(store, "demo", seed, size=size)
    assert allowable_problems(store) == []
    assert store.count("allowable_field_types") > 80


def test_standard_catalogue_on_a_custom_lab_rejects_a_second_load() -> None:
    store = Store()
    builder = seed_lab(store)
    builder.standard_catalogue()
    with pytest.raises(ValueError, match="Primer"):
        builder.standard_catalogue()


def test_catalogue_data_names_only_known_types() -> None:
    samples = {s["name"] for s in std.SAMPLE_TYPES}
    containers = {o["name"] for o in (*std.OBJECT_TYPES, *std.COLLECTION_TYPES)}
    for spec in std.OPERATION_TYPES:
        for field in (*spec.get("inputs", ()), *spec.get("outputs", ())):
            for sample_type, container in field["allowable"]:
                assert sample_type is None or sample_type in samples, (spec["name"], field)
                assert container in containers, (spec["name"], field)


# -- aqsession builds the four-step cloning chain ------------------------------------------------


def aft_pairs(fv: Any) -> set[tuple[int, int]]:
    return {(a.sample_type_id, a.object_type_id) for a in fv.field_type.allowable_field_types}


def test_aqsession_builds_wires_saves_estimates_and_submits_the_cloning_chain(
    aq_session: Any,
) -> None:
    s = aq_session
    primer = s.SampleType.find_by_name("Primer").new_sample(
        "chain-fwd", project="chain", description="new primer",
        properties={"Anneal Sequence": "ATGAGTAAAGGAGAAG", "T Anneal": 60},
    )  # fmt: skip
    primer.save()
    fragment = s.SampleType.find_by_name("Fragment").new_sample(
        "chain-insert", project="chain", description="insert",
        properties={"Length": 800, "Forward Primer": primer,
                    "Reverse Primer": s.Sample.find_by_name("rev-GFP-01")},
    )  # fmt: skip
    fragment.save()
    assert s.Sample.find(fragment.id).properties["Forward Primer"].name == "chain-fwd"
    plasmid = s.SampleType.find_by_name("Plasmid").new_sample(
        "chain-plasmid", project="chain", description="assembled",
        properties={"Bacterial Marker": "Amp"},
    )  # fmt: skip
    plasmid.save()
    ops = [s.OperationType.where({"name": name, "deployed": True})[0].instance() for name in CHAIN]
    ops[0].add_to_input_array("Fragment", sample=fragment)
    ops[0].set_output("Assembled Plasmid", sample=plasmid)
    ecoli = s.Sample.where({"sample_type_id": s.SampleType.find_by_name("E coli strain").id})[0]
    ops[1].set_input("Plasmid", sample=plasmid).set_input("Comp Cells", sample=ecoli)
    ops[1].set_output("Transformed E Coli", sample=plasmid)
    ops[2].set_input("Plasmid", sample=plasmid).set_output("Plate", sample=plasmid)
    ops[3].set_input("Plate", sample=plasmid).set_output("Plate", sample=plasmid)
    plan = s.Plan(name="chain plan")
    plan.add_operations(ops)
    for upstream, downstream in pairwise(ops):
        source = next(fv for fv in upstream.outputs if fv.child_sample_id == plasmid.id)
        dest = next(fv for fv in downstream.inputs if aft_pairs(fv) & aft_pairs(source))
        plan.wire(source, dest)
    plan.save()
    found = s.Plan.find(plan.id)
    assert sorted(op.operation_type.name for op in found.operations) == sorted(CHAIN)
    assert len(found.wires) == 3
    total = s.utils.estimate_plan_cost(found)
    costs = {op.operation_type.name: op.cost for op in found.operations}
    assert costs["Assemble Plasmid"]["materials"] == 9.0 and costs["Check Plate"]["labor"] == 1.0
    assert total == 0  # the demo lab sets no labor or markup rate, as a new Aquarium
    assert found.submit(s.current_user, s.current_user.budgets[0]) == {"result": "ok"}
    statuses = sorted(op.status for op in s.Plan.find(plan.id).operations)
    assert statuses == ["pending", "waiting", "waiting", "waiting"]


def test_planner_names_from_the_issue_find_deployed_types(aq_session: Any) -> None:
    found = aq_session.OperationType.where({"name": "Assemble Plasmid", "deployed": True})
    assert [ot.category for ot in found] == ["Cloning"]
    yeast = aq_session.SampleType.find_by_name("Yeast Strain")
    assert "QC_length" in {ft.name for ft in yeast.field_types}


def test_labbuilder_loads_the_catalogue_into_a_custom_lab() -> None:
    store = Store()
    builder = LabBuilder(store)
    builder.user("owner", "secret-1", "Owner")
    builder.standard_catalogue()
    assert store.count("operation_types") == len(std.OPERATION_TYPES)
