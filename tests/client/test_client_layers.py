"""The client's modules import only downward at run time: no cycle, no back-arrow.

Imports under ``if TYPE_CHECKING:`` do not count here: the client's lower layers name
:class:`aqsession.AqSession` in their annotations (a typed session, not ``Any``), which loads
nothing at run time. Every other import does, inside functions too. A new module must be
given a layer in :data:`LAYERS`.
"""

from __future__ import annotations

from pathlib import Path

import aqsession
from tests.import_layers import PackageLayers, cycles

#: Bottom to top; a module may import its own layer and the layers below it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundations", ("exceptions", "utils", "server_values", "sessionabc")),
    ("transport", ("environment", "http")),
    ("models", ("models",)),
    ("endpoints", ("endpoints",)),
    ("queries", ("interfaces", "aql")),
    ("cache", ("browser",)),
    ("session", ("session", "")),
)

CLIENT = PackageLayers("aqsession", Path(aqsession.__file__).parent, LAYERS, count_type_only=False)


def test_every_client_module_has_a_layer() -> None:
    assert not CLIENT.unplaced(), f"give these modules a layer in LAYERS: {CLIENT.unplaced()}"
    assert not CLIENT.stale(), f"LAYERS names modules that no longer exist: {CLIENT.stale()}"


def test_no_client_import_points_up_a_layer() -> None:
    back_arrows = CLIENT.back_arrows()
    assert not back_arrows, "imports that point up a layer:\n" + "\n".join(back_arrows)


def test_no_client_import_cycle() -> None:
    found = cycles(CLIENT.import_graph())
    assert not found, f"modules that import one another in a cycle: {found}"


def test_type_only_imports_are_left_out() -> None:
    """``aqsession.endpoints`` names AqSession only for annotations; counting every import
    would see it, the run-time graph must not."""
    every = PackageLayers("aqsession", CLIENT.directory, LAYERS).import_graph()
    assert "aqsession.session" in every["aqsession.endpoints"]
    assert "aqsession.session" not in CLIENT.import_graph()["aqsession.endpoints"]


def test_each_client_module_imports_on_its_own() -> None:
    failures = CLIENT.import_failures()
    assert not failures, "\n".join(f"{name}:\n{trace}" for name, trace in failures.items())
