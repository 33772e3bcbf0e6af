"""Recording fixes found in review: a failed re-recording keeps the good cassette, the password
never reaches pytest's output, request lengths are not recorded, replay misses explain
themselves in this project's terms, and the command line says what it did.

Plugin behaviour is exercised through inner ``pytester`` runs against this test's live fake.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests
import yaml
from vcr.errors import CannotOverwriteExistingCassetteException

from aqfake.cassettes import RequestNotInCassette, Scrubber, use_cassette
from aqfake.cli import main
from aqfake.proxy import MISS_STATUS, CassetteProxy

from .test_plugin_cassettes import CASSETTE, RECORDED, record, run
from .test_proxy import _start, _stop, client

SECRET = "S3cretPassw0rd"
#: vcrpy's own advice, which names options the plugin does not have.
VCRPY_ADVICE = ("drop_unused_requests", "readthedocs", "record_mode='")
REPO_CASSETTE = (
    Path(__file__).resolve().parents[2]
    / "cassettes"
    / "test_demo_sessions"
    / "test_query_language.yaml"
)


@pytest.fixture
def recorded(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, aq_server: str) -> Path:
    """A good cassette recorded with the right password; AQ_* still point at the live fake."""
    monkeypatch.setenv("AQ_URL", aq_server)
    monkeypatch.setenv("AQ_LOGIN", "neptune")
    monkeypatch.setenv("AQ_PASSWORD", "aquarium")
    record(pytester).assert_outcomes(passed=1)
    return pytester.path / CASSETTE


def request_headers(path: Path) -> list[dict[str, list[str]]]:
    document = yaml.safe_load(path.read_text())
    return [interaction["request"]["headers"] for interaction in document["interactions"]]


# -- 1: a failed re-recording destroys nothing ------------------------------------------------


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


# -- 2: the password never reaches the output -------------------------------------------------


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


# -- 3: no request Content-Length ---------------------------------------------------------------


def test_request_content_length_is_not_recorded(recorded: Path) -> None:
    headers = request_headers(recorded)
    assert headers and all(name.lower() != "content-length" for one in headers for name in one), (
        headers
    )


def test_the_audit_refuses_a_request_content_length() -> None:
    leaky = {"request": {"uri": "http://h/sessions.json", "headers": {"Content-Length": ["57"]}}}
    assert any("Content-Length" in problem for problem in Scrubber().leaks(leaky))
    assert Scrubber().leaks({"request": {"uri": "http://h/json", "headers": {}}}) == []


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


# -- 4: our own replay-miss error -------------------------------------------------------------


def test_a_replay_miss_raises_our_error_with_both_sides_and_our_advice(
    aq_server: str, tmp_path: Path
) -> None:
    path = tmp_path / "near.yaml"
    asked = {"model": "Sample", "method": "where", "arguments": {"id": 1}}
    with use_cassette(path, record_mode="once"):
        requests.post(f"{aq_server}/json", json=asked)
    with (
        use_cassette(path, record_mode="none", advice="Run the recorder again."),
        pytest.raises(RequestNotInCassette) as err,
    ):
        requests.post(f"{aq_server}/json", json={**asked, "arguments": {"id": 2}})
    assert isinstance(err.value, CannotOverwriteExistingCassetteException)
    message = str(err.value)
    assert 'POST /json {"arguments":{"id":2},"method":"where","model":"Sample"}' in message
    assert "$.arguments.id: request: 2, recorded: 1" in message
    assert message.rstrip().endswith("Run the recorder again.")
    assert aq_server not in message and "127.0.0.1" not in message
    assert not [advice for advice in VCRPY_ADVICE if advice in message]


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


def test_replay_over_http_hides_the_internal_address(tmp_path: Path, aq_server: str) -> None:
    path = tmp_path / "proxy.yaml"
    with CassetteProxy(path, aq_server) as recording:
        client(recording.url, "browse", "aquarium")
    with CassetteProxy(path, advice="Record it with the proxy again.") as replaying:
        answer = client(replaying.url, "post", "/json", '{"model": "Nothing"}')
    assert answer["status"] == MISS_STATUS
    assert 'POST /json {"model":"Nothing"}' in answer["text"]
    assert "cassette.aqfake.invalid" not in answer["text"]
    assert "Record it with the proxy again." in answer["text"]
    assert not [advice for advice in VCRPY_ADVICE if advice in answer["text"]]


# -- 5: aqfake record says what happened ------------------------------------------------------


def test_record_says_when_nothing_was_written(aq_server: str, tmp_path: Path) -> None:
    path = tmp_path / "cli.yaml"
    env = {**os.environ, "AQ_URL": aq_server}
    recorder, _ = _start("record", str(path), env=env)
    code, err = _stop(recorder)
    assert code == 0, err
    assert "nothing recorded, no file written" in err
    assert not path.exists()


# -- 6: unreadable cassettes, and the verify table ----------------------------------------------


@pytest.mark.parametrize("command", ["verify", "replay"])
@pytest.mark.parametrize(
    "content", ["foo: [unclosed\n", "just text\n", "interactions: 3\n", "interactions: [{}]\n"]
)
def test_a_file_that_is_not_a_cassette_is_named_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, content: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    assert main([command, str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"aqfake {command}: {bad} is not a cassette: ")
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_the_verify_table_counts_reproduced_answers_in_the_all_row(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["verify", str(REPO_CASSETTE)]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()]
    all_row = next(row for row in rows if row[0] == "all")
    assert all_row[1] == all_row[2] and int(all_row[1]) > 0
    assert all_row[3] == "100%"


# -- 7: a bad marker is reported first ----------------------------------------------------------


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


# -- 8: the record command documents $AQ_URL ----------------------------------------------------


def test_record_help_explains_the_url_fallback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AQ_URL", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main(["record", "--help"])
    assert exit_info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "required unless $AQ_URL is set" in out
