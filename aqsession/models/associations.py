"""DataAssociatorMixin: key/value data attached to Items, Collections, Operations and Plans.

Aquarium stores each value as a DataAssociation row whose ``object`` is ``{key: value}``.
Several rows may share a key; the newest (highest id, or last added) is "the" value.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from .registry import get_model
from .relationships import session_of


def _newest_first(associations: list[Any]) -> list[Any]:
    indexed = list(enumerate(associations))
    indexed.sort(key=lambda pair: (pair[1].id is not None, pair[1].id or 0, pair[0]))
    return [da for _, da in reversed(indexed)]


class DataAssociatorMixin:
    """Read and write data associations of a model with a ``data_associations`` relation."""

    def get_data_associations(self: Any, key: Any = None) -> list[Any]:
        """The associations (all, or those with ``key``), newest first."""
        associations = self.data_associations or []
        if key is not None:
            associations = [da for da in associations if da.key == str(key)]
        return _newest_first(list(associations))

    def get_data_association(self: Any, key: Any) -> Any:
        """The newest association with ``key``, or None."""
        found = self.get_data_associations(key)
        return found[0] if found else None

    def get(self: Any, key: Any) -> Any:
        """The value stored under ``key``: None, one value, or a list when several rows
        share the key (newest first)."""
        values = [da.value for da in self.get_data_associations(key)]
        if not values:
            return None
        return values[0] if len(values) == 1 else values

    @property
    def associations(self: Any) -> dict[str, Any]:
        """``{key: newest value}`` for every key."""
        result: dict[str, Any] = {}
        for da in reversed(self.get_data_associations()):
            result[da.key] = da.value
        return result

    def associate(
        self: Any,
        key: Any,
        value: Any,
        upload: Any = None,
        create_new: bool = False,
        save: bool | None = None,
    ) -> Any:
        """Store ``value`` under ``key`` and return the DataAssociation.

        An existing association with the key is updated unless ``create_new``. ``save``
        (default: whether this model has an id) sends it to the server; otherwise it is
        kept locally and saved with the model.
        """
        key = str(key)
        if save is None:
            save = bool(self.id)
        existing = None if create_new else self.get_data_association(key)
        if existing is not None:
            existing.value = value
            if upload is not None:
                existing.upload = upload
            if save:
                existing.save()
            return existing
        if save:
            created = session_of(self).utils.create_data_association(
                self, key, value, upload=upload
            )
            current = self.data_associations
            if created is not None and all(
                da is not created and (created.id is None or da.id != created.id) for da in current
            ):
                current.append(created)
            return created
        association = get_model("DataAssociation")(
            key=key,
            object={key: value},
            parent_class=self.get_server_model_name(),
            parent_id=self.id,
            upload=upload,
            session=self.session,
        )
        self.append_to_many("data_associations", association)
        return association

    def associate_file(
        self: Any, key: Any, value: Any, file: Any, job_id: int | None = None
    ) -> Any:
        """Attach an open file under ``key`` (with ``value``) and return the association.

        The file becomes an Upload (of job ``job_id`` when given). A saved model uploads it
        now and saves the association pointing at it (pydent 1.0.11 saved the association
        without uploading the file); an unsaved one keeps both locally.
        """
        upload = get_model("Upload")(job_id=job_id, file=file, session=self.session)
        if self.id:
            upload.save()
        return self.associate(key, value, upload=upload)

    def associate_file_from_path(
        self: Any, key: Any, value: Any, filepath: Any, job_id: int | None = None
    ) -> Any:
        """:meth:`associate_file` with the file at ``filepath``. A saved model uploads it at
        once; an unsaved one keeps the file's bytes (under its name) until it is saved."""
        path = Path(filepath)
        if self.id:
            with path.open("rb") as handle:
                return self.associate_file(key, value, handle, job_id=job_id)
        content = io.BytesIO(path.read_bytes())
        content.name = path.name
        return self.associate_file(key, value, content, job_id=job_id)

    def delete_data_associations(self: Any, key: Any) -> list[Any]:
        """Delete every association with ``key`` (on the server when saved); returns them."""
        doomed: list[Any] = self.get_data_associations(key)
        for da in doomed:
            if da.id is not None:
                da.delete()
        remaining = [da for da in self.data_associations if da not in doomed]
        self.data_associations = remaining
        return doomed

    def _pending_associations(self: Any) -> list[Any]:
        """Associations made locally and not saved yet (never fetches)."""
        if not self.is_deserialized("data_associations"):
            return []
        return [da for da in self.data_associations or [] if da.id is None]

    def _save_associations(self: Any, pending: list[Any]) -> None:
        """Save ``pending`` associations under this (now saved) model."""
        for da in pending:
            da.parent_id = self.id
            da.parent_class = self.get_server_model_name()
            da.save()
        if pending and self.is_deserialized("data_associations"):
            for da in pending:
                self.append_to_many("data_associations", da)
