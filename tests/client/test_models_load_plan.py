"""Loading through a class's remembered key plan keeps the loading rules on every load."""

from __future__ import annotations

from aqsession.models import Sample, User


def test_every_load_drops_ignored_rid_and_dunder_keys_and_copies_containers() -> None:
    for _ in range(3):  # the first load plans the keys, the next ones reuse the plan
        data = {"id": 1, "login": "n", "password_digest": "x", "rid": 9, "__x": 1, "tags": [[1]]}
        user = User.load_from(data)
        assert user.login == "n" and user.tags == [[1]]
        assert "password_digest" not in user._data and "__x" not in user._data
        assert user.rid != 9
        data["tags"][0].append(2)
        assert user.tags == [[1]] and user.raw["tags"] == [[1]]


def test_plans_are_per_class() -> None:
    User.load_from({"id": 1, "key": "secret"})
    assert Sample.load_from({"id": 2, "key": "kept"}).key == "kept"
    assert "key" not in User.load_from({"id": 1, "key": "secret"})._data
