"""What several benchmarks share: a session signed in to a fake in-process, journal counting."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import responses

from aqfake.app import FakeAquarium
from aqsession import AqSession

#: The demo lab's user (the Aquarium docker default).
LOGIN = "neptune"
PASSWORD = "aquarium"


@contextmanager
def signed_in(fake: FakeAquarium) -> Iterator[tuple[AqSession, responses.RequestsMock]]:
    """An ``AqSession`` signed in to ``fake`` through ``responses`` (no sockets), and the mock,
    so a benchmark can register other URLs beside the fake's."""
    with fake.mock() as mock:
        yield AqSession(LOGIN, PASSWORD, fake.base_url), mock


def requests_made(fake: FakeAquarium, operation: Callable[[], object]) -> int:
    """How many requests the fake's journal records while ``operation`` runs."""
    mark = fake.journal.mark()
    operation()
    return len(fake.journal.since(mark))
