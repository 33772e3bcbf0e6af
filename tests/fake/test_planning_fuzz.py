"""Every odd body the planning, code and operations routes get is answered the way Aquarium
answers it (a status and body of its own), never through the app's catch-all 500."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from planning_lab import Client, planning_lab

from aqfake.app import FakeAquarium

ODD: tuple[Any, ...] = (None, 1, "x", [1], {}, {"a": 1}, True, 1.5, [{"rid": "x"}], 10**12)
ROUTES = (
    ("POST", "/plans.json"),
    ("PUT", "/plans/1.json"),
    ("POST", "/launcher/estimate"),
    ("POST", "/operations/batch"),
    ("POST", "/operations/unbatch"),
    ("POST", "/operation_types.json"),
    ("PUT", "/operation_types/2"),
    ("POST", "/operation_types/code"),
    ("POST", "/libraries/code"),
    ("POST", "/libraries.json"),
)
KEYS = ("id", "name", "layout", "operations", "wires", "field_types", "source", "operation_ids")


@pytest.fixture(scope="module")
def fake() -> FakeAquarium:
    return FakeAquarium(planning_lab)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_odd_bodies_never_reach_the_catch_all_500(
    fake: FakeAquarium, method: str, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client(fake)
    caplog.set_level(logging.ERROR, logger="aqfake")
    for key in KEYS:
        for value in ODD:
            snapshot = fake.snapshot()
            body = {"name": "n", "category": "Test", "layout": {}, key: value}
            response = client.call(method, path, body)
            fake.restore(snapshot)
            assert response.status in (200, 302, 404, 422, 500)
            assert not caplog.records, (
                f"{method} {path} {key}={value!r}: {caplog.records[-1].message}"
            )
