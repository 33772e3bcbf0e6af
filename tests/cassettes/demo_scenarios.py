"""The sessions recorded in this repository's ``cassettes/``, written once for both clients.

Each scenario takes a logged-in session (``aqsession.AqSession`` or pydent's ``AqSession``: only
the API the two share is used, and only the standard library is imported, so pydent's venv can
run this file) and returns a JSON-able summary of what it saw. The recording tests run them
with ``aq_recorded_session``; the interchangeability tests run them again under pydent against
the same cassettes and expect the same summaries.

Everything a scenario asks for is found during the session (no ids known in advance), and no
request depends on the clock, so a cassette replays on any day.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: A sample type of the demo lab with samples, items and field values.
SAMPLE_TYPE = "Primer"
#: The data-association key the ``data_associations`` scenario writes.
NEW_KEY = "recorded_note"
NEW_VALUE = {"od600": 0.42, "note": "grown <overnight> & spun"}


def _ids(models: Any) -> list[int]:
    return sorted(m.id for m in models or [])


def login_and_queries(session: Any) -> dict[str, Any]:
    """Who am I, and the everyday finders: all, find_by_name, where, find, first/last."""
    user = session.User.where({"login": session.login})[0]
    sample_types = session.SampleType.all()
    primer_type = session.SampleType.find_by_name(SAMPLE_TYPE)
    primers = session.Sample.where({"sample_type_id": primer_type.id})
    first = session.Sample.find(primers[0].id)
    by_name = session.Sample.find_by_name(first.name)
    several = session.Sample.find([p.id for p in primers[:3]])
    last_items = session.Item.last(3)
    return {
        "user": {"id": user.id, "login": user.login},
        "sample_types": sorted(st.name for st in sample_types),
        "primer_type_id": primer_type.id,
        "primers": _ids(primers),
        "first": {"id": first.id, "name": first.name, "by_name": by_name.id},
        "several": _ids(several),
        "last_items": [i.id for i in last_items],
        "unknown": session.Sample.find_by_name("no such sample, surely"),
    }


def lazy_relationships(session: Any) -> dict[str, Any]:
    """Relationships loaded on first access: belongs-to, has-many, and through field values."""
    primer_type = session.SampleType.find_by_name(SAMPLE_TYPE)
    samples = session.Sample.where({"sample_type_id": primer_type.id})
    sample = next(s for s in samples if s.items)
    items = sample.items
    item = items[0]
    return {
        "sample": sample.id,
        "sample_type": sample.sample_type.name,
        "field_values": sorted([fv.name, str(fv.value)] for fv in sample.field_values),
        "field_types": sorted(ft.name for ft in sample.sample_type.field_types),
        "items": _ids(items),
        "item_sample": item.sample.id,
        "item_object_type": item.object_type.name,
        "item_location": item.location,
    }


def cached_browsing(session: Any) -> dict[str, Any]:
    """A caching session: batched loading with ``browser.get``, then reading without requests."""
    with session.with_cache() as cached:
        primer_type = cached.SampleType.find_by_name(SAMPLE_TYPE)
        samples = cached.Sample.where({"sample_type_id": primer_type.id})[:4]
        loaded = cached.browser.get(samples, {"sample_type": "field_types", "items": "object_type"})
        cached.using_requests = False
        try:
            offline = {
                str(s.id): {
                    "sample_type": s.sample_type.name,
                    "field_types": sorted(ft.name for ft in s.sample_type.field_types),
                    "items": sorted([i.id, i.object_type.name] for i in s.items),
                }
                for s in samples
            }
        finally:
            cached.using_requests = True
        again = cached.Sample.find(samples[0].id)
    return {
        "loaded": {name: _ids(models) for name, models in sorted(loaded.items())},
        "offline": offline,
        "cached_find_is_same": again.id == samples[0].id,
    }


def query_language(session: Any) -> dict[str, Any]:
    """``session.query``: nested relation queries, ``__not__``, limits, ``__return__``."""
    primer_type = session.SampleType.find_by_name(SAMPLE_TYPE)
    primers = session.Sample.where({"sample_type_id": primer_type.id})
    nested = session.query(
        {"__model__": "Sample", "__query__": {"sample_type": {"__query__": {"name": SAMPLE_TYPE}}}}
    )
    excluded = primers[0].name
    others = session.query(
        {
            "__model__": "Sample",
            "__query__": {"sample_type_id": primer_type.id, "name": {"__not__": excluded}},
        }
    )
    limited = session.query(
        {
            "__model__": "Item",
            "__query__": {"sample_id": [p.id for p in primers], "__options__": {"limit": 2}},
        }
    )
    with_types = session.query(
        {
            "__model__": "Sample",
            "__query__": {"id": primers[0].id, "__return__": {"sample_type": {}}},
        }
    )
    return {
        "nested": _ids(nested),
        "primers": _ids(primers),
        "others": _ids(others),
        "excluded": excluded,
        "limited": len(limited),
        "returned_type": [s.sample_type.name for s in with_types],
    }


def data_associations(session: Any) -> dict[str, Any]:
    """Reading recorded data associations, and writing one with ``associate``."""
    existing = session.DataAssociation.where({"parent_class": "Item"})
    holder = session.Item.find(existing[0].parent_id)
    keys = sorted({da.key for da in holder.data_associations})
    new = holder.associate(NEW_KEY, NEW_VALUE)
    again = session.Item.find(holder.id)
    return {
        "item": holder.id,
        "keys": keys,
        "value_of_first_key": holder.get(keys[0]),
        "new": {"key": new.key, "value": new.value, "parent_id": new.parent_id},
        "read_back": again.get(NEW_KEY),
    }


#: name -> scenario; the cassette of each is ``cassettes/test_demo_sessions/test_<name>.yaml``.
SCENARIOS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "login_and_queries": login_and_queries,
    "lazy_relationships": lazy_relationships,
    "cached_browsing": cached_browsing,
    "query_language": query_language,
    "data_associations": data_associations,
}
