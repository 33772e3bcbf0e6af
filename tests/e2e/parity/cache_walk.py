"""A lab script that fetches a sample graph once, then works offline; run with both clients.

The pattern pydent's docs recommend for speed: open ``session.with_cache()``, pull a batch of
samples and everything the script will read with one ``browser.get``, then walk the graph with
requests switched off (``with_requests_off()`` and ``s(using_requests=False, ...)``), so any
forgotten relationship fails loudly instead of quietly costing a request. Leaving the blocks
hands the cached models back to the parent session, which keeps using them.

Params: ``sample_ids`` (samples with items and field types), ``uncached_id`` (a sample
neither among them nor linked to them by a sample field), ``other_name`` (the name of
another such sample), ``where_type_id`` (a sample type neither of those two has).
"""

from __future__ import annotations

from typing import Any

from parity_common import LOGIN, PASSWORD, Mark, Summary, ids, main

SPEC = {"sample_type": "field_types", "items": "object_type"}
CLASSES = ("Sample", "SampleType", "FieldType", "Item", "ObjectType")


def walk(samples: list[Any]) -> list[dict[str, Any]]:
    """Read every relationship ``SPEC`` loaded, as a user's report would."""
    return [
        {
            "sample": s.name,
            "sample_type": s.sample_type.name,
            "field_types": sorted(ft.name for ft in s.sample_type.field_types),
            "items": sorted([i.id, i.object_type.name] for i in s.items),
        }
        for s in sorted(samples, key=lambda s: s.id)
    ]


def cached(session: Any) -> dict[str, list[int]]:
    """The ids a session's browser holds, per model class (the cache is public API)."""
    return {name: sorted(ids(session.browser.get(name)) or []) for name in CLASSES}


def refused(client: Any, action: Any) -> Any:
    """Run ``action``; name the refusal when requests are off (both clients: a POST)."""
    try:
        return action()
    except client.exceptions.ForbiddenRequestError:
        return "ForbiddenRequestError"


def run(client: Any, url: str, p: dict[str, Any], mark: Mark) -> dict[str, Any]:
    """Fetch once, walk offline, hand back; returns the summary."""
    out = Summary(mark)
    out.phase("login")
    session = client.AqSession(LOGIN, PASSWORD, url)

    with session.with_cache(timeout=60) as s:
        out.phase("fetch")
        samples = s.Sample.find(p["sample_ids"])
        out.check("fetched", lambda: sorted(ids(samples) or []))
        out.phase("browser.get")
        got = s.browser.get(samples, SPEC)
        out.check("browser.get", lambda: {k: sorted(ids(v) or []) for k, v in sorted(got.items())})
        out.differs("cached_in_s", lambda: cached(s))  # aqsession keeps nested records too

        out.phase("walk_cached")
        out.check("walk_in_s", lambda: walk(samples))
        out.check("find_again", lambda: s.Sample.find(p["sample_ids"][0]).name)

        out.phase("cached_lookups")
        out.check(
            "s.find_by_name",
            lambda: s.SampleType.find_by_name(samples[0].sample_type.name).id,
        )
        out.check("s.where_ids", lambda: sorted(ids(s.Sample.where({"id": p["sample_ids"]})) or []))
        out.check("s.find_ids", lambda: sorted(ids(s.Sample.find(p["sample_ids"])) or []))

        out.phase("repeated_queries")
        out.check(
            "s.where_type_twice",
            lambda: [ids(s.Sample.where({"sample_type_id": p["where_type_id"]})) for _ in range(2)],
        )
        out.check(
            "s.find_by_name_twice",
            lambda: [s.Sample.find_by_name(p["other_name"]).id for _ in range(2)],
        )
        out.check("s.first_twice", lambda: [ids(s.Sample.first(2)) for _ in range(2)])

        out.phase("retrieve")
        out.check(
            "retrieve",
            lambda: sorted(
                [fv.name, fv.parent_id] for fv in s.browser.retrieve(samples, "field_values")
            ),
        )
        out.check(
            "recursive_retrieve",
            lambda: {
                name: sorted(ids(found) or [])
                for name, found in sorted(
                    s.browser.recursive_retrieve(samples, {"field_values": "sample"}).items()
                )
            },
        )
        out.check(
            "children",
            lambda: sorted(
                [s_.name, fv.name, fv.sample.name]
                for s_ in samples
                for fv in s_.field_values
                if fv.sample is not None
            ),
        )

        out.phase("requests_off")
        with s.with_requests_off() as off:
            out.check("off.using_cache", lambda: off.using_cache)
            out.check(
                "off.walk",
                lambda: walk(off.browser.get("Sample", query={"id": p["sample_ids"]})),
            )
            out.check(
                "off.find_cached",
                lambda: refused(client, lambda: off.Sample.find(p["sample_ids"][1]).name),
            )
            out.check(
                "off.find_uncached",
                lambda: refused(client, lambda: off.Sample.find(p["uncached_id"]).name),
            )
            out.check(
                "off.get_query",
                lambda: sorted(
                    ids(off.browser.get("Item", query={"sample_id": p["sample_ids"][0]})) or []
                ),
            )

        out.phase("swapped_off")
        with s(using_requests=False, session_swap=True) as strict:
            # pydent 1.0.11 forgets loaded relationships here: leaving the with_requests_off
            # block above merged its cache back into ``s`` by overwriting cached objects'
            # contents (client-behaviour.md §10.9, §10.25), which dropped the field types of
            # two of the three sample types, so this walk needs a request and is refused.
            # aqsession keeps them; the pytest side checks each client's own answer.
            out.differs(
                "strict.walk",
                lambda: walk(strict.browser.get("Sample", query={"id": p["sample_ids"]})),
            )
            out.check("strict.owns_models", lambda: all(m.session is strict for m in samples))
            out.check(
                "strict.unloaded_relation",
                lambda: refused(client, lambda: samples[0].user.login),
            )
        out.check("back_in_s", lambda: all(m.session is s for m in samples))

    out.phase("handed_back")
    out.check("parent_owns_models", lambda: all(m.session is session for m in samples))
    out.check("parent_cache", lambda: cached(session))
    out.check("parent.using_cache", lambda: session.using_cache)
    out.check("parent_walk", lambda: walk(samples))

    out.phase("parent_requests_off")
    with session.with_requests_off() as off:
        out.check(
            "root_off.find",
            lambda: refused(client, lambda: off.Sample.find(p["sample_ids"][0])),
        )
    with session.with_requests_off(using_cache=True) as off:
        out.check(
            "root_off_cache.find",
            lambda: refused(client, lambda: off.Sample.find(p["sample_ids"][0]).name),
        )

    out.phase("aql_use_cache")
    query = {
        "__model__": "Sample",
        "__query__": {"id": p["sample_ids"], "__return__": {"items": "object_type"}},
    }
    out.check("aql_use_cache", lambda: walk(session.query(query, use_cache=True)))

    out.phase("lazy_after_handback")
    out.check("lazy_user", lambda: samples[0].user.login)
    return out.as_dict()


if __name__ == "__main__":
    main(run)
