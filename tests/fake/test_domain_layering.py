"""aqfake.domain sits below the handlers: it imports no handler, routing or HTTP module."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import aqfake.domain
import aqfake.handlers

#: The modules that know about requests and responses.
HTTP_MODULES = {"handlers", "routing", "wire", "errors", "app", "transport", "proxy"}


def _imported(path: Path) -> set[str]:
    """The top-level aqfake modules a file of the package imports (relative imports)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 2 and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 2:
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("aqfake."):
            found.add((node.module or "").split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("aqfake."))
    return found


def test_the_domain_imports_nothing_that_knows_http() -> None:
    folder = Path(aqfake.domain.__file__).parent
    files = sorted(folder.glob("*.py"))
    assert len(files) >= 5
    for path in files:
        assert not _imported(path) & HTTP_MODULES, path.name


def test_every_handler_module_declares_routes() -> None:
    names = [info.name for info in pkgutil.iter_modules(aqfake.handlers.__path__)]
    assert "json" in names
    for name in names:
        module = importlib.import_module(f"aqfake.handlers.{name}")
        routes = getattr(module, "ROUTES", None)
        assert isinstance(routes, list) and routes, f"aqfake.handlers.{name} declares no ROUTES"
