"""Recording and replaying Aquarium traffic with vcrpy.

:func:`use_cassette` opens a cassette the way this project records them: requests matched on
their canonical form (method, path, sorted query, canonical JSON body), an indexed replay with an
explicit repeat policy, secrets scrubbed on the way in and audited before anything is written,
readable YAML, atomic writes. The files stay ordinary vcrpy cassettes.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import vcr
from vcr.cassette import CassetteContextDecorator

from . import serializer
from .matching import RequestKey, aq_canonical, key_of, request_key
from .persist import AuditedPersister
from .replay import REPEAT_POLICIES, AqCassette, RequestNotInCassette
from .scrub import LENGTH_HEADER, Scrubber, SecretLeakError

#: The record modes of ``--aq-record-mode``: vcrpy's four plus ``rewrite`` (record from scratch,
#: replacing the cassette only when the test finishes).
RECORD_MODES = ("none", "once", "new_episodes", "all", "rewrite")
#: Request headers never recorded: ``Content-Length`` would tell the scrubbed password's length.
DROPPED_REQUEST_HEADERS = frozenset({LENGTH_HEADER})


def _scrub_request(scrubber: Scrubber) -> Any:
    def before_record_request(request: Any) -> Any:
        request = copy.deepcopy(request)
        for name in list(request.headers):
            if name.lower() in DROPPED_REQUEST_HEADERS:
                del request.headers[name]
        scrubber.scrub_headers(request.headers)
        request.uri = scrubber.scrub_uri(request.uri)
        request.body = scrubber.scrub_body(request.body)
        return request

    return before_record_request


def _scrub_response(scrubber: Scrubber) -> Any:
    def before_record_response(response: dict[str, Any]) -> dict[str, Any]:
        scrubber.scrub_headers(response.get("headers") or {})
        body = response.get("body") or {}
        if isinstance(body, dict) and body.get("string"):
            body["string"] = scrubber.scrub_body(body["string"])
        return response

    return before_record_response


class _UnpatchingContext(CassetteContextDecorator):  # type: ignore[misc,unused-ignore]
    """vcrpy's cassette context, which also takes its patches off when writing fails.

    vcrpy writes the cassette on exit before it restores ``http.client`` and urllib3; when the
    audit refuses to write (:class:`SecretLeakError`), the patches would stay on for the rest
    of the process, and every later request of any test would go through this cassette.
    """

    def __exit__(self, *exc_info: Any) -> None:
        try:
            super().__exit__(*exc_info)
        except BaseException:
            finish = getattr(self, "_CassetteContextDecorator__finish", None)
            if finish is not None:
                self._CassetteContextDecorator__cassette = None
                next(finish, None)
            raise


def use_cassette(
    path: str | os.PathLike[str],
    *,
    record_mode: str = "none",
    password: str | None = None,
    repeats: str = "last",
    scrubber: Scrubber | None = None,
    advice: str = "",
    on_write: Callable[[Path, int], None] | None = None,
) -> CassetteContextDecorator:
    """A context manager (or decorator) that records to / replays from the cassette at ``path``.

    ``record_mode`` is one of :data:`RECORD_MODES`; ``none`` replays only and blocks the network
    (an unrecorded request fails with the closest recorded requests and what differs).
    ``password`` is registered as a secret up front, so it is scrubbed wherever it appears.
    ``advice`` tells how to record the cassette again; an unrecorded request raises
    :class:`RequestNotInCassette` (a vcrpy ``CannotOverwriteExistingCassetteException``) with it.
    A cassette is written when the context exits without an exception, never after one;
    ``on_write(path, interactions)`` is then called with the number of interactions written.
    """
    if record_mode not in RECORD_MODES:
        raise ValueError(f"record_mode must be one of {RECORD_MODES}, not {record_mode!r}")
    scrubber = scrubber or Scrubber(password=password)
    recorder = vcr.VCR(
        serializer="aqyaml",
        match_on=["aq_canonical"],
        decode_compressed_response=True,
        record_on_exception=False,
        before_record_request=_scrub_request(scrubber),
        before_record_response=_scrub_response(scrubber),
    )
    recorder.register_serializer("aqyaml", serializer)
    recorder.register_matcher("aq_canonical", aq_canonical)
    recorder.register_persister(AuditedPersister(scrubber, on_write))
    config = recorder.get_merged_config(
        path=os.fspath(path),
        record_mode="all" if record_mode == "rewrite" else record_mode,
        drop_unused_requests=record_mode == "rewrite",
    )
    return _UnpatchingContext.from_args(AqCassette, repeats=repeats, advice=advice, **config)


__all__ = [
    "RECORD_MODES",
    "REPEAT_POLICIES",
    "AqCassette",
    "RequestKey",
    "RequestNotInCassette",
    "Scrubber",
    "SecretLeakError",
    "aq_canonical",
    "key_of",
    "request_key",
    "use_cassette",
]
