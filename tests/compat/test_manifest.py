"""aqsession against the pydent 1.0.11 manifest: every public name present and callable the
same way, or listed in the manifest's departures with its reason.

The manifest (``pydent-1.0.11.json``) is written by ``tools/pydent_manifest.py`` from the
installed pydent; the pydent-marked test regenerates it and checks the committed file is
current.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from aqsession.interfaces import (
    BrowserInterface,
    CRUDInterface,
    QueryInterface,
    SessionInterface,
)

from .compat_check import MANIFEST, departure_for, load_manifest, member_problem, problems

ROOT = Path(__file__).resolve().parents[2]


def instances(session: Any) -> dict[str, Any]:
    """One object per manifest class, so attributes pydent sets in ``__init__`` count."""
    found: dict[str, Any] = {
        "AqSession": session,
        "AqHTTP": session.aqhttp,
        "Browser": session.browser,
        "interfaces.QueryInterface": session.model_interface("Sample", QueryInterface),
        "interfaces.BrowserInterface": session.model_interface("Sample", BrowserInterface),
        "interfaces.UtilityInterface": session.utils,
        "interfaces.CRUDInterface": CRUDInterface(session.aqhttp, session),
        "interfaces.SessionInterface": SessionInterface(session.aqhttp, session),
    }
    for name in session.models:
        found[f"models.{name}"] = getattr(session, name).new()
    return found


def test_every_pydent_name_is_there_or_departs_with_a_reason(aq_session):
    manifest = load_manifest()
    found = problems(manifest, instances(aq_session))
    unexplained = {
        name: why
        for name, why in found.items()
        if departure_for(name, manifest["departures"]) is None
    }
    assert not unexplained, json.dumps(unexplained, indent=1)


def test_every_departure_is_still_needed_and_explained(aq_session):
    manifest = load_manifest()
    found = problems(manifest, instances(aq_session))
    for pattern, reason in manifest["departures"].items():
        assert reason.strip() and "\n" not in reason, pattern
        matched = [name for name in found if departure_for(name, {pattern: reason})]
        assert matched, f"departure {pattern!r} explains nothing: aqsession now conforms"


def test_the_manifest_covers_what_the_issue_names():
    manifest = load_manifest()
    session = manifest["classes"]["AqSession"]["members"]
    wanted = ("_aqhttp", "_browser", "_initialize_interfaces", "_log_to_aqhttp",
              "_swap_sessions", "ping", "with_cache", "query", "set_timeout", "utils")  # fmt: skip
    assert set(wanted) <= set(session)
    assert session["_swap_sessions"]["kind"] == "staticmethod"
    assert len([key for key in manifest["classes"] if key.startswith("models.")]) == 27
    assert "TridentRequestError" in manifest["exceptions"]
    browser = manifest["classes"]["Browser"]["members"]
    assert {"get", "retrieve", "search", "close_matches", "recursive_retrieve"} <= set(browser)


@pytest.mark.parametrize(
    ("entry", "raw", "expected"),
    [
        ({"kind": "method", "params": [{"name": "a", "kind": "POSITIONAL_OR_KEYWORD"}]},
         lambda self, b: None, "positional parameter 1 is 'b', pydent's is 'a'"),
        ({"kind": "method", "params": [{"name": "a", "kind": "POSITIONAL_OR_KEYWORD",
                                        "default": {"value": 5}}]},
         lambda self, a=6: None, "parameter 'a' defaults to 6, pydent's to 5"),
        ({"kind": "method", "params": [{"name": "a", "kind": "POSITIONAL_OR_KEYWORD",
                                        "default": {"value": None}}]},
         lambda self, a: None, "parameter 'a' has no default (pydent's is {'value': None})"),
        ({"kind": "method", "params": []}, lambda self, extra: None,
         "extra required parameter 'extra'"),
        ({"kind": "method", "params": [{"name": "kw", "kind": "VAR_KEYWORD"}]},
         lambda self: None, "no **kw (pydent accepts extra keyword arguments)"),
        ({"kind": "staticmethod", "params": []}, lambda self: None,
         "is a method, pydent's is a staticmethod"),
        ({"kind": "property", "settable": True}, property(lambda self: 1),
         "is read-only, pydent's can be set"),
        ({"kind": "attribute", "value": -1}, 0, "is 0, pydent's is -1"),
        ({"kind": "method", "params": [{"name": "a", "kind": "POSITIONAL_OR_KEYWORD"}]},
         lambda self, a, b=None, *args, **kw: None, None),
    ],
)  # fmt: skip
def test_the_signature_rules_catch_incompatibilities(entry, raw, expected):
    assert member_problem(entry, raw) == expected


@pytest.mark.pydent
def test_the_committed_manifest_is_what_pydent_reports(pydent_python, tmp_path):
    out = tmp_path / "manifest.json"
    out.write_text(MANIFEST.read_text())  # keeps the departures, as a regeneration does
    subprocess.run(
        [str(pydent_python), str(ROOT / "tools" / "pydent_manifest.py"), str(out)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert json.loads(out.read_text()) == load_manifest()
