"""What the layers below the app need from it, as typing Protocols.

Transports, handler contexts and the drift check work with "the fake" without importing
:mod:`aqfake.app` (which imports them): they name one of these shapes instead, and
:class:`aqfake.app.FakeAquarium` satisfies every one of them structurally. Keeping the app out of
their imports keeps the import graph free of cycles
(``tests/fake/test_import_layers.py`` checks it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from .faults import Faults
from .journal import Journal
from .store import Store
from .wire import Request, Response


class Server(Protocol):
    """Anything that answers requests: what a transport serves."""

    @property
    def base_url(self) -> str:
        """The URL the server answers under by default (``http://aquarium.test``)."""
        ...

    def handle(
        self, request: Request, base_url: str | None = None, *, read_timeout: float | None = None
    ) -> Response:
        """Answer one request; ``base_url`` is the origin it arrived on, if the transport knows,
        ``read_timeout`` the client's (in-process). May raise :class:`aqfake.faults.FaultAbort`
        for the transport to drop, stall or refuse the connection."""
        ...


class LiveFake(Server, Protocol):
    """What a live server serves: a server whose control endpoints may need a token."""

    control_token: str | None


class Fake(Server, Protocol):
    """The fake as its handlers see it (``ctx.fake``): state, names and test controls."""

    @property
    def store(self) -> Store:
        """The rows."""
        ...

    @property
    def journal(self) -> Journal:
        """The requests answered so far."""
        ...

    @property
    def faults(self) -> Faults:
        """The injected faults (:mod:`aqfake.faults`)."""
        ...

    @property
    def instance_name(self) -> str:
        """The lab's name, shown in page titles."""
        ...

    @property
    def cookie_name(self) -> str:
        """The ``remember_token_<Instance>_<env>`` cookie's name."""
        ...

    @property
    def session_cookie_name(self) -> str:
        """The Rails session cookie's name."""
        ...

    @property
    def cassettes(self) -> tuple[str, ...]:
        """The cassette files the store was seeded from (none for a lab)."""
        ...

    def reset(self) -> None:
        """Put the store back to the seeded lab."""
        ...

    def save_snapshot(self) -> str:
        """Keep a snapshot inside the fake; returns its id."""
        ...

    def restore_snapshot(self, snapshot_id: str) -> None:
        """Restore a snapshot kept by :meth:`save_snapshot`."""
        ...


#: Fills an empty store with a lab.
LabSeeder = Callable[[Store], object]
#: Builds a fake seeded by a :data:`LabSeeder` (``aqfake.FakeAquarium`` is one).
FakeFactory = Callable[[LabSeeder], Server]
