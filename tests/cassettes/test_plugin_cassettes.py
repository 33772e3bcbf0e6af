"""The plugin's cassette fixtures, options and markers, exercised through inner pytest runs.

Each test writes a small test module into a ``pytester`` directory and runs pytest on it
in-process. Recordings are made against ``aq_server`` (a live loopback fake of this test),
whose journal shows which requests really reached a server.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from vcr.request import Request

from aqfake.app import FakeAquarium
from aqfake.cassettes import AqCassette
from aqfake.pytest_plugin import recorded_login

from .test_cassette_core import VCRPY_ADVICE

RECORDED = """
def test_primers(aq_recorded_session):
    primer_type = aq_recorded_session.SampleType.find_by_name("Primer")
    primers = aq_recorded_session.Sample.where({"sample_type_id": primer_type.id})
    assert primers and all(p.sample_type_id == primer_type.id for p in primers)
"""

CASSETTE = Path("cassettes", "test_lab", "test_primers.yaml")


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch, aq_server: str) -> str:
    """The AQ_* variables pointing at this test's live fake."""
    monkeypatch.setenv("AQ_URL", aq_server)
    monkeypatch.setenv("AQ_LOGIN", "neptune")
    monkeypatch.setenv("AQ_PASSWORD", "aquarium")
    return aq_server


def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AQ_URL", "AQ_LOGIN", "AQ_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


#: Plugins an inner run does not need; loading them costs more than the run itself.
UNNEEDED = ("-p", "no:xdist", "-p", "no:hypothesispytest")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """pytest in-process on the pytester directory."""
    return pytester.runpytest(*UNNEEDED, *args)


def record(pytester: pytest.Pytester, source: str = RECORDED, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_lab=source)
    return run(pytester, "--aq-record-mode=once", *args)


def test_record_once_then_replay_without_server_or_credentials(
    pytester: pytest.Pytester,
    credentials: str,
    aq_fake: FakeAquarium,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record(pytester).assert_outcomes(passed=1)
    cassette = pytester.path / CASSETTE
    text = cassette.read_text()
    assert "aquarium\n" not in text and '"aquarium"' not in text
    assert aq_fake.user_token("neptune") not in text
    assert "<AQ:password>" in text and "<AQ:remember_token>" in text
    recorded_requests = len(aq_fake.journal)
    assert recorded_requests >= 3

    no_credentials(monkeypatch)
    run(pytester, "--aq-record-mode=none").assert_outcomes(passed=1)
    run(pytester).assert_outcomes(passed=1)  # none is the default
    # once with an existing cassette replays too
    run(pytester, "--aq-record-mode=once").assert_outcomes(passed=1)
    assert len(aq_fake.journal) == recorded_requests, "a replay reached the server"


def test_unmatched_request_fails_with_near_misses_and_rerecord_hint(
    pytester: pytest.Pytester, credentials: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    record(pytester).assert_outcomes(passed=1)
    no_credentials(monkeypatch)
    pytester.makepyfile(test_lab=RECORDED.replace('"Primer"', '"Fragment"'))
    result = run(pytester)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    section = out[out.index("aq_cassette: unmatched requests") :]
    for expected in (
        "1 request(s) not found in the cassette",
        "test_primers.yaml (--aq-record-mode=none):",
        'POST /json {"arguments":["Fragment"],"method":"find_by_name"',
        'closest: POST /json {"arguments":["Primer"]',
        'differs: body $.arguments[0]: request: "Fragment", recorded: "Primer"',
        "pytest 'test_lab.py::test_primers' --aq-record-mode=rewrite",
    ):
        assert expected in section
    assert "Closest recorded requests" in result.stdout.str()  # the error message too


def test_unmatched_request_is_reported_even_when_swallowed(
    pytester: pytest.Pytester, credentials: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    record(pytester).assert_outcomes(passed=1)
    no_credentials(monkeypatch)
    swallowing = """
def test_primers(aq_recorded_session):
    try:
        found = aq_recorded_session.SampleType.find_by_name("Fragment")
    except Exception:
        found = None
    assert found is not None, "no Fragment type"
"""
    pytester.makepyfile(test_lab=swallowing)
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*aq_cassette: unmatched requests*", "*no Fragment type*"])


def test_replay_without_a_cassette_says_how_to_record(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_lab=RECORDED)
    result = run(pytester)
    result.assert_outcomes(errors=1)
    out = result.stdout.str()
    assert "No cassette at " in out and "test_primers.yaml for test_lab.py::test_primers" in out
    assert (
        "AQ_URL=https://your.aquarium AQ_LOGIN=you AQ_PASSWORD=... "
        "pytest 'test_lab.py::test_primers' --aq-record-mode=once" in out
    )


def test_recording_without_credentials_names_what_is_missing(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_credentials(monkeypatch)
    monkeypatch.setenv("AQ_LOGIN", "neptune")
    result = record(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*AQ_URL (or --aq-url), AQ_PASSWORD are not set*"])
    assert not (pytester.path / CASSETTE).exists()


def test_aq_url_option_wins_over_the_environment(
    pytester: pytest.Pytester, credentials: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AQ_URL", "http://127.0.0.1:9")  # the discard port: nothing listens
    record(pytester, RECORDED, f"--aq-url={credentials}").assert_outcomes(passed=1)


def test_new_episodes_logs_in_for_real_and_adds_only_the_new_requests(
    pytester: pytest.Pytester, credentials: str, aq_fake: FakeAquarium
) -> None:
    record(pytester).assert_outcomes(passed=1)
    before = len(aq_fake.journal)
    extended = RECORDED + (
        '    assert aq_recorded_session.SampleType.find_by_name("Fragment") is not None\n'
    )
    pytester.makepyfile(test_lab=extended)
    run(pytester, "--aq-record-mode=new_episodes").assert_outcomes(passed=1)
    sent = [(e.method, e.path, e.body) for e in aq_fake.journal.entries[before:]]
    assert [s[:2] for s in sent] == [("POST", "/sessions.json"), ("POST", "/json")]
    assert sent[1][2]["arguments"] == ["Fragment"]
    text = (pytester.path / CASSETTE).read_text()
    assert text.count("/sessions.json") == 1, "the real login is not added to the cassette"
    assert '"Fragment"' in text
    run(pytester, "--aq-record-mode=none").assert_outcomes(passed=1)


def test_rewrite_drops_requests_the_test_no_longer_makes(
    pytester: pytest.Pytester, credentials: str
) -> None:
    record(pytester).assert_outcomes(passed=1)
    assert "sample_type_id" in (pytester.path / CASSETTE).read_text()
    shorter = """
def test_primers(aq_recorded_session):
    assert aq_recorded_session.SampleType.find_by_name("Primer") is not None
"""
    pytester.makepyfile(test_lab=shorter)
    run(pytester, "--aq-record-mode=rewrite").assert_outcomes(passed=1)
    assert "sample_type_id" not in (pytester.path / CASSETTE).read_text()


def test_marker_names_the_cassette_and_sets_the_repeat_policy(
    pytester: pytest.Pytester, credentials: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = """
import pytest
import requests

@pytest.mark.aq_cassette(name="shared/signin", repeats="once")
def test_signin_twice(aq_cassette, request):
    url = request.config.getoption("aq_url") or __import__("os").environ["AQ_URL"]
    assert requests.get(url + "/signin", timeout=10).status_code == 200
    assert requests.get(url + "/signin", timeout=10).status_code == 200
"""
    pytester.makepyfile(test_lab=source)
    run(pytester, "--aq-record-mode=once").assert_outcomes(passed=1)
    cassette = pytester.path / "cassettes" / "shared" / "signin.yaml"
    assert cassette.read_text().count("uri: ") == 2
    no_credentials(monkeypatch)
    monkeypatch.setenv("AQ_URL", "http://replay.invalid")
    run(pytester).assert_outcomes(passed=1)
    pytester.makepyfile(
        test_lab=source.replace("    assert requests", "    requests", 1)
        + ('    requests.get(url + "/signin", timeout=10)\n')
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    assert "already played" in result.stdout.str()


@pytest.mark.parametrize(
    "marker",
    ['name="/etc/passwd"', 'name="../outside"', 'repeats="sometimes"', '"positional"'],
)
def test_bad_cassette_markers_are_usage_errors(pytester: pytest.Pytester, marker: str) -> None:
    pytester.makepyfile(
        test_lab=f"""
import pytest

@pytest.mark.aq_cassette({marker})
def test_x(aq_cassette):
    pass
"""
    )
    result = run(pytester, "--aq-record-mode=once")
    result.assert_outcomes(errors=1)
    assert "aq_cassette" in result.stdout.str()


def test_cassette_names_for_classes_params_and_long_ids(
    pytester: pytest.Pytester, credentials: str
) -> None:
    source = """
import pytest
import requests

def get(url):
    return requests.get(url + "/signin", timeout=10)

class TestGroup:
    def test_in_class(self, aq_cassette, request):
        get(request.config.getoption("aq_url") or __import__("os").environ["AQ_URL"])

@pytest.mark.parametrize("word", ["plain", "with/slash", pytest.param(3, id="x" * 120)])
def test_param(aq_cassette, word):
    get(__import__("os").environ["AQ_URL"])
"""
    pytester.makepyfile(test_lab=source)
    run(pytester, "--aq-record-mode=once").assert_outcomes(passed=4)
    names = sorted(p.name for p in (pytester.path / "cassettes" / "test_lab").iterdir())
    assert "TestGroup.test_in_class.yaml" in names
    assert "test_param[plain].yaml" in names
    assert any(n.startswith("test_param[with_slash]-") for n in names)
    long = [n for n in names if n.startswith("test_param[xxx")]
    assert len(long) == 1 and len(long[0]) <= 80 + len(".yaml")
    assert len(names) == 4


def test_cassette_dir_option_and_ini_are_relative_to_the_rootdir(
    pytester: pytest.Pytester, credentials: str
) -> None:
    pytester.makeini("[pytest]\naq_cassette_dir = recorded\n")
    sub = pytester.mkpydir("suite")
    (sub / "test_lab.py").write_text(RECORDED)
    run(pytester, "--aq-record-mode=once").assert_outcomes(passed=1)
    assert (pytester.path / "recorded" / CASSETTE.relative_to("cassettes")).exists()
    run(pytester, "--aq-record-mode=once", "--aq-cassette-dir=elsewhere").assert_outcomes(passed=1)
    assert (pytester.path / "elsewhere" / CASSETTE.relative_to("cassettes")).exists()


def test_default_cassette_dir_is_beside_the_test_file(
    pytester: pytest.Pytester, credentials: str
) -> None:
    sub = pytester.mkpydir("suite")
    (sub / "test_lab.py").write_text(RECORDED)
    run(pytester, "--aq-record-mode=once").assert_outcomes(passed=1)
    assert (sub / CASSETTE).exists()


def test_record_mode_choices_are_checked(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_lab="def test_x():\n    pass\n")
    result = run(pytester, "--aq-record-mode=sometimes")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "invalid choice: 'sometimes'" in result.stderr.str()


def test_plugin_runs_under_xdist(pytester: pytest.Pytester, credentials: str) -> None:
    pytest.importorskip("xdist")
    params = """
import pytest

@pytest.mark.parametrize("n", range(4))
def test_primers(aq_recorded_session, n):
    assert aq_recorded_session.SampleType.find_by_name("Primer") is not None
"""
    pytester.makepyfile(test_lab=params)
    xdist = ("-p", "no:hypothesispytest", "-n", "2")
    pytester.runpytest_subprocess(*xdist, "--aq-record-mode=once").assert_outcomes(passed=4)
    assert len(list((pytester.path / "cassettes" / "test_lab").iterdir())) == 4
    pytester.runpytest_subprocess(*xdist).assert_outcomes(passed=4)


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("http://127.0.0.1:3000/sessions.json", "http://127.0.0.1:3000"),
        ("https://lab.example.org/aquarium/sessions.json", "https://lab.example.org/aquarium"),
    ],
)
def test_replay_logs_in_where_the_recording_did(tmp_path: Path, uri: str, expected: str) -> None:
    cassette = AqCassette(str(tmp_path / "c.yaml"), match_on=[])
    ok = {"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": "{}"}}
    cassette.append(Request("GET", expected + "/json/current", None, {}), ok)
    body = '{"session": {"login": "Marie", "password": "<AQ:password>"}}'
    cassette.append(Request("POST", uri, body, {}), ok)
    assert recorded_login(cassette) == ("Marie", expected)


def test_unmatched_login_is_reported_without_the_password(
    pytester: pytest.Pytester, credentials: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    record(pytester).assert_outcomes(passed=1)
    no_credentials(monkeypatch)
    other_user = """
import requests

def test_login(aq_cassette):
    requests.post(
        "http://anywhere.test/sessions.json",
        json={"session": {"login": "someone", "password": "hunter2-typed-at-replay"}},
    )
"""
    pytester.makepyfile(test_lab=other_user.replace("test_login", "test_primers"))
    result = run(pytester)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    section = out[out.index("aq_cassette: unmatched requests") :].split("=====")[0]
    assert '"login":"someone","password":"<AQ:password>"' in section
    assert "hunter2" not in section


def test_new_episodes_needs_the_session_before_the_bare_cassette(
    pytester: pytest.Pytester, credentials: str
) -> None:
    record(pytester).assert_outcomes(passed=1)
    pytester.makepyfile(
        test_lab=RECORDED.replace("(aq_recorded_session)", "(aq_cassette, aq_recorded_session)")
    )
    result = run(pytester, "--aq-record-mode=new_episodes")
    result.assert_outcomes(errors=1)
    assert "Name aq_recorded_session before aq_cassette" in result.stdout.str()
    pytester.makepyfile(
        test_lab=RECORDED.replace("(aq_recorded_session)", "(aq_recorded_session, aq_cassette)")
    )
    run(pytester, "--aq-record-mode=new_episodes").assert_outcomes(passed=1)


SECRET = "S3cretPassw0rd"


@pytest.fixture
def recorded(pytester: pytest.Pytester, credentials: str) -> Path:
    """A good cassette recorded with the right password; AQ_* still point at the live fake."""
    record(pytester).assert_outcomes(passed=1)
    return pytester.path / CASSETTE


def request_headers(path: Path) -> list[dict[str, list[str]]]:
    document = yaml.safe_load(path.read_text())
    return [interaction["request"]["headers"] for interaction in document["interactions"]]


@pytest.mark.parametrize("mode", ["rewrite", "all", "new_episodes"])
def test_a_failed_rerecording_keeps_the_good_cassette(
    pytester: pytest.Pytester, recorded: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    good = recorded.read_bytes()
    monkeypatch.setenv("AQ_PASSWORD", "wrong")
    run(pytester, f"--aq-record-mode={mode}").assert_outcomes(errors=1)
    assert recorded.read_bytes() == good


def test_a_test_that_fails_after_recording_writes_nothing(
    pytester: pytest.Pytester, recorded: Path
) -> None:
    good = recorded.read_bytes()
    failing = RECORDED + "    assert False, 'the check failed'\n"
    pytester.makepyfile(test_lab=failing)
    run(pytester, "--aq-record-mode=rewrite").assert_outcomes(failed=1)
    assert recorded.read_bytes() == good
    recorded.unlink()
    run(pytester, "--aq-record-mode=once").assert_outcomes(failed=1)
    assert not recorded.exists()


@pytest.mark.parametrize("options", [[], ["--tb=long"], ["-l"], ["--tb=long", "-l"]])
@pytest.mark.parametrize("server", ["refused", "wrong password"])
def test_the_password_is_never_printed(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    aq_server: str,
    options: list[str],
    server: str,
) -> None:
    monkeypatch.setenv("AQ_URL", "http://127.0.0.1:1" if server == "refused" else aq_server)
    monkeypatch.setenv("AQ_LOGIN", "neptune")
    monkeypatch.setenv("AQ_PASSWORD", SECRET)
    pytester.makepyfile(test_lab=RECORDED)
    result = run(pytester, "--aq-record-mode=rewrite", *options)
    result.assert_outcomes(errors=1)
    output = result.stdout.str() + result.stderr.str()
    assert "Error" in output  # the failure itself is still explained
    assert SECRET not in output


def test_request_content_length_is_not_recorded(recorded: Path) -> None:
    headers = request_headers(recorded)
    assert headers and all(name.lower() != "content-length" for one in headers for name in one), (
        headers
    )


def test_rerecording_drops_content_length_kept_by_an_old_cassette(
    pytester: pytest.Pytester, recorded: Path
) -> None:
    text = recorded.read_text()
    old = text.replace("      Content-Type:\n", "      Content-Length:\n      - '57'\n"
                       "      Content-Type:\n", 1)  # fmt: skip
    assert old != text
    recorded.write_text(old)
    pytester.makepyfile(test_lab=RECORDED.replace('"Primer"', '"Plasmid"'))
    run(pytester, "--aq-record-mode=new_episodes").assert_outcomes(passed=1)
    headers = request_headers(recorded)
    assert all(name.lower() != "content-length" for one in headers for name in one)


def test_the_plugin_shows_only_its_own_advice(
    pytester: pytest.Pytester, recorded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AQ_PASSWORD")
    pytester.makepyfile(test_lab=RECORDED.replace('"Primer"', '"Fragment"'))
    result = run(pytester)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "RequestNotInCassette" in out
    assert "--aq-record-mode=rewrite" in out
    assert not [advice for advice in VCRPY_ADVICE if advice in out]


@pytest.mark.parametrize("arguments", ['repeats="twice"', 'nme="x"', "'x'", "name=3"])
def test_a_bad_cassette_marker_is_reported_before_a_missing_cassette(
    pytester: pytest.Pytester, arguments: str
) -> None:
    pytester.makepyfile(
        test_lab=f"import pytest\n\n@pytest.mark.aq_cassette({arguments})\n" + RECORDED
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    out = result.stdout.str()
    assert "@pytest.mark.aq_cassette takes keyword arguments" in out
    assert "No cassette" not in out
