"""Requests read from a sealed cassette, built into vcrpy ``Request`` objects on first use.

A vcrpy ``Request`` parses its URI and wraps its headers when it is made (about 5 µs each, a
third of the time a 10,000-interaction cassette took to load), yet a test replays only the few
interactions it asks for. :class:`LoadedRequest` is a real ``Request`` (``isinstance`` holds,
vcrpy and hooks use it as one) that keeps the fields it was read with and runs ``Request``'s
own constructor the first time anything but its method is read or anything is set. The replay
index needs only method, URI and body, which :func:`unbuilt_fields` hands over without building,
or not even those when the file stored the digest of the request's key (:func:`take_digest`).
"""

from __future__ import annotations

import threading
from typing import Any

from vcr.request import Request

#: Where the fields wait until the request is built.
_FIELDS = "_aqfake_fields"
#: Where the digest of the request's canonical key, stored in the file, waits for the cassette.
_DIGEST = "_aqfake_key_digest"
#: The attribute that marks requests loaded from a sealed cassette (set on every
#: :class:`LoadedRequest`): they went through the recording hooks before they were written.
SEALED = "_aqfake_sealed"
#: Held while a request is built, so a thread reading it meanwhile waits for the whole request.
_BUILDING = threading.RLock()


class LoadedRequest(Request):  # type: ignore[misc]
    """A request from a sealed cassette file; see the module docstring."""

    def __init__(self, fields: dict[str, Any]) -> None:
        """``fields`` is the request mapping as read (``method``, ``uri``, ``body``,
        ``headers``); it is kept as it is and passed to ``Request`` when needed."""
        object.__setattr__(self, _FIELDS, fields)
        object.__setattr__(self, "method", fields["method"])

    def keep_digest(self, digest: str) -> None:
        """Keep the digest of this request's canonical key that the file stored (see
        :func:`~.matching.key_digest`) until the cassette takes it; not kept once built."""
        if _FIELDS in self.__dict__:
            object.__setattr__(self, _DIGEST, digest)

    def _build(self) -> None:
        if _FIELDS in self.__dict__:
            with _BUILDING:
                fields = self.__dict__.pop(_FIELDS, None)
                self.__dict__.pop(_DIGEST, None)
                if fields is not None:
                    Request.__init__(self, **fields)

    def __getattr__(self, name: str) -> Any:
        # only called for attributes not set (yet): build, then look again, once
        if name.startswith("__"):
            raise AttributeError(name)
        with _BUILDING:  # another thread may be building this request right now
            self._build()
        return object.__getattribute__(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._build()  # a later build must not overwrite what is set now
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        self._build()
        super().__delattr__(name)


setattr(LoadedRequest, SEALED, True)


def unbuilt_fields(request: Any) -> dict[str, Any] | None:
    """The fields of a :class:`LoadedRequest` not built yet (None for any other request)."""
    if type(request) is LoadedRequest:
        fields: dict[str, Any] | None = request.__dict__.get(_FIELDS)
        return fields
    return None


def take_digest(request: Any) -> str | None:
    """The stored key digest of a :class:`LoadedRequest` not built yet, removed from it (the
    cassette takes it once, when it indexes the request); None for any other request."""
    if type(request) is LoadedRequest:
        digest: str | None = request.__dict__.pop(_DIGEST, None)
        return digest
    return None
