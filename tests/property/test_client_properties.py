"""Properties of the client against the fake, in-process: hostile values and AQL documents.

Each example builds a generated lab into a fresh FakeAquarium and signs in through the client
(``responses`` transport, no sockets). The fake's journal shows every request, so a query the
server refused (422, which ``where`` turns into an empty list) cannot pass unnoticed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from aqfake import strategies as aqst
from aqfake.app import FakeAquarium
from aqsession import AqSession
from aqsession.aql import execute, to_sql, validate

from .conftest import examples
from .reference import aql_rows, models_in, text_key

#: the reference time of ``__time__`` values (the generated labs are dated just before it)
NOW = aqst.ANCHOR + timedelta(days=1)


#: the server answers a DataAssociation ``where`` with only the newest row per key (protocol
#: quirk 5), so queries through data associations may return fewer models than match
LOSSY = "DataAssociation"


@contextmanager
def signed_in(lab: aqst.LabSpec) -> Iterator[tuple[FakeAquarium, Any]]:
    fake = FakeAquarium(lab)
    with fake.mock():
        yield fake, AqSession("neptune", "aquarium", fake.base_url)


def refused(fake: FakeAquarium, mark: int) -> list[tuple[int, Any]]:
    """(status, body) of the requests since ``mark`` that the server did not answer 200."""
    return [(e.status, e.body) for e in fake.journal.since(mark) if e.status != 200]


@examples(40)
@given(lab=aqst.labs(names=aqst.sample_names(hostile=True), max_items=0), data=st.data())
def test_hostile_values_select_exactly_the_rows_with_that_name(
    lab: aqst.LabSpec, data: st.DataObject
) -> None:
    with signed_in(lab) as (fake, session):
        rows = fake.store.rows("samples")
        value = data.draw(
            st.one_of(
                aqst.hostile_strings(),
                st.sampled_from([r["name"] for r in rows] or ["x"]).map(str.swapcase),
            ),
            label="value",
        )
        expected = sorted(r["id"] for r in rows if text_key(r["name"]) == text_key(value))
        mark = fake.journal.mark()
        by_hash = sorted(s.id for s in session.Sample.where({"name": value}))
        by_sql = sorted(s.id for s in session.Sample.where(to_sql({"name": value})))
        assert refused(fake, mark) == []
        assert by_hash == expected
        assert by_sql == expected


def expected_window(rows: list[dict[str, Any]], options: dict[str, Any]) -> int:
    """How many results a window of ``options`` leaves (limit 0 sends nothing at all)."""
    limit, offset = options.get("limit", -1), options.get("offset", -1)
    if limit == 0:
        return 0
    remaining = max(0, len(rows) - max(offset, 0))
    return min(remaining, limit) if limit > 0 else remaining


def check_aql(fake: FakeAquarium, session: Any, document: dict[str, Any]) -> list[int]:
    """Run a document through the client and check it against the reference reading of the
    store: no request refused, only matching models, all of them (within the options' window,
    unless a data-association sub-query makes the server drop rows), in the requested order.
    Returns the ids the reference expects before the window is applied."""
    validate(document)
    mark = fake.journal.mark()
    results = execute(session, document, now=NOW)
    assert refused(fake, mark) == []
    body = document["__query__"]
    expected = aql_rows(fake.store, document["__model__"], body, NOW)
    expected_ids = {row["id"] for row in expected}
    got = [model.id for model in results]
    assert len(got) == len(set(got))
    assert set(got) <= expected_ids
    options = {"reverse": True, **body.get("__options__", {})}
    if LOSSY not in models_in(document["__model__"], body):
        assert len(got) == expected_window(expected, options)
    by_id = {row["id"]: row for row in expected}
    if options["reverse"]:
        stamps = [by_id[i]["created_at"] for i in got]
        assert stamps == sorted(stamps, reverse=True)
    else:
        assert got == sorted(got)
    return sorted(expected_ids)


@examples(40)
@given(lab=aqst.labs(), data=st.data())
def test_aql_documents_validate_run_and_return_exactly_the_matching_models(
    lab: aqst.LabSpec, data: st.DataObject
) -> None:
    with signed_in(lab) as (fake, session):
        for _ in range(8):
            check_aql(fake, session, data.draw(aqst.aql_queries(store=fake.store)))
