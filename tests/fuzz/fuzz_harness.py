"""Sends generated requests to a fake and checks what must hold whatever was sent.

For every request (:class:`Probe`):

- nothing raises out of :meth:`FakeAquarium.handle`, and nothing inside it fails unexpectedly
  (the app logs such failures on the ``aqfake`` logger before answering its catch-all 500 or
  the ``/json`` handler's 422; any warning there is a finding);
- the answer has one of Aquarium's shapes (:func:`check_response`);
- no secret column value of any user appears in a response body.

After every example the store's invariants hold (:func:`aqfake.invariants.store_problems`), then
the store goes back to the seeded lab so examples do not depend on each other.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aqfake.app import FakeAquarium
from aqfake.invariants import assert_store_consistent
from aqfake.tables import SECRET_COLUMNS
from aqfake.wire import Request, Response

#: The statuses Aquarium answers with (405/406 for a method or format Rails does not know), and
#: the fake's own: 413 over the body limit, 401 for a control endpoint without its token, 409 for
#: ``POST /_aqfake/save`` on a fake without a data file, 501 for routes it does not implement.
STATUSES = frozenset({200, 201, 204, 302, 400, 401, 404, 405, 406, 409, 413, 422, 500, 501})
JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
#: Routes whose body is whatever was uploaded (any content type).
RAW_ROUTES = ("/_aqfake/uploads/",)


@dataclass(frozen=True)
class Probe:
    """One generated request."""

    method: str
    path: str
    query: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def request(self) -> Request:
        return Request(self.method, self.path, self.query, dict(self.headers), self.body)

    def __str__(self) -> str:
        query = f"?{self.query}" if self.query else ""
        return f"{self.method} {self.path}{query} {dict(self.headers)} {self.body[:300]!r}"


class _Findings(logging.Handler):
    """Collects the ``aqfake`` logger's warnings and errors while a probe runs."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _json_body(response: Response) -> Any:
    try:
        return json.loads(response.body)
    except ValueError as exc:
        raise AssertionError(f"a JSON content type with a body that is not JSON: {exc}") from exc


def _validation_errors(data: dict[str, Any]) -> bool:
    """Whether ``data`` is a Rails ``errors.to_json`` object: attribute -> list of messages."""
    return bool(data) and all(
        isinstance(v, list) and all(isinstance(m, str) for m in v) for v in data.values()
    )


def check_response(probe: Probe, response: Response) -> None:
    """The answer has a shape Aquarium gives: a known status; JSON bodies that parse, with an
    ``errors``/``error`` member (or a Rails validation-errors object) when they report a
    failure; redirects with an absolute
    ``Location``; HTML only as a page (sign-in, Rails' error pages, redirects)."""
    assert response.status in STATUSES, f"status {response.status}"
    kind = response.header("Content-Type")
    if response.status == 204:
        assert response.body == b"", "a 204 with a body"
        return
    if response.status == 302:
        location = response.header("Location") or ""
        assert location.startswith(("http://", "https://")), f"redirect to {location!r}"
        return
    if kind == JSON_TYPE:
        data = _json_body(response)
        if response.status >= 400:
            assert isinstance(data, dict) and (
                {"errors", "error"} & set(data) or _validation_errors(data)
            ), f"a {response.status} whose JSON names no error: {data!r}"[:400]
        return
    if any(probe.path.startswith(prefix) for prefix in RAW_ROUTES):
        return
    assert kind == HTML_TYPE, f"content type {kind!r}"
    assert response.body.lstrip().startswith((b"<!DOCTYPE html>", b"<html")), response.body[:200]


def user_secrets(fake: FakeAquarium) -> set[bytes]:
    """Every secret column value the users table holds, as it would appear in JSON."""
    found: set[bytes] = set()
    for user in fake.store.rows("users"):
        for column in SECRET_COLUMNS["users"]:
            value = user.get(column)
            if isinstance(value, str) and len(value) >= 8:
                found.add(value.encode())
    return found


class FuzzRun:
    """Sends probes to ``fake`` and checks each answer; counts what it sent."""

    def __init__(self, fake: FakeAquarium) -> None:
        self.fake = fake
        self.seed = fake.snapshot()
        self.secrets = user_secrets(fake)
        self.sent = 0
        self.checked = 0  # examples that wrote to the store, whose invariants were checked
        self._marks = fake.store.write_marks()
        self.statuses: dict[int, int] = {}
        self._findings = _Findings()

    @contextmanager
    def watching(self) -> Iterator[FuzzRun]:
        """Collect the fake's warnings for the duration of the run."""
        logger = logging.getLogger("aqfake")
        logger.addHandler(self._findings)
        try:
            yield self
        finally:
            logger.removeHandler(self._findings)

    def send(self, probe: Probe) -> Response:
        """Send one probe and check its answer (AssertionError names the probe)."""
        self._findings.records.clear()
        try:
            response = self.fake.handle(probe.request())
        except Exception as exc:
            raise AssertionError(f"{probe}\nraised out of the fake: {exc!r}") from exc
        self.sent += 1
        self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
        if self._findings.records:
            record = self._findings.records[0]
            detail = record.exc_text or (
                logging.Formatter().formatException(record.exc_info) if record.exc_info else ""
            )
            raise AssertionError(
                f"{probe}\nfailed inside the fake: {record.getMessage()}\n{detail}"
            )
        try:
            check_response(probe, response)
            leaked = [s for s in self.secrets if s in response.body]
            assert not leaked, f"a user's secret column value is in the body: {leaked[0]!r}"
        except AssertionError as exc:
            shown = f"{probe}\n-> {response.status} {response.body[:400]!r}\n{exc}"
            raise AssertionError(shown) from None
        return response

    def example(self, probes: list[Probe]) -> list[Response]:
        """Send ``probes`` in order on the seeded lab; if they wrote anything, check the store
        and put the seeded lab back."""
        try:
            answers = [self.send(p) for p in probes]
        finally:
            written = self.fake.store.write_marks() != self._marks
        try:
            if written:
                self.checked += 1
                assert_store_consistent(self.fake.store)
        finally:
            if written:
                self.fake.restore(self.seed)
                self._marks = self.fake.store.write_marks()
        return answers

    def assert_sent_at_least(self, count: int) -> None:
        assert self.sent >= count, (
            f"the fuzz profile asked for {count} requests, only {self.sent} were sent"
        )
