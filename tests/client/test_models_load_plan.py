"""Loading through a class's remembered key plan keeps the loading rules on every load."""

from __future__ import annotations

import pytest

from aqsession.exceptions import NoSessionError
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


class _Session:
    """Just enough of a session to bind models (``model_interface`` marks a session)."""

    def model_interface(self, name: str) -> None:
        raise AssertionError(f"no request expected (asked for {name})")


def _records(count: int) -> list[dict[str, object]]:
    return [{"id": n, "name": f"s{n}", "project": "p", "data": None} for n in range(count)]


def test_lists_of_flat_records_load_with_separate_stores_and_fresh_rids() -> None:
    Sample.load_from(_records(1))  # plans the keys, so the next loads take the list path
    records = _records(3)
    samples = Sample.load_from(records)
    assert [s.name for s in samples] == ["s0", "s1", "s2"]
    assert len({s.rid for s in samples}) == 3
    assert Sample.load_from(_records(1))[0].rid > max(s.rid for s in samples)
    records[0]["name"] = "changed by the caller"
    samples[1].name = "changed on the model"
    assert samples[0].name == "s0" and samples[0].raw["name"] == "s0"
    assert samples[1].raw["name"] == "s1" and records[1]["name"] == "s1"


def test_lists_with_nested_values_unknown_keys_or_models_still_copy_deeply() -> None:
    Sample.load_from(_records(1))
    loaded = Sample.load_from({"id": 99, "name": "kept"})
    records = [*_records(2), {"id": 7, "name": "n", "data": {"a": [1]}, "extra": 1}, loaded]
    samples = Sample.load_from(records)
    assert samples[3] is loaded and samples[2].extra == 1
    records[2]["data"]["a"].append(2)  # type: ignore[index]
    assert samples[2].data == {"a": [1]} and samples[2].raw["data"] == {"a": [1]}
    samples[2].data["a"].append(3)
    assert samples[2].raw["data"] == {"a": [1]}


def test_answers_the_session_decoded_are_bound_and_keep_raw_apart_from_data() -> None:
    session = _Session()
    Sample.load_from(_records(1))
    samples = Sample.load_answer(_records(2), session)
    assert all(s.session is session for s in samples)
    samples[0].name = "renamed"
    assert samples[0].raw["name"] == "s0"


def test_loading_into_something_that_is_not_a_session_fails_clearly() -> None:
    class Owner:
        session = "not a session"

    with pytest.raises(NoSessionError, match="not an AqSession"):
        Sample.load_from(_records(2), Owner())
