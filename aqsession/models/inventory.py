"""Inventory models: samples, items, collections and what is attached to them."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any, ClassVar

import requests

from aqsession.exceptions import (
    AquariumModelError,
    ForbiddenRequestError,
    ServerUnreachableError,
    TridentBaseException,
    TridentDepreciationWarning,
    TridentRequestError,
    TridentTimeoutError,
)

from .associations import DataAssociatorMixin
from .base import ModelBase
from .collections import CollectionGridMixin, PartItemMixin, PartLinkMixin
from .crud import JSONDeleteMixin, JSONSaveMixin, SaveMixin
from .field_access import FieldValueInterface
from .registry import get_model
from .relationships import (
    JSON,
    HasMany,
    HasManyGeneric,
    HasManyThrough,
    HasOne,
    Raw,
    session_of,
)

ITEM_COLUMNS = (
    "location",
    "quantity",
    "object_type_id",
    "created_at",
    "updated_at",
    "inuse",
    "sample_id",
    "data",
    "locator_id",
)
DELETED_LOCATION = "deleted"
PART_OBJECT_TYPE = "__Part"


def _property_value(field_type: Any, field_value: Any) -> Any:
    """A field value as ``Sample.properties`` shows it: number fields decoded from the JSON text
    Aquarium stores (``"1015.0"`` -> ``1015.0``), as pydent does; text that is not JSON stays
    as it is rather than failing the whole dictionary."""
    value = field_value.val
    if field_type.ftype == "number" and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class Sample(FieldValueInterface, ModelBase):
    """A sample (a primer, a plasmid, a yeast strain…) with typed properties."""

    COLUMNS = (
        "name",
        "sample_type_id",
        "project",
        "created_at",
        "updated_at",
        "user_id",
        "description",
        "data",
    )
    STR_FIELDS = ("name", "sample_type_id")
    FIELD_VALUE_PARENT: ClassVar[str] = "Sample"
    FIELD_TYPE_OWNER: ClassVar[str] = "sample_type"
    METATYPE: ClassVar[str] = "sample_type"

    sample_type = HasOne("SampleType")
    items = HasMany("Item", ref="sample_id")
    field_values = HasMany(
        "FieldValue", ref="parent_id", additional_args={"parent_class": "Sample"}
    )
    user = HasOne("User")

    def __init__(
        self,
        name: str | None = None,
        project: str | None = None,
        description: str | None = None,
        sample_type: Any = None,
        sample_type_id: int | None = None,
        properties: dict[str, Any] | None = None,
        field_values: list[Any] | None = None,
    ) -> None:
        self._set_fields(
            {
                "name": name,
                "project": project,
                "description": description,
                "sample_type_id": sample_type_id,
                "sample_type": sample_type,
                "field_values": field_values,
            }
        )
        if properties:
            self.update_properties(properties)

    def _field_types(self) -> list[Any]:
        sample_type = self.sample_type
        if sample_type is None:
            raise AquariumModelError(
                f"{self!r} has no sample type; set sample_type before using its properties."
            )
        return list(sample_type.field_types or [])

    @property
    def properties(self) -> dict[str, Any]:
        """``{field name: value}`` (a Sample for sample fields, a list for array fields)."""
        result: dict[str, Any] = {}
        for ft in self._field_types():
            values = [_property_value(ft, fv) for fv in self.get_field_value_array(ft.name)]
            result[ft.name] = values if ft.array else (values[0] if values else None)
        return result

    @properties.setter
    def properties(self, values: dict[str, Any]) -> None:
        self.update_properties(values)

    def update_properties(self, prop_dict: dict[str, Any]) -> Sample:
        """Set several properties; unknown names raise AquariumModelError."""
        for name, value in prop_dict.items():
            field_type = self.field_type(name)
            if field_type.array:
                self.set_field_value_array(name, None, list(value or []))
            else:
                self.set_field_value(name, None, self._value_kwargs(field_type, value))
        return self

    @property
    def identifier(self) -> str:
        """``"{id}: {name}"``, the form Aquarium's autocompletes and field values use."""
        return f"{self.id}: {self.name}"

    def available_items(
        self, object_type_name: str | None = None, object_type_id: int | None = None
    ) -> list[Any]:
        """This sample's items that are not deleted, only those of one object type (by name
        or id) when given."""
        items = [i for i in self.items or [] if i.location != DELETED_LOCATION]
        query = {"name": object_type_name, "id": object_type_id}
        query = {k: v for k, v in query.items() if v is not None}
        if not query:
            return items
        found = session_of(self).model_interface("ObjectType").where(query)
        if not found:
            raise AquariumModelError(f"No object type matches {query}.")
        wanted = found[0].id
        return [i for i in items if i.object_type_id == wanted]

    def merge(self) -> bool:
        """Save this sample; when that fails and a sample of the same type already has the
        name, update that one with this sample's properties (those that are set),
        description and project instead and load it here. True when merged, False when
        newly saved."""
        try:
            self.save()
        except TridentBaseException:
            existing = session_of(self).model_interface("Sample").find_by_name(self.name)
            if existing is None or existing.sample_type_id != self.sample_type_id:
                raise
            existing.update_properties(
                {name: value for name, value in self.properties.items() if value is not None}
            )
            existing.description = self.description
            existing.project = self.project
            existing.save()
            self.reload(existing.dump(include=("field_values",)))
            return True
        return False

    def is_savable(self, do_raise: bool = True) -> bool:
        """Whether every required property has a value."""
        props = self.properties
        missing = [
            ft.name for ft in self._field_types() if ft.required and props[ft.name] in (None, [])
        ]
        if missing and do_raise:
            raise AquariumModelError(
                f"Cannot save sample {self.name!r}: required properties {missing} have no value."
            )
        return not missing

    def create(self) -> Sample:
        """Create this sample (and its field values) with ``browser/create_samples``."""
        self.is_savable()
        session_of(self).utils.create_samples([self])
        return self

    def update(self) -> Sample:
        """Save field values (unlinking server ones no longer present), then the sample."""
        session = session_of(self)
        local = list(self.field_values or [])
        for fv in local:
            fv.parent_id = self.id
            fv.parent_class = "Sample"
            fv.save()
        local_ids = {fv.id for fv in local}
        server = session.model_interface("FieldValue").where(
            {"parent_id": self.id, "parent_class": "Sample"}
        )
        for fv in server or []:
            if fv.id not in local_ids:
                warnings.warn(
                    f"Field value {fv.name!r} (id {fv.id}) of sample {self.id} is no longer "
                    "part of the sample; unlinking it.",
                    stacklevel=2,
                )
                fv.parent_id = None
                fv.save()
        result = session.utils.json_save("Sample", self.dump())
        if isinstance(result, dict):
            self.reload(result)
        return self

    def save(self) -> Sample:
        """Update the sample when it has an id, create it otherwise; returns self."""
        return self.update() if self.id else self.create()

    def copy(self, keep: Any = None) -> Any:
        """A copy ready to be saved as a new sample (its field values copied along)."""
        return super().copy(keep).anonymize()


class ItemLocationMixin:
    """Location helpers shared by Item and Collection."""

    def move(self: Any, new_location: str) -> Any:
        """Move to ``new_location`` on the server (``items/move``)."""
        session_of(self).utils.move_item(self, new_location)
        return self

    #: pydent's flag for its one-time ``make`` warning; kept for scripts that read it.
    DID_ITEM_WARNING = False

    def make(self: Any) -> Any:
        """Create the item on the server: :meth:`save` under pydent's older name (pydent
        1.0.11 only raises DeprecationWarning here); warns, then creates."""
        warnings.warn(
            f"{type(self).__name__}.make() is deprecated; use save().",
            TridentDepreciationWarning,
            stacklevel=2,
        )
        return self.create()

    def store(self: Any) -> Any:
        """Ask the server to put the item in its default location."""
        return session_of(self).utils.store_item(self)

    def mark_as_deleted(self: Any) -> Any:
        """Move the item to the ``deleted`` location (Aquarium never destroys items)."""
        return self.move(DELETED_LOCATION)

    def is_deleted(self: Any) -> bool:
        """Whether the item sits in the ``deleted`` location."""
        return bool(self.location == DELETED_LOCATION)

    def delete(self: Any) -> None:
        """Always refused (as in pydent): Aquarium keeps items; use :meth:`mark_as_deleted`."""
        raise ValueError(
            f"Aquarium {type(self).__name__.lower()}s cannot be deleted; use "
            "mark_as_deleted() to move it to the 'deleted' location."
        )

    def _update_via_json_save(self: Any) -> Any:
        """Save columns with ``json/save`` (keeping the server's location), then move if the
        location was changed locally (a raw location write would not move the item)."""
        wanted = self.location
        saved_location = self.raw.get("location") if isinstance(self.raw, dict) else None
        data = self.dump()
        data["location"] = saved_location
        result = session_of(self).utils.json_save(self.get_server_model_name(), data)
        if isinstance(result, dict):
            self.reload(result)
        if wanted is not None and wanted != saved_location:
            self.move(wanted)
        return self


class Item(PartItemMixin, DataAssociatorMixin, ItemLocationMixin, ModelBase):
    """A physical item of an ObjectType, usually holding a Sample."""

    COLUMNS = ITEM_COLUMNS
    IGNORE = ("locator_id",)
    STR_FIELDS = ("location", "sample_id", "object_type_id")
    query_hook = {"methods": ["is_part"]}

    sample = HasOne("Sample")
    object_type = HasOne("ObjectType")
    data_associations = HasManyGeneric("DataAssociation", {"parent_class": "Item"})
    data = Raw()
    part_associations = HasMany("PartAssociation", ref="part_id")
    collections = HasManyThrough("Collection", "PartAssociation")

    def __init__(
        self,
        sample_id: int | None = None,
        sample: Any = None,
        object_type: Any = None,
        object_type_id: int | None = None,
        location: str | None = None,
    ) -> None:
        """As pydent: ids missing here are taken from the ``sample`` / ``object_type`` given."""
        if sample_id is None and sample is not None:
            sample_id = sample.id
        if object_type_id is None and object_type is not None:
            object_type_id = object_type.id
        self._set_fields(
            {
                "sample_id": sample_id,
                "object_type_id": object_type_id,
                "location": location,
                "sample": sample,
                "object_type": object_type,
            }
        )

    @property
    def is_part(self) -> bool:
        """Whether this item is a part of a collection (the server's ``is_part``)."""
        if "is_part" in self._data:
            return bool(self._data["is_part"])
        object_type = self.object_type
        return object_type is not None and object_type.name == PART_OBJECT_TYPE

    @property
    def containing_collection(self) -> Any:
        """The collection this part belongs to, or None."""
        collections = self.collections
        return collections[0] if collections else None

    def create(self) -> Item:
        """Create the item (``items/make``), then save associations made before."""
        pending = self._pending_associations()
        wanted = self.location
        results = session_of(self).utils.create_items([self])
        result = results[0] if isinstance(results, list) and results else results
        if isinstance(result, dict) and "errors" in result:
            raise AquariumModelError(f"The server refused to create {self!r}: {result['errors']}")
        if isinstance(result, dict):
            self.reload(result.get("item", result))
        self._save_associations(pending)
        if wanted not in (None, self.location):
            self.move(wanted)
        return self

    def update(self) -> Item:
        """Save the item's columns (and move it if its location was changed); returns self."""
        self._update_via_json_save()
        return self

    def save(self) -> Item:
        """Update the item when it has an id, create it otherwise; returns self."""
        return self.update() if self.id else self.create()


class Collection(CollectionGridMixin, DataAssociatorMixin, ItemLocationMixin, ModelBase):
    """A collection item (plate, gel, box) whose parts sit at (row, column) positions; the
    grid views and part changes come from :class:`CollectionGridMixin`."""

    COLUMNS = ITEM_COLUMNS
    STR_FIELDS = ("location", "object_type_id")
    query_hook = {"methods": ["dimensions"]}

    object_type = HasOne("ObjectType")
    data_associations = HasManyGeneric("DataAssociation", {"parent_class": "Collection"})
    part_associations = HasMany("PartAssociation", ref="collection_id")
    parts = HasManyThrough("Item", "PartAssociation", ref="part_id")
    data = Raw()

    def __init__(
        self,
        object_type: Any = None,
        location: str | None = None,
        data_associations: list[Any] | None = None,
        parts: list[Any] | None = None,
        part_associations: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """As pydent: an ObjectType given here also sets ``object_type_id`` and the
        dimensions; ``object_type_id=`` alone is accepted too (pydent raises TypeError)."""
        values: dict[str, Any] = {"location": location, **kwargs}
        if isinstance(object_type, ObjectType):
            values["object_type_id"] = object_type.id
            if object_type.rows is not None and object_type.columns is not None:
                self._data["dimensions"] = [object_type.rows, object_type.columns]
        values.update(
            object_type=object_type,
            data_associations=data_associations,
            parts=parts,
            part_associations=part_associations,
        )
        self._set_fields(values)

    @property
    def dimensions(self) -> list[int]:
        """``[rows, columns]``: the server's ``dimensions`` or the object type's."""
        if self._data.get("dimensions"):
            return list(self._data["dimensions"])
        object_type = self.object_type
        if object_type is None:
            raise AquariumModelError(f"{self!r} has no object type, so it has no dimensions.")
        return [object_type.rows or 1, object_type.columns or 12]

    def create(self) -> Collection:
        """Create the collection (``PUT collections/{object_type_id}.json``)."""
        if self.object_type_id is None:
            raise AquariumModelError(f"{self!r} needs an object_type before it can be created.")
        self._staged_changes()
        pending = self._pending_associations()
        result = session_of(self).utils.model_update("collections", self.object_type_id, {})
        if isinstance(result, dict):
            self.reload(result)
        self._save_associations(pending)
        self._save_pending_samples()
        return self

    def update(self) -> Collection:
        """Save the collection's columns (moving it if its location changed), then send the
        samples staged with ``collection[r, c] = sample``."""
        self._staged_changes()
        self._update_via_json_save()
        self._save_pending_samples()
        return self

    def save(self) -> Collection:
        """Update a saved collection, create a new one."""
        return self.update() if self.id else self.create()


class PartAssociation(PartLinkMixin, JSONSaveMixin, ModelBase):
    """Links a part Item to its Collection at (row, column)."""

    COLUMNS = ("part_id", "collection_id", "row", "column", "created_at", "updated_at")
    STR_FIELDS = ("part_id", "collection_id", "row", "column")

    part = HasOne("Item", ref="part_id")
    collection = HasOne("Collection")

    def __init__(
        self,
        part_id: int | None = None,
        collection_id: int | None = None,
        row: int | None = None,
        column: int | None = None,
    ) -> None:
        self._set_fields(
            {"part_id": part_id, "collection_id": collection_id, "row": row, "column": column}
        )


class ObjectType(SaveMixin, ModelBase):
    """A container type (e.g. "1 ml Tube", "96 Well Plate")."""

    COLUMNS = (
        "name",
        "description",
        "min",
        "max",
        "handler",
        "safety",
        "cleanup",
        "data",
        "vendor",
        "created_at",
        "updated_at",
        "unit",
        "cost",
        "release_method",
        "release_description",
        "sample_type_id",
        "image",
        "prefix",
        "rows",
        "columns",
    )
    STR_FIELDS = ("name",)

    items = HasMany("Item", ref="object_type_id")
    sample_type = HasOne("SampleType")

    def new_item(self, sample: Any) -> Any:
        """A new, unsaved Item of this container holding ``sample`` (a Sample or its id)."""
        session = session_of(self)
        if isinstance(sample, int) and not isinstance(sample, bool):
            sample = session.model_interface("Sample").find(sample)
            if sample is None:
                raise AquariumModelError("No sample with that id exists on the server.")
        elif not isinstance(sample, get_model("Sample")):
            raise TypeError(f"sample must be a Sample or a sample id, not {sample!r}")
        return session.model_interface("Item").new(
            sample=sample, sample_id=sample.id, object_type=self, object_type_id=self.id
        )


class DataAssociation(JSONDeleteMixin, JSONSaveMixin, ModelBase):
    """One ``{key: value}`` attached to a parent model (``parent_class``/``parent_id``)."""

    COLUMNS = (
        "parent_id",
        "parent_class",
        "key",
        "upload_id",
        "object",
        "created_at",
        "updated_at",
    )
    STR_FIELDS = ("key", "parent_class", "parent_id")

    object = JSON()
    upload = HasOne("Upload")

    @property
    def value(self) -> Any:
        """The stored value: ``object[key]``."""
        data = self.object
        return data.get(self.key) if isinstance(data, dict) else None

    @value.setter
    def value(self, new_value: Any) -> None:
        self.object = {self.key: new_value}

    def save(self, do_reload: bool = True) -> Any:
        """Save through ``json/save``; refused until the association names its parent."""
        if self.parent_id is None or self.parent_class is None:
            raise ValueError(
                f"{self!r} needs parent_id and parent_class before it can be saved; "
                "save its parent first or use parent.associate(...)."
            )
        upload = self._related.get("upload") if self.is_deserialized("upload") else None
        if upload is not None and upload.id is None and upload.file is not None:
            upload.save()  # a file attached before the parent was saved goes up first
        if upload is not None and upload.id is not None:
            self.upload_id = upload.id
        return super().save(do_reload=do_reload)


class Upload(ModelBase):
    """An uploaded file (attached to a Job, and through DataAssociations to anything)."""

    COLUMNS = (
        "job_id",
        "upload_file_name",
        "upload_content_type",
        "upload_file_size",
        "upload_updated_at",
        "created_at",
        "updated_at",
    )
    STR_FIELDS = ("upload_file_name",)
    query_hook = {"methods": ["size", "name", "job"]}

    job = HasOne("Job")

    def __init__(self, job_id: int | None = None, file: Any = None) -> None:
        self._set_fields({"job_id": job_id})
        self.file = file

    @property
    def file(self) -> Any:
        """The local file object to upload (never dumped)."""
        return self.__dict__.get("_file")

    @file.setter
    def file(self, value: Any) -> None:
        self.__dict__["_file"] = value

    def create(self) -> Upload:
        """Upload the file (``krill/upload``); the model is reloaded from the answer."""
        if self.file is None:
            raise AquariumModelError(f"{self!r} has no file to upload; set upload.file first.")
        session_of(self).utils.create_upload(self)
        return self

    def save(self) -> Upload:
        """Upload the file as a new record (uploads cannot be changed); returns self."""
        return self.create()

    def temp_url(self) -> str:
        """A short-lived download URL from the server."""
        found = (
            session_of(self)
            .model_interface("Upload")
            .where({"id": self.id}, methods=["expiring_url"])
        )
        if not found:
            raise AquariumModelError(f"Upload {self.id} was not found on the server.")
        return str(found[0].raw["expiring_url"])

    @property
    def data(self) -> bytes:
        """The file's content, fetched from its temporary URL (no session cookies are sent
        to that URL; the session's timeout applies)."""
        session = session_of(self)
        url = self.temp_url()
        if not getattr(session, "using_requests", True):
            raise ForbiddenRequestError(
                f"Attempted a request (GET {url}) while requests are turned off for this "
                "session. Turn them on (session.using_requests = True) to download the file."
            )
        timeout = getattr(getattr(session, "aqhttp", None), "timeout", 10)
        try:
            response = requests.get(url, timeout=timeout)
        except requests.exceptions.Timeout:
            raise TridentTimeoutError(
                f"GET {url} got no answer within {timeout} s. Allow more time with "
                "session.set_timeout(seconds)."
            ) from None
        except requests.exceptions.RequestException as error:
            raise ServerUnreachableError(
                f"Could not download upload {self.id} (GET {url}): {error}."
            ) from None
        if response.status_code >= 400:
            raise TridentRequestError(
                f"Downloading upload {self.id} failed: GET {url} answered "
                f"{response.status_code} {response.reason}.",
                response,
            )
        return response.content

    def download(
        self, outdir: str | Path | None = None, filename: str | None = None, overwrite: bool = True
    ) -> Path:
        """Write the file under ``outdir`` (default: the current directory) as ``filename``
        (default ``{id}_{upload_file_name}``, as pydent names it); an existing file is kept
        when ``overwrite`` is False. Returns the path."""
        name = filename or f"{self.id}_{self.upload_file_name or 'upload'}"
        path = Path("." if outdir is None else outdir) / name
        if overwrite or not path.exists():
            path.write_bytes(self.data)
        return path

    def fetch(
        self, outdir: str | Path | None = None, filename: str | None = None, overwrite: bool = True
    ) -> Path:
        """:meth:`download` under pydent's other name."""
        return self.download(outdir=outdir, filename=filename, overwrite=overwrite)

    @staticmethod
    def async_download(
        uploads: list[Any], outdir: str | Path | None = None, overwrite: bool = True
    ) -> list[Path]:
        """Download several uploads side by side (threads); returns their paths in order."""
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=max(1, min(8, len(uploads)))) as pool:
            futures = [pool.submit(u.download, outdir, None, overwrite) for u in uploads]
            return [future.result() for future in futures]
