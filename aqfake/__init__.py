"""aqfake: an in-memory Aquarium server that speaks Aquarium's HTTP protocol.

The public surface, importable from here::

    from aqfake import FakeAquarium, LabBuilder, use_cassette

* :class:`FakeAquarium` -- the server: ``fake.mock()`` serves it in-process to ``requests``,
  ``fake.live()`` on a loopback port, ``fake.store`` holds its rows, ``fake.journal`` every
  request, ``fake.faults`` the injected faults; ``FakeAquarium.from_cassettes(paths)`` seeds
  it from recorded sessions.
* :class:`Fault` -- one injected fault (see :mod:`aqfake.faults`).
* :class:`LabBuilder` / :func:`build_lab` -- build labs of your own, or the ``demo`` one.
* :func:`use_cassette` -- record and replay Aquarium traffic with vcrpy (scrubbed, audited).
* :mod:`aqfake.strategies` -- hypothesis strategies for labs and queries.

Names are imported on first use, so ``import aqfake.pytest_entry`` works (and can say what
is missing) where the ``aqsession[testing]`` extra is not installed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import FakeAquarium
    from .cassettes import use_cassette
    from .faults import Fault, FaultError
    from .journal import Journal
    from .lab import LabBuilder, build_lab
    from .store import Store
    from .transport import LiveServer

_HOMES = {
    "FakeAquarium": ".app",
    "Fault": ".faults",
    "FaultError": ".faults",
    "Journal": ".journal",
    "LabBuilder": ".lab",
    "LiveServer": ".transport",
    "Store": ".store",
    "build_lab": ".lab",
    "use_cassette": ".cassettes",
}

__all__ = [
    "FakeAquarium",
    "Fault",
    "FaultError",
    "Journal",
    "LabBuilder",
    "LiveServer",
    "Store",
    "build_lab",
    "use_cassette",
]


def __getattr__(name: str) -> Any:
    """The public names above, imported from their modules on first use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'aqfake' has no attribute {name!r}")
    return getattr(importlib.import_module(home, __name__), name)
