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
    *exceptions.__all__,
]

_LAZY = {"Browser": "aqsession.browser", "ModelBase": "aqsession.models"}


def __getattr__(name: str) -> object:
    """``aqsession.Browser`` and ``aqsession.ModelBase`` (as in pydent), imported on first use."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'aqsession' has no attribute {name!r}")
