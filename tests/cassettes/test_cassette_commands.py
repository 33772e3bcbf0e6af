"""The cassette commands: ``aqfake verify``, unreadable cassettes for ``verify``/``replay``,
``aqfake record --help``, and ``aqfake serve --anchor``."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from aqfake.app import FakeAquarium
from aqfake.cli import lab_spec, main

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes" / "test_demo_sessions"
READ_ONLY = CASSETTES / "test_query_language.yaml"


def test_verify_prints_the_table_and_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(READ_ONLY)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["endpoint", "requests", "reproduced", "fidelity"]
    assert "POST /json Sample" in out
    assert "OK: fidelity 100.0% (minimum 95.0%)" in out


def test_verify_fails_below_the_minimum_fidelity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tampered = tmp_path / "tampered.yaml"
    text = READ_ONLY.read_text()
    assert text.count('"sample_type_id": ') > 3
    tampered.write_text(text.replace('"sample_type_id": ', '"colour": "blue", "sample_type_id": '))
    assert main(["verify", str(tampered)]) == 1
    out = capsys.readouterr().out
    assert 'colour: fake: (absent), recorded: "blue"' in out
    assert "below --min-fidelity 95.0%" in out
    assert main(["verify", "--min-fidelity", "0", str(tampered)]) == 0


def test_verify_accepts_several_cassettes(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    copies = [shutil.copy(READ_ONLY, tmp_path / f"{n}.yaml") for n in range(2)]
    assert main(["verify", *map(str, copies)]) == 0
    assert "OK" in capsys.readouterr().out


def test_verify_names_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.yaml"
    assert main(["verify", str(READ_ONLY), str(missing)]) == 2
    assert f"no such cassette file: {missing}" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [["verify"], ["verify", "x.yaml", "--min-fidelity", "1.5"], ["serve", "--anchor", "soon"]],
)
def test_bad_arguments_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "usage: aqfake" in capsys.readouterr().err


def test_anchor_pins_the_lab_to_a_day() -> None:
    anchor = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    first = FakeAquarium(lab_spec("demo", 0, anchor)).store
    again = FakeAquarium(lab_spec("demo", 0, anchor)).store
    samples = first.rows("samples")
    assert samples and samples == again.rows("samples")
    assert max(s["created_at"] for s in samples) < anchor
    assert min(s["created_at"] for s in samples) >= anchor - dt.timedelta(days=60)
    other_seed = FakeAquarium(lab_spec("demo", 1, anchor)).store.rows("samples")
    assert other_seed != samples


def test_no_anchor_keeps_the_named_lab() -> None:
    assert lab_spec("empty", 0, None) == "empty"


@pytest.mark.parametrize(
    "cassette", [pytest.param(p, id=p.stem) for p in sorted(CASSETTES.glob("*.yaml"))]
)
def test_the_fake_reproduces_this_repositorys_recordings(cassette: Path, capsys) -> None:
    assert main(["verify", "--min-fidelity", "1", str(cassette)]) == 0, capsys.readouterr().out


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
    assert main(["verify", str(READ_ONLY)]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()]
    all_row = next(row for row in rows if row[0] == "all")
    assert all_row[1] == all_row[2] and int(all_row[1]) > 0
    assert all_row[3] == "100%"


def test_record_help_explains_the_url_fallback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AQ_URL", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main(["record", "--help"])
    assert exit_info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "required unless $AQ_URL is set" in out
