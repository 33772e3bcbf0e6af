"""The benchmark plumbing: targets, interleaving, checks, reports and the scale picture."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.__main__ import main, parse
from benchmarks.plot import draw, panels
from benchmarks.runner import (
    Case,
    Check,
    Outcome,
    Series,
    Target,
    check_row,
    measure,
    ratio_check,
    report,
    rotations,
)


def test_targets_bound_from_above_or_below_and_read_in_their_unit() -> None:
    assert Target(1.2).met(1.2) and not Target(1.2).met(1.21)
    assert Target(10, at_least=True).met(10) and not Target(10, at_least=True).met(9.9)
    assert str(Target(1.5)) == "<= 1.5x" and str(Target(2, at_least=True)) == ">= 2x"
    assert str(Target(0.5, unit="s")) == "<= 500 ms" and Target(4, unit="n").show(4) == "4"


def test_every_round_runs_every_case_once_in_a_rotating_order() -> None:
    orders = list(rotations(3, 4))
    assert all(sorted(order) == [0, 1, 2] for order in orders)
    assert len({order[0] for order in orders}) > 1


def test_measure_prepares_before_every_sample_and_gives_one_median_per_case() -> None:
    prepared: list[str] = []

    def case(name: str, warm_up: bool = True) -> Case:
        def prepare() -> object:
            prepared.append(name)
            return lambda: None

        return Case(name, prepare, warm_up=warm_up)  # type: ignore[arg-type]

    times = measure([case("a"), case("b", warm_up=False)], 3)
    assert len(times) == 2 and all(t >= 0 for t in times)
    assert prepared.count("a") == 4 and prepared.count("b") == 3
    with pytest.raises(ValueError, match="at least 1"):
        measure([case("a")], 0)


def test_speedup_targets_check_baseline_over_subject() -> None:
    a, b = Case("ours", lambda: lambda: None), Case("theirs", lambda: lambda: None)
    faster = ratio_check("load", a, b, (1.0, 12.0), Target(10, at_least=True))
    assert faster.value == 12.0 and faster.passed
    slower = ratio_check("find", a, b, (1.5, 1.0), Target(1.2))
    assert slower.value == 1.5 and not slower.passed
    assert check_row(slower).endswith("MISS") and check_row(faster).endswith("PASS")


def test_report_names_each_pair_of_sides_once_then_the_notes() -> None:
    checks = [
        Check("x 100", 1.0, Target(2), 1.0, 1.0, "subject", "baseline"),
        Check("x 1000", 3.0, Target(2), 3.0, 1.0, "subject", "baseline"),
        Check("alone", 1.0, Target(2, unit="s"), 1.0, None, "one side"),
    ]
    lines = list(report(Outcome(checks, ["a note"])))
    assert sum("subject:  subject" in line for line in lines) == 1
    assert "    baseline: " not in lines[lines.index("    subject:  one side") + 1]
    assert lines[-1] == "    a note" and lines[3].startswith("x 1000") and "MISS" in lines[3]


def test_series_need_a_time_per_size() -> None:
    with pytest.raises(ValueError, match="3 sizes but 2 timings"):
        Series("b", "line", (1, 2, 3), (0.1, 0.2))


def test_the_scale_picture_has_a_panel_per_benchmark_and_a_line_per_side(tmp_path: Path) -> None:
    series = [
        Series("where-sqlite", "fake", (1000, 10000), (1e-5, 1.1e-5)),
        Series("where-sqlite", "SQLite", (1000, 10000), (3e-6, 3e-6)),
        Series("lab-build", "build", (1000, 10000), (0.1, 1.0)),
    ]
    assert [len(lines) for lines in panels(series).values()] == [2, 1]
    path = tmp_path / "scale.svg"
    draw(series, path)
    text = path.read_text()
    assert text.startswith("<?xml") and "SQLite" in text
    with pytest.raises(ValueError, match="no benchmark"):
        draw([], tmp_path / "empty.svg")


def test_the_command_line_refuses_unknown_names_and_non_svg_pictures(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        parse(["no-such-benchmark"])
    with pytest.raises(SystemExit):
        parse(["--plot", "picture.png"])
    assert main(["--list", "--quick"]) == 0
    listed = capsys.readouterr().out
    assert "cassette-load" in listed and "suite" not in listed
