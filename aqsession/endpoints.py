"""The endpoint catalogue: Aquarium's routes as methods, one per call the client makes.

``CRUDInterface`` holds the generic calls (a model's REST routes and the ``json`` controller:
``json``, ``json/save``, ``json/delete``); ``UtilityInterface`` (``session.utils``) the
task-specific routes: creating samples and items, moving and storing items, planning, code,
uploads. The per-model query objects built on top of them live in :mod:`aqsession.interfaces`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aqsession.exceptions import TridentRequestError

if TYPE_CHECKING:
    from aqsession.http import AqHTTP
    from aqsession.models import (
        Budget,
        Code,
        Item,
        Library,
        ModelBase,
        OperationType,
        Plan,
        Sample,
        SampleType,
        Upload,
        User,
    )
    from aqsession.session import AqSession


class SessionInterface:
    """Holds the HTTP object and the session an interface works for."""

    __slots__ = ("aqhttp", "session")

    def __init__(self, aqhttp: AqHTTP, session: AqSession) -> None:
        self.aqhttp = aqhttp
        self.session = session


class CRUDInterface(SessionInterface):
    """Create/update/delete through Aquarium's REST routes and its ``json`` controller."""

    __slots__ = ()

    def _model_controller(
        self, method: str, table: str, model_id: Any, data: Any, params: Any = None
    ) -> Any:
        path = f"{table}/{model_id}.json" if model_id else f"{table}.json"
        return self.aqhttp.request(method, path, json=data, params=params)

    def model_create(self, table: str, data: Any, params: Any = None) -> Any:
        """``POST {table}.json`` with ``data``."""
        return self._model_controller("post", table, None, data, params)

    def model_update(self, table: str, model_id: Any, data: Any, params: Any = None) -> Any:
        """``PUT {table}/{id}.json`` with ``data``."""
        return self._model_controller("put", table, model_id, data, params)

    def model_delete(self, table: str, model_id: Any, params: Any = None) -> Any:
        """``DELETE {table}/{id}.json``; nothing is sent when ``model_id`` is None."""
        if model_id is None:
            return None
        return self._model_controller("delete", table, model_id, None, params)

    def _json_controller(
        self,
        method: str | None,
        model_name: str,
        model_data: Mapping[str, Any] | None,
        record_methods: Any = None,
        record_getters: Any = None,
    ) -> Any:
        body: dict[str, Any] = {
            "model": {
                "model": model_name,
                "record_methods": record_methods or {},
                "record_getters": record_getters or {},
            }
        }
        if model_data:
            body.update(model_data)
        return self.aqhttp.post(f"json/{method}" if method else "json", json_data=body)

    def json_save(
        self, model_name: str, model_data: Any, record_methods: Any = None,
        record_getters: Any = None,
    ) -> Any:  # fmt: skip
        """``POST json/save``: create or fully overwrite a record of ``model_name``."""
        return self._json_controller("save", model_name, model_data, record_methods, record_getters)

    def json_delete(
        self, model_name: str, model_data: Any, record_methods: Any = None,
        record_getters: Any = None,
    ) -> Any:  # fmt: skip
        """``POST json/delete``."""
        return self._json_controller(
            "delete", model_name, model_data, record_methods, record_getters
        )

    def json_post(
        self, model_name: str, model_data: Any, record_methods: Any = None,
        record_getters: Any = None,
    ) -> Any:  # fmt: skip
        """``POST json`` (a query); a ``"model"`` key in ``model_data`` replaces the envelope."""
        return self._json_controller(None, model_name, model_data, record_methods, record_getters)


class UtilityInterface(CRUDInterface):
    """Aquarium's task-specific routes (inventory, planning, code, uploads).

    Differences from pydent 1.0.11, all fixes of its bugs: ``store_item`` requests the real
    item id, ``batch_operations``/``unbatch_operations`` send ``{"operation_ids": [...]}`` to
    their own routes, ``compatible_items`` returns what the server found, ``create_sample_type``
    returns the sample type with its id, and ``move_item`` encodes the location.
    """

    __slots__ = ()

    def create_samples(self, samples: list[Sample]) -> list[Sample]:
        """Create ``samples`` (with their field values) in one request; reloads each one."""
        body = {"samples": [sample.dump(include=("field_values",)) for sample in samples]}
        result = self.aqhttp.post("browser/create_samples", json_data=body)
        created = result.get("samples") if isinstance(result, dict) else None
        if not isinstance(created, list) or len(created) != len(samples):
            raise TridentRequestError(
                f"Creating {len(samples)} sample(s) returned an unexpected answer: {result!r}",
                result,
            )
        for sample, data in zip(samples, created, strict=True):
            sample.reload(data)
        return samples

    def create_items(self, items: list[Item]) -> list[Any]:
        """Make one new item per model in ``items`` (``GET items/make/{sample}/{type}``)."""
        results = []
        for item in items:
            sample_id = _ref_id(item, "sample_id", "sample")
            object_type_id = _ref_id(item, "object_type_id", "object_type")
            results.append(self.aqhttp.get(f"items/make/{sample_id}/{object_type_id}"))
        return results

    def update_operation_type(self, operation_type: OperationType) -> OperationType:
        """``PUT operation_types/{id}`` with the type's save JSON; reloads it."""
        result = self.aqhttp.put(
            f"operation_types/{operation_type.id}", json_data=operation_type.to_save_json()
        )
        operation_type.reload(result)
        return operation_type

    def create_operation_type(self, operation_type: OperationType) -> OperationType:
        """``POST operation_types.json``; reloads the operation type from the answer."""
        result = self.aqhttp.post("operation_types.json", json_data=operation_type.to_save_json())
        operation_type.reload(result)
        return operation_type

    def create_library(self, library: Library) -> Library:
        """``POST libraries.json`` with the library and its source code."""
        result = self.aqhttp.post("libraries.json", json_data=library.dump(include={"source": {}}))
        library.reload(result)
        return library

    def create_sample_type(self, sample_type: SampleType) -> SampleType:
        """``POST sample_types.json``; reloads from the ``sample_type`` wrapper and returns it."""
        data = sample_type.dump(include="field_types", ignore="rid")
        for field_type in data.get("field_types") or []:
            for key in ("rid", "parent_class", "parent_id"):
                field_type.pop(key, None)
        result = self.aqhttp.post("sample_types.json", json_data={"sample_type": data})
        if isinstance(result, dict) and isinstance(result.get("sample_type"), dict):
            result = result["sample_type"]
        sample_type.reload(result)
        return sample_type

    def create_upload(self, upload: Upload) -> Upload:
        """``POST krill/upload`` with the file as multipart; reloads the upload."""
        job_id = getattr(upload, "job_id", None)
        params = None if job_id is None else {"job": job_id}
        result = self.aqhttp.post(
            "krill/upload", json_data=None, params=params, files={"file": upload.file}
        )
        upload.reload(result)
        return upload

    def create_data_association(
        self, model: ModelBase, key: Any, value: Any, upload: Upload | None = None
    ) -> Any:
        """Save ``{key: value}`` as a data association of ``model`` (which needs an id).

        Returns the new association (or the one with the same id already on the model).
        """
        if not model.id:
            raise ValueError(
                f"{type(model).__name__} has no id: save it before associating data with it."
            )
        data = {
            "parent_id": model.id,
            "key": str(key),
            "object": json.dumps({str(key): value}),
            "parent_class": model.get_server_model_name(),
            "upload_id": getattr(upload, "id", None),
        }
        result = self.json_save("DataAssociation", data)
        association = self.session.DataAssociation.find(result["id"])
        existing = model.data_associations or []
        for known in existing:
            if known.id == association.id:
                return known
        model.data_associations = [*existing, association]
        return association

    def update_code(self, code: Code) -> Code:
        """Store new content for a code object (``POST {parents}/code``); Aquarium versions it."""
        from aqsession.models import get_model

        table = get_model(code.parent_class).get_tableized_name()
        body = {"id": code.parent_id, "name": code.name, "content": code.content}
        result = self.aqhttp.post(f"{table}/code", json_data=body)
        if not isinstance(result, dict) or "id" not in result:
            raise TridentRequestError(
                f"Unable to update code object {code.name!r} of {code.parent_class} "
                f"{code.parent_id}: the server answered {result!r}",
                result,
            )
        code.id = result["id"]
        code.parent_id = result["parent_id"]
        code.updated_at = result["updated_at"]
        return code

    def move_item(self, item: Item, location: str) -> Item:
        """Move ``item`` to ``location`` (``GET items/move/{id}?location=...``)."""
        if not item.id:
            raise ValueError("Only a saved item (with an id) can be moved; save it first.")
        result = self.aqhttp.get(f"items/move/{item.id}", params={"location": location})
        if isinstance(result, dict) and ("error" in result or "errors" in result):
            raise TridentRequestError(str(result), result)
        item.location = location
        return item

    def store_item(self, item: Item) -> Item:
        """Put ``item`` in its next free location (``GET items/store/{id}``) and refresh it."""
        if not item.id:
            raise ValueError("Only a saved item (with an id) can be stored; save it first.")
        self.aqhttp.get(f"items/store/{item.id}")
        item.refresh()
        return item

    def estimate_plan_cost(self, plan: Plan) -> float:
        """Ask the server for the plan's cost; sets ``operation.cost`` and returns the total."""
        result = self.aqhttp.post("launcher/estimate", json_data={"id": plan.id})
        costs = {entry["id"]: entry for entry in result.get("costs", []) if "id" in entry}
        failed = [entry for entry in result.get("costs", []) if "id" not in entry]
        if failed:
            raise TridentRequestError(
                f"Aquarium could not estimate the cost of plan {plan.id}: {failed}", result
            )
        total = 0.0
        for operation in plan.operations or []:
            cost = costs.get(operation.id)
            if cost is None:
                continue
            operation.cost = cost
            total += (cost["labor"] * cost["labor_rate"] + cost["materials"]) * cost["markup_rate"]
        return total

    def step_plan(self, plan_id: int) -> Any:
        """Advance the plan's operations whose inputs are ready."""
        return self.aqhttp.get("operations/step", params={"plan_id": plan_id})

    def replan(self, plan_id: int) -> Any:
        """Copy a plan on the server; returns the new Plan."""
        return self.session.Plan.load(self.aqhttp.get(f"plans/replan/{plan_id}"))

    def start_job(self, job_id: int) -> Any:
        """``GET krill/start?job={id}``."""
        return self.aqhttp.get("krill/start", params={"job": job_id})

    def batch_operations(self, operation_ids: list[int]) -> Any:
        """Batch operations into a job (``POST operations/batch``)."""
        return self.aqhttp.post(
            "operations/batch", json_data={"operation_ids": list(operation_ids)}
        )

    def unbatch_operations(self, operation_ids: list[int]) -> Any:
        """Undo batching (``POST operations/unbatch``)."""
        return self.aqhttp.post(
            "operations/unbatch", json_data={"operation_ids": list(operation_ids)}
        )

    def set_operation_status(self, operation_id: int, status: str) -> Any:
        """``GET operations/{id}/status/{status}``."""
        return self.aqhttp.get(f"operations/{operation_id}/status/{status}")

    def job_debug(self, job_id: int) -> Any:
        """Run a job's protocol in debug mode (``GET krill/debug/{id}``)."""
        return self.aqhttp.get(f"krill/debug/{job_id}")

    def submit_plan(self, plan: Plan, user: User, budget: Budget) -> Any:
        """Start ``plan`` for ``user`` charged to ``budget``."""
        return self.aqhttp.get(
            f"plans/start/{plan.id}", params={"budget_id": budget.id, "user_id": user.id}
        )

    def compatible_items(self, sample_id: int, object_type_id: int) -> list[Any]:
        """Items of ``object_type_id`` that hold ``sample_id`` (``POST json/items``).

        Plain items come back as Item models; for collection types the server answers
        ``{"row", "column", "collection"}`` entries, returned as dicts whose ``collection`` is
        a Collection model.
        """
        result = self.aqhttp.post("json/items", json_data={"sid": sample_id, "oid": object_type_id})
        found: list[Any] = []
        for entry in result or []:
            if isinstance(entry, dict) and "collection" in entry:
                found.append(
                    {**entry, "collection": self.session.Collection.load(entry["collection"])}
                )
            else:
                found.append(self.session.Item.load(entry))
        return found


def _ref_id(model: Any, id_name: str, relation: str) -> Any:
    value = getattr(model, id_name, None)
    if value is None:
        related = getattr(model, relation, None)
        value = getattr(related, "id", None)
    if value is None:
        raise ValueError(
            f"{type(model).__name__} needs {id_name} (or a saved {relation}) to be created."
        )
    return value
