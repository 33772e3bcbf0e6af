"""Compare aqsession with the pydent 1.0.11 manifest (tests/compat/pydent-1.0.11.json).

Names of the ``pydent`` module itself must be attributes of ``aqsession`` of the same kind
(module, class, callable).

A recorded pydent member is *compatible* when aqsession has a member of the same name whose
kind can be used the same way (a method stays callable, a staticmethod static, a property or
field readable, and settable if pydent's was) and, for callables, whose signature accepts every
call pydent's accepts: pydent's positional parameters in the same order with the same names,
every pydent default present (equal when both are plain literals), extra parameters only with
defaults, ``*args`` / ``**kwargs`` where pydent has them.
"""

from __future__ import annotations

import fnmatch
import importlib
import inspect
import json
from pathlib import Path
from typing import Any

MANIFEST = Path(__file__).with_name("pydent-1.0.11.json")

_MISSING = object()
_DYNAMIC = object()  # found through __getattr__ on an instance
_LITERALS = (type(None), bool, int, float, str)
_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def load_manifest(path: Path = MANIFEST) -> dict[str, Any]:
    """The committed manifest."""
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def our_class(key: str) -> Any:
    """The aqsession class that stands for the manifest's class ``key``."""
    if key in ("AqSession", "Browser", "AqHTTP"):
        return getattr(importlib.import_module("aqsession"), key)
    module, _, name = key.partition(".")
    return getattr(importlib.import_module(f"aqsession.{module}"), name)


def find_member(cls: Any, instance: Any, name: str) -> Any:
    """The raw class attribute ``name``, else the instance's, else _DYNAMIC / _MISSING."""
    try:
        return inspect.getattr_static(cls, name)
    except AttributeError:
        pass
    if instance is None:
        return _MISSING
    try:
        return inspect.getattr_static(instance, name)
    except AttributeError:
        pass
    try:
        getattr(instance, name)
    except AttributeError:
        return _MISSING
    return _DYNAMIC


def _kind(raw: Any) -> str:
    if isinstance(raw, staticmethod):
        return "staticmethod"
    if isinstance(raw, classmethod):
        return "classmethod"
    if isinstance(raw, property):
        return "property"
    if inspect.isfunction(raw):
        return "method"
    return "attribute"


def _params(raw: Any) -> list[inspect.Parameter]:
    func = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw
    params = list(inspect.signature(func).parameters.values())
    if not isinstance(raw, staticmethod) and params and params[0].kind in _POSITIONAL:
        params = params[1:]
    return params


def _default_problem(name: str, want: dict[str, Any], have: Any) -> str | None:
    if have is inspect.Parameter.empty:
        return f"parameter {name!r} has no default (pydent's is {want})"
    if "value" in want and isinstance(have, _LITERALS) and have != want["value"]:
        return f"parameter {name!r} defaults to {have!r}, pydent's to {want['value']!r}"
    return None


def signature_problem(want: list[dict[str, Any]], raw: Any) -> str | None:
    """Why a call valid for pydent's parameters ``want`` could fail on ``raw``, or None."""
    try:
        have = _params(raw)
    except (TypeError, ValueError):
        return None  # builtins without a signature: nothing to compare
    by_name = {p.name: p for p in have}
    var_pos = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in have)
    var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in have)
    positional = [p for p in have if p.kind in _POSITIONAL]
    index = 0
    for param in want:
        kind = param["kind"]
        if kind == "VAR_POSITIONAL":
            if not var_pos:
                return f"no *{param['name']} (pydent accepts extra positional arguments)"
            continue
        if kind == "VAR_KEYWORD":
            if not var_kw:
                return f"no **{param['name']} (pydent accepts extra keyword arguments)"
            continue
        name = param["name"]
        ours = by_name.get(name)
        if kind in ("POSITIONAL_OR_KEYWORD", "POSITIONAL_ONLY"):
            if index < len(positional):
                if positional[index].name != name and kind == "POSITIONAL_OR_KEYWORD":
                    return (
                        f"positional parameter {index + 1} is {positional[index].name!r}, "
                        f"pydent's is {name!r}"
                    )
                ours = positional[index]
            elif not var_pos:
                return f"missing positional parameter {name!r}"
            index += 1
        elif ours is None and not var_kw:
            return f"missing keyword parameter {name!r}"
        if ours is not None and "default" in param:
            problem = _default_problem(name, param["default"], ours.default)
            if problem:
                return problem
    wanted = {p["name"] for p in want}
    for extra in have:
        if extra.name in wanted or extra.kind in (
            inspect.Parameter.VAR_POSITIONAL,
            inspect.Parameter.VAR_KEYWORD,
        ):
            continue
        if extra.default is inspect.Parameter.empty:
            return f"extra required parameter {extra.name!r}"
    return None


def member_problem(entry: dict[str, Any], raw: Any) -> str | None:
    """Why ``raw`` cannot stand in for the pydent member described by ``entry``, or None."""
    if raw is _MISSING:
        return "missing"
    want = entry["kind"]
    have = "dynamic" if raw is _DYNAMIC else _kind(raw)
    if want in ("method", "classmethod", "staticmethod"):
        allowed = {
            "method": {"method", "classmethod", "staticmethod"},
            "classmethod": {"classmethod"},
            "staticmethod": {"staticmethod"},
        }[want]
        if have not in allowed:
            return f"is a {have}, pydent's is a {want}"
        return signature_problem(entry["params"], raw)
    if have in ("method", "classmethod", "staticmethod") and want != "attribute":
        return f"is a {have}, pydent's is a {want} (read without calling)"
    if want == "property" and entry.get("settable") and have == "property" and raw.fset is None:
        return "is read-only, pydent's can be set"
    literal = want == "attribute" and "value" in entry and isinstance(raw, _LITERALS)
    if literal and raw != entry["value"]:
        return f"is {raw!r}, pydent's is {entry['value']!r}"
    return None


def exception_problem(name: str, entry: dict[str, Any]) -> str | None:
    """Why aqsession.exceptions.``name`` differs from pydent's, or None."""
    from aqsession import exceptions

    cls = getattr(exceptions, name, None)
    if not isinstance(cls, type):
        return "missing"
    bases = [base.__name__ for base in cls.__mro__]
    for base in entry["bases"]:
        if base not in bases:
            return f"does not derive from {base}"
    if entry["params"]:
        return signature_problem(entry["params"], cls.__init__)
    return None


def departure_for(name: str, departures: dict[str, str]) -> str | None:
    """The reason ``departures`` gives for ``name`` (exact key, else a matching pattern)."""
    if name in departures:
        return departures[name]
    for pattern, reason in departures.items():
        if fnmatch.fnmatchcase(name, pattern):
            return reason
    return None


def problems(manifest: dict[str, Any], instances: dict[str, Any]) -> dict[str, str]:
    """Every manifest name aqsession does not offer compatibly: name -> what is wrong.

    ``instances`` maps a class key to an instance whose own attributes count too (pydent sets
    some members in ``__init__``).
    """
    found: dict[str, str] = {}
    for key, entry in manifest["classes"].items():
        try:
            cls = our_class(key)
        except (ImportError, AttributeError):
            for member in entry["members"]:
                found[f"{key}.{member}"] = f"class {key} missing"
            continue
        instance = instances.get(key)
        for member, spec in entry["members"].items():
            problem = member_problem(spec, find_member(cls, instance, member))
            if problem:
                found[f"{key}.{member}"] = problem
    for name, entry in manifest["exceptions"].items():
        problem = exception_problem(name, entry)
        if problem:
            found[f"exceptions.{name}"] = problem
    for name, entry in manifest.get("module", {}).items():
        problem = module_problem(name, entry)
        if problem:
            found[f"pydent.{name}"] = problem
    return found


def module_problem(name: str, entry: dict[str, Any]) -> str | None:
    """Why ``aqsession.<name>`` cannot stand in for ``pydent.<name>``, or None."""
    package = importlib.import_module("aqsession")
    try:
        value = getattr(package, name)
    except AttributeError:
        return "missing"
    kind = (
        "module" if inspect.ismodule(value)
        else "class" if isinstance(value, type)
        else "callable" if callable(value)
        else "attribute"
    )  # fmt: skip
    if kind != entry["kind"]:
        return f"is a {kind}, pydent's is a {entry['kind']}"
    return None
