"""Browser scenario: ``with_cache`` sessions and batched relationship loading (``browser.get``).

Params: ``sample_ids`` (samples that all have items).
"""

from __future__ import annotations

from _common import Checks, counted, ids, login, read_input


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
    checks.emit()


if __name__ == "__main__":
    main()
