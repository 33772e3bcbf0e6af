"""Data-association scenario: ``associate`` on an item and a plan, then read them back.

In pydent 1.0.11 only Item, Collection, Operation and Plan mix in ``associate``/``get``; a
Sample has neither, and ``utils.create_data_association(sample, ...)`` saves the row and then
fails reading ``sample.data_associations``. Both facts are checked so the row's fate is known.
Two associations with one key show the server's "most recent per key" rule: list queries
return only the newer one, a find by id still returns the older.
Writes to the server. Params: ``item_id``, ``other_item_id``, ``plan_id``, ``sample_id``,
``key`` (new to the lab).
"""

from __future__ import annotations

from _common import Checks, login, read_input

VALUE = {"od600": 0.42, "note": "grown <overnight> & spun"}


def main() -> None:
    url, p = read_input()
    session = login(url)
    checks = Checks()
    key = p["key"]

    def associate_item() -> dict[str, object]:
        da = session.Item.find(p["item_id"]).associate(key, VALUE)
        return {
            "id": da.id,
            "key": da.key,
            "value": da.value,
            "parent_id": da.parent_id,
            "parent_class": da.parent_class,
        }

    created = checks.run("associate_item", associate_item)
    reader = login(url)
    checks.run("read_back_get", lambda: reader.Item.find(p["item_id"]).get(key))
    checks.run(
        "read_back_where",
        lambda: [
            {"id": da.id, "value": da.value}
            for da in reader.DataAssociation.where(
                {"parent_class": "Item", "parent_id": p["item_id"], "key": key}
            )
        ],
    )
    checks.run(
        "read_back_find",
        lambda: reader.DataAssociation.find(created["id"]).object if created else None,
    )

    def update_existing() -> dict[str, object]:
        da = session.Item.find(p["item_id"]).associate(key, "replaced")
        fresh = login(url).Item.find(p["item_id"])
        return {
            "same_id": created is not None and da.id == created["id"],
            "value": fresh.get(key),
            "count": len(fresh.get_data_associations(key)),
        }

    checks.run("update_existing", update_existing)

    def associate_plan() -> object:
        session.Plan.find(p["plan_id"]).associate(key, [1, 2, 3])
        return login(url).Plan.find(p["plan_id"]).get(key)

    checks.run("associate_plan", associate_plan)

    def two_with_one_key() -> dict[str, object]:
        item = session.Item.find(p["other_item_id"])
        first = item.associate(key, "older", create_new=True)
        second = item.associate(key, "newer", create_new=True)
        fresh = login(url).Item.find(p["other_item_id"])
        return {
            "distinct_ids": first.id != second.id,
            "value": fresh.get(key),
            "listed": [da.value for da in fresh.get_data_associations(key)],
            "by_id": login(url).DataAssociation.find(first.id).value,
        }

    checks.run("two_with_one_key", two_with_one_key)

    sample = session.Sample.find(p["sample_id"])
    checks.run("sample_has_associate", lambda: hasattr(sample, "associate"))
    checks.run(
        "sample_via_utils",
        lambda: session.utils.create_data_association(sample, key, "on a sample").id,
    )
    checks.run(
        "sample_read_back_where",
        lambda: [
            da.value
            for da in reader.DataAssociation.where(
                {"parent_class": "Sample", "parent_id": p["sample_id"], "key": key}
            )
        ],
    )
    checks.emit()


if __name__ == "__main__":
    main()
