"""Seeding a store from the model records found in recorded responses.

Every ``/json`` answer (and the other JSON answers that carry records) names its model in the
request, and every embedded record is reachable through an association or a record-returning
method of that model (:func:`aqfake.tables.record_target`). Walking the recorded answers that way
gives rows for every table, which are merged by id: later recordings fill in what earlier ones
left out. Computed values are stored back as Aquarium stores them (``"Unknown"`` locations become
NULL) and secret columns are never imported.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..passwords import hash_password
from ..store import Store, StoreError
from ..tables import MODELS, TABLES, record_target
from .scrub import PASSWORD_PLACEHOLDER
from .serializer import deserialize

LOG = logging.getLogger("aqfake")


@dataclass(frozen=True)
class RecordedExchange:
    """One recorded request with its decoded JSON answer."""

    method: str
    uri: str
    body: Any
    status: int
    response: Any


def load_exchanges(paths: Iterable[str | os.PathLike[str]]) -> list[RecordedExchange]:
    """Every interaction of the given cassette files, in recording order."""
    exchanges = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            document = deserialize(handle.read())
        for interaction in document.get("interactions", []):
            request, response = interaction["request"], interaction["response"]
            body = _decode(request.get("body"))
            answer = _decode((response.get("body") or {}).get("string"))
            exchanges.append(
                RecordedExchange(
                    method=request["method"],
                    uri=request["uri"],
                    body=body,
                    status=int(response["status"]["code"]),
                    response=answer,
                )
            )
    return exchanges


def _decode(text: Any) -> Any:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def records_of(exchange: RecordedExchange) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(model name, record)`` for every record in a recorded answer, nested ones included."""
    if exchange.status >= 300 or exchange.response is None:
        return
    path = exchange.uri.split("?", 1)[0].rstrip("/")
    body = exchange.body if isinstance(exchange.body, dict) else {}
    model = body.get("model")
    if path.endswith("/json") and isinstance(model, str) and model in MODELS:
        if body.get("method") != "new":
            yield from _walk(model, exchange.response)
    elif path.endswith("/json/save") and isinstance(model, dict):
        name = model.get("model")
        if isinstance(name, str) and name in MODELS:
            yield from _walk(name, exchange.response)
    elif path.endswith(("/json/current", "/users/current")):
        yield from _walk("User", exchange.response)


def _walk(model: str, data: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(data, list):
        for item in data:
            yield from _walk(model, item)
        return
    if not isinstance(data, dict) or "id" not in data:
        return
    yield model, data
    for key, value in data.items():
        if isinstance(value, (dict, list)):
            target = record_target(model, key)
            if target is not None:
                yield from _walk(target, value)


def _row(model: str, record: dict[str, Any]) -> dict[str, Any]:
    table = TABLES[MODELS[model].table]
    row = {c.name: record[c.name] for c in table.public_columns if c.name in record}
    if table.name == "items" and row.get("location") in ("Unknown", "Part of Collection"):
        row["location"] = None  # computed on render; the stored value is not recorded
    if table.name == "object_types" and row.get("handler") != "collection":
        row.pop("rows", None)
        row.pop("columns", None)
    return row


def seed_store(store: Store, exchanges: Iterable[RecordedExchange]) -> dict[str, int]:
    """Merge every recorded record into ``store``; the number of rows per table afterwards.

    Records the recorded session created itself (saves without an id, created samples and
    items) are left out, and each such table's id counter starts at the first id the server
    handed out, so replaying the session creates them again with the same ids.
    """
    exchanges = list(exchanges)
    created = _created_in_session(exchanges)
    part_type_id = None
    with store.lock:
        for exchange in exchanges:
            for model, record in records_of(exchange):
                table = MODELS[model].table
                if (table, record.get("id")) not in created:
                    _merge(store, table, _row(model, record))
                if model == "User" and isinstance(record.get("groups"), list):
                    _merge_memberships(store, record)
                if part_type_id is None and table == "items" and _is_part(record):
                    part_type_id = record.get("object_type_id")
        for table, first_id in _first_ids(created).items():
            store.reserve_ids(table, first_id)
        _ensure_part_type(store, part_type_id)
        _accept_recorded_logins(store, exchanges)
        return {name: store.count(name) for name in store.tables if store.count(name)}


def _created_in_session(exchanges: list[RecordedExchange]) -> set[tuple[str, Any]]:
    """``(table, id)`` of the records that recorded requests created."""
    created: set[tuple[str, Any]] = set()
    for exchange in exchanges:
        if exchange.status != 200 or not isinstance(exchange.response, dict):
            continue
        path = exchange.uri.split("?", 1)[0].rstrip("/")
        body = exchange.body if isinstance(exchange.body, dict) else {}
        answer = exchange.response
        if path.endswith("/json/save") and not body.get("id"):
            model = body.get("model")
            name = model.get("model") if isinstance(model, dict) else None
            if name in MODELS and "id" in answer:
                created.add((MODELS[name].table, answer["id"]))
        elif path.endswith("/browser/create_samples"):
            created.update(("samples", s.get("id")) for s in answer.get("samples") or [])
        elif "/items/make/" in path and isinstance(answer.get("item"), dict):
            created.add(("items", answer["item"].get("id")))
    return {(table, row_id) for table, row_id in created if isinstance(row_id, int)}


def _first_ids(created: set[tuple[str, Any]]) -> dict[str, int]:
    first: dict[str, int] = {}
    for table, row_id in created:
        first[table] = min(row_id, first.get(table, row_id))
    return first


def _merge_memberships(store: Store, user: dict[str, Any]) -> None:
    """A user record's ``groups`` are its memberships (Aquarium renders them through them)."""
    for group in user["groups"]:
        group_id = group.get("id") if isinstance(group, dict) else None
        if not isinstance(group_id, int):
            continue
        if not store.lookup("memberships", user_id=user["id"], group_id=group_id):
            store.insert("memberships", user_id=user["id"], group_id=group_id)


def _merge(store: Store, table: str, row: dict[str, Any]) -> None:
    try:
        existing = store.get(table, row["id"])
        if existing is None:
            store.insert(table, row)
        else:
            known = {k: v for k, v in row.items() if k != "id" and v is not None}
            store.update(table, row["id"], {**known, "updated_at": row.get("updated_at")})
    except StoreError as exc:  # a malformed record in a recording is skipped, not fatal
        LOG.warning("aqfake: skipped a recorded %s record %r: %s", table, row.get("id"), exc)


def _is_part(item: dict[str, Any]) -> bool:
    """Whether a rendered item is a collection part (its type is then ``__Part``)."""
    return item.get("is_part") is True or item.get("location") == "Part of Collection"


def _ensure_part_type(store: Store, part_type_id: Any) -> None:
    """Items cannot render without the ``__Part`` object type (protocol quirk 6).

    When the recordings never showed it, it gets the id read off the recorded part items
    (``part_type_id``, from items rendered as ``Part of Collection`` or ``is_part: true``).
    """
    if store.first("object_types", name="__Part") is not None:
        return
    values: dict[str, Any] = {
        "name": "__Part",
        "handler": "sample_container",
        "description": "part",
    }
    if isinstance(part_type_id, int) and store.get("object_types", part_type_id) is None:
        values["id"] = part_type_id
    store.insert("object_types", values)


def _accept_recorded_logins(store: Store, exchanges: list[RecordedExchange]) -> None:
    """Users who logged in during a recording can log in to the seeded fake (see module doc)."""
    for exchange in exchanges:
        if not exchange.uri.split("?", 1)[0].endswith("/sessions.json"):
            continue
        session = exchange.body.get("session") if isinstance(exchange.body, dict) else None
        login = session.get("login") if isinstance(session, dict) else None
        if not isinstance(login, str):
            continue
        user = store.first("users", login=login.lower())
        if user is None:
            user = store.insert("users", login=login.lower(), name=login)
        if exchange.status == 200 and not user.get("password_digest"):
            store.update(
                "users",
                user["id"],
                password_digest=hash_password(PASSWORD_PLACEHOLDER, secrets.token_bytes(16)),
                remember_token=user.get("remember_token") or secrets.token_urlsafe(16)[:22],
            )
