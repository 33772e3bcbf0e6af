"""Checks that a package's modules import only downward, shared by the fake's and the client's
layer tests.

Every ``import`` counts -- at the top, inside functions and under ``TYPE_CHECKING`` -- because
a type-only import of a higher layer is still a dependency on it. A layer table lists, bottom
to top, ``(layer name, module names)``; a name stands for that module and everything under it
(``""`` for the root package itself only).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

Layers = Sequence[tuple[str, Sequence[str]]]


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


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _drop_type_checking_blocks(tree: ast.AST) -> None:
    """Empty the body of every ``if TYPE_CHECKING:`` (its ``else`` still runs)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            node.body = [ast.Pass()]


@dataclass
class PackageLayers:
    """One package's modules, their imports of one another, and its layer table."""

    root: str
    directory: Path
    layers: Layers
    #: Whether imports under ``if TYPE_CHECKING:`` count (annotations only, no runtime load).
    count_type_only: bool = True
    modules: dict[str, tuple[Path, bool]] = field(init=False)

    def __post_init__(self) -> None:
        self.modules = {}
        for path in sorted(self.directory.rglob("*.py")):
            parts = [self.root, *path.relative_to(self.directory).with_suffix("").parts]
            is_package = parts[-1] == "__init__"
            self.modules[".".join(parts[:-1] if is_package else parts)] = (path, is_package)

    def _imported(self, module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
        """The package's modules a ``from ... import ...`` statement loads."""
        if node.level:
            package = module.split(".") if is_package else module.split(".")[:-1]
            package = package[: len(package) - node.level + 1]
            base = ".".join([*package, *([node.module] if node.module else [])])
        else:
            base = node.module or ""
        submodules = [f"{base}.{alias.name}" for alias in node.names]
        targets = [name for name in submodules if name in self.modules]
        if len(targets) < len(submodules):  # some names are attributes of ``base`` itself
            targets.append(base)
        return targets

    def import_graph(self) -> dict[str, set[str]]:
        """Module -> the package's modules it imports anywhere in its source."""
        graph: dict[str, set[str]] = {}
        for module, (path, is_package) in self.modules.items():
            targets: set[str] = set()
            tree = ast.parse(path.read_text(encoding="utf-8"))
            if not self.count_type_only:
                _drop_type_checking_blocks(tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    targets.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom):
                    targets.update(self._imported(module, is_package, node))
            graph[module] = {t for t in targets if t in self.modules and t != module}
        return graph

    def layer_of(self, module: str) -> int | None:
        """The index in the layer table of the most specific entry naming ``module``."""
        best: tuple[int, int] | None = None  # (length of the matching name, layer)
        for index, (_, names) in enumerate(self.layers):
            for name in names:
                full = f"{self.root}.{name}" if name else self.root
                named = module == full or (name and module.startswith(full + "."))
                if named and (best is None or len(full) > best[0]):
                    best = (len(full), index)
        return None if best is None else best[1]

    def unplaced(self) -> list[str]:
        """Modules no layer names."""
        return sorted(m for m in self.modules if self.layer_of(m) is None)

    def stale(self) -> list[str]:
        """Layer entries that name no module."""
        return [
            name
            for _, names in self.layers
            for name in names
            if name and f"{self.root}.{name}" not in self.modules
        ]

    def back_arrows(self) -> list[str]:
        """Imports that point up a layer, as readable lines."""
        return [
            f"{module} ({self.layers[low][0]}) imports {target} ({self.layers[high][0]})"
            for module, targets in sorted(self.import_graph().items())
            for target in sorted(targets)
            if (low := self.layer_of(module)) is not None
            and (high := self.layer_of(target)) is not None
            and high > low
        ]

    def import_failures(self) -> dict[str, str]:
        """Modules that fail when each is imported first, in a clean ``sys.modules``."""
        names = sorted(m for m in self.modules if not m.endswith(".__main__"))
        done = subprocess.run(
            [sys.executable, "-c", _IMPORT_ALONE, self.root, json.dumps(names)],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        failures: dict[str, str] = json.loads(done.stdout.strip().splitlines()[-1])
        return failures


_IMPORT_ALONE = """
import importlib, json, sys, traceback
root = sys.argv[1]
failures = {}
for name in json.loads(sys.argv[2]):
    for loaded in [m for m in sys.modules if m == root or m.startswith(root + ".")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failures[name] = traceback.format_exc(limit=3)
print(json.dumps(failures))
"""
