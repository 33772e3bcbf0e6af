"""The fake's modules import only downward: no cycle, no back-arrow between layers.

Every ``import`` in every ``aqfake`` module counts -- at the top, inside functions, and under
``TYPE_CHECKING`` -- because a type-only import of a higher layer is still a dependency on it
(name a Protocol from :mod:`aqfake.contracts` instead). A new module must be given a layer in
:data:`LAYERS`; that is where the architecture is written down. The checker is
``tests/import_layers.py``, shared with the client's layer test.
"""

from __future__ import annotations

from pathlib import Path

import aqfake
from tests.import_layers import PackageLayers, cycles

#: Bottom to top. A module may import modules of its own layer or of layers below it. A name
#: stands for that module and everything under it (the root package only for itself).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "foundations",
        (
            "tables",
            "timefmt",
            "passwords",
            "casting",
            "wire",
            "http11",
            "journal",
            "rwlock",
            "secret_names",
            "extras",
        ),
    ),
    (
        "values and state",
        ("store", "errors", "faults", "validations", "wizards", "contracts", "uploads"),
    ),
    (
        "rules",
        ("conditions", "render", "domain", "cassettes", "invariants", "persistence", "ui"),
    ),
    ("labs", ("lab",)),
    ("routes", ("routing", "handlers")),
    ("transports", ("transport", "proxy")),
    ("app", ("app",)),
    (
        "entry points",
        ("cli", "__main__", "pytest_plugin", "pytest_entry", "command", "strategies", ""),
    ),
)

FAKE = PackageLayers("aqfake", Path(aqfake.__file__).parent, LAYERS)


def test_every_module_has_a_layer() -> None:
    missing = FAKE.unplaced()
    assert not missing, f"give these modules a layer in LAYERS: {missing}"


def test_every_layer_entry_names_a_module() -> None:
    stale = FAKE.stale()
    assert not stale, f"LAYERS names modules that no longer exist: {stale}"


def test_no_import_points_up_a_layer() -> None:
    back_arrows = FAKE.back_arrows()
    assert not back_arrows, "imports that point up a layer:\n" + "\n".join(back_arrows)


def test_no_import_cycle() -> None:
    found = cycles(FAKE.import_graph())
    assert not found, f"modules that import one another in a cycle: {found}"


def test_the_checker_sees_cycles_and_back_arrows() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert FAKE.layer_of("aqfake.handlers.json") == FAKE.layer_of("aqfake.routing")
    assert FAKE.layer_of("aqfake") == len(LAYERS) - 1
    app, store = FAKE.layer_of("aqfake.app"), FAKE.layer_of("aqfake.store")
    assert app is not None and store is not None and app > store
    assert FAKE.layer_of("aqfake.unknown_module") is None


def test_each_module_imports_on_its_own() -> None:
    """Each module imported first, in a clean ``sys.modules``, loads (no hidden order)."""
    failures = FAKE.import_failures()
    assert not failures, "\n".join(f"{name}:\n{trace}" for name, trace in failures.items())
