"""Query-interface scenario: find, find_by_name, where, first/last/one/all, pagination.

Params (chosen by the pytest side from the fake's own data):
``sample`` {id, name}, ``other_sample_id``, ``missing_id``, ``sample_type`` {id, name},
``other_sample_type`` {id, name}, ``page_size``, ``user_id``, ``collection_type_id``.
"""

from __future__ import annotations

from _common import Checks, counted, ids, login, pick, read_input


def main() -> None:
    url, p = read_input()
    session = login(url)
    checks = Checks()
    sample, st, other_st = p["sample"], p["sample_type"], p["other_sample_type"]
    s = session.Sample

    checks.run("current_user", lambda: pick(session.current_user, "id", "login"))
    checks.run("find", lambda: pick(s.find(sample["id"]), "id", "name", "sample_type_id"))
    checks.run("find_list", lambda: ids(s.find([sample["id"], p["other_sample_id"]])))
    checks.run("find_missing", lambda: s.find(p["missing_id"]))
    checks.run("find_by_name", lambda: pick(s.find_by_name(sample["name"]), "id", "name"))
    checks.run(
        "find_by_name_other_case",
        lambda: pick(session.SampleType.find_by_name(st["name"].swapcase()), "id", "name"),
    )
    checks.run("find_by_name_missing", lambda: s.find_by_name("no such sample anywhere"))
    checks.run("where_scalar", lambda: ids(s.where({"sample_type_id": st["id"]})))
    checks.run("where_list", lambda: ids(s.where({"sample_type_id": [st["id"], other_st["id"]]})))
    checks.run("where_name_other_case", lambda: ids(s.where({"name": sample["name"].upper()})))
    checks.run(
        "where_names_list_other_case",
        lambda: ids(
            session.SampleType.where({"name": [st["name"].upper(), other_st["name"].lower()]})
        ),
    )
    checks.run("where_no_match", lambda: ids(s.where({"name": "no such sample anywhere"})))
    checks.run("where_sql_string", lambda: ids(s.where(f"sample_type_id = {st['id']}")))
    checks.run("all", lambda: ids(s.all()))
    checks.run("first", lambda: ids(s.first()))
    checks.run("first_3_query", lambda: ids(s.first(3, query={"sample_type_id": st["id"]})))
    checks.run("last", lambda: ids(s.last()))
    checks.run("last_2_query", lambda: ids(s.last(2, query={"sample_type_id": st["id"]})))
    checks.run("one", lambda: pick(s.one(), "id"))
    checks.run(
        "one_first_query",
        lambda: pick(s.one(query={"sample_type_id": st["id"]}, first=True), "id"),
    )
    checks.run(
        "where_limit_offset",
        lambda: ids(s.where({"sample_type_id": st["id"]}, opts={"limit": 2, "offset": 1})),
    )

    checks.run(
        "pagination",
        lambda: counted(
            session, lambda: ids(s.where({"user_id": p["user_id"]}, page_size=p["page_size"]))
        ),
    )
    checks.run(
        "item_where_is_part",
        lambda: [
            {"id": i.id, "is_part": i.is_part}
            for i in session.Item.where({"sample_id": sample["id"]})
        ],
    )

    def find_with_include() -> dict[str, object]:
        found = s.find(sample["id"], include=["sample_type"])
        return counted(
            session,
            lambda: {
                "embedded": found.is_deserialized("sample_type"),
                "sample_type": found.sample_type.name,
            },
        )

    checks.run("find_with_include", find_with_include)
    checks.run(
        "collection_dimensions",
        lambda: [
            {"id": c.id, "dimensions": c.dimensions}
            for c in session.Collection.where({"object_type_id": p["collection_type_id"]})
        ],
    )
    checks.run(
        "user_secrets_absent",
        lambda: sorted(
            {"password_digest", "remember_token", "key"} & set(session.User.find(p["user_id"]).raw)
        ),
    )
    checks.run(
        "where_empty_list_is_null",
        lambda: ids(session.Item.where({"sample_id": []})),
    )
    checks.run(
        "timestamps",
        lambda: pick(s.find(sample["id"]), "created_at", "updated_at"),
    )
    checks.emit()


if __name__ == "__main__":
    main()
