"""A tiny session double for the model tests (no tests here).

``FakeSession`` answers ``model_interface(name)`` (find / where / one / get / load / new),
``utils`` (the UtilityInterface methods the models call) and ``aqhttp`` (post / get) from
in-memory tables, and records every call in ``session.calls`` as tuples such as
``("find", "Sample", 3)`` or ``("where", "Item", {"sample_id": 3})``.
"""

from __future__ import annotations

import json
from typing import Any

from aqsession.exceptions import ForbiddenRequestError, TridentRequestError
from aqsession.models import get_model

# Models stored in another model's table.
TABLE_OF = {"Collection": "Item"}


def _table(name: str) -> str:
    return TABLE_OF.get(name, name)


def _matches(row: dict[str, Any], query: dict[str, Any]) -> bool:
    for key, wanted in query.items():
        value = row.get(key)
        if isinstance(wanted, list):
            if value not in wanted:
                return False
        elif value != wanted:
            return False
    return True


class FakeResponse:
    def __init__(self, status_code: int) -> None:
        self.status_code = status_code


class FakeServer:
    """Rows per model name, with ids assigned on insert."""

    def __init__(self, tables: dict[str, list[dict[str, Any]]] | None = None) -> None:
        self.tables: dict[str, list[dict[str, Any]]] = {}
        self.next_id = 1000
        for name, rows in (tables or {}).items():
            for row in rows:
                self.insert(name, row)

    def rows(self, name: str) -> list[dict[str, Any]]:
        return self.tables.setdefault(_table(name), [])

    def insert(self, name: str, row: dict[str, Any]) -> dict[str, Any]:
        row = dict(row)
        if row.get("id") is None:
            self.next_id += 1
            row["id"] = self.next_id
        self.rows(name).append(row)
        return dict(row)

    def upsert(self, name: str, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("id") is not None:
            for row in self.rows(name):
                if row["id"] == data["id"]:
                    row.update(data)
                    return dict(row)
        return self.insert(name, data)

    def find(self, name: str, model_id: Any) -> dict[str, Any] | None:
        for row in self.rows(name):
            if row["id"] == model_id:
                return dict(row)
        return None

    def where(self, name: str, query: dict[str, Any]) -> list[dict[str, Any]]:
        return [dict(row) for row in self.rows(name) if _matches(row, query or {})]


class FakeInterface:
    def __init__(self, name: str, session: FakeSession) -> None:
        self.name = name
        self.session = session
        self.model = get_model(name)

    def _load(self, data: Any) -> Any:
        return None if data is None else self.model.load_from(data, self.session)

    def find(self, model_id: Any) -> Any:
        self.session.record("find", self.name, model_id)
        return self._load(self.session.server.find(self.name, model_id))

    def where(self, query: Any, methods: Any = None, **kwargs: Any) -> list[Any]:
        self.session.record("where", self.name, query)
        rows = self.session.server.where(self.name, query)
        for row in rows:
            for method in methods or []:
                row.setdefault(method, self.session.methods.get(method))
        return list(self._load(rows))

    def one(self, query: Any = None, first: bool = False, **kwargs: Any) -> Any:
        self.session.record("one", self.name, query)
        rows = self.session.server.where(self.name, query or {})
        if not rows:
            return None
        rows.sort(key=lambda row: row["id"])
        return self._load(rows[0] if first else rows[-1])

    def get(self, path: str) -> Any:
        return self._load(self.session.aqhttp.get(path))

    def load(self, data: Any) -> Any:
        return self._load(data)

    def new(self, *args: Any, **kwargs: Any) -> Any:
        return self.model.new_bound(self.session, *args, **kwargs)


class FakeHTTP:
    def __init__(self, session: FakeSession) -> None:
        self.session = session
        self.timeout = 10
        self.routes: dict[str, Any] = {}

    def post(self, path: str, json_data: Any = None, **kwargs: Any) -> Any:
        self.session.record("post", path, json_data)
        if path == "json" and isinstance(json_data, dict) and "id" in json_data:
            row = self.session.server.find(json_data["model"], json_data["id"])
            if row is None:
                raise TridentRequestError("not found", FakeResponse(422))
            return row
        return self.routes.get(path)

    def get(self, path: str, **kwargs: Any) -> Any:
        self.session.record("get", path, kwargs.get("params"))
        if path.startswith("plans/") and path.endswith(".json"):
            plan_id = int(path[len("plans/") : -len(".json")])
            row = self.session.server.find("Plan", plan_id)
            if row is None:
                raise TridentRequestError("missing", FakeResponse(404))
            return row
        return self.routes.get(path)


class FakeUtils:
    """The UtilityInterface methods the models call, answering from the fake tables."""

    def __init__(self, session: FakeSession) -> None:
        self.session = session

    def _record(self, name: str, *args: Any) -> None:
        self.session.record("utils." + name, *args)

    def json_save(self, name: str, data: dict[str, Any]) -> dict[str, Any]:
        self._record("json_save", name, data)
        row = {k: v for k, v in data.items() if k != "rid"}
        return self.session.server.upsert(name, row)

    def json_delete(self, name: str, data: dict[str, Any]) -> dict[str, Any]:
        self._record("json_delete", name, data)
        rows = self.session.server.rows(name)
        rows[:] = [row for row in rows if row["id"] != data.get("id")]
        return data

    def model_create(self, table: str, data: Any, params: Any = None) -> Any:
        self._record("model_create", table, data, params)
        return {**{k: v for k, v in data.items() if not isinstance(v, (list, dict))}, "id": 77}

    def model_update(self, table: str, model_id: Any, data: Any, params: Any = None) -> Any:
        self._record("model_update", table, model_id, data, params)
        if table == "collections":
            return {"id": 88, "object_type_id": model_id, "location": "Bench"}
        return {k: v for k, v in data.items() if not isinstance(v, (list, dict))}

    def model_delete(self, table: str, model_id: Any, params: Any = None) -> Any:
        self._record("model_delete", table, model_id)
        return {}

    def create_samples(self, samples: list[Any]) -> list[Any]:
        self._record("create_samples", [s.dump(include=("field_values",)) for s in samples])
        for sample in samples:
            data = sample.dump()
            data.pop("rid")
            sample.reload(self.session.server.insert("Sample", data))
        return samples

    def create_items(self, items: list[Any]) -> list[Any]:
        self._record("create_items", [(i.sample_id, i.object_type_id) for i in items])
        return [
            {
                "item": self.session.server.insert(
                    "Item", {"sample_id": i.sample_id, "location": None}
                )
            }
            for i in items
        ]

    def move_item(self, item: Any, location: str) -> Any:
        self._record("move_item", item.id, location)
        item.location = location
        return item

    def store_item(self, item: Any) -> Any:
        self._record("store_item", item.id)
        return item

    def create_data_association(self, model: Any, key: Any, value: Any, upload: Any = None) -> Any:
        self._record("create_data_association", model.id, key, value)
        row = self.session.server.insert(
            "DataAssociation",
            {
                "parent_id": model.id,
                "parent_class": model.get_server_model_name(),
                "key": str(key),
                "object": json.dumps({str(key): value}),
            },
        )
        association = get_model("DataAssociation").load_from(row, self.session)
        model.data_associations = [*(model.data_associations or []), association]
        return association

    def update_code(self, code: Any) -> Any:
        self._record("update_code", code.parent_class, code.parent_id, code.content)
        code.id = 501
        return code

    def create_upload(self, upload: Any) -> Any:
        self._record("create_upload", upload.job_id)
        upload.reload({"id": 9, "job_id": upload.job_id})
        return upload

    def create_operation_type(self, operation_type: Any) -> Any:
        self._record("create_operation_type", operation_type.to_save_json())
        return operation_type

    def update_operation_type(self, operation_type: Any) -> Any:
        self._record("update_operation_type", operation_type.id)
        return operation_type

    def submit_plan(self, plan: Any, user: Any, budget: Any) -> Any:
        self._record("submit_plan", plan.id, user.id, budget.id)
        return {"result": "ok"}


class FakeSession:
    """Implements what models use of an AqSession; records every call."""

    def __init__(
        self,
        tables: dict[str, list[dict[str, Any]]] | None = None,
        *,
        url: str = "http://aq.test",
        using_cache: bool = False,
    ) -> None:
        self.server = FakeServer(tables)
        self.url = url
        self.using_cache = using_cache
        self.using_requests = True
        self.calls: list[tuple[Any, ...]] = []
        self.methods: dict[str, Any] = {}
        self.current_user: Any = None
        self.aqhttp = FakeHTTP(self)
        self._utils = FakeUtils(self)

    @property
    def session(self) -> FakeSession:
        return self

    @property
    def utils(self) -> FakeUtils:
        return self._utils

    def record(self, *call: Any) -> None:
        if not self.using_requests:
            raise ForbiddenRequestError(f"Attempted a request ({call[0]} {call[1]}) when off.")
        self.calls.append(call)

    def model_interface(self, name: str, interface_class: Any = None) -> FakeInterface:
        return FakeInterface(name, self)

    def load(self, name: str, data: Any) -> Any:
        """Shortcut for tests: ``get_model(name).load_from(data, self)``."""
        return get_model(name).load_from(data, self)

    def new(self, model_name: str, /, *args: Any, **kwargs: Any) -> Any:
        return get_model(model_name).new_bound(self, *args, **kwargs)
