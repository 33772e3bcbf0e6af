"""The client's model building: ``Sample.where`` returning 100 and 1,000 samples.

The answers are canned (recorded once from the fake), so only the client is measured. In
process, the subject is ``session.Sample.where(criteria)`` through requests and ``responses``
answering the recorded bytes; the baseline, the floor, is the same POST with requests and
``responses`` and ``.json()``. Checks: subject over floor, and the microseconds the client adds
per model ((subject - floor) / models).

Against pydent 1.0.11: :mod:`benchmarks.canned_client` runs as a subprocess under pydent's own
interpreter (``.pydent-venv``, see ``tests/e2e/pydent_env.py``) and under this project's, both
on the same canned transport, each printing its median; the runs alternate. The check is how
many times faster aqsession's median is than pydent's.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
import responses

from aqfake.app import FakeAquarium
from aqfake.lab import LabBuilder, demo_lab
from aqfake.store import Store
from aqsession import AqSession

from . import canned_client
from .fixtures import LOGIN, PASSWORD, signed_in
from .runner import Benchmark, Case, Check, Operation, Outcome, Target, measure, ratio

COUNTS = (100, 1_000)
RATIO_TARGET = Target(1.5)
PER_MODEL_TARGET = Target(2.5e-6, unit="s")
PYDENT_TARGET = Target(2.0, at_least=True)
PYDENT_PYTHON = Path(__file__).resolve().parents[1] / ".pydent-venv" / "venv" / "bin" / "python"
#: Timed calls per subprocess and query, and how many times each client's subprocess runs.
SUBPROCESS_REPEATS = 15
SUBPROCESS_ROUNDS = 3
SUBPROCESS_SECONDS = 300
CANNED_URL = "http://canned.test"


def project(count: int) -> str:
    """The project whose samples a query of ``count`` models finds."""
    return f"bench-{count}"


def lab(store: Store) -> None:
    """The demo lab plus ``count`` samples in project ``bench-<count>`` for each count."""
    demo_lab(store, 0)
    builder = LabBuilder(store)
    sample_type = store.rows("sample_types")[0]["id"]
    for count in COUNTS:
        for n in range(count):
            builder.sample(f"bench-{count}-{n:04d}", sample_type, project(count))


def criteria(count: int) -> dict[str, Any]:
    """The ``where`` criteria finding ``count`` samples."""
    return {"project": project(count)}


def recorded() -> tuple[dict[str, str], dict[int, tuple[dict[str, Any], bytes]]]:
    """The login cookies and, per count, the ``/json`` body the client sends and the answer."""
    fake = FakeAquarium(lab)
    with signed_in(fake) as (session, _mock):
        cookies = {c.name: c.value or "" for c in session.aqhttp.http_session.cookies}
        answers = {}
        for count in COUNTS:
            mark = fake.journal.mark()
            session.Sample.where(criteria(count))
            body = fake.journal.since(mark)[-1].body
            answer = session.aqhttp.http_session.post(f"{fake.base_url}/json", json=body)
            answers[count] = (body, answer.content)
    return cookies, answers


def subprocess_medians(
    python: Path, client: str, cookies: dict[str, str], answers: dict[int, Any]
) -> dict[str, Any]:
    """One run of the canned-client script under ``python``."""
    job = {
        "client": client,
        "url": CANNED_URL,
        "login": LOGIN,
        "password": PASSWORD,
        "cookies": cookies,
        "answers": {
            canned_client.canonical(body): text.decode() for body, text in answers.values()
        },
        "queries": {str(count): criteria(count) for count in COUNTS},
        "repeats": SUBPROCESS_REPEATS,
    }
    done = subprocess.run(
        [str(python), canned_client.__file__],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_SECONDS,
        check=False,
        env={"PATH": "/usr/bin:/bin", "TZ": "UTC"},
    )
    if done.returncode != 0:
        raise RuntimeError(f"the {client} timing run failed:\n{done.stderr[-2000:]}")
    results: dict[str, Any] = json.loads(done.stdout)
    for count in COUNTS:
        if results[str(count)]["models"] != count:
            raise AssertionError(f"{client} found {results[str(count)]['models']} of {count}")
    return results


@contextmanager
def canned_session(
    cookies: dict[str, str], answers: dict[int, tuple[dict[str, Any], bytes]]
) -> Iterator[AqSession]:
    """An AqSession logged in to a ``responses`` mock that answers from the recording."""
    url = CANNED_URL
    table = {canned_client.canonical(body): text for body, text in answers.values()}

    def answer(request: Any) -> tuple[int, dict[str, str], bytes]:
        return (
            200,
            {"Content-Type": "application/json"},
            table[canned_client.canonical(json.loads(request.body))],
        )

    login_headers = [("Set-Cookie", f"{name}={value}; path=/") for name, value in cookies.items()]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, f"{url}/sessions.json", json={}, headers=login_headers)
        mock.add_callback(responses.POST, f"{url}/json", callback=answer)
        yield AqSession(LOGIN, PASSWORD, url)


def where_case(session: AqSession, count: int) -> Case:
    """The client's ``where`` returning ``count`` models."""

    def prepare() -> Operation:
        return lambda: session.Sample.where(criteria(count))

    return Case(f"session.Sample.where({criteria(count)}) -> {count} Sample models", prepare)


def floor_case(floor: requests.Session, body: dict[str, Any], count: int) -> Case:
    """The same POST decoded with ``.json()``: what any client must at least spend."""

    def prepare() -> Operation:
        return lambda: floor.post(f"{CANNED_URL}/json", json=body, timeout=60).json()

    return Case(f"the same POST via requests -> responses -> .json() ({count} records)", prepare)


def run(repeats: int, quick: bool) -> Outcome:
    """Client vs floor in process for each count, then aqsession vs pydent in subprocesses."""
    cookies, answers = recorded()
    checks: list[Check] = []
    notes: list[str] = []
    with canned_session(cookies, answers) as session:
        floor = requests.Session()
        floor.cookies.update(cookies)
        cases: list[Case] = []
        for count in COUNTS:
            if len(session.Sample.where(criteria(count))) != count:
                raise AssertionError(f"the canned where did not give {count} samples")
            cases += [where_case(session, count), floor_case(floor, answers[count][0], count)]
        times = measure(cases, repeats)
    for index, count in enumerate(COUNTS):
        subject, baseline = times[2 * index], times[2 * index + 1]
        labels = (cases[2 * index].label, cases[2 * index + 1].label)
        checks.append(
            Check(
                f"client-models {count} vs floor",
                ratio(subject, baseline),
                RATIO_TARGET,
                subject,
                baseline,
                *labels,
            )
        )
        checks.append(
            Check(
                f"client-models {count} per model",
                (subject - baseline) / count,
                PER_MODEL_TARGET,
                subject,
                baseline,
                *labels,
            )
        )
    checks.extend(pydent_checks(cookies, answers, 1 if quick else SUBPROCESS_ROUNDS, notes))
    return Outcome(checks, notes)


def pydent_checks(
    cookies: dict[str, str], answers: dict[int, Any], rounds: int, notes: list[str]
) -> list[Check]:
    """aqsession's and pydent's medians from alternating subprocess runs."""
    if not PYDENT_PYTHON.exists():
        notes.append(f"pydent comparison skipped: no {PYDENT_PYTHON} (run `make test` once)")
        return []
    runs: dict[str, list[dict[str, Any]]] = {"aqsession": [], "pydent": []}
    for _ in range(rounds):
        runs["pydent"].append(subprocess_medians(PYDENT_PYTHON, "pydent", cookies, answers))
        runs["aqsession"].append(
            subprocess_medians(Path(sys.executable), "aqsession", cookies, answers)
        )
    checks = []
    for count in COUNTS:
        ours = statistics.median(r[str(count)]["seconds"] for r in runs["aqsession"])
        theirs = statistics.median(r[str(count)]["seconds"] for r in runs["pydent"])
        checks.append(
            Check(
                f"client-models {count} vs pydent",
                ratio(theirs, ours),
                PYDENT_TARGET,
                ours,
                theirs,
                f"aqsession Sample.where -> {count} models (subprocess, canned adapter)",
                f"pydent 1.0.11 Sample.where -> {count} models (its venv, same canned adapter)",
            )
        )
    notes.append(f"pydent comparison: {rounds} alternating subprocess runs per client")
    return checks


BENCHMARK = Benchmark(
    name="client-models",
    summary="Sample.where building 100 / 1,000 models vs the requests floor and vs pydent",
    run=run,
    repeats=15,
    quick_repeats=5,
)
