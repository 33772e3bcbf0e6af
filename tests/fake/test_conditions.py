"""``where`` semantics: hash criteria and SQL fragments, as Aquarium on MySQL applies them."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from query_lab import Lab, lab_store

from aqfake.conditions import QueryError, compile_where, parse_sql, select
from aqfake.store import Store
from aqfake.wire import deep_munge


@pytest.fixture
def lab() -> tuple[Store, Lab]:
    return lab_store()


def ids(store: Store, model: str, arguments: Any) -> list[int]:
    return [row["id"] for row in select(store, model, arguments)]


def error(store: Store, model: str, arguments: Any) -> str:
    with pytest.raises(QueryError) as caught:
        select(store, model, arguments)
    return str(caught.value)


# -- hash criteria -------------------------------------------------------------------------------


def test_empty_array_means_is_null(lab: tuple[Store, Lab]) -> None:
    store, ids_ = lab
    munged = deep_munge({"user_id": [], "id": []})
    assert munged == {"user_id": None, "id": None}
    assert ids(store, "Sample", {"user_id": munged["user_id"]}) == [ids_["orphan_sample"]]
    assert ids(store, "Sample", {"id": munged["id"]}) == []


def test_nulls_inside_arrays_are_dropped_by_munge(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    munged = deep_munge({"id": [lab_ids["fwd"], None]})
    assert ids(store, "Sample", munged) == [lab_ids["fwd"]]


def test_null_in_list_from_python_also_matches_null(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    found = ids(store, "Sample", {"user_id": [lab_ids["rookie"], None]})
    assert found == [lab_ids["rev"], lab_ids["orphan_sample"]]


def test_scalar_is_cast_to_column_type(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    assert ids(store, "Sample", {"id": str(lab_ids["fwd"])}) == [lab_ids["fwd"]]
    assert ids(store, "Sample", {"id": f"{lab_ids['fwd']}abc"}) == [lab_ids["fwd"]]
    assert ids(store, "Sample", {"id": "abc"}) == []  # to_i gives 0
    assert ids(store, "OperationType", {"deployed": True}) == [lab_ids["ot"]]
    assert ids(store, "Sample", {"project": "GLOW"}) == [lab_ids["fwd"], lab_ids["rev"]]


def test_list_value_is_in(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    wanted = [lab_ids["rev"], str(lab_ids["fwd"]), 99999]
    assert ids(store, "Sample", {"id": wanted}) == [lab_ids["fwd"], lab_ids["rev"]]


def test_case_insensitive_string_match(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    assert ids(store, "Sample", {"name": "FWD-gfp"}) == [lab_ids["fwd"]]
    assert ids(store, "SampleType", {"name": ["primer", "PLASMID"]}) == [
        lab_ids["primer"],
        lab_ids["plasmid"],
    ]


def test_trailing_spaces_ignored_in_string_equality(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    assert ids(store, "Sample", {"name": "rev-gfp"}) == [lab_ids["rev"]]
    assert ids(store, "Sample", {"name": "fwd-GFP   "}) == [lab_ids["fwd"]]
    assert ids(store, "Sample", {"name": " fwd-GFP"}) == []


def test_table_qualified_key(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    assert ids(store, "Sample", {"samples.name": "fwd-gfp"}) == [lab_ids["fwd"]]
    assert error(store, "Sample", {"items.id": 1}) == (
        "Mysql2::Error: Unknown column 'items.id' in 'where clause'"
    )


def test_nested_hash_only_for_own_table(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    assert ids(store, "Sample", {"samples": {"name": "loner"}}) == [lab_ids["orphan_sample"]]
    assert ids(store, "Collection", {"items": {"id": lab_ids["bench"]}}) == [lab_ids["bench"]]
    message = error(store, "Sample", {"sample_type": {"name": "Primer"}})
    assert message == "Mysql2::Error: Unknown column 'sample_types.name' in 'where clause'"


def test_empty_nested_hash_matches_nothing(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    assert ids(store, "Sample", {"samples": {}}) == []
    assert ids(store, "Sample", {"anything": {}}) == []


def test_belongs_to_name_rewritten_to_foreign_key(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    assert ids(store, "Item", {"sample": lab_ids["rev"]}) == [lab_ids["part_b"]]
    assert ids(store, "Wire", {"from": lab_ids["fv_out"]}) == [lab_ids["wire"]]


def test_unknown_column_error_message(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    assert error(store, "Sample", {"colour": "red"}) == (
        "Mysql2::Error: Unknown column 'samples.colour' in 'where clause'"
    )
    assert error(store, "Sample", "colour = 'red'") == (
        "Mysql2::Error: Unknown column 'colour' in 'where clause'"
    )


def test_secret_columns_cannot_be_queried(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    assert "Unknown column 'users.remember_token'" in error(
        store, "User", {"remember_token": "TYmoWfyV42AL7dSoYcgmug"}
    )
    assert "Unknown column 'password_digest'" in error(store, "User", "password_digest LIKE 'p%'")
    assert "Unknown column 'users.key'" in error(store, "User", "users.key IS NOT NULL")


def test_no_arguments_or_blank_match_everything(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    every = [r["id"] for r in store.rows("samples")]
    for blank in (None, {}, "", "   "):
        assert ids(store, "Sample", blank) == every


def test_collection_queries_not_restricted(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    assert ids(store, "Collection", {"location": "bench"}) == [lab_ids["bench"]]
    assert len(select(store, "Collection", None)) == store.count("items")


def test_out_of_range_integer_refused(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    assert error(store, "Sample", {"id": 2**40}) == (
        "1099511627776 is out of range for ActiveRecord::Type::Integer with limit 4"
    )


def test_unsupported_argument_type(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    assert error(store, "Sample", 5) == "Unsupported argument type: 5 (Integer)"


# -- SQL fragments -------------------------------------------------------------------------------


def test_aql_generated_shape(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    sql = (
        f'( object_type_id = "{lab_ids["aliquot"]}" ) AND created_at > "2020-01-15 12:00:00.5" '
        'AND location != "deleted"'
    )
    assert ids(store, "Item", sql) == [
        lab_ids["bench"],
        lab_ids["fridge"],
        lab_ids["slotted"],
    ]


def test_location_not_deleted_excludes_null_locations(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    found = ids(store, "Item", "location != 'deleted'")
    assert lab_ids["nowhere"] not in found
    assert lab_ids["gone"] not in found
    assert lab_ids["bench"] in found
    assert lab_ids["nowhere"] in ids(store, "Item", "location IS NULL")


def test_quoted_numbers_compare_numerically(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    assert ids(store, "Item", "quantity > '1.5'") == [lab_ids["fridge"]]
    assert ids(store, "Sample", f"id = '{lab_ids['rev']}'") == [lab_ids["rev"]]
    assert ids(store, "Item", "inuse < 0") == [lab_ids["gone"]]
    assert ids(store, "Item", "quantity = -1") == [lab_ids["gone"]]


def test_datetime_column_compares_as_datetime_utc(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    first = store.get("users", lab_ids["neptune"])
    assert first is not None
    stamp = first["created_at"].strftime("%Y-%m-%d %H:%M:%S")
    assert ids(store, "User", f'created_at = "{stamp}"') == [lab_ids["neptune"]]
    assert ids(store, "User", f'created_at <= "{stamp}.000001"') == [lab_ids["neptune"]]
    assert ids(store, "User", "created_at > '2020-01-15'") == [
        lab_ids["neptune"],
        lab_ids["rookie"],
    ]
    assert ids(store, "User", "created_at < 'not a date'") == []


def test_sql_strings_case_insensitive(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    assert ids(store, "Sample", "name = 'FWD-gfp'") == [lab_ids["fwd"]]
    assert ids(store, "Sample", "NAME = 'rev-gfp' AND Project = 'GLOW'") == [lab_ids["rev"]]


def test_like_patterns(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    assert ids(store, "Sample", "name LIKE '%gfp%'") == [lab_ids["fwd"], lab_ids["rev"]]
    assert ids(store, "Sample", "name LIKE 'fwd_GFP'") == [lab_ids["fwd"]]
    assert ids(store, "Sample", "name NOT LIKE 'f%'") == [lab_ids["rev"], lab_ids["orphan_sample"]]
    assert ids(store, "Sample", r"name LIKE 'fwd\_GFP'") == []
    assert ids(store, "Sample", "name LIKE 'rev-gfp'") == []  # LIKE keeps trailing spaces


def test_in_and_not_in_with_null(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    fwd, rev = lab_ids["fwd"], lab_ids["rev"]
    assert ids(store, "Sample", f"id IN ({fwd}, '{rev}', NULL)") == [fwd, rev]
    assert ids(store, "Sample", f"id NOT IN ({fwd}, NULL)") == []  # unknown, not true
    assert ids(store, "Sample", f"user_id NOT IN ({lab_ids['neptune']})") == [rev]


def test_three_valued_logic(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    every = [r["id"] for r in store.rows("samples")]
    assert ids(store, "Sample", "NOT (user_id = 1)") == [lab_ids["rev"]]
    assert ids(store, "Sample", "user_id = 1 OR user_id != 1") == [lab_ids["fwd"], lab_ids["rev"]]
    assert ids(store, "Sample", "user_id = 1 OR user_id IS NULL OR user_id != 1") == every
    assert ids(store, "Sample", "NULL = NULL") == []
    assert ids(store, "Sample", "user_id <=> NULL") == [lab_ids["orphan_sample"]]


def test_precedence_and_parentheses(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    fwd, rev = lab_ids["fwd"], lab_ids["rev"]
    assert ids(store, "Sample", f"id = {fwd} OR id = {rev} AND project = 'none'") == [fwd]
    assert ids(store, "Sample", f"(id = {fwd} OR id = {rev}) AND project = 'none'") == []
    assert ids(store, "Sample", f"NOT id = {fwd} AND user_id IS NOT NULL") == [rev]
    assert ids(store, "Sample", f"id BETWEEN {fwd} AND {rev}") == [fwd, rev]


def test_quoting_forms(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    store.update("samples", lab_ids["orphan_sample"], description='it\'s "quoted" \\ here')
    target = [lab_ids["orphan_sample"]]
    assert ids(store, "Sample", "description = 'it''s \"quoted\" \\\\ here'") == target
    assert ids(store, "Sample", 'description = "it\'s \\"quoted\\" \\\\ here"') == target
    assert ids(store, "Sample", "`samples`.`description` LIKE 'it\\'s%'") == target


def test_bind_parameter_arrays(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    assert ids(store, "Sample", ["name = ? AND project = ?", "fwd-gfp", "glow"]) == [lab_ids["fwd"]]
    assert ids(store, "Sample", ["id IN (?)", [lab_ids["fwd"], lab_ids["rev"]]]) == [
        lab_ids["fwd"],
        lab_ids["rev"],
    ]
    assert ids(store, "Sample", ["name = :n", {"n": "loner"}]) == [lab_ids["orphan_sample"]]
    assert ids(store, "Sample", ["name = ?", "x' OR '1'='1"]) == []
    assert error(store, "Sample", ["name = ? AND id = ?", "x"]) == (
        "wrong number of bind variables (1 for 2) in: name = ? AND id = ?"
    )


@pytest.mark.parametrize(
    ("sql", "near"),
    [
        ("id = 1; DELETE FROM samples", "; DELETE FROM samples"),
        ("id = 1 -- comment", "-- comment"),
        ("id = 1 /* c */", "/* c */"),
        ("id = 1 # c", "# c"),
        ("id IN (SELECT id FROM samples)", "SELECT id FROM samples)"),
        ("sleep(10) = 0", "sleep(10) = 0"),
        ("( object_type_id = (  ) )", ")"),
        ("name = 'unterminated", "'unterminated"),
        ("id = = 1", "= 1"),
        ("id = 1 UNION SELECT 1", "UNION SELECT 1"),
        ("' OR 1=1 --", "' OR 1=1 --"),
    ],
)
def test_unparseable_fragments_refused(lab: tuple[Store, Lab], sql: str, near: str) -> None:
    store, _ = lab
    message = error(store, "Sample", sql)
    assert message.startswith("Mysql2::Error: You have an error in your SQL syntax")
    assert f"near '{near}" in message


def test_reserved_word_columns_need_backquotes(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    message = error(store, "DataAssociation", "key = 'note'")
    assert "near 'key = 'note''" in message and "quote it as `key`" in message
    assert ids(store, "DataAssociation", "`key` = 'note'") == [
        lab_ids["da_note"],
        lab_ids["da_Note"],
    ]
    assert ids(store, "DataAssociation", {"key": "note"}) == [
        lab_ids["da_note"],
        lab_ids["da_Note"],
    ]


def test_bare_column_is_a_truth_test(lab: tuple[Store, Lab]) -> None:
    store, lab_ids = lab
    assert ids(store, "OperationType", "deployed") == [lab_ids["ot"]]
    assert ids(store, "Sample", "user_id") == [lab_ids["fwd"], lab_ids["rev"]]


def test_sql_fragment_never_executed(lab: tuple[Store, Lab]) -> None:
    store, _ = lab
    before = store.snapshot()
    for attack in (
        "1=1; DROP TABLE samples",
        "id = 1 OR __import__('os').system('true')",
        "name = '' OR 1=1",
        "id = 1 UNION SELECT password_digest FROM users",
    ):
        with contextlib.suppress(QueryError):
            select(store, "Sample", attack)
    assert store.snapshot() == before
    assert len(ids(store, "Sample", "name = '' OR 1=1")) == store.count("samples")


def test_parser_builds_tree_without_store() -> None:
    tree = parse_sql("samples", "name = 'x' AND (id IN (1, 2) OR user_id IS NULL)")
    assert type(tree).__name__ == "And"


def test_indexed_equality_does_not_scan(lab: tuple[Store, Lab], monkeypatch: Any) -> None:
    store, lab_ids = lab

    def no_scan(table: str) -> list[Any]:
        raise AssertionError(f"full scan of {table}")

    monkeypatch.setattr(store, "rows", no_scan)
    assert ids(store, "Item", {"sample_id": lab_ids["rev"]}) == [lab_ids["part_b"]]
    assert ids(store, "Item", f'( sample_id = "{lab_ids["rev"]}" ) AND quantity > 0') == [
        lab_ids["part_b"]
    ]
    assert ids(store, "Sample", {"id": [lab_ids["fwd"]], "name": "FWD-gfp"}) == [lab_ids["fwd"]]
    assert ids(store, "Sample", f"id = {lab_ids['rev']} OR id = {lab_ids['fwd']}") == [
        lab_ids["fwd"],
        lab_ids["rev"],
    ]


@pytest.mark.parametrize(
    "arguments",
    [
        {"sample_id": [1, 2, None]},
        {"location": ["BENCH", "fridge "]},
        "sample_id = '1' OR location = 'bench'",
        "object_type_id IN (1, 2, '3') AND NOT location LIKE 'b%'",
        "id = 3.0 OR id = '4abc'",
        "location = 5",
    ],
)
def test_index_plan_agrees_with_full_evaluation(lab: tuple[Store, Lab], arguments: Any) -> None:
    store, _ = lab
    where = compile_where("Item", arguments)
    brute = [row["id"] for row in store.rows("items") if where.matches(row)]
    assert [row["id"] for row in where.rows(store)] == brute
