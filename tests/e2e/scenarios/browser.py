"""Browser scenario: ``with_cache`` sessions and batched relationship loading (``browser.get``).

Params: ``sample_ids`` (samples that all have items), ``pattern`` (a regex for ``search``),
``sample_type`` (a name to narrow the search), ``network_root`` (a sample with sample-valued
fields).
"""

from __future__ import annotations

from _common import Checks, counted, ids, login, read_input
from pydent import Browser


def main() -> None:
    url, p = read_input()
    session = login(url)
    checks = Checks()
    sample_ids = p["sample_ids"]

    with session.with_cache() as sess:
        samples = sess.Sample.find(sample_ids)
        checks.run("find_list", lambda: sorted(ids(samples) or []))
        checks.run(
            "get",
            lambda: counted(
                sess,
                lambda: {
                    name: sorted({m.id for m in models})
                    for name, models in sess.browser.get(
                        samples, {"sample_type": "field_types", "items": "object_type"}
                    ).items()
                },
            ),
        )

        def offline_view() -> dict[str, object]:
            sess.using_requests = False
            try:
                return {
                    str(s.id): {
                        "sample_type": s.sample_type.name,
                        "field_types": sorted(ft.name for ft in s.sample_type.field_types),
                        "items": sorted([i.id, i.object_type.name] for i in s.items),
                    }
                    for s in samples
                }
            finally:
                sess.using_requests = True

        checks.run("relations_without_requests", offline_view)
        checks.run(
            "cached_find",
            lambda: counted(sess, lambda: sess.Sample.find(sample_ids[0]).id),
        )
        checks.run(
            "cached_sample_types",
            lambda: sorted(st.name for st in sess.browser.get("SampleType")),
        )
        checks.run(
            "cached_where_ids",
            lambda: counted(sess, lambda: sorted(ids(sess.Sample.where({"id": sample_ids})) or [])),
        )
    checks.run("search", lambda: sorted(ids(session.browser.search(p["pattern"])) or []))
    checks.run(
        "search_in_type",
        lambda: sorted(
            ids(session.browser.search(p["pattern"], sample_type=p["sample_type"])) or []
        ),
    )

    def network() -> list[list[object]]:
        graph = Browser.sample_network([session.Sample.find(p["network_root"])])
        return sorted(
            [src[1], dst[1], data["attr_dict"]["field_value_name"]]
            for src, dst, data in graph.edges(data=True)
        )

    checks.run("sample_network", network)
    checks.emit()


if __name__ == "__main__":
    main()
