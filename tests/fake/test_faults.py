"""Fault injection on the fake: the Python API, the schedule, the journal, the control
endpoints and the ``aq_faults`` marker, in-process (the ``requests`` exceptions a network
raises) and live (a socket really closed or held silent)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from aqfake.app import FakeAquarium
from aqfake.faults import Fault, FaultError, parse_fault
from aqfake.pytest_plugin import faults_from_marker
from aqfake.transport import LiveServer
from aqsession import AqSession
from aqsession.exceptions import (
    ServerUnreachableError,
    SessionExpiredError,
    TridentRequestError,
    TridentTimeoutError,
)

LOGIN = {"session": {"login": "neptune", "password": "aquarium"}}
QUERY = {"model": "SampleType", "method": "all"}
TIMEOUT = 30  # a guard against a hung test only


@pytest.fixture
def fake() -> FakeAquarium:
    return FakeAquarium("empty")


def signed_in(fake: FakeAquarium, url: str | None = None) -> requests.Session:
    http = requests.Session()
    http.trust_env = False
    answer = http.post(f"{url or fake.base_url}/sessions.json", json=LOGIN, timeout=TIMEOUT)
    assert answer.status_code == 200
    return http


def query(http: requests.Session, base: str, **kwargs: Any) -> requests.Response:
    kwargs.setdefault("timeout", TIMEOUT)
    return http.post(f"{base}/json", json=QUERY, allow_redirects=False, **kwargs)


# -- describing faults ---------------------------------------------------------------------------


def test_command_line_texts_and_json_describe_the_same_faults() -> None:
    text = parse_fault("status,route=POST /json/save,status=502,times=2,after=1")
    as_json = parse_fault('{"kind": "status", "route": "POST /json/save", "status": 502, '
                          '"times": 2, "after": 1}')  # fmt: skip
    assert text == as_json == Fault("status", "POST /json/save", times=2, after=1, status=502)
    latency = parse_fault("latency,distribution=uniform:0.1:0.5,probability=0.5")
    assert latency.distribution == ("uniform", 0.1, 0.5) and latency.probability == 0.5
    assert parse_fault("expire_session").times == 1  # expiry fires once unless told otherwise
    assert Fault.from_json(text.to_json()) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("explode", "unknown fault kind 'explode'"),
        ("status,status=700", "status must be an HTTP status"),
        ("status,times=0", "times must be a positive whole number"),
        ("drop,probability=2", "probability must be between 0 and 1"),
        ("latency", "a latency fault needs either seconds"),
        ("latency,distribution=poisson:1", "is not one of"),
        ("latency,distribution=uniform:0.5:0.1", "low <= high"),
        ("drop,colour=red", "unknown fault field(s) colour"),
        ("drop,route", "is not field=value"),
        ("timeout,seconds=soon", "seconds='soon' is not a number"),
        ("{not json", "is not a JSON object"),
    ],
)
def test_bad_descriptions_say_what_to_change(text: str, message: str) -> None:
    with pytest.raises(FaultError) as caught:
        parse_fault(text)
    assert message in str(caught.value)


def test_route_patterns_take_methods_globs_and_route_params() -> None:
    fault = Fault("drop", "POST /plans/:id")
    assert fault.matches("POST", "/plans/12") and fault.matches("post", "/plans/12.json")
    assert not fault.matches("GET", "/plans/12")
    assert Fault("drop", "/json/*").matches("POST", "/json/save")
    assert not Fault("drop", "/json/*").matches("POST", "/json")
    assert Fault("drop").matches("DELETE", "/anything/at/all")


# -- in-process ----------------------------------------------------------------------------------


def test_status_fault_fires_n_times_then_the_fake_answers(fake: FakeAquarium) -> None:
    fault = fake.faults.add("status", "POST /json", status=502, times=2)
    with fake.mock():
        http = signed_in(fake)
        statuses = [query(http, fake.base_url).status_code for _ in range(3)]
    assert statuses == [502, 502, 200]
    assert fake.faults.fired(fault.id) == 2
    assert [e.faults for e in fake.journal.filter(path="/json")] == [
        ("status 502 #1",), ("status 502 #1",), (),
    ]  # fmt: skip


def test_status_fault_answers_like_a_gateway_in_front_of_rails(fake: FakeAquarium) -> None:
    fake.faults.add("status", "/json*", status=503)
    fake.faults.add("status", "/signin", status=500)
    with fake.mock():
        page = requests.post(f"{fake.base_url}/json", json=QUERY, timeout=TIMEOUT)
        as_json = requests.get(f"{fake.base_url}/json/current.json", timeout=TIMEOUT)
        rails = requests.get(f"{fake.base_url}/signin", timeout=TIMEOUT)
    assert page.status_code == 503 and "<h1>503 Service Unavailable</h1>" in page.text
    assert as_json.json() == {"status": "503", "error": "Service Unavailable"}
    assert "We're sorry, but something went wrong" in rails.text


def test_after_lets_requests_through_first(fake: FakeAquarium) -> None:
    fake.faults.add("status", "POST /json", after=2, times=1, status=500)
    with fake.mock():
        http = signed_in(fake)
        statuses = [query(http, fake.base_url).status_code for _ in range(4)]
    assert statuses == [200, 200, 500, 200]


def fired_pattern(seed: int, probability: float = 0.5, count: int = 40) -> list[int]:
    fake = FakeAquarium("empty")
    fake.faults.reseed(seed)
    fake.faults.add("status", "POST /json", probability=probability, status=503)
    with fake.mock():
        http = signed_in(fake)
        return [query(http, fake.base_url).status_code for _ in range(count)]


def test_a_seed_makes_a_random_schedule_repeat_exactly() -> None:
    first, again, other = fired_pattern(7), fired_pattern(7), fired_pattern(8)
    assert first == again
    assert first != other
    assert {200, 503} == set(first)


def test_adding_a_fault_does_not_change_another_faults_draws(fake: FakeAquarium) -> None:
    fake.faults.reseed(7)
    fake.faults.add("status", "POST /json", probability=0.5, status=503)
    fake.faults.add("latency", "/nowhere", seconds=0)  # its own generator, never used here
    with fake.mock():
        http = signed_in(fake)
        pattern = [query(http, fake.base_url).status_code for _ in range(40)]
    assert pattern == fired_pattern(7)


def test_latency_sleeps_the_fixed_or_drawn_delay(
    fake: FakeAquarium, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr("aqfake.app.time.sleep", slept.append)
    fake.faults.add("latency", "POST /json", seconds=0.25)
    fake.faults.add("latency", "POST /json", distribution=["uniform", 1.0, 2.0])
    with fake.mock():
        http = signed_in(fake)
        for _ in range(3):
            assert query(http, fake.base_url).status_code == 200
    assert len(slept) == 3
    assert all(1.25 <= delay <= 2.25 for delay in slept)
    assert len(set(slept)) == 3, "each request draws its own delay"
    assert fake.journal.filter(path="/json")[0].faults == ("latency #1", "latency #2")


def test_latency_past_the_clients_read_timeout_is_a_read_timeout(
    fake: FakeAquarium, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr("aqfake.app.time.sleep", slept.append)
    fake.faults.add("latency", "POST /json", seconds=120)
    with fake.mock():
        http = signed_in(fake)
        with pytest.raises(requests.ReadTimeout):
            query(http, fake.base_url, timeout=(5, 0.5))
    assert slept == [0.5], "waits as long as the client would, then times out"
    assert fake.journal.filter(path="/json")[-1].status == 0


@pytest.mark.parametrize(
    ("kind", "error", "says"),
    [
        ("drop", requests.ConnectionError, "Remote end closed connection without response"),
        ("down", requests.ConnectionError, "Connection refused"),
        ("timeout", requests.ReadTimeout, "Read timed out"),
    ],
)
def test_aborting_faults_raise_what_requests_raises(
    fake: FakeAquarium, kind: str, error: type[Exception], says: str
) -> None:
    fake.faults.add(kind, "POST /json", times=1)
    with fake.mock():
        http = signed_in(fake)
        with pytest.raises(error) as caught:
            query(http, fake.base_url)
        assert query(http, fake.base_url).status_code == 200
    assert says in str(caught.value)
    entry = fake.journal.filter(path="/json")[0]
    assert (entry.status, entry.faults) == (0, (f"{kind} #1",))


def test_a_write_stopped_by_a_fault_never_reaches_the_store(fake: FakeAquarium) -> None:
    fake.faults.add("drop", "POST /browser/create_samples")
    before = fake.store.count("samples")
    with fake.mock():
        http = signed_in(fake)
        with pytest.raises(requests.ConnectionError):
            http.post(f"{fake.base_url}/browser/create_samples", json={"samples": []},
                      timeout=TIMEOUT)  # fmt: skip
    assert fake.store.count("samples") == before


def test_client_sees_its_typed_errors(aq_fake: FakeAquarium, aq_session: AqSession) -> None:
    aq_session.set_retries(0)
    aq_fake.faults.add("status", "POST /json", status=502, times=1)
    with pytest.raises(TridentRequestError, match="502"):
        aq_session.SampleType.all()
    aq_fake.faults.add("timeout", "POST /json", times=1)
    with pytest.raises(TridentTimeoutError):
        aq_session.SampleType.all()
    aq_fake.faults.add("drop", "POST /json", times=1)
    with pytest.raises(ServerUnreachableError):
        aq_session.SampleType.all()
    aq_fake.faults.add("down", "POST /json", times=1)
    with pytest.raises(ServerUnreachableError):
        aq_session.SampleType.all()
    assert aq_session.SampleType.all(), "every fault was used up: the fake answers again"


def test_the_clients_read_retries_ride_out_a_bad_gateway_and_a_drop(
    aq_fake: FakeAquarium, aq_session: AqSession
) -> None:
    aq_session.set_retries(2, backoff=0)
    aq_fake.faults.add("status", "POST /json", status=503, times=1)
    aq_fake.faults.add("drop", "POST /json", after=1, times=1)
    mark = aq_fake.journal.mark()
    assert aq_session.SampleType.all()
    assert [e.faults for e in aq_fake.journal.since(mark)] == [
        ("status 503 #1",), ("drop #2",), (),
    ]  # fmt: skip


def test_session_expiry_sends_the_next_request_to_sign_in(
    aq_fake: FakeAquarium, aq_session: AqSession
) -> None:
    old_token = aq_fake.user_token("neptune")
    aq_fake.faults.add("expire_session")
    with pytest.raises(SessionExpiredError):
        aq_session.SampleType.all()
    with pytest.raises(SessionExpiredError):
        aq_session.SampleType.all()  # the old cookie stays expired
    assert aq_fake.user_token("neptune") != old_token
    fresh = AqSession("neptune", "aquarium", aq_fake.base_url)
    assert fresh.SampleType.all()  # signing in again hands out the new token
    assert [e.faults for e in aq_fake.journal.entries].count(("expire_session #1",)) == 1


def test_session_expiry_is_aquariums_sign_in_redirect_on_the_wire(fake: FakeAquarium) -> None:
    fake.faults.add("expire_session", "POST /json")
    with fake.mock():
        http = signed_in(fake)  # the anonymous login does not use the fault up
        answer = query(http, fake.base_url)
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"{fake.base_url}/signin"


def test_control_endpoints_are_never_faulted(fake: FakeAquarium) -> None:
    fake.faults.add("down")
    with fake.mock():
        assert requests.get(f"{fake.base_url}/_aqfake/health", timeout=TIMEOUT).ok
        assert requests.delete(f"{fake.base_url}/_aqfake/faults", timeout=TIMEOUT).ok
        assert requests.get(f"{fake.base_url}/signin", timeout=TIMEOUT).ok


def test_faults_over_the_control_endpoints(fake: FakeAquarium) -> None:
    base = f"{fake.base_url}/_aqfake/faults"
    with fake.mock():
        added = requests.post(base, json={"kind": "status", "route": "/signin", "status": 418},
                              timeout=TIMEOUT)  # fmt: skip
        assert added.status_code == 201
        fault_id = added.json()["fault"]["id"]
        assert requests.get(f"{fake.base_url}/signin", timeout=TIMEOUT).status_code == 418
        listed = requests.get(base, timeout=TIMEOUT).json()
        assert listed["faults"][0]["fired"] == 1 and listed["seed"] == 0
        bad = requests.post(base, json={"kind": "status", "status": "x"}, timeout=TIMEOUT)
        assert bad.status_code == 422 and "status must be an HTTP status" in bad.json()["errors"]
        replaced = requests.put(base, json={"seed": 5, "faults": [{"kind": "drop"}]},
                                timeout=TIMEOUT).json()  # fmt: skip
        assert replaced["seed"] == 5 and [f["kind"] for f in replaced["faults"]] == ["drop"]
        missing = requests.delete(f"{base}/{fault_id}", timeout=TIMEOUT)
        assert missing.status_code == 404 and "no fault" in missing.json()["errors"]
        new_id = replaced["faults"][0]["id"]
        assert requests.delete(f"{base}/{new_id}", timeout=TIMEOUT).ok
    assert len(fake.faults) == 0
    assert fake.journal.filter(path="/_aqfake/faults") == [], "control requests are not journaled"


@pytest.mark.aq_faults(
    {"kind": "status", "route": "POST /json", "status": 500, "times": 1}, "latency,seconds=0"
)
def test_the_marker_sets_faults_before_the_test(aq_fake: FakeAquarium, aq_session: AqSession):
    with pytest.raises(TridentRequestError, match="500"):
        aq_session.SampleType.all()
    assert aq_session.SampleType.all()
    assert [f.kind for f in aq_fake.faults] == ["status", "latency"]


class _Node:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.marker = pytest.mark.aq_faults(*args, **kwargs).mark

    def get_closest_marker(self, name: str) -> Any:
        return self.marker


def test_the_marker_takes_a_seed_and_refuses_bad_faults() -> None:
    faults, seed = faults_from_marker(_Node(Fault("drop"), "timeout,seconds=1", seed=4))
    assert [f.kind for f in faults] == ["drop", "timeout"] and seed == 4
    with pytest.raises(pytest.UsageError, match="unknown fault kind 'nope'"):
        faults_from_marker(_Node({"kind": "nope"}))
    with pytest.raises(pytest.UsageError, match="seed=<int>"):
        faults_from_marker(_Node(seed="x"))


# -- live ----------------------------------------------------------------------------------------


def test_live_drop_and_down_close_the_connection_unanswered(fake: FakeAquarium) -> None:
    fake.faults.add("drop", "POST /json", times=1)
    fake.faults.add("down", "GET /signin", times=1)
    with LiveServer(fake) as live:
        http = signed_in(fake, live.url)
        with pytest.raises(requests.ConnectionError):
            query(http, live.url)
        with pytest.raises(requests.ConnectionError):
            http.get(f"{live.url}/signin", timeout=TIMEOUT)
        assert query(http, live.url).status_code == 200
        assert http.get(f"{live.url}/signin", timeout=TIMEOUT).status_code == 200


def test_live_timeout_holds_the_socket_silent(fake: FakeAquarium) -> None:
    fake.faults.add("timeout", "POST /json", times=1, seconds=TIMEOUT)
    with LiveServer(fake) as live:
        http = signed_in(fake, live.url)
        with pytest.raises(requests.ReadTimeout):
            query(http, live.url, timeout=(TIMEOUT, 0.3))
        assert query(http, live.url).status_code == 200  # a new connection is answered
    assert fake.journal.filter(path="/json")[0].faults == ("timeout #1",)


def test_live_status_and_expiry(fake: FakeAquarium) -> None:
    fake.faults.add("status", "POST /json", status=504, times=1)
    fake.faults.add("expire_session", "POST /json", after=1)
    with LiveServer(fake) as live:
        http = signed_in(fake, live.url)
        assert query(http, live.url).status_code == 504
        redirected = query(http, live.url)
        assert redirected.status_code == 302
        assert redirected.headers["Location"] == f"{live.url}/signin"
