"""ModelBase: data storage, loading, dumping and session binding shared by all 27 models.

A model keeps three stores:

* ``_data`` — plain values (columns, method results, unknown keys) exactly as loaded or set;
* ``_related`` — relationship values (models, lists of models, ``None``, or NOT_LOADED);
* ``raw`` — an untouched copy of the last data loaded into it.

Attribute reads fall back to ``_data``; declared columns that are absent read as ``None``.
Attribute writes go to the field descriptors when the name is declared, otherwise to ``_data``.
"""

from __future__ import annotations

import pprint
import threading
from collections.abc import Iterable
from itertools import chain
from typing import Any, ClassVar, TypeVar

from aqsession.exceptions import (
    AquariumModelError,
    AquariumModelNotFound,
    NoSessionError,
    SessionAlreadySet,
    TridentDepreciationWarning,
    TridentRequestError,
)
from aqsession.utils import url_build

from .jsoncopy import CONTAINERS, json_copy
from .markers import NOT_LOADED
from .naming import tableize
from .registry import register
from .relationships import (
    FetchRefused,
    Field,
    Function,
    One,
    Raw,
    Relationship,
    accepts,
    no_fetch,
    session_of,
)


class RidCounter:
    """The process-wide source of model ``rid`` numbers (thread-safe).

    Unpickled models keep the rids they had in the process that pickled them; the counter is
    moved past them (:meth:`advance_past`), so models made afterwards never share a rid with
    them (rids tell unsaved models apart: wires, plans and the Browser rely on that).
    """

    def __init__(self) -> None:
        self._next = 0
        self._lock = threading.Lock()

    def __iter__(self) -> RidCounter:
        return self

    def __next__(self) -> int:
        with self._lock:
            value = self._next
            self._next += 1
            return value

    def take(self, count: int) -> range:
        """``count`` consecutive rids at once (one lock for a whole list of loaded models)."""
        with self._lock:
            start = self._next
            self._next += count
            return range(start, start + count)

    def advance_past(self, rid: int) -> None:
        """Make sure every later rid is greater than ``rid``."""
        with self._lock:
            self._next = max(self._next, rid + 1)


_RIDS = RidCounter()
_DEFAULT_URL = "http://aquarium.org"
_INSTANCE_ATTRS = frozenset({"raw", "rid"})
_DICT_ONLY = frozenset({dict})
#: Markers of a model class's load plan (see ``ModelBase._load_plan``).
_SKIP = object()
_UNPLANNED = object()
#: Data keys a class remembers the handling of (records have a few dozen columns at most).
MAX_PLANNED_KEYS = 512
DEFAULT_COPY_KEEP = ("Item", "Sample", "Collection")

Spec = dict[str, Any]
_M = TypeVar("_M", bound="ModelBase")


def field_spec(value: Any) -> Spec:
    """Normalise an ``only``/``include``/``ignore`` argument to ``{name: nested spec}``."""
    if value is None:
        return {}
    if isinstance(value, str):
        return {value: None}
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, Iterable):
        spec: Spec = {}
        for item in value:
            spec.update(field_spec(item))
        return spec
    raise TypeError(
        f"Expected a field name, a list of names or a dict of nested names, got {value!r}."
    )


def _is_session(value: Any) -> bool:
    return hasattr(value, "model_interface")


class _ModelMeta(type):
    """Lets ``Model(..., session=s)`` bind the session before the model's own ``__init__``."""

    def __call__(cls: Any, *args: Any, session: Any = None, **kwargs: Any) -> Any:
        instance = cls.__new__(cls)
        instance._init_stores(session)
        instance.__init__(*args, **kwargs)
        return instance


class ModelBase(metaclass=_ModelMeta):
    """Base of all Aquarium models. Subclasses declare their data as class attributes:

    * ``COLUMNS`` — the table's columns (absent ones read as ``None``);
    * fields and relationships (descriptors from :mod:`.relationships`);
    * ``IGNORE`` — keys dropped on load; ``query_hook`` — extra keys for every query body;
    * ``STR_FIELDS`` — data keys shown by ``str()``.
    """

    #: pydent's constants: the URL of unbound models, the dump keys, the key names.
    DEFAULT_NAMESPACE: ClassVar[str] = _DEFAULT_URL
    MODEL_TYPE_DUMP_KEY: ClassVar[str] = "__model__"
    URI_DUMP_KEY: ClassVar[str] = "__uri__"
    PRIMARY_KEY: ClassVar[str] = "id"
    GLOBAL_KEY: ClassVar[str] = "rid"
    DEFAULT_COPY_KEEP_UNANONYMOUS: ClassVar[list[str]] = list(DEFAULT_COPY_KEEP)
    #: Where every model's ``rid`` comes from (one counter for the process).
    counter: ClassVar[Any] = _RIDS
    #: Every declared field by name (pydent's ``fields``), set for each class.
    fields: ClassVar[dict[str, Any]] = {}

    COLUMNS: ClassVar[tuple[str, ...]] = ()
    IGNORE: ClassVar[tuple[str, ...]] = ()
    STR_FIELDS: ClassVar[tuple[str, ...]] = ()
    SERVER_MODEL_NAME: ClassVar[str | None] = None
    query_hook: ClassVar[dict[str, Any]] = {}

    _fields: ClassVar[dict[str, Field]] = {}
    #: What loading does with each data key seen so far: a field loads it, None stores a copy,
    #: _SKIP drops it (``rid``, ``IGNORE``, ``__`` names). Filled as keys arrive.
    _load_plan: ClassVar[dict[str, Any]] = {}
    #: The keys of ``_load_plan`` stored as plain data (the fast path of ``_load_one``).
    _plain_keys: ClassVar[set[str]] = set()
    _relationships: ClassVar[dict[str, Field]] = {}
    _column_set: ClassVar[frozenset[str]] = frozenset({"id"})

    _data: dict[str, Any]
    _related: dict[str, Any]
    _session: Any
    rid: int
    raw: Any

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Collect the class's fields (inherited ones included) and register the model by name."""
        super().__init_subclass__(**kwargs)
        fields: dict[str, Field] = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                if isinstance(value, Field):
                    fields[name] = value
        cls._fields = fields
        cls._load_plan = {}
        cls._plain_keys = set()
        cls.fields = dict(fields)
        cls._relationships = {
            name: f for name, f in fields.items() if isinstance(f, (Relationship, Function))
        }
        cls._column_set = frozenset(("id", *cls.COLUMNS))
        register(cls)

    # -- construction ----------------------------------------------------------------------
    def _init_stores(self, session: Any) -> None:
        store = self.__dict__
        store["_data"] = {}
        store["_related"] = {}
        store["_session"] = None
        store["rid"] = next(_RIDS)
        store["raw"] = {}
        if session is not None:
            if _is_session(session):
                store["_session"] = session  # a new model: nothing to re-bind
            else:
                self.session = session  # raises NoSessionError

    def __init__(self, **kwargs: Any) -> None:
        self._set_fields(kwargs)

    def _set_fields(self, values: dict[str, Any]) -> None:
        """Constructor helper: plain values first (``None`` included), then relationships
        that were given (a ``None`` relationship stays unloaded, so it can still be fetched
        from its id)."""
        fields = self._fields
        for name, value in values.items():
            if not isinstance(fields.get(name), Relationship):
                setattr(self, name, value)
        for name, value in values.items():
            if isinstance(fields.get(name), Relationship) and value is not None:
                setattr(self, name, value)

    @classmethod
    def new_bound(cls: type[_M], session: Any, *args: Any, **kwargs: Any) -> _M:
        """A new instance built by the class's constructor and bound to ``session``."""
        return cls(*args, session=session, **kwargs)

    @classmethod
    def load_from(cls, data: Any, owner: Any = None) -> Any:
        """Models from server data: a dict gives one model, a list a list of models.

        ``owner`` is a session or a model; the new models are bound to ``owner.session``.
        Constructor defaults are not applied: a loaded model holds exactly the loaded data.
        """
        session = None if owner is None else owner.session
        if session is not None and not _is_session(session):
            raise NoSessionError(
                f"Cannot bind models to {session!r}: it is not an AqSession "
                "(it has no model_interface)."
            )
        if isinstance(data, list):
            return cls._load_list(data, session, False)
        return cls._load_one(data, session)

    @classmethod
    def load_answer(cls, data: Any, session: Any) -> Any:
        """Like :meth:`load_from`, for an answer the session has just decoded and holds alone.

        Nothing else refers to such records, and ``raw`` is never changed in place, so a list
        of flat records becomes the models' ``raw`` without a second copy.
        """
        if isinstance(data, list) and session is not None and _is_session(session):
            return cls._load_list(data, session, True)
        return cls.load_from(data, session)

    @classmethod
    def _load_list(cls, records: list[Any], session: Any, owned: bool) -> list[Any]:
        """Models from a list of records (a ``where``/``all`` answer).

        When every record is a dict of known plain columns holding only scalars (checked for
        the whole list at once, in C), the models are made in one tight loop with their rids
        taken as a block; otherwise each record goes through :meth:`_load_one`. ``owned``
        records (see :meth:`load_answer`) are kept as ``raw`` as they are.
        """
        plain = cls._plain_keys
        if not (
            _DICT_ONLY.issuperset(map(type, records))
            and plain.issuperset(chain.from_iterable(records))
            and CONTAINERS.isdisjoint(
                set(map(type, chain.from_iterable(map(dict.values, records))))
            )
        ):
            return [cls._load_one(item, session) for item in records]
        new = cls.__new__
        models = [new(cls) for _ in records]
        for model, record, rid in zip(models, records, _RIDS.take(len(records)), strict=True):
            store = model.__dict__
            store["_data"] = record.copy()
            store["_related"] = {}
            store["_session"] = session
            store["rid"] = rid
            store["raw"] = record if owned else record.copy()
        return models

    @classmethod
    def _load_one(cls, data: Any, session: Any) -> Any:
        """One model from a record; ``session`` is None or an already checked session.

        The fast path: a record whose keys are all plain columns this class has seen before
        and whose values are all scalars needs no per-key work, so its two stores are shallow
        copies made in C (with no nested containers a shallow copy is a full copy).
        """
        if type(data) is dict:
            if data.keys() <= cls._plain_keys and CONTAINERS.isdisjoint(map(type, data.values())):
                model = cls.__new__(cls)
                object.__setattr__(model, "__dict__", {
                    "_data": data.copy(), "_related": {}, "_session": session,
                    "rid": next(_RIDS), "raw": data.copy(),
                })  # fmt: skip
                return model
        elif isinstance(data, cls):
            return data
        elif not isinstance(data, dict):
            raise AquariumModelError(
                f"Cannot load a {cls.__name__} from {type(data).__name__} {data!r}: "
                "expected a dict of attributes."
            )
        model = cls.__new__(cls)
        model._init_stores(session)
        model.__dict__["raw"] = json_copy(data)
        model._apply(data)
        return model

    @classmethod
    def load(cls, *args: Any, **kwargs: Any) -> Any:
        """Deprecated in pydent; kept so old calls fail with a clear message."""
        raise TridentDepreciationWarning(
            f"{cls.__name__}.load is deprecated: use session.{cls.__name__}.load(data) or "
            f"{cls.__name__}.load_from(data, session)."
        )

    def _apply(self, data: dict[str, Any]) -> None:
        plan = self._load_plan
        store = self._data
        for key, value in data.items():
            action = plan.get(key, _UNPLANNED)
            if action is None:  # a plain column, the common case
                store[key] = json_copy(value) if type(value) in CONTAINERS else value
                continue
            if action is _UNPLANNED:
                action = self._plan_key(key)
                if len(plan) < MAX_PLANNED_KEYS:
                    plan[key] = action
                    if action is None:
                        self._plain_keys.add(key)
                if action is None:
                    store[key] = json_copy(value) if type(value) in CONTAINERS else value
                    continue
            if action is not _SKIP:
                action.load(self, value)

    @classmethod
    def _plan_key(cls, key: str) -> Any:
        if key == "rid" or key in cls.IGNORE or key.startswith("__"):
            return _SKIP
        return cls._fields.get(key)

    # -- attribute access ------------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        """Undeclared names read from the loaded data; an absent declared column reads None."""
        if name.startswith("__"):
            raise AttributeError(name)
        store = self.__dict__.get("_data")
        if store is None:
            raise AttributeError(name)
        try:
            return store[name]
        except KeyError:
            if name in self._column_set:
                return None
        raise AttributeError(
            f"{type(self).__name__!r} object has no attribute {name!r}: it is not a column of "
            f"{self.get_tableized_name()}, a field, or a key of the data loaded into this model."
        )

    def __setattr__(self, name: str, value: Any) -> None:
        """Declared fields and internals go on the object; any other name goes into the data."""
        if name.startswith("_") or name in _INSTANCE_ATTRS or hasattr(type(self), name):
            object.__setattr__(self, name, value)
        else:
            self._data[name] = value

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._data) | set(self._column_set))

    # -- session ---------------------------------------------------------------------------
    @property
    def session(self) -> Any:
        """The session this model loads through (None when unbound)."""
        return self._session

    @session.setter
    def session(self, value: Any) -> None:
        if not _is_session(value):
            raise NoSessionError(
                f"Cannot bind {self!r} to {value!r}: it is not an AqSession "
                "(it has no model_interface)."
            )
        if self._session is not None and self._session is not value:
            raise SessionAlreadySet(
                f"{self!r} is already bound to {self._session!r}; load or copy the model "
                "into the other session instead of re-binding it."
            )
        self.__dict__["_session"] = value

    def connect_to_session(self, session: Any) -> None:
        """Bind an unbound model to ``session``."""
        self.session = session

    # -- identity and names ----------------------------------------------------------------
    @property
    def _primary_key(self) -> Any:
        return self.id if self.id else f"r{self.rid}"

    @classmethod
    def get_server_model_name(cls) -> str:
        """The model name the server uses (``SERVER_MODEL_NAME`` or the class name)."""
        return cls.SERVER_MODEL_NAME or cls.__name__

    @classmethod
    def get_tableized_name(cls) -> str:
        """The model's Rails table name (``Sample`` -> ``samples``), used in REST routes."""
        return tableize(cls.__name__)

    @classmethod
    def get_fields(cls) -> dict[str, Field]:
        """Every declared field: Raw/JSON data fields, Functions and relationships."""
        return dict(cls._fields)

    @classmethod
    def get_relationships(cls) -> dict[str, Any]:
        """Relationships and computed (Function) fields by name; Raw/JSON are plain data."""
        return dict(cls._relationships)

    @property
    def uri(self) -> str:
        """This record's address on its server (``{url}/{table}/{id}``)."""
        base = getattr(self._session, "url", None) or _DEFAULT_URL
        return url_build(base, self.get_tableized_name(), self._primary_key)

    # -- relationship store ----------------------------------------------------------------
    def _relationship(self, name: str) -> Relationship:
        field = self._fields.get(name)
        if not isinstance(field, Relationship):
            names = sorted(n for n, f in self._fields.items() if isinstance(f, Relationship))
            raise AquariumModelError(
                f"{type(self).__name__} has no relationship {name!r}; its relationships are "
                f"{names}."
            )
        return field

    def is_deserialized(self, name: str) -> bool:
        """Whether ``name`` holds a value already (a relationship that needs no fetch)."""
        field = self._fields.get(name)
        if isinstance(field, Relationship):
            return self._related.get(name, NOT_LOADED) is not NOT_LOADED
        if isinstance(field, Function):
            return False
        return name in self._data

    def reset_field(self, name: str) -> None:
        """Forget a relationship's value so the next read fetches it again."""
        self._relationship(name)
        self._related.pop(name, None)

    def set_loaded(self, name: str, value: Any) -> None:
        """Store a relationship value fetched elsewhere (e.g. by the Browser's batches)."""
        field = self._relationship(name)
        if field.many and isinstance(value, tuple):
            value = list(value)
        self._related[name] = value

    def append_to_many(self, name: str, model: Any) -> ModelBase:
        """Append ``model`` to a many-relationship unless a model with its rid is there."""
        field = self._relationship(name)
        if not field.many:
            raise AquariumModelError(
                f"{type(self).__name__}.{name} holds a single {field.nested}; assign it instead."
            )
        if not accepts(field.nested, model):
            raise AquariumModelError(
                f"Cannot append {model!r} to {type(self).__name__}.{name}: it holds "
                f"{field.nested} models."
            )
        current = getattr(self, name)
        if current is None:
            current = []
            self._related[name] = current
        if all(existing.rid != model.rid for existing in current):
            current.append(model)
        return self

    # -- dumping ---------------------------------------------------------------------------
    def dump(
        self,
        only: Any = None,
        include: Any = None,
        ignore: Any = None,
        include_model_type: bool = False,
        include_uri: bool = False,
    ) -> dict[str, Any]:
        """A fresh dict of this model's data (nothing shared with the model).

        ``only``/``include``/``ignore`` take a name, a list of names or a nested dict such as
        ``{"sample_type": "field_types"}``. Included relationships are fetched if needed;
        computed fields are dumped only when they need no request.
        """
        only_spec = field_spec(only) if only is not None else None
        include_spec = field_spec(include)
        ignored = set(field_spec(ignore))

        def wanted(name: str) -> bool:
            return name not in ignored and (only_spec is None or name in only_spec)

        fields = self._fields
        out: dict[str, Any] = {}
        if "id" not in self._data and wanted("id"):
            out["id"] = None
        for key, value in self._data.items():
            if not wanted(key):
                continue
            copied = json_copy(value)
            field = fields.get(key)
            out[key] = field.dump_value(copied) if isinstance(field, Raw) else copied
        if wanted("rid"):
            out["rid"] = self.rid

        nested: list[tuple[str, Any, bool]] = [(k, v, False) for k, v in include_spec.items()]
        if only_spec:
            nested += [(k, v, True) for k, v in only_spec.items() if k not in include_spec]
        for name, sub, from_only in nested:
            field = fields.get(name)
            if name in ignored or not isinstance(field, Relationship):
                continue
            value = getattr(self, name)
            options = {
                "include_model_type": include_model_type,
                "include_uri": include_uri,
                ("only" if from_only and sub else "include"): sub,
            }
            if field.many:
                if value is not None:
                    out[name] = [m.dump(**options) for m in value]
            else:
                out[name] = None if value is None else value.dump(**options)

        for name, field in fields.items():
            if isinstance(field, Function) and field.dump and wanted(name):
                try:
                    with no_fetch():
                        out[name] = json_copy(getattr(self, name))
                except FetchRefused:
                    continue
        if include_model_type:
            out[self.MODEL_TYPE_DUMP_KEY] = self.get_server_model_name()
        if include_uri:
            out[self.URI_DUMP_KEY] = self.uri
        return out

    # -- reloading -------------------------------------------------------------------------
    def reload(self, data: Any) -> ModelBase:
        """Replace this model's data with ``data`` (a dict or another model), keeping its
        identity, rid and session. Keys absent from ``data`` are kept; relationships not in
        ``data`` are forgotten (so they refetch), except by-id ones whose key is unchanged."""
        if isinstance(data, ModelBase):
            data = data.dump()
        if not isinstance(data, dict):
            raise AquariumModelError(
                f"Cannot reload {self!r} from {type(data).__name__} {data!r}: expected a dict."
            )
        kept: dict[str, Any] = {}
        for name, value in self._related.items():
            if name in data:
                continue
            field = self._fields[name]
            if isinstance(field, One) and value is not NOT_LOADED and field.ref is not None:
                new_key = data.get(field.ref, self._data.get(field.ref))
                old_key = None if value is None else getattr(value, field.attr)
                if new_key == old_key and (value is not None or new_key is None):
                    kept[name] = value
        self.__dict__["_related"] = kept
        self.__dict__["raw"] = json_copy(data)
        self._apply(data)
        return self

    def refresh(self) -> ModelBase:
        """Reload this model from the server (bypassing any cache)."""
        session = session_of(self)
        if self.id is None:
            raise AquariumModelError(f"{self!r} has no id yet; save it before refreshing.")
        try:
            data = self._fetch_fresh(session, self.id)
        except TridentRequestError as exc:
            if exc.status_code not in (404, 422):
                raise
            data = None
        if not data:
            raise AquariumModelNotFound(
                f"{self.get_server_model_name()} {self.id} no longer exists on {session.url}."
            )
        return self.reload(data)

    @classmethod
    def _fetch_fresh(cls, session: Any, model_id: Any) -> Any:
        """Raw data for one record, straight from the server (no cache, no models)."""
        body = {"model": cls.get_server_model_name(), **json_copy(cls.query_hook), "id": model_id}
        return session.aqhttp.post("json", json_data=body)

    @classmethod
    def relationship_find(cls, session: Any, model_id: Any) -> Any:
        """How by-id relationships fetch one model of this class."""
        return session.model_interface(cls.__name__).find(model_id)

    # -- copies ----------------------------------------------------------------------------
    def _clone(self, memo: dict[int, ModelBase]) -> ModelBase:
        existing = memo.get(id(self))
        if existing is not None:
            return existing
        cls = type(self)
        clone = cls.__new__(cls)
        clone._init_stores(None)
        memo[id(self)] = clone
        for key, value in self.__dict__.items():
            if key not in ("_data", "_related", "rid", "raw"):
                clone.__dict__[key] = value
        clone.__dict__["_data"] = json_copy(self._data)
        clone.__dict__["raw"] = json_copy(self.raw)
        related = clone._related
        for name, value in self._related.items():
            if isinstance(value, ModelBase):
                related[name] = value._clone(memo)
            elif isinstance(value, list):
                related[name] = [v._clone(memo) if isinstance(v, ModelBase) else v for v in value]
            else:
                related[name] = value
        return clone

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a pickled model; later models get rids beyond its one."""
        self.__dict__.update(state)
        rid = state.get("rid")
        if isinstance(rid, int):
            _RIDS.advance_past(rid)

    def __deepcopy__(self, memo: dict[int, Any]) -> ModelBase:
        """A clone of the model and everything loaded under it, ids kept (unlike :meth:`copy`)."""
        return self._clone({})

    def __copy__(self) -> ModelBase:
        """``copy.copy(model)`` is :meth:`copy`: a copy ready to be saved as new."""
        return self.copy()

    def copy(self, keep: Iterable[str] | None = None) -> ModelBase:
        """A copy of this model and everything loaded under it, ready to be saved as new.

        Models whose class is not in ``keep`` (default Item, Sample, Collection) lose their
        id and timestamps, and keys pointing at such models are cleared; ``…Type`` models are
        never anonymised, so references to types survive.
        """
        kept = set(DEFAULT_COPY_KEEP if keep is None else keep)
        memo: dict[int, ModelBase] = {}
        clone = self._clone(memo)
        for model in memo.values():
            if type(model).__name__ not in kept:
                model.anonymize()
        for model in memo.values():
            for field in model._fields.values():
                if (
                    isinstance(field, One)
                    and field.ref is not None
                    and not field.nested.endswith("Type")
                    and field.nested not in kept
                ):
                    model._data[field.ref] = None
        return clone

    def anonymize(self) -> ModelBase:
        """Forget the server identity (id, timestamps, raw) unless this is a ``…Type``."""
        if type(self).__name__.endswith("Type"):
            return self
        self._data["id"] = None
        self._data["created_at"] = None
        self._data["updated_at"] = None
        self.__dict__["rid"] = next(_RIDS)
        self.__dict__["raw"] = {}
        return self

    # -- display ---------------------------------------------------------------------------
    def print(self) -> None:
        """Pretty-print this model's data."""
        pprint.pprint(self.dump())

    def __str__(self) -> str:
        parts = [f"id={self._data.get('id')}"]
        parts += [f"{name}={self._data.get(name)}" for name in self.STR_FIELDS]
        parts.append(f"rid={self.rid}")
        return f"<{type(self).__name__} {' '.join(parts)}>"

    __repr__ = __str__

    # -- pydent's classmethod query helpers -------------------------------------------------
    @classmethod
    def interface(cls, session: Any) -> Any:
        """The session's query interface for this model (pydent's classmethod form)."""
        return session.model_interface(cls.__name__)

    @classmethod
    def find(cls, session: Any, model_id: Any) -> Any:
        """The record with id ``model_id`` through ``session``, or None."""
        return cls.interface(session).find(model_id)

    @classmethod
    def where(cls, session: Any, params: Any) -> Any:
        """The records matching ``params`` through ``session``; None when ``params`` is None."""
        if params is None:
            return None
        return cls.interface(session).where(params)

    @classmethod
    def one(cls, session: Any, query: Any = None, **kwargs: Any) -> Any:
        """The newest record matching ``query`` through ``session``, or None."""
        return cls.interface(session).one(query, **kwargs)

    # -- pydent's instance helpers for relationship callbacks -------------------------------
    def create_interface(self) -> Any:
        """The query interface of this model's class in its session."""
        return self.interface(session_of(self))

    def find_callback(self, model_name: str, model_id: Any) -> Any:
        """``model_name`` with ``model_id`` through this model's session (None for no id)."""
        session = session_of(self)
        if model_id is None:
            return None
        session._log_to_aqhttp(
            f"CALLBACK '{type(self).__name__}(rid={self.rid})' made a FIND request for "
            f"'{model_name}'"
        )
        return session.model_interface(model_name).find(model_id)

    def where_callback(self, model_name: str, *args: Any, **kwargs: Any) -> Any:
        """``model_name`` records matching ``args[0]`` through this model's session; None
        when the query holds a None (an unsaved owner), without a request."""
        session = session_of(self)
        query = args[0] if args else None
        if query is None or (isinstance(query, dict) and None in query.values()):
            return None
        session._log_to_aqhttp(
            f"CALLBACK '{type(self).__name__}(rid={self.rid})' made a WHERE request for "
            f"'{model_name}'"
        )
        return session.model_interface(model_name).where(query, *args[1:], **kwargs)

    def one_callback(self, model_name: str, *args: Any, **kwargs: Any) -> Any:
        """The newest ``model_name`` record matching the query, through this model's session."""
        return session_of(self).model_interface(model_name).one(*args, **kwargs)

    def no_getter(self, *_: Any) -> None:
        """A relationship callback that never fetches anything (always None)."""
        return None

    def get_deserialized(self, name: str) -> Any:
        """The loaded value of relationship ``name`` (KeyError when it is not loaded)."""
        if not self.is_deserialized(name):
            raise KeyError(f"{type(self).__name__}.{name} is not loaded")
        return self._related[name]

    def add_data(self, data: dict[str, Any] | None) -> None:
        """Apply ``data`` (server field names) to this model, as loading does."""
        if data is not None:
            self._apply(data)
