"""The fake's modules import only downward: no cycle, no back-arrow between layers.

Every ``import`` in every ``aqfake`` module counts -- at the top, inside functions, and under
``TYPE_CHECKING`` -- because a type-only import of a higher layer is still a dependency on it
(name a Protocol from :mod:`aqfake.contracts` instead). A new module must be given a layer in
:data:`LAYERS`; that is where the architecture is written down.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import aqfake

ROOT = "aqfake"
PACKAGE_DIR = Path(aqfake.__file__).parent

#: Bottom to top. A module may import modules of its own layer or of layers below it. A name
#: stands for that module and everything under it (the root package only for itself).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundations", ("tables", "timefmt", "passwords", "casting", "wire", "journal")),
    ("values and state", ("store", "errors", "validations", "wizards", "contracts", "uploads")),
    (
        "rules",
        ("conditions", "render", "domain", "cassettes", "invariants", "persistence", "ui"),
    ),
    ("labs", ("lab",)),
    ("routes", ("routing", "handlers")),
    ("transports", ("transport", "proxy")),
    ("app", ("app",)),
    ("entry points", ("cli", "__main__", "pytest_plugin", "pytest_entry", "strategies", "")),
)


def _module_files() -> dict[str, tuple[Path, bool]]:
    """Every module of the package: dotted name -> (file, is it a package's ``__init__``)."""
    found: dict[str, tuple[Path, bool]] = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = [ROOT, *path.relative_to(PACKAGE_DIR).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


MODULES = _module_files()


def _imported(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    """The aqfake modules a ``from ... import ...`` statement loads."""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, *([node.module] if node.module else [])])
    else:
        base = node.module or ""
    submodules = [f"{base}.{alias.name}" for alias in node.names]
    targets = [name for name in submodules if name in MODULES]
    if len(targets) < len(submodules):  # some names are attributes of ``base`` itself
        targets.append(base)
    return targets


def import_graph() -> dict[str, set[str]]:
    """Module -> the aqfake modules it imports anywhere in its source."""
    graph: dict[str, set[str]] = {}
    for module, (path, is_package) in MODULES.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                targets.update(_imported(module, is_package, node))
        graph[module] = {t for t in targets if t in MODULES and t != module}
    return graph


def layer_of(module: str) -> int | None:
    """The index in :data:`LAYERS` of the most specific entry naming ``module``."""
    best: tuple[int, int] | None = None  # (length of the matching name, layer)
    for index, (_, names) in enumerate(LAYERS):
        for name in names:
            full = f"{ROOT}.{name}" if name else ROOT
            named = module == full or (name and module.startswith(full + "."))
            if named and (best is None or len(full) > best[0]):
                best = (len(full), index)
    return None if best is None else best[1]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_every_module_has_a_layer() -> None:
    missing = sorted(m for m in MODULES if layer_of(m) is None)
    assert not missing, f"give these modules a layer in LAYERS: {missing}"


def test_every_layer_entry_names_a_module() -> None:
    stale = [
        name
        for _, names in LAYERS
        for name in names
        if name and not any(m == f"{ROOT}.{name}" for m in MODULES)
    ]
    assert not stale, f"LAYERS names modules that no longer exist: {stale}"


def test_no_import_points_up_a_layer() -> None:
    back_arrows = [
        f"{module} ({LAYERS[low][0]}) imports {target} ({LAYERS[high][0]})"
        for module, targets in sorted(import_graph().items())
        for target in sorted(targets)
        if (low := layer_of(module)) is not None
        and (high := layer_of(target)) is not None
        and high > low
    ]
    assert not back_arrows, "imports that point up a layer:\n" + "\n".join(back_arrows)


def test_no_import_cycle() -> None:
    found = cycles(import_graph())
    assert not found, f"modules that import one another in a cycle: {found}"


def test_the_checker_sees_cycles_and_back_arrows() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert layer_of("aqfake.handlers.json") == layer_of("aqfake.routing")
    assert layer_of("aqfake") == len(LAYERS) - 1
    assert layer_of("aqfake.app") is not None and layer_of("aqfake.store") is not None
    assert layer_of("aqfake.app") > layer_of("aqfake.store")
    assert layer_of("aqfake.unknown_module") is None


_IMPORT_ALONE = """
import importlib, json, sys, traceback
failures = {}
for name in json.loads(sys.argv[1]):
    for loaded in [m for m in sys.modules if m == "aqfake" or m.startswith("aqfake.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failures[name] = traceback.format_exc(limit=3)
print(json.dumps(failures))
"""


def test_each_module_imports_on_its_own() -> None:
    """Each module imported first, in a clean ``sys.modules``, loads (no hidden order)."""
    names = sorted(m for m in MODULES if not m.endswith(".__main__"))
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALONE, json.dumps(names)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    failures = json.loads(done.stdout.strip().splitlines()[-1])
    assert not failures, "\n".join(f"{name}:\n{trace}" for name, trace in failures.items())
