"""Loading and writing cassette files: audited against secret leaks, written atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from vcr.persisters.filesystem import FilesystemPersister
from vcr.serialize import serialize
from vcr.serializers import compat

from .scrub import Scrubber

#: Permissions of a newly written cassette (an existing one keeps its own).
NEW_FILE_MODE = 0o644


class AuditedPersister:
    """A vcrpy persister that refuses to write secrets and never leaves a half-written file.

    Before anything touches the disk, every interaction is audited by the cassette's
    :class:`~aqfake.cassettes.scrub.Scrubber`; a leak raises ``SecretLeakError`` naming the
    interaction and nothing is written. The file is then written to a temporary sibling and
    moved into place with ``os.replace``, so readers see the old cassette or the new one.
    """

    def __init__(self, scrubber: Scrubber) -> None:
        self.scrubber = scrubber

    def load_cassette(self, cassette_path: str | os.PathLike[str], serializer: Any) -> Any:
        return FilesystemPersister.load_cassette(cassette_path, serializer)

    def save_cassette(
        self, cassette_path: str | os.PathLike[str], cassette_dict: dict[str, Any], serializer: Any
    ) -> None:
        path = Path(cassette_path)
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
        text = serialize(cassette_dict, serializer)
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
