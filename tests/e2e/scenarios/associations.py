"""Data-association scenario: ``associate`` on a sample and an item, then read them back.

Writes to the server. Params: ``sample_id``, ``item_id``, ``key`` (unused in the demo lab).
"""

from __future__ import annotations

from _common import Checks, login, read_input


def main() -> None:
    url, p = read_input()
    session = login(url)
    checks = Checks()
    key = p["key"]
    value = {"od600": 0.42, "note": "grown <overnight> & spun"}

    def associate_sample() -> dict[str, object]:
        da = session.Sample.find(p["sample_id"]).associate(key, value)
        return {
            "id": da.id,
            "key": da.key,
            "value": da.value,
            "parent_id": da.parent_id,
            "parent_class": da.parent_class,
        }

    created = checks.run("associate_sample", associate_sample)
    reader = login(url)
    checks.run("read_back_get", lambda: reader.Sample.find(p["sample_id"]).get(key))
    checks.run(
        "read_back_where",
        lambda: [
            {"id": da.id, "value": da.value}
            for da in reader.DataAssociation.where(
                {"parent_class": "Sample", "parent_id": p["sample_id"], "key": key}
            )
        ],
    )
    checks.run(
        "read_back_find",
        lambda: reader.DataAssociation.find(created["id"]).object if created else None,
    )

    def update_existing() -> dict[str, object]:
        sample = session.Sample.find(p["sample_id"])
        da = sample.associate(key, "replaced")
        fresh = login(url).Sample.find(p["sample_id"])
        return {
            "same_id": created is not None and da.id == created["id"],
            "value": fresh.get(key),
            "count": len(fresh.get_data_associations(key)),
        }

    checks.run("update_existing", update_existing)

    def associate_item() -> dict[str, object]:
        session.Item.find(p["item_id"]).associate(key, [1, 2, 3])
        return login(url).Item.find(p["item_id"]).get(key)

    checks.run("associate_item", associate_item)
    checks.emit()


if __name__ == "__main__":
    main()
