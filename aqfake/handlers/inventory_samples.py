"""Samples: ``POST /browser/create_samples`` and ``GET /sample_list[/:sample_type_id]``.

``create_samples`` follows ``BrowserController#create_samples`` and ``Sample.creator`` /
``Sample#updater`` (protocol section 5.6): every sample of the request is created inside one
transaction; the first sample that fails validation rolls everything back and the answer is
still **200**, with ``{"errors": ["<full messages>"]}``; an exception (an unknown sample type,
a field value id that does not exist, a body of the wrong shape) rolls back too and answers 200
``{"errors": [message, backtrace]}``. Field values are created with only ``parent_class``,
``parent_id`` and ``name`` -- ``field_type_id`` and ``role`` stay NULL, as on the real server.
"""

from __future__ import annotations

from typing import Any

from ..casting import (
    CastError,
    RubyError,
    dig,
    from_user,
    no_method,
    not_found_message,
    record_id,
    ruby_each,
    ruby_float_to_s,
    ruby_split,
    ruby_to_s,
    ruby_truthy,
    to_double,
)
from ..domain.inventory import begin
from ..domain.transaction import Transaction
from ..render import Renderer
from ..routing import Auth, Context, Route
from ..store import Row, Store
from ..validations import Errors, full_messages, model_errors
from ..wire import Response, json_response

_CREATOR = "app/models/sample.rb:in `creator'"
_UPDATER = "app/models/sample.rb:in `block in updater'"
_CONTROLLER = "app/controllers/browser_controller.rb:in `block (2 levels) in create_samples'"
#: The backtrace of an exception raised while one sample is built.
_FRAMES = (_UPDATER, _CREATOR, _CONTROLLER)


class _Invalid(Exception):
    """A sample failed validation: the transaction is rolled back, the errors reported."""

    def __init__(self, errors: Errors) -> None:
        super().__init__(errors)
        self.errors = errors


class SampleCreator:
    """``Sample.creator`` for one request: creates samples through one :class:`Transaction`."""

    def __init__(self, log: Transaction, user: Row) -> None:
        self.log = log
        self.store: Store = log.store
        self.user = user

    def create(self, raw: Any) -> Row:
        """One sample and its field values; raises :class:`_Invalid` or :class:`RubyError`."""
        columns = self.store.table("samples")
        values: dict[str, Any] = {"user_id": self.user["id"]}
        for name in ("sample_type_id", "name", "description", "project"):
            values[name] = from_user(_column(columns, name), dig(raw, name, *_FRAMES))
        errors = model_errors(self.store, "Sample", values)
        if errors:
            raise _Invalid(errors)
        sample = self.log.insert("samples", values)
        type_id = dig(raw, "sample_type_id", *_FRAMES)
        sample_type = self.store.get("sample_types", record_id(type_id))
        if sample_type is None:
            raise RubyError(
                not_found_message("SampleType", type_id),
                "activerecord/lib/active_record/core.rb:in `find'",
                *_FRAMES,
            )
        field_values = dig(raw, "field_values", *_FRAMES)
        if ruby_truthy(field_values):
            for raw_fv in ruby_each(field_values, *_FRAMES):
                self._field_value(sample, sample_type, raw_fv)
        return sample

    def _field_value(self, sample: Row, sample_type: Row, raw_fv: Any) -> None:
        name = dig(raw_fv, "name", *_FRAMES)
        field_type = next(
            (
                ft
                for ft in self.store.lookup(
                    "field_types", parent_class="SampleType", parent_id=sample_type["id"]
                )
                if ft["name"] == name
            ),
            None,
        )
        if field_type is None:
            return
        fv_id, deleted = dig(raw_fv, "id", *_FRAMES), dig(raw_fv, "deleted", *_FRAMES)
        if ruby_truthy(fv_id) and ruby_truthy(deleted):
            doomed = self.store.get("field_values", record_id(fv_id))
            if doomed is not None:
                self.log.delete("field_values", doomed["id"])
            return
        if ruby_truthy(deleted):
            return
        if ruby_truthy(fv_id):
            found = self.store.get("field_values", record_id(fv_id))
            if found is None:
                raise _Invalid(
                    [
                        ("missing_field_value", f"Field value {ruby_to_s(fv_id)} not found in db."),
                        ("missing_field_value", not_found_message("FieldValue", fv_id)),
                    ]
                )
            fv = found
        else:
            text = from_user(_column(self.store.table("field_values"), "name"), name)
            fv = self.log.insert(
                "field_values", {"parent_class": "Sample", "parent_id": sample["id"], "name": text}
            )
        self.log.update("field_values", fv["id"], self._value_changes(field_type, raw_fv))

    def _value_changes(self, field_type: Row, raw_fv: Any) -> dict[str, Any]:
        ftype = field_type["ftype"]
        if ftype == "sample":
            return self._child_sample(field_type, raw_fv)
        value = dig(raw_fv, "value", *_FRAMES)
        if ftype == "number":
            return {"value": ruby_float_to_s(_to_f(value))}
        return {"value": from_user(_column(self.store.table("field_values"), "value"), value)}

    def _child_sample(self, field_type: Row, raw_fv: Any) -> dict[str, Any]:
        nested = dig(raw_fv, "new_child_sample", *_FRAMES)
        name = dig(raw_fv, "child_sample_name", *_FRAMES)
        if ruby_truthy(nested):
            try:
                child: Row | None = self.create(nested)
            except _Invalid as invalid:
                messages = ",".join(full_messages(invalid.errors))
                raise _Invalid([("child_error", f"{field_type['name']}: {messages}")]) from None
        else:
            child = _sample_from_identifier(self.store, name)
        if child is not None:
            return {"child_sample_id": child["id"]}
        if field_type["required"] and name != "":
            raise _Invalid(
                [
                    (
                        "required",
                        f"Sample required for field '{field_type['name']}' not found or not "
                        "specified.",
                    )
                ]
            )
        return {"child_sample_id": None} if name == "" else {}


def _column(table: Any, name: str) -> Any:
    found = table.column(name)
    assert found is not None, f"no column {name} in {table.name}"
    return found


def _to_f(value: Any) -> float:
    """Ruby's ``to_f`` for a JSON value (nil is 0.0; true, hashes and arrays have none)."""
    if value is None:
        return 0.0
    if isinstance(value, (bool, dict, list)):
        raise RubyError(
            no_method("to_f", value),
            *_FRAMES,
        )
    if isinstance(value, str):
        return to_double(value)
    return float(value)


def _sample_from_identifier(store: Store, text: Any) -> Row | None:
    """``Sample.sample_from_identifier``: the sample named after the first ``": "``."""
    if not isinstance(text, str):
        return None
    parts = ruby_split(text, ": ")
    if len(parts) < 2:
        return None
    return store.first("samples", name=": ".join(parts[1:]))


def create_samples(ctx: Context) -> Response:
    """``POST /browser/create_samples``: all samples or none, always answering 200."""
    assert ctx.user is not None  # the route requires a signed-in user
    log = begin(ctx.store)
    creator = SampleCreator(log, ctx.user)
    created: list[Row] = []
    try:
        for raw in ruby_each(ctx.params.get("samples"), _CONTROLLER):
            created.append(creator.create(raw))
    except _Invalid as invalid:
        log.rollback()
        return json_response({"errors": [", ".join(full_messages(invalid.errors))]})
    except RubyError as exc:
        log.rollback()
        return json_response({"errors": [exc.message, exc.backtrace()]})
    except CastError as exc:  # ActiveModel::RangeError when the record is saved
        log.rollback()
        return json_response({"errors": [str(exc), _CONTROLLER]})
    renderer = Renderer(ctx.store, ctx.base_url)
    return json_response({"samples": [renderer.record("Sample", row) for row in created]})


def sample_list(ctx: Context, sample_type_id: str | None = None) -> Response:
    """``GET /sample_list[/:sample_type_id]``: ``"<id>: <name>"`` for every (matching) sample."""
    rows = (
        ctx.store.rows("samples")
        if sample_type_id is None
        else ctx.store.lookup("samples", sample_type_id=record_id(sample_type_id))
    )
    return json_response([f"{row['id']}: {row['name'] or ''}" for row in rows])


ROUTES: list[Route] = [
    Route("POST", "/browser/create_samples", create_samples, Auth.UP_TO_DATE),
    Route("GET", "/sample_list", sample_list),
    Route("GET", "/sample_list/:sample_type_id", sample_list),
]
