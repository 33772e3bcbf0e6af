"""Queries the server refuses (422) are logged as warnings instead of silently becoming
``[]``/``None``; ordinary misses and successes log no warning."""

from __future__ import annotations

import logging

LOGGER = "aqsession.interfaces"


def warnings_of(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_where_with_unknown_column_returns_empty_list_and_warns(aq_session, caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert aq_session.Sample.where({"nope": 1}) == []
    (message,) = warnings_of(caplog)
    assert message.startswith("Sample.where got 422 from Aquarium: ")
    assert "Unknown column" in message and "nope" in message
    assert message.endswith("; returning []")
    assert caplog.records[0].name == LOGGER


def test_query_with_unknown_column_returns_empty_list_and_warns(aq_session, caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert aq_session.query({"__model__": "Sample", "__query__": {"nope": 1}}) == []
    (message,) = warnings_of(caplog)
    assert "Sample.where got 422" in message and "Unknown column" in message and "nope" in message


def test_bad_include_on_find_returns_none_and_warns(aq_session, caplog):
    sample = aq_session.Sample.first()[0]
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert aq_session.Sample.find(sample.id, include="no_such_relation") is None
    (message,) = warnings_of(caplog)
    assert message.startswith("Sample.find got 422 from Aquarium: ")
    assert "no_such_relation" in message and message.endswith("; returning None")


def test_missing_id_is_an_ordinary_none_without_warning(aq_session, caplog):
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        assert aq_session.Sample.find(10**9) is None
    assert warnings_of(caplog) == []
    assert any("Couldn't find" in r.getMessage() for r in caplog.records)


def test_successful_queries_log_no_warning(aq_session, caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert aq_session.Sample.where({"id": 10**9}) == []
        assert aq_session.Sample.first(2)
    assert warnings_of(caplog) == []


def test_pagination_with_unknown_column_warns_once(aq_session, caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert aq_session.Sample.where({"nope": 1}, page_size=5) == []
    (message,) = warnings_of(caplog)
    assert "Sample.where got 422" in message
