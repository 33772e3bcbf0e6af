"""The scale picture: cost against size, log-log, one panel per benchmark, one line per side.

Drawn with matplotlib (the ``test`` extra) from the :class:`~benchmarks.runner.Series` the
benchmarks measured in this run, so the picture always matches the printed numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .runner import Series

TITLES = {
    "where-sqlite": "indexed where (time per query)",
    "browser-scale": "Browser.get on the large lab",
    "lab-build": "building the lab (CPU time)",
}


def panels(series: Sequence[Series]) -> dict[str, list[Series]]:
    """The series grouped by benchmark, in the order they were measured."""
    grouped: dict[str, list[Series]] = {}
    for line in series:
        grouped.setdefault(line.benchmark, []).append(line)
    return grouped


def draw(series: Sequence[Series], path: Path) -> None:
    """Write the picture of ``series`` to ``path`` (SVG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grouped = panels(series)
    if not grouped:
        raise ValueError("no benchmark in this run measured cost against size; run the scale ones")
    figure, axes = plt.subplots(1, len(grouped), figsize=(5.2 * len(grouped), 4.2), squeeze=False)
    for axis, (name, lines) in zip(axes[0], grouped.items(), strict=True):
        for line in lines:
            axis.loglog(line.sizes, line.seconds, marker="o", label=line.label)
        axis.set_title(TITLES.get(name, name), fontsize=10)
        axis.set_xlabel("rows" if name == "where-sqlite" else "samples")
        axis.set_ylabel("seconds")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=7)
    figure.suptitle("aqfake / aqsession: cost against size (python -m benchmarks --plot)")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="svg")
    plt.close(figure)
