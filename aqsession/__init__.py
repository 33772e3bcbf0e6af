"""aqsession: a Python client for the Aquarium lab-management server (pydent-compatible).

Importing the package is cheap: only the HTTP layer, the session with its query interfaces and
the exceptions are loaded; models, the Browser and the query language are imported when first
used.
"""

from __future__ import annotations

from aqsession import exceptions
from aqsession.exceptions import *  # noqa: F403
from aqsession.http import AqHTTP
from aqsession.session import AqSession, login
from aqsession.sessionabc import SessionABC

__version__ = "0.1.0"

__all__ = [
    "AqHTTP",
    "AqSession",
    "SessionABC",
    "__version__",
    "exceptions",
    "login",
    "pprint",
    *exceptions.__all__,
]

_LAZY = {"Browser": "aqsession.browser", "ModelBase": "aqsession.models"}

#: pydent's submodule names that scripts reach as attributes (``pydent.models.Sample``), and
#: the aqsession module behind each.
_MODULES = {
    "aqhttp": "aqsession.http",
    "aqsession": "aqsession.session",
    "aql": "aqsession.aql",
    "base": "aqsession.models.base",
    "browser": "aqsession.browser",
    "models": "aqsession.models",
    "relationships": "aqsession.models.relationships",
}


def pprint(obj: object) -> None:
    """Pretty-print ``obj`` (pydent's ``pydent.pprint``)."""
    import pprint as _pprint

    _pprint.pprint(obj)


def __getattr__(name: str) -> object:
    """``aqsession.Browser``, ``aqsession.ModelBase`` and pydent's submodule names
    (``aqsession.models``, ...), imported on first use."""
    import importlib

    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name in _MODULES:
        return importlib.import_module(_MODULES[name])
    raise AttributeError(f"module 'aqsession' has no attribute {name!r}")
