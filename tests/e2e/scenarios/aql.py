"""AQL scenario: ``session.query`` with nested relations, ``__not__``, ``__gt__``/``__time__``.

Params: ``object_type_name`` (a container some samples have items in), ``sample_type``
{id, name}, ``excluded_name`` (a sample of that type), ``hours`` (a window for created_at),
``return_sample_id``.
"""

from __future__ import annotations

from _common import Checks, counted, ids, login, read_input


def main() -> None:
    url, p = read_input()
    session = login(url)
    checks = Checks()
    st = p["sample_type"]

    checks.run(
        "nested",
        lambda: sorted(
            ids(
                session.query(
                    {
                        "__model__": "Sample",
                        "__query__": {
                            "items": {
                                "__query__": {
                                    "object_type": {
                                        "__query__": {"name": p["object_type_name"].upper()}
                                    }
                                }
                            }
                        },
                    }
                )
            )
            or []
        ),
    )
    checks.run(
        "not",
        lambda: sorted(
            ids(
                session.query(
                    {
                        "__model__": "Sample",
                        "__query__": {
                            "sample_type_id": st["id"],
                            "name": {"__not__": p["excluded_name"]},
                        },
                    }
                )
            )
            or []
        ),
    )

    def created_after(time_value: dict[str, object]) -> list[int]:
        query = {"__model__": "Item", "__query__": {"created_at": {"__gt__": time_value}}}
        return sorted(ids(session.query(query)) or [])

    # pydent 1.0.11 reads the delta keys beside "__time__", not inside it: the documented
    # form compares with "now" (finding nothing in the past); the second form really shifts.
    checks.run(
        "gt_time_documented_form",
        lambda: created_after({"__time__": {"__hours__": -p["hours"]}}),
    )
    checks.run("gt_time", lambda: created_after({"__time__": {}, "__hours__": -p["hours"]}))
    checks.run(
        "nested_by_sample_type_name_with_limit",
        lambda: ids(
            session.query(
                {
                    "__model__": "Sample",
                    "__query__": {
                        "sample_type": {"__query__": {"name": st["name"]}},
                        "__options__": {"limit": 2},
                    },
                }
            )
        ),
    )
    checks.run(
        "page_size",
        lambda: sorted(
            ids(
                session.query(
                    {
                        "__model__": "Sample",
                        "__query__": {"sample_type_id": st["id"], "__options__": {"pageSize": 2}},
                    }
                )
            )
            or []
        ),
    )

    def returned() -> dict[str, object]:
        models = session.query(
            {
                "__model__": "Sample",
                "__query__": {
                    "id": p["return_sample_id"],
                    "__return__": {"sample_type": "field_types"},
                },
            }
        )
        return counted(
            session,
            lambda: [
                {
                    "id": m.id,
                    "sample_type": m.sample_type.name,
                    "field_types": sorted(ft.name for ft in m.sample_type.field_types),
                }
                for m in models
            ],
        )

    checks.run("return", returned)
    checks.run(
        "json",
        lambda: [
            {k: d[k] for k in ("id", "name", "__model__", "__uri__")}
            for d in session.query(
                {
                    "__model__": "Sample",
                    "__query__": {"id": p["return_sample_id"]},
                    "__json__": True,
                }
            )
        ],
    )
    checks.emit()


if __name__ == "__main__":
    main()
