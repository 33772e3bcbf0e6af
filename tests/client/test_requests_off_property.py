"""The requests-off guarantee, as a property: with requests off, nothing reaches the server.

Whatever sequence of operations a script runs -- queries, lazy relationships, saves, utility
calls, the query language -- on a session whose requests are off (and on the models it loaded
before), each operation either answers without the network (a caching session may know the
answer) or raises ``ForbiddenRequestError`` naming the request it refused, and the fake's
journal gains no entry at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aqfake.app import FakeAquarium
from aqsession import AqSession
from aqsession.exceptions import ForbiddenRequestError


@dataclass
class World:
    """A session whose requests are off, and models it loaded while they were on."""

    session: Any
    sample: Any
    item: Any
    plan: Any
    operation: Any


Operation = Callable[[World], Any]

OPERATIONS: dict[str, Operation] = {
    "find": lambda w: w.session.Sample.find(w.sample.id + 1),
    "find_list": lambda w: w.session.Sample.find([w.sample.id, w.sample.id + 1]),
    "where": lambda w: w.session.Item.where({"sample_id": w.sample.id}),
    "where_sql": lambda w: w.session.Item.where('location != "deleted"'),
    "first": lambda w: w.session.Sample.first(2),
    "last": lambda w: w.session.Sample.last(),
    "one": lambda w: w.session.Sample.one(query={"name": w.sample.name}),
    "all": lambda w: w.session.SampleType.all(),
    "find_by_name": lambda w: w.session.SampleType.find_by_name("Primer"),
    "paged": lambda w: w.session.Sample.where({"user_id": 1}, page_size=5),
    "current_user": lambda w: w.session.current_user,
    "lazy_has_one": lambda w: w.sample.sample_type,
    "lazy_has_many": lambda w: w.sample.items,
    "lazy_generic": lambda w: w.item.data_associations,
    "lazy_through": lambda w: w.operation.plans,
    "properties": lambda w: w.sample.properties,
    "save_sample": lambda w: w.sample.save(),
    "associate": lambda w: w.item.associate("checked", True),
    "move": lambda w: w.item.move("Bench"),
    "estimate": lambda w: w.session.utils.estimate_plan_cost(w.plan),
    "set_status": lambda w: w.session.utils.set_operation_status(w.operation.id, "done"),
    "step_plan": lambda w: w.session.utils.step_plan(w.plan.id),
    "query": lambda w: w.session.query(
        {
            "__model__": "Sample",
            "__query__": {
                "sample_type": {"__query__": {"name": "Primer"}},
                "name": {"__not__": "x"},
            },
        }
    ),
    "ping": lambda w: w.session.ping(1),
}

NAMES_A_REQUEST = re.compile(r"\b(GET|POST|PUT|DELETE|PATCH)\b.*http://aquarium\.test/")


def _world(fake: FakeAquarium, how: str) -> World:
    online = AqSession("neptune", "aquarium", fake.base_url)
    loader = online.with_cache() if how != "switched_off" else online
    sample = loader.Sample.find_by_name("fwd-GFP-01")
    item = loader.Item.where({"sample_id": sample.id})[0]
    plan = loader.Plan.one()
    operation = loader.Operation.one()
    if how == "session_swap":
        # a new session with requests off takes the cached models over (pydent's session_swap)
        session = loader(using_requests=False, session_swap=True)
        assert sample.session is session
    else:  # the loading session itself is switched off
        loader.using_requests = False
        session = loader
    return World(session, sample, item, plan, operation)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    how=st.sampled_from(["switched_off", "caching_switched_off", "session_swap"]),
    steps=st.lists(st.sampled_from(sorted(OPERATIONS)), min_size=1, max_size=8),
)
def test_no_operation_reaches_the_server_with_requests_off(how: str, steps: list[str]) -> None:
    fake = FakeAquarium("demo")
    with fake.mock():
        world = _world(fake, how)
        mark = fake.journal.mark()
        refused = 0
        for step in steps:
            try:
                result = OPERATIONS[step](world)
                if hasattr(result, "__next__"):  # a generator (pagination) runs when iterated
                    list(result)
            except ForbiddenRequestError as error:
                refused += 1
                assert NAMES_A_REQUEST.search(str(error)), f"{step}: {error}"
        assert fake.journal.since(mark) == [], f"{how} {steps} reached the server"
        if how == "switched_off":  # nothing is cached: every operation needed the server
            assert refused == len(steps)
