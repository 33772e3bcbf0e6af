"""Loading and writing cassette files: audited against secret leaks, sealed, written atomically.

A cassette this persister writes ends with a seal, ``aqfake_sealed: <sha256>`` (an extra
top-level key that vcrpy ignores), the digest of every line above it. A sealed file is known to
hold only interactions that went through the cassette's scrubbing hooks and passed the audit,
so loading it need not run the hooks again over every interaction (most of the time a large
cassette used to take to load); the requests it loads are marked with :data:`SEALED`. A file
changed by hand, by another tool or by plain vcrpy no longer matches its seal and is loaded the
slow, scrubbing way.

Above the seal, ``aqfake_request_keys: <format> <digest> <digest> ...`` stores the digest of each
interaction's canonical request key (:func:`~.matching.key_digest`), in order, computed from the
file as written, so that the replay index of a large cassette is built without computing
thousands of keys. vcrpy ignores the line as it ignores the seal. Digests of another key format,
of another number of interactions, or that disagree with the keys of the first and last requests
are not used (the keys are computed, as for any other file).
"""

from __future__ import annotations

import copy
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from vcr.persisters.filesystem import CassetteNotFoundError, FilesystemPersister
from vcr.request import Request
from vcr.serialize import deserialize, serialize
from vcr.serializers import compat

from .loaded import SEALED, LoadedRequest
from .matching import KEY_FORMAT, key_digest, key_of
from .scrub import LENGTH_HEADER, Scrubber

#: Permissions of a newly written cassette (an existing one keeps its own).
NEW_FILE_MODE = 0o644
#: The top-level key of the seal line.
SEAL_KEY = "aqfake_sealed"
#: The top-level key of the line of request key digests.
KEYS_KEY = "aqfake_request_keys"
#: What a recorded request mapping holds (vcrpy's ``Request._to_dict``).
_REQUEST_FIELDS = frozenset({"method", "uri", "body", "headers"})


def seal(text: str) -> str:
    """``text`` (a YAML mapping ending in a line break) with its seal line appended."""
    if not text.endswith("\n"):
        text += "\n"
    return f"{text}{SEAL_KEY}: {_digest(text)}\n"


def is_sealed(text: str) -> bool:
    """Whether ``text`` ends with a seal that matches everything above it.

    Worked on the encoded text in place (one copy of a file of megabytes, not four).
    """
    data = text.encode("utf-8")
    end = len(data)
    while end and data[end - 1] == 0x0A:
        end -= 1
    cut = data.rfind(b"\n", 0, end)
    key, _, digest = data[cut + 1 : end].partition(b": ")
    if key != SEAL_KEY.encode():
        return False
    above = memoryview(data)[: cut + 1] if cut >= 0 else b"\n"
    return digest.decode("utf-8", "replace") == hashlib.sha256(above).hexdigest()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class AuditedPersister:
    """A vcrpy persister that refuses to write secrets and never leaves a half-written file.

    Before anything touches the disk, every interaction is audited by the cassette's
    :class:`~aqfake.cassettes.scrub.Scrubber`; a leak raises ``SecretLeakError`` naming the
    interaction and nothing is written. The file is then written to a temporary sibling and
    moved into place with ``os.replace``, so readers see the old cassette or the new one.
    ``on_write(path, interactions)`` is called after each write (to report what was written).
    """

    def __init__(
        self, scrubber: Scrubber, on_write: Callable[[Path, int], None] | None = None
    ) -> None:
        self.scrubber = scrubber
        self.on_write = on_write

    def load_cassette(self, cassette_path: str | os.PathLike[str], serializer: Any) -> Any:
        """Read a cassette as vcrpy's own file persister does (YAML through ``serializer``),
        marking the requests of a sealed file (see the module docstring)."""
        path = Path(cassette_path)
        try:
            text = path.read_text(encoding="utf-8")
        except (FileNotFoundError, IsADirectoryError, UnicodeDecodeError):
            return FilesystemPersister.load_cassette(cassette_path, serializer)
        if not text.strip():
            raise CassetteNotFoundError()
        if is_sealed(text):
            return _deserialize_sealed(text, serializer)
        return deserialize(text, serializer)

    def save_cassette(
        self, cassette_path: str | os.PathLike[str], cassette_dict: dict[str, Any], serializer: Any
    ) -> None:
        """Write the cassette atomically, scrubbed and without request ``Content-Length``."""
        path = Path(cassette_path)
        cassette_dict = {
            **cassette_dict,
            "requests": [_without_length(request) for request in cassette_dict["requests"]],
        }
        interactions = [
            {
                "request": compat.convert_to_unicode(request._to_dict()),
                "response": compat.convert_to_unicode(dict(response)),
            }
            for request, response in zip(
                cassette_dict["requests"], cassette_dict["responses"], strict=False
            )
        ]
        self.scrubber.audit(interactions, str(path))
        text = seal(with_key_digests(serialize(cassette_dict, serializer), serializer))
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            # mkstemp creates the file 0600; a cassette is an ordinary, shareable file
            os.chmod(temp, path.stat().st_mode & 0o777 if path.exists() else NEW_FILE_MODE)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        if self.on_write is not None:
            self.on_write(path, len(interactions))


def with_key_digests(text: str, serializer: Any) -> str:
    """``text`` (a serialized cassette) with the line of its requests' key digests appended,
    computed from ``text`` read back as a load reads it; unchanged when it holds none."""
    interactions = serializer.deserialize(text).get("interactions") or []
    if not interactions:
        return text
    digests = " ".join(key_digest(key_of(_request(i["request"]))) for i in interactions)
    if not text.endswith("\n"):
        text += "\n"
    return f"{text}{KEYS_KEY}: {KEY_FORMAT} {digests}\n"


def _stored_digests(data: dict[str, Any], requests: list[Request]) -> list[str] | None:
    """The key digests stored in a sealed file, when they can be used (see the module
    docstring)."""
    stored = data.get(KEYS_KEY)
    if not isinstance(stored, str) or not requests:
        return None
    version, *digests = stored.split(" ")
    if version != str(KEY_FORMAT) or len(digests) != len(requests):
        return None
    for index in {0, len(requests) - 1}:
        if key_digest(key_of(requests[index])) != digests[index]:
            return None
    return digests


def _deserialize_sealed(text: str, serializer: Any) -> tuple[Any, ...]:
    """vcrpy's ``deserialize`` for a sealed file, its requests left to be built when used (see
    :mod:`.loaded`); a request mapping vcrpy would not take is built at once, failing as in
    vcrpy. The file is this persister's own layout, so vcrpy's old-format checks do not apply."""
    try:
        data = serializer.deserialize(text)
    except yaml.constructor.ConstructorError as exc:
        raise ValueError(f"There was a problem loading the cassette: {exc}.") from exc
    interactions = data["interactions"]
    requests = [_request(interaction["request"]) for interaction in interactions]
    digests = _stored_digests(data, requests)
    if digests is not None:
        for request, digest in zip(requests, digests, strict=True):
            if type(request) is LoadedRequest:
                request.keep_digest(digest)
    responses = [compat.convert_to_bytes(interaction["response"]) for interaction in interactions]
    if data.get("metadata"):
        return requests, responses, data["metadata"]
    return requests, responses


def _request(fields: Any) -> Request:
    if (
        isinstance(fields, dict)
        and fields.keys() == _REQUEST_FIELDS
        and isinstance(fields["method"], str)
        and isinstance(fields["uri"], str)
        and isinstance(fields["headers"], dict)
        and isinstance(fields["body"], (str, type(None)))
    ):
        return LoadedRequest(fields)
    request = Request._from_dict(fields)
    setattr(request, SEALED, True)
    return request


def _without_length(request: Any) -> Any:
    """The request without ``Content-Length`` (it tells a scrubbed password's length); also
    cleans interactions loaded from a cassette recorded before the header was dropped."""
    names = [name for name in request.headers if name.lower() == LENGTH_HEADER]
    if not names:
        return request
    request = copy.deepcopy(request)
    for name in names:
        del request.headers[name]
    return request
