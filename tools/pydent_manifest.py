"""Write the pydent 1.0.11 compatibility manifest (the public API aqsession must offer).

Run it with the interpreter of the pydent venv, never with the project's own::

    .pydent-venv/venv/bin/python tools/pydent_manifest.py [tests/compat/pydent-1.0.11.json]

It introspects the installed pydent and records the names the ``pydent`` module offers and, for
``AqSession`` (and its ``AqHTTP``), the interfaces, ``Browser``,
every model class and ``pydent.exceptions``, each public member with its kind (method,
classmethod, staticmethod, property, field, attribute) and, for callables, the parameter names,
kinds and defaults. The ``departures`` map of an existing manifest (name, or a ``fnmatch``
pattern such as ``models.*.model_schema`` -> one-line reason aqsession differs) is kept, so
regenerating never loses the explanations; departures naming nothing pydent still has are
dropped. Only the standard library and pydent are imported.
"""

from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path
from typing import Any

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "tests" / "compat" / "pydent-1.0.11.json"

#: Private AqSession members that pydent's documentation lists (scripts use them).
SESSION_PRIVATE = ("_aqhttp", "_browser", "_initialize_interfaces", "_log_to_aqhttp",
                   "_swap_sessions")  # fmt: skip

INTERFACES = ("SessionInterface", "CRUDInterface", "UtilityInterface", "QueryInterfaceABC",
              "QueryInterface", "BrowserInterface")  # fmt: skip

LITERALS = (type(None), bool, int, float, str)


def literal(value: Any) -> dict[str, Any]:
    """A default or constant as data: its JSON value when it is a plain literal."""
    if isinstance(value, LITERALS):
        return {"value": value}
    if isinstance(value, tuple) and all(isinstance(v, LITERALS) for v in value):
        return {"value": list(value)}
    return {"type": type(value).__name__}


def parameters(func: Any, drop_first: bool) -> list[dict[str, Any]]:
    """The parameters of ``func`` (without ``self``/``cls`` when ``drop_first``)."""
    params = list(inspect.signature(func).parameters.values())
    if (
        drop_first
        and params
        and params[0].kind
        in (
            inspect.Parameter.POSITIONAL_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        )
    ):
        params = params[1:]
    out = []
    for param in params:
        entry: dict[str, Any] = {"name": param.name, "kind": param.kind.name}
        if param.default is not inspect.Parameter.empty:
            entry["default"] = literal(param.default)
        out.append(entry)
    return out


def describe(cls: type, name: str) -> dict[str, Any]:
    """Kind and signature of one class member, found without triggering descriptors."""
    raw = inspect.getattr_static(cls, name)
    if isinstance(raw, staticmethod):
        return {"kind": "staticmethod", "params": parameters(raw.__func__, drop_first=False)}
    if isinstance(raw, classmethod):
        return {"kind": "classmethod", "params": parameters(raw.__func__, drop_first=True)}
    if isinstance(raw, property):
        return {"kind": "property", "settable": raw.fset is not None}
    if inspect.isfunction(raw):
        return {"kind": "method", "params": parameters(raw, drop_first=True)}
    if type(raw).__name__ == "BaseRelationshipAccessor":
        return {"kind": "field"}
    if callable(raw) and not isinstance(raw, type):
        return {"kind": "attribute", "type": type(raw).__name__}
    return {"kind": "attribute", **literal(raw)}


def public_members(cls: type) -> list[str]:
    """Names of ``cls`` a script may use: no leading underscore."""
    return sorted(name for name in dir(cls) if not name.startswith("_"))


def class_entry(cls: type, names: list[str]) -> dict[str, Any]:
    """One class: its module, bases and described members."""
    members = {name: describe(cls, name) for name in names}
    return {
        "module": cls.__module__,
        "bases": [base.__name__ for base in cls.__bases__],
        "members": members,
    }


def session_instance_attributes() -> dict[str, dict[str, Any]]:
    """Attributes an AqSession sets on itself (no server: a bare AqHTTP stands in)."""
    from pydent import AqSession
    from pydent.aqhttp import AqHTTP

    http = object.__new__(AqHTTP)
    http.aquarium_url = "http://aquarium.example"
    http.login = "manifest"
    session = AqSession(None, None, None, aqhttp=http)
    out = {}
    for name, value in vars(session).items():
        if name.startswith("_") and name not in SESSION_PRIVATE:
            continue
        if type(value).__name__ in {"QueryInterface", "BrowserInterface"}:
            continue  # the per-model interfaces are recorded as class attributes already
        out[name] = {"kind": "attribute", "type": type(value).__name__}
    return out


def aqhttp_instance_attributes() -> dict[str, dict[str, Any]]:
    """Public attributes an AqHTTP sets on itself; the login request is skipped (a subclass
    stands in for it and records the cookies a login would)."""
    from pydent.aqhttp import AqHTTP

    class Offline(AqHTTP):
        def _login(self, login: str, password: str) -> None:
            self.cookies = {}

    http = Offline("manifest", "not used", "http://aquarium.example")
    return {
        name: {"kind": "attribute", "type": type(value).__name__}
        for name, value in vars(http).items()
        if not name.startswith("_")
    }


def build() -> dict[str, Any]:
    """The manifest of the installed pydent (without departures)."""
    import pydent
    from pydent import AqSession, Browser, exceptions, interfaces, models

    classes: dict[str, Any] = {}
    session_names = [n for n in public_members(AqSession)] + [
        n for n in SESSION_PRIVATE if hasattr(AqSession, n)
    ]
    session = class_entry(AqSession, session_names)
    session["members"].update(session_instance_attributes())
    classes["AqSession"] = session
    from pydent.aqhttp import AqHTTP

    http = class_entry(AqHTTP, public_members(AqHTTP))
    http["members"].update(aqhttp_instance_attributes())
    classes["AqHTTP"] = http
    for name in INTERFACES:
        cls = getattr(interfaces, name)
        classes[f"interfaces.{name}"] = class_entry(cls, public_members(cls))
    classes["Browser"] = class_entry(Browser, public_members(Browser))
    for name in models.__all__:
        cls = getattr(models, name)
        classes[f"models.{name}"] = class_entry(cls, public_members(cls))
    errors = {}
    for name, cls in vars(exceptions).items():
        if isinstance(cls, type) and issubclass(cls, BaseException):
            if cls.__module__ != exceptions.__name__:
                continue
            errors[name] = {
                "bases": [base.__name__ for base in cls.__bases__],
                "params": parameters(cls.__init__, drop_first=True)
                if "__init__" in vars(cls)
                else [],
            }
    module = {}
    for name, value in vars(pydent).items():
        if name.startswith("_"):
            continue
        kind = (
            "module"
            if inspect.ismodule(value)
            else "class"
            if isinstance(value, type)
            else ("callable" if callable(value) else "attribute")
        )
        module[name] = {"kind": kind}
    return {
        "pydent_version": pydent.__version__,
        "generated_by": "tools/pydent_manifest.py",
        "module": module,
        "classes": classes,
        "exceptions": errors,
    }


def departure_applies(pattern: str, names: set[str]) -> bool:
    """Whether a departure key (a name, or a pattern such as ``models.*.x``) names anything."""
    import fnmatch

    return any(fnmatch.fnmatchcase(name, pattern) for name in names)


def member_names(manifest: dict[str, Any]) -> set[str]:
    """Every name the manifest records, as ``Class.member`` / ``exceptions.Name``."""
    names = {
        f"{cls}.{member}"
        for cls, entry in manifest["classes"].items()
        for member in entry["members"]
    }
    names.update(f"exceptions.{name}" for name in manifest["exceptions"])
    names.update(f"pydent.{name}" for name in manifest.get("module", {}))
    return names


def main(argv: list[str]) -> int:
    """Write the manifest to ``argv[0]`` (default: tests/compat/pydent-1.0.11.json)."""
    out = Path(argv[0]) if argv else DEFAULT_OUT
    manifest = build()
    old: dict[str, str] = {}
    if out.exists():
        old = json.loads(out.read_text()).get("departures", {})
    known = member_names(manifest)
    manifest["departures"] = {
        name: why for name, why in sorted(old.items()) if departure_applies(name, known)
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    print(f"wrote {out}: {len(known)} names, {len(manifest['departures'])} departures")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
