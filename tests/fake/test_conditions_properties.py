"""Properties of ``where``: index plans agree with row-by-row evaluation, hash criteria agree with
the equivalent SQL fragment, and no input text makes the parser do anything but parse or refuse."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aqfake.conditions import QueryError, compile_where
from aqfake.store import Store

NAMES = ["GFP", "gfp", "gfp ", "RFP", "", "o'neil", 'say "hi"', "back\\slash"]
PROJECTS = ["Glow", "glow", None, "x"]


def _store(rows: list[tuple[str | None, str | None, int | None]]) -> Store:
    store = Store()
    store.insert("users", name="U", login="u")
    for name, project, user_id in rows:
        store.insert("samples", name=name, project=project, user_id=user_id)
    return store


row_lists = st.lists(
    st.tuples(
        st.sampled_from([*NAMES, None]), st.sampled_from(PROJECTS), st.sampled_from([1, None])
    ),
    max_size=12,
)
scalars: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from(NAMES), st.integers(-2, 14), st.sampled_from(["3", "7abc", "x", "1"])
)
criteria = st.dictionaries(
    st.sampled_from(["id", "name", "project", "user_id"]),
    st.one_of(st.none(), scalars, st.lists(st.one_of(scalars, st.none()), max_size=3)),
    max_size=3,
)


def _quote(value: Any) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _as_sql(conditions: dict[str, Any]) -> str:
    """The SQL a careful client would write for hash criteria (strings quoted, IN for lists)."""
    clauses = []
    for column, value in conditions.items():
        if value is None:
            clauses.append(f"{column} IS NULL")
        elif isinstance(value, list):
            items = [v for v in value if v is not None]
            parts = [f"{column} IN ({', '.join(_quote(v) for v in items)})"] if items else []
            if len(items) < len(value) or not value:
                parts.append(f"{column} IS NULL" if len(items) < len(value) else "FALSE")
            clauses.append("(" + " OR ".join(parts) + ")")
        else:
            clauses.append(f"{column} = {_quote(value)}")
    return " AND ".join(clauses)


@settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(rows=row_lists, conditions=criteria)
def test_index_plan_matches_row_by_row_evaluation(
    rows: list[tuple[str | None, str | None, int | None]], conditions: dict[str, Any]
) -> None:
    store = _store(rows)
    for arguments in (conditions, _as_sql(conditions) if conditions else None):
        where = compile_where("Sample", arguments)
        brute = [r["id"] for r in store.rows("samples") if where.matches(r)]
        assert [r["id"] for r in where.rows(store)] == brute


@settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(rows=row_lists, conditions=criteria)
def test_hash_criteria_equal_quoted_sql(
    rows: list[tuple[str | None, str | None, int | None]], conditions: dict[str, Any]
) -> None:
    store = _store(rows)
    by_hash = [r["id"] for r in compile_where("Sample", conditions).rows(store)]
    sql = _as_sql(conditions) if conditions else ""
    assert [r["id"] for r in compile_where("Sample", sql).rows(store)] == by_hash


@settings(max_examples=300, deadline=None, database=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab_ 01'\"`();=<>!-.,%\\#*/N")), max_size=30))
def test_any_text_parses_or_is_refused(text: str) -> None:
    store = _store([("a", "b", 1)])
    before = store.snapshot()
    try:
        compile_where("Sample", text).rows(store)
    except QueryError as exc:
        assert str(exc).startswith("Mysql2::Error: ")
    assert store.snapshot() == before
