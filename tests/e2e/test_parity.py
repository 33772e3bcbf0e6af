"""Parity: the same lab script, run by pydent 1.0.11 and by aqsession, gives the same answers.

Each script under ``parity/`` is written against pydent's public session API and picks its
client from ``AQ_CLIENT``; nothing else differs between the two runs. Both run as subprocesses
(pydent in its own venv, aqsession in ours) against one live ``aqfake serve``, reset to the
seeded demo lab before each run, so writes land on identical state and get identical ids.
The request counts come from the fake's journal, i.e. what the server actually received.
Both scripts also run in-process (aqsession over ``FakeAquarium.mock()``) to show the
in-process transport and the live server agree, answers and request counts alike.

Parts where pydent 1.0.11 has a documented bug that aqsession fixes (client-behaviour.md §10)
are kept out of the compared answers (``own`` in a summary); each such part has its own test
asserting both clients' documented behaviour.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from . import truth
from .harness import SCENARIO_SECONDS, LiveFake, child_env

# One worker for the module under `--dist loadgroup`: its fake serves both clients in turn.
pytestmark = [pytest.mark.pydent, pytest.mark.xdist_group("parity")]

PARITY = Path(__file__).with_name("parity")
Summary = dict[str, Any]


def reset(fake: LiveFake) -> None:
    """Put the served lab back to its seed, so every run starts from the same rows and ids."""
    request = urllib.request.Request(f"{fake.url}/_aqfake/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response) == {"status": "reset"}


def journal_next(fake: LiveFake) -> int:
    """The sequence number the fake's next journaled request will get (no entries fetched)."""
    return int(fake.control("journal?since=999999999")["next"])


def run_script(
    python: Path, client: str, fake: LiveFake, name: str, params: dict[str, Any]
) -> Summary:
    """Run ``parity/<name>.py`` with ``client`` on a freshly reset fake; return its summary.

    ``total`` is added: every request the fake journaled during the run (control requests
    are not journaled), which the per-phase counts of the script must add up to.
    """
    reset(fake)
    before = journal_next(fake)
    done = subprocess.run(
        [str(python), str(PARITY / f"{name}.py")],
        input=json.dumps({"url": fake.url, "params": params}),
        capture_output=True,
        text=True,
        env={**child_env(), "AQ_CLIENT": client},
        cwd=PARITY,
        timeout=SCENARIO_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(
            f"{name} with {client} crashed (exit {done.returncode}):\n{done.stderr}"
        )
    summary: Summary = json.loads(done.stdout)
    summary["total"] = journal_next(fake) - before
    return summary


@pytest.fixture(scope="module")
def with_aqsession(live_fake: LiveFake) -> Any:
    """``with_aqsession(name, params)`` runs a script with aqsession in this repository's venv
    (needs no pydent, so the live-vs-in-process comparison runs even where pydent cannot)."""

    def run(name: str, params: dict[str, Any]) -> Summary:
        return run_script(Path(sys.executable), "aqsession", live_fake, name, params)

    return run


@pytest.fixture(scope="module")
def with_pydent(pydent_python: Path, live_fake: LiveFake) -> Any:
    """``with_pydent(name, params)`` runs a script with pydent 1.0.11 in its own venv."""

    def run(name: str, params: dict[str, Any]) -> Summary:
        return run_script(pydent_python, "pydent", live_fake, name, params)

    return run


def assert_no_more_requests(runs: dict[str, Summary]) -> None:
    """aqsession sent at most as many requests as pydent, in every phase and in total, and
    each client's phases account for every request the fake received during its run."""
    ours, theirs = runs["aqsession"], runs["pydent"]
    assert ours["total"] <= theirs["total"]
    more = {
        phase: (n, theirs["requests"][phase])
        for phase, n in ours["requests"].items()
        if n > theirs["requests"][phase]
    }
    assert more == {}
    for summary in runs.values():
        assert sum(summary["requests"].values()) == summary["total"]


def differing(a: dict[str, Any], b: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The checks whose outcomes differ, as ``{check: (pydent's, aqsession's)}``."""
    return {k: (a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)}


# -- script (a): the session API tour ---------------------------------------------------------


def tour_params_of(store: Any) -> dict[str, Any]:
    """A sample with a sample-valued field and items, one of its items, a plan with wires,
    an operation type with a protocol, and an AQL target (its type, its item's object type)."""

    def has_sample_field_and_items(sample: dict[str, Any]) -> bool:
        return bool(truth.rows(store, "items", sample_id=sample["id"])) and any(
            fv["child_sample_id"] is not None
            for fv in truth.field_values_of(store, "Sample", sample["id"])
        )

    sample = truth.first_where(
        store, "samples", has_sample_field_and_items, "sample with a sample field and items"
    )
    item = truth.rows(store, "items", sample_id=sample["id"])[0]
    st = store.get("sample_types", sample["sample_type_id"])
    plan = truth.first_where(
        store, "plans", lambda p: truth.plan_wires(store, p["id"]) != [], "plan with wires"
    )
    ot = truth.first_where(
        store,
        "operation_types",
        lambda o: (
            truth.newest_code(store, "OperationType", o["id"], "protocol") is not None
            and truth.field_types_of(store, "OperationType", o["id"]) != []
        ),
        "operation type with field types and a protocol",
    )
    return {
        "sample": {"id": sample["id"], "name": sample["name"]},
        "other_id": next(s["id"] for s in store.rows("samples") if s["id"] != sample["id"]),
        "sample_type": {"id": st["id"], "name": st["name"]},
        "item_id": item["id"],
        "plan_id": plan["id"],
        "operation_type_id": ot["id"],
        "missing_id": max(truth.ids(store.rows("samples"))) + 1000,
        "user_id": sample["user_id"],
        "key": "parity_note",
        "object_type": store.get("object_types", item["object_type_id"])["name"],
        "exclude_name": sample["name"],
        "number_field": next(
            ft["name"]
            for ft in truth.field_types_of(store, "SampleType", st["id"])
            if ft["ftype"] == "number"
        ),
    }


@pytest.fixture(scope="module")
def tour_params(demo_store: Any) -> dict[str, Any]:
    return tour_params_of(demo_store)


@pytest.fixture(scope="module")
def tour_aqsession(with_aqsession: Any, tour_params: dict[str, Any]) -> Summary:
    return with_aqsession("session_tour", tour_params)


@pytest.fixture(scope="module")
def tour(
    with_pydent: Any, tour_aqsession: Summary, tour_params: dict[str, Any]
) -> dict[str, Summary]:
    return {"pydent": with_pydent("session_tour", tour_params), "aqsession": tour_aqsession}


def test_tour_answers_are_identical(tour: dict[str, Summary]) -> None:
    """Every answer of the tour is the same with aqsession as with pydent."""
    assert differing(tour["pydent"]["same"], tour["aqsession"]["same"]) == {}


def test_tour_answers_are_not_all_errors(tour: dict[str, Summary]) -> None:
    """Guard against two clients agreeing only because both failed everywhere."""
    same = tour["pydent"]["same"]
    errors = {k for k, v in same.items() if "error" in v}
    assert errors == {"query_invalid", "unknown_model"}


def test_tour_requests_off_get(tour: dict[str, Summary]) -> None:
    """A GET with requests off: pydent's documented KeyError (§10.1), aqsession's proper error.
    (The compared requests-off checks therefore use POST-based calls: find, where, query.)"""
    assert tour["pydent"]["own"]["off.get"] == {"error": "KeyError"}
    assert tour["aqsession"]["own"]["off.get"] == {"value": "ForbiddenRequestError"}
    expected_own = {"off.get", "paged_where_limit"}
    assert set(tour["pydent"]["own"]) == set(tour["aqsession"]["own"]) == expected_own


def test_tour_paged_limit(tour: dict[str, Summary]) -> None:
    """limit 5 with pages of 3: pydent returns 6 rows (§10.17), aqsession the first 5 of them."""
    theirs = tour["pydent"]["own"]["paged_where_limit"]["value"]
    ours = tour["aqsession"]["own"]["paged_where_limit"]["value"]
    assert len(theirs) == 6
    assert ours == theirs[:5]


def test_tour_makes_no_more_requests_than_pydent(tour: dict[str, Summary]) -> None:
    assert_no_more_requests(tour)


def run_in_process(name: str, params: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Summary:
    """Run script ``name`` with aqsession over ``FakeAquarium("demo").mock()`` (no server),
    counting requests with the fake's own journal; the summary as it would be printed."""
    import aqsession
    from aqfake.app import FakeAquarium

    monkeypatch.syspath_prepend(str(PARITY))
    script = importlib.import_module(name)
    fake = FakeAquarium("demo")
    with fake.mock():
        summary = script.run(aqsession, fake.base_url, params, fake.journal.mark)
    printed: Summary = json.loads(json.dumps(summary, default=str))
    return printed


def assert_in_process_matches(in_process: Summary, live: Summary) -> None:
    assert differing(in_process["same"], live["same"]) == {}
    assert in_process["own"] == live["own"]
    assert in_process["requests"] == live["requests"]


def test_tour_in_process_matches_live(
    tour_aqsession: Summary, tour_params: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """aqsession over the in-process transport gives the live run's answers and counts."""
    in_process = run_in_process("session_tour", tour_params, monkeypatch)
    assert_in_process_matches(in_process, tour_aqsession)


# -- script (b): cache, browser.get, requests off, the context manager -------------------------


def cache_params_of(store: Any) -> dict[str, Any]:
    """Three samples of three sample types, each with items and field types; two samples the
    script does not load by id (not one of them, not a sample-field child of one, not of the
    sample type the script lists)."""
    chosen: dict[int, int] = {}
    for s in store.rows("samples"):
        if (
            s["sample_type_id"] not in chosen
            and truth.rows(store, "items", sample_id=s["id"])
            and truth.field_types_of(store, "SampleType", s["sample_type_id"])
        ):
            chosen[s["sample_type_id"]] = s["id"]
    picked = list(chosen.values())[:3]
    assert len(picked) == 3, "the demo lab needs samples with items of three sample types"
    linked = {
        fv["child_sample_id"]
        for sample_id in picked
        for fv in truth.field_values_of(store, "Sample", sample_id)
    }
    where_type = store.get("samples", picked[-1])["sample_type_id"]
    unloaded = [
        s
        for s in store.rows("samples")
        if s["id"] not in {*picked, *linked} and s["sample_type_id"] != where_type
    ]
    return {
        "sample_ids": picked,
        "uncached_id": unloaded[0]["id"],
        "other_name": unloaded[1]["name"],
        "where_type_id": where_type,
    }


@pytest.fixture(scope="module")
def cache_params(demo_store: Any) -> dict[str, Any]:
    return cache_params_of(demo_store)


@pytest.fixture(scope="module")
def cache_walk_aqsession(with_aqsession: Any, cache_params: dict[str, Any]) -> Summary:
    return with_aqsession("cache_walk", cache_params)


@pytest.fixture(scope="module")
def cache_walk(
    with_pydent: Any, cache_walk_aqsession: Summary, cache_params: dict[str, Any]
) -> dict[str, Summary]:
    return {"pydent": with_pydent("cache_walk", cache_params), "aqsession": cache_walk_aqsession}


def test_cache_walk_answers_are_identical(cache_walk: dict[str, Summary]) -> None:
    assert differing(cache_walk["pydent"]["same"], cache_walk["aqsession"]["same"]) == {}


def test_cache_walk_keeps_relationships_after_requests_off(
    cache_walk: dict[str, Summary],
) -> None:
    """pydent loses loaded relationships when a with_requests_off block merges its cache back
    (§10.9, §10.25), so walking with requests off fails; aqsession walks the same graph."""
    assert cache_walk["pydent"]["own"]["strict.walk"] == {"error": "ForbiddenRequestError"}
    assert (
        cache_walk["aqsession"]["own"]["strict.walk"]
        == (cache_walk["aqsession"]["same"]["walk_in_s"])
    )


def test_cache_walk_caches_what_pydent_caches_and_the_nested_records(
    cache_walk: dict[str, Summary],
) -> None:
    """After the same ``browser.get``, aqsession's cache holds every model pydent's holds, plus
    the records the server nested in its answers (each allowable field type of a FieldType
    comes with its sample type): those later lookups cost no request."""
    theirs = cache_walk["pydent"]["own"]["cached_in_s"]["value"]
    ours = cache_walk["aqsession"]["own"]["cached_in_s"]["value"]
    assert set(theirs) == set(ours)
    for name, model_ids in theirs.items():
        assert set(model_ids) <= set(ours[name]), name
    extra = {name: sorted(set(ours[name]) - set(ids)) for name, ids in theirs.items()}
    assert {name for name, more in extra.items() if more} <= {"SampleType", "ObjectType"}


def test_cache_walk_reads_the_graph_offline(cache_walk: dict[str, Summary]) -> None:
    """After one browser.get (4 requests: SampleType, FieldType, Item, ObjectType) aqsession
    walks, looks up cached samples and hands the models back without a single request."""
    counts = cache_walk["aqsession"]["requests"]
    assert counts["browser.get"] == 4
    offline = (
        "cached_lookups",
        "walk_cached",
        "requests_off",
        "swapped_off",
        "handed_back",
        "parent_requests_off",
        "aql_use_cache",
    )
    assert {k: counts[k] for k in offline} == dict.fromkeys(offline, 0)
    assert counts["lazy_after_handback"] == 1


def test_cache_walk_makes_no_more_requests_than_pydent(cache_walk: dict[str, Summary]) -> None:
    assert_no_more_requests(cache_walk)


def test_cache_walk_in_process_matches_live(
    cache_walk_aqsession: Summary, cache_params: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    in_process = run_in_process("cache_walk", cache_params, monkeypatch)
    assert_in_process_matches(in_process, cache_walk_aqsession)
