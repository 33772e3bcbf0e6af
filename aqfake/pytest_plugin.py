"""pytest plugin for aqfake: the ``aq_fake``, ``aq_server`` and ``aq_session`` fixtures.

Loaded through the ``pytest11`` entry point ``aqfake`` once the package is installed.

- ``aq_fake``    -- a fresh :class:`~aqfake.app.FakeAquarium` per test, seeded with the demo lab.
  ``@pytest.mark.aq_lab("empty")`` or ``@pytest.mark.aq_lab(name="demo", seed=3)`` picks
  another lab. Each named lab is built once per process; every test gets its own copy of it.
- ``aq_server``  -- ``aq_fake`` served on a free loopback port; the fixture value is its URL.
- ``aq_session`` -- an ``aqsession.AqSession`` signed in to ``aq_fake`` as ``neptune`` /
  ``aquarium``, in-process (no sockets) through ``responses``. While it is active,
  ``requests`` reaches only the fake's base URL: a test that also needs ``aq_server`` (or any
  other host) should build its session against ``aq_server`` instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .app import FakeAquarium
from .transport import LiveServer

DEFAULT_LAB = "demo"
DEFAULT_LOGIN = "neptune"
DEFAULT_PASSWORD = "aquarium"
MARKER = "aq_lab"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(name='{DEFAULT_LAB}', seed=0): the lab the aq_fake fixture is seeded with "
        "('demo' or 'empty') and the demo lab's random seed.",
    )


def lab_from_marker(node: pytest.Item | Any) -> tuple[str, int]:
    """``(name, seed)`` from the closest ``aq_lab`` marker, or the demo lab with seed 0."""
    marker = node.get_closest_marker(MARKER)
    if marker is None:
        return DEFAULT_LAB, 0
    args = list(marker.args)
    name = args.pop(0) if args else marker.kwargs.get("name", DEFAULT_LAB)
    seed = args.pop(0) if args else marker.kwargs.get("seed", 0)
    unknown = set(marker.kwargs) - {"name", "seed"}
    if args or unknown or not isinstance(name, str) or not isinstance(seed, int):
        raise pytest.UsageError(
            f"@pytest.mark.{MARKER} takes a lab name (str) and a seed (int), e.g. "
            f"@pytest.mark.{MARKER}('demo', seed=1); got {marker.args!r} {marker.kwargs!r}"
        )
    return name, seed


@pytest.fixture
def aq_fake(request: pytest.FixtureRequest) -> FakeAquarium:
    """A fresh in-memory Aquarium for this test (see the ``aq_lab`` marker)."""
    name, seed = lab_from_marker(request.node)
    return FakeAquarium(name, seed=seed)


@pytest.fixture
def aq_server(aq_fake: FakeAquarium) -> Iterator[str]:
    """``aq_fake`` served over HTTP on a free loopback port; yields the base URL."""
    with LiveServer(aq_fake) as server:
        yield server.url


@pytest.fixture
def aq_session(aq_fake: FakeAquarium) -> Iterator[Any]:
    """An ``aqsession.AqSession`` signed in to ``aq_fake`` in-process (neptune / aquarium)."""
    from aqsession import AqSession

    with aq_fake.mock():
        yield AqSession(DEFAULT_LOGIN, DEFAULT_PASSWORD, aq_fake.base_url)
