"""pytest plugin for aqfake: fixtures for a fake Aquarium and for recorded sessions.

Loaded through the ``pytest11`` entry point ``aqfake`` once the package is installed.

- ``aq_fake``    -- a fresh :class:`~aqfake.app.FakeAquarium` per test, seeded with the demo lab.
  ``@pytest.mark.aq_lab("empty")`` or ``@pytest.mark.aq_lab(name="demo", seed=3)`` picks
  another lab. Each named lab is built once per process; every test gets its own copy of it.
  ``@pytest.mark.aq_faults(*faults, seed=0)`` injects faults into it from the start: each a
  dict (``{"kind": "status", "route": "POST /json/save", "status": 502, "times": 1}``), a
  command-line text (``"drop,route=/json"``) or an :class:`aqfake.faults.Fault`; ``seed``
  fixes the random schedule (see :mod:`aqfake.faults`).
- ``aq_server``  -- ``aq_fake`` served on a free loopback port; the fixture value is its URL.
- ``aq_session`` -- an ``aqsession.AqSession`` signed in to ``aq_fake`` as ``neptune`` /
  ``aquarium``, in-process (no sockets) through ``responses``. Only the fake's base URL is
  intercepted; requests to any other URL (``aq_server`` included) go to the network as usual.
- ``aq_cassette`` -- the test's own cassette (:func:`aqfake.cassettes.use_cassette`), active for
  the whole test. Its file is ``<cassette dir>/<test module>/<test name>.yaml`` (see
  :func:`cassette_path`); ``@pytest.mark.aq_cassette(name=..., repeats=...)`` names it
  explicitly or picks the repeat policy. The record mode comes from ``--aq-record-mode``
  (default ``none``: replay only, the network is blocked). The cassette file is written only
  when the test's setup and call passed; after any failure or error nothing is written and an
  existing cassette stays as it was (a re-recording with a wrong password destroys nothing).
- ``aq_recorded_session`` -- an ``AqSession`` whose traffic goes through ``aq_cassette``. When
  the cassette records, it logs in to ``--aq-url`` / ``AQ_URL`` as ``AQ_LOGIN`` with
  ``AQ_PASSWORD``; when it replays, it logs in with the login found in the cassette and needs
  no credentials (recorded passwords are scrubbed to a placeholder that matches any password).
  The frames holding the password are hidden from tracebacks, so a failed login never prints it.

The cassette directory is ``--aq-cassette-dir``, else the ``aq_cassette_dir`` ini option
(relative paths are taken from the rootdir), else a ``cassettes`` folder beside each test
file, as pytest-recording does.

Under pytest-xdist every worker builds its own fakes on its own ports, and each test writes only
its own cassette file, atomically, so ``pytest -n auto`` is safe.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from .app import FakeAquarium
from .cassettes import RECORD_MODES, REPEAT_POLICIES, AqCassette, key_of, use_cassette
from .cassettes.scrub import PASSWORD_PLACEHOLDER
from .faults import Fault, FaultError, parse_fault
from .transport import LiveServer

DEFAULT_LAB = "demo"
DEFAULT_LOGIN = "neptune"
DEFAULT_PASSWORD = "aquarium"
MARKER = "aq_lab"
FAULTS_MARKER = "aq_faults"
CASSETTE_MARKER = "aq_cassette"
DEFAULT_CASSETTE_FOLDER = "cassettes"
#: Environment variables naming the server and the account a recording logs in with.
ENV_URL, ENV_LOGIN, ENV_PASSWORD = "AQ_URL", "AQ_LOGIN", "AQ_PASSWORD"
#: Cassette file names longer than this keep a readable prefix and a short hash of the full name.
MAX_NAME_LENGTH = 80
HASH_LENGTH = 10
_UNSAFE = re.compile(r"[^A-Za-z0-9_.,=+@\[\]-]")
_MISSES = pytest.StashKey[list[str]]()
_CASSETTE = pytest.StashKey["CassetteInfo"]()
_OUTCOMES = pytest.StashKey[dict[str, str]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the plugin's command-line options and ini setting."""
    group = parser.getgroup("aqfake", "aqfake: fake Aquarium and recorded sessions")
    group.addoption(
        "--aq-record-mode",
        choices=RECORD_MODES,
        default="none",
        help="how aq_cassette treats the network: none (default: replay only, network blocked), "
        "once (record a cassette that does not exist yet), new_episodes (replay, record what "
        "is new), all (record everything again, keep the rest), rewrite (record from scratch)",
    )
    group.addoption(
        "--aq-url",
        default=None,
        help=f"the Aquarium server aq_recorded_session records against (default: ${ENV_URL})",
    )
    group.addoption(
        "--aq-cassette-dir",
        default=None,
        help="where aq_cassette keeps cassettes (default: the aq_cassette_dir ini option, else "
        "a 'cassettes' folder beside each test file)",
    )
    parser.addini(
        "aq_cassette_dir",
        "where aq_cassette keeps cassettes, relative to the rootdir (default: 'cassettes' "
        "beside each test file)",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Declare the plugin's markers, so ``--strict-markers`` accepts them."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(name='{DEFAULT_LAB}', seed=0): the lab the aq_fake fixture is seeded with "
        "('demo' or 'empty') and the demo lab's random seed.",
    )
    config.addinivalue_line(
        "markers",
        f"{FAULTS_MARKER}(*faults, seed=0): faults injected into aq_fake from the start, each a "
        "dict, a command-line text such as 'status,route=/json,status=503' or a Fault.",
    )
    config.addinivalue_line(
        "markers",
        f"{CASSETTE_MARKER}(name=None, repeats='last'): the cassette file aq_cassette uses "
        "(a path relative to the cassette directory; default: named after the test) and its "
        f"repeat policy ({' or '.join(REPEAT_POLICIES)}).",
    )


# -- the fake ---------------------------------------------------------------------------------


def lab_from_marker(node: pytest.Item | Any) -> tuple[str, int]:
    """``(name, seed)`` from the closest ``aq_lab`` marker, or the demo lab with seed 0."""
    marker = node.get_closest_marker(MARKER)
    if marker is None:
        return DEFAULT_LAB, 0
    args = list(marker.args)
    name = args.pop(0) if args else marker.kwargs.get("name", DEFAULT_LAB)
    seed = args.pop(0) if args else marker.kwargs.get("seed", 0)
    unknown = set(marker.kwargs) - {"name", "seed"}
    if args or unknown or not isinstance(name, str) or not isinstance(seed, int):
        raise pytest.UsageError(
            f"@pytest.mark.{MARKER} takes a lab name (str) and a seed (int), e.g. "
            f"@pytest.mark.{MARKER}('demo', seed=1); got {marker.args!r} {marker.kwargs!r}"
        )
    return name, seed


def faults_from_marker(node: pytest.Item | Any) -> tuple[list[Fault], int]:
    """``(faults, seed)`` from the closest ``aq_faults`` marker (none: no faults, seed 0)."""
    marker = node.get_closest_marker(FAULTS_MARKER)
    if marker is None:
        return [], 0
    seed = marker.kwargs.get("seed", 0)
    usage = (
        f"@pytest.mark.{FAULTS_MARKER} takes faults (dicts, texts such as "
        f"'status,route=/json,status=503', or Fault objects) and seed=<int>, e.g. "
        f"@pytest.mark.{FAULTS_MARKER}({{'kind': 'drop', 'route': '/json'}}, seed=1)"
    )
    if set(marker.kwargs) - {"seed"} or not isinstance(seed, int) or isinstance(seed, bool):
        raise pytest.UsageError(f"{usage}; got {marker.args!r} {marker.kwargs!r}")
    faults: list[Fault] = []
    for given in marker.args:
        try:
            if isinstance(given, Fault):
                faults.append(given)
            elif isinstance(given, str):
                faults.append(parse_fault(given))
            else:
                faults.append(Fault.from_json(given))
        except FaultError as exc:
            raise pytest.UsageError(f"{usage}; {given!r}: {exc}") from None
    return faults, seed


@pytest.fixture
def aq_fake(request: pytest.FixtureRequest) -> FakeAquarium:
    """A fresh in-memory Aquarium for this test (see the ``aq_lab`` and ``aq_faults``
    markers)."""
    name, seed = lab_from_marker(request.node)
    fake = FakeAquarium(name, seed=seed)
    faults, fault_seed = faults_from_marker(request.node)
    fake.faults.reseed(fault_seed)
    fake.faults.extend(faults)
    return fake


@pytest.fixture
def aq_server(aq_fake: FakeAquarium) -> Iterator[str]:
    """``aq_fake`` served over HTTP on a free loopback port; yields the base URL."""
    with LiveServer(aq_fake) as server:
        yield server.url


@pytest.fixture
def aq_session(aq_fake: FakeAquarium) -> Iterator[Any]:
    """An ``aqsession.AqSession`` signed in to ``aq_fake`` in-process (neptune / aquarium)."""
    from aqsession import AqSession

    with aq_fake.mock():
        yield AqSession(DEFAULT_LOGIN, DEFAULT_PASSWORD, aq_fake.base_url)


# -- cassettes --------------------------------------------------------------------------------


def safe_file_name(name: str) -> str:
    """``name`` as a stable file name: unsafe characters become ``_``; a name that had to be
    changed, or is longer than :data:`MAX_NAME_LENGTH`, keeps a readable prefix and gets a
    short sha1 of the original, so two different names never share a file."""
    cleaned = _UNSAFE.sub("_", name)
    if cleaned == name and len(name) <= MAX_NAME_LENGTH:
        return name
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:HASH_LENGTH]
    return f"{cleaned[: MAX_NAME_LENGTH - HASH_LENGTH - 1]}-{digest}"


def cassette_dir(config: pytest.Config, test_file: Path) -> Path:
    """Where the cassettes of tests in ``test_file`` live (see the module docstring)."""
    chosen = config.getoption("aq_cassette_dir") or config.getini("aq_cassette_dir")
    if not chosen:
        return test_file.parent / DEFAULT_CASSETTE_FOLDER
    directory = Path(os.path.expanduser(str(chosen)))
    return directory if directory.is_absolute() else Path(config.rootpath) / directory


def cassette_marker(item: pytest.Item) -> tuple[str | None, str]:
    """``(name, repeats)`` of the closest ``aq_cassette`` marker, validated: a misspelt
    argument is reported before anything else about the cassette."""
    marker = item.get_closest_marker(CASSETTE_MARKER)
    if marker is None:
        return None, "last"
    unknown = set(marker.kwargs) - {"name", "repeats"}
    name = marker.kwargs.get("name")
    repeats = marker.kwargs.get("repeats", "last")
    if (
        marker.args
        or unknown
        or repeats not in REPEAT_POLICIES
        or not isinstance(name, (str, os.PathLike, type(None)))
    ):
        raise pytest.UsageError(
            f"@pytest.mark.{CASSETTE_MARKER} takes keyword arguments name='<file>' and "
            f"repeats={' or '.join(map(repr, REPEAT_POLICIES))}; "
            f"got {marker.args!r} {marker.kwargs!r}"
        )
    return (None if name is None else str(name)), str(repeats)


def cassette_path(item: pytest.Item) -> Path:
    """The cassette file of one test: ``<dir>/<module stem>/[<Class>.]<test name>.yaml``, or
    the ``name`` of an ``aq_cassette`` marker, relative to the cassette directory."""
    test_file = Path(str(item.path))
    directory = cassette_dir(item.config, test_file)
    name, _ = cassette_marker(item)
    if name is not None:
        relative = Path(name)
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise pytest.UsageError(
                f"@pytest.mark.{CASSETTE_MARKER}(name={name!r}) must be a relative path inside "
                f"the cassette directory {directory}, e.g. name='shared/login'"
            )
        return directory / (relative if relative.suffix else relative.with_suffix(".yaml"))
    cls = getattr(item, "cls", None)
    test_name = f"{cls.__name__}.{item.name}" if cls is not None else item.name
    return directory / safe_file_name(test_file.stem) / f"{safe_file_name(test_name)}.yaml"


@dataclass(frozen=True)
class CassetteInfo:
    """What the plugin knows about the active cassette of a test (for error messages)."""

    path: Path
    record_mode: str
    nodeid: str

    def rerecord_hint(self) -> str:
        """The command that records this test's cassette again against a real server."""
        return (
            f"To record it again against a server: {ENV_URL}=... {ENV_LOGIN}=... "
            f"{ENV_PASSWORD}=... pytest '{self.nodeid}' --aq-record-mode=rewrite"
        )


def _track_misses(cassette: AqCassette, misses: list[str]) -> None:
    """Remember each unmatched request (vcrpy asks for near misses exactly then), so the
    failure report shows it even if the code under test swallowed the exception."""
    find = cassette.find_requests_with_most_matches

    def find_and_remember(request: Any) -> list[tuple[Any, list[str], Any]]:
        found = find(request)
        scrubbed = cassette.filter_request(request)  # never print a password typed at replay
        lines = [key_of(scrubbed).describe()[:200] if scrubbed else str(request)]
        lines += [f"    closest: {line}" for line in _near_miss_lines(found)]
        misses.append("\n".join(lines))
        return found

    cassette.find_requests_with_most_matches = find_and_remember  # type: ignore[method-assign]


def _near_miss_lines(found: list[tuple[Any, list[str], Any]]) -> list[str]:
    return [
        f"{key_of(req).describe()[:160]}\n      differs: {fails[0][1]}" for req, _, fails in found
    ]


class _TestDidNotPass(Exception):
    """Closes a test's cassette without writing it: the test failed or errored."""


def phases_passed(item: pytest.Item) -> bool:
    """Whether the test's setup and call both passed (as far as they have run)."""
    outcomes = item.stash.get(_OUTCOMES, {})
    return all(outcomes.get(phase) == "passed" for phase in ("setup", "call"))


@pytest.fixture
def aq_cassette(request: pytest.FixtureRequest) -> Iterator[AqCassette]:
    """This test's cassette, active for the whole test (see the module docstring).

    The cassette is written only when the test's setup and call passed: after a failure or an
    error (a wrong password at a re-recording, say) the file on disk stays as it was.
    """
    item = request.node
    _, repeats = cassette_marker(item)
    path = cassette_path(item)
    mode = request.config.getoption("aq_record_mode")
    info = CassetteInfo(path, mode, item.nodeid)
    if mode == "none" and not path.exists():
        pytest.fail(
            f"No cassette at {path} for {item.nodeid}, and --aq-record-mode=none only replays. "
            f"Record it once against a server: {ENV_URL}=https://your.aquarium "
            f"{ENV_LOGIN}=you {ENV_PASSWORD}=... pytest '{item.nodeid}' --aq-record-mode=once",
            pytrace=False,
        )
    misses: list[str] = []
    item.stash[_MISSES] = misses
    item.stash[_CASSETTE] = info
    context = use_cassette(
        path,
        record_mode=mode,
        password=os.environ.get(ENV_PASSWORD) or None,
        repeats=repeats,
        advice="If the code under test now asks something new, the cassette is out of date. "
        + info.rerecord_hint(),
    )
    try:
        with context as cassette:
            _track_misses(cassette, misses)
            yield cassette
            if not phases_passed(item):
                raise _TestDidNotPass(item.nodeid)
    except _TestDidNotPass:
        pass


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember each phase's outcome (a cassette is written only after a passing test) and
    add an ``aq_cassette`` section naming unmatched requests to a failing test's report."""
    report: pytest.TestReport = yield
    item.stash.setdefault(_OUTCOMES, {})[report.when] = report.outcome
    misses = item.stash.get(_MISSES, None)
    if report.failed and misses:
        info = item.stash[_CASSETTE]
        text = [
            f"{len(misses)} request(s) not found in the cassette {info.path} "
            f"(--aq-record-mode={info.record_mode}):",
            *misses,
            "If the code under test now asks something new, the cassette is out of date. "
            + info.rerecord_hint(),
        ]
        report.sections.append(("aq_cassette: unmatched requests", "\n".join(text)))
    return report


def is_recording(cassette: AqCassette) -> bool:
    """Whether requests missing from ``cassette`` go to the network and get recorded."""
    return not cassette.write_protected


def recorded_login(cassette: AqCassette) -> tuple[str, str] | None:
    """``(login, server URL)`` of the first recorded ``POST .../sessions.json``, if any (the URL
    keeps a path prefix such as ``https://host/aquarium``, which replay matching compares)."""
    for recorded in cassette.requests:
        if recorded.method.upper() != "POST" or not recorded.path.endswith("/sessions.json"):
            continue
        body = recorded.body
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        try:
            login = json.loads(body or "null")["session"]["login"]
        except (ValueError, KeyError, TypeError):
            continue
        parts = urlsplit(recorded.uri)
        prefix = parts.path[: -len("/sessions.json")]
        return str(login), f"{parts.scheme}://{parts.netloc}{prefix}"
    return None


def recording_credentials(config: pytest.Config, info: CassetteInfo) -> tuple[str, str, str]:
    """``(url, login, password)`` for a recording, or a failure naming what is missing."""
    url = config.getoption("aq_url") or os.environ.get(ENV_URL, "")
    login = os.environ.get(ENV_LOGIN, "")
    password = os.environ.get(ENV_PASSWORD, "")
    missing = [
        name
        for name, value in (
            (f"{ENV_URL} (or --aq-url)", url),
            (ENV_LOGIN, login),
            (ENV_PASSWORD, password),
        )
        if not value
    ]
    if missing:
        pytest.fail(
            f"aq_recorded_session is recording {info.path} (--aq-record-mode={info.record_mode}"
            f"{', no cassette yet' if info.record_mode == 'once' else ''}), so it logs in to a "
            f"real server, but {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not "
            f"set. Set {ENV_URL}, {ENV_LOGIN} and {ENV_PASSWORD} in the environment (never in a "
            "file in the repository), or replay an existing cassette with --aq-record-mode=none.",
            pytrace=False,
        )
    return url, login, password


def _file_has_login(path: Path) -> bool:
    """Whether the cassette file records a login (read without activating it)."""
    from .cassettes.seed import load_exchanges

    return path.exists() and any(
        e.method.upper() == "POST" and urlsplit(e.uri).path.endswith("/sessions.json")
        for e in load_exchanges([path])
    )


def _log_in_for_recording(config: pytest.Config, info: CassetteInfo) -> Any:
    """An ``AqSession`` logged in with the recording credentials from the environment.

    The password lives only in this frame and aqsession's login frames, all hidden from
    pytest tracebacks (``-l`` would print their locals).
    """
    __tracebackhide__ = True
    from aqsession import AqSession

    url, login, password = recording_credentials(config, info)
    return AqSession(login, password, url)


@pytest.fixture
def aq_recorded_session(request: pytest.FixtureRequest) -> Any:
    """An ``AqSession`` whose traffic is recorded to / replayed from ``aq_cassette``."""
    from aqsession import AqSession

    item = request.node
    cassette_marker(item)
    if request.config.getoption("aq_record_mode") == "new_episodes" and _file_has_login(
        cassette_path(item)
    ):
        # The recorded login would replay a scrubbed, useless token: log in for real before
        # the cassette is active, then drop the connections opened so far, so everything
        # after the login goes through the cassette.
        if _CASSETTE in item.stash:
            pytest.fail(
                "With --aq-record-mode=new_episodes, aq_recorded_session logs in before the "
                "cassette starts, but aq_cassette was set up first. Name aq_recorded_session "
                "before aq_cassette in the test's arguments (or drop aq_cassette: "
                "aq_recorded_session activates it).",
                pytrace=False,
            )
        info = CassetteInfo(cassette_path(item), "new_episodes", item.nodeid)
        session = _log_in_for_recording(request.config, info)
        session.aqhttp.http_session.close()
        request.getfixturevalue("aq_cassette")
        return session
    cassette: AqCassette = request.getfixturevalue("aq_cassette")
    info = item.stash[_CASSETTE]
    if is_recording(cassette):
        return _log_in_for_recording(request.config, info)
    found = recorded_login(cassette)
    if found is None:
        pytest.fail(
            f"The cassette {info.path} holds no recorded login (POST /sessions.json), so "
            f"aq_recorded_session cannot replay it. {info.rerecord_hint()}",
            pytrace=False,
        )
    login, url = found
    return AqSession(login, PASSWORD_PLACEHOLDER, url)
