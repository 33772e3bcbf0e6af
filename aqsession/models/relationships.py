"""Declarative model fields: plain data fields (Raw, JSON), computed fields (Function) and
relationships that load lazily through the model's session.

Each field is a descriptor declared in a model's class body::

    class Item(ModelBase):
        sample = HasOne("Sample")
        data_associations = HasManyGeneric("DataAssociation", {"parent_class": "Item"})

A relationship's value lives in the model's ``_related`` store. :data:`NOT_LOADED` (or absence)
means "not fetched yet": reading it asks ``owner.session.model_interface(nested)`` (``find``,
``where`` or ``one``), so caching sessions answer from their cache and sessions with requests
turned off raise ``ForbiddenRequestError``. ``None`` is a real value and is never refetched.
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, ClassVar

from aqsession.exceptions import AquariumModelError, FieldValidationError, NoSessionError

from .jsoncopy import json_copy
from .markers import NOT_LOADED
from .naming import pluralize, underscore
from .registry import get_model, is_model

_NO_FETCH: ContextVar[bool] = ContextVar("aqsession_models_no_fetch", default=False)

# Models stored in the same server table; a relationship to one accepts the other.
_SAME_TABLE: dict[str, frozenset[str]] = {
    "Item": frozenset({"Item", "Collection"}),
    "Collection": frozenset({"Item", "Collection"}),
}


class FetchRefused(Exception):
    """Internal: a relationship had to be fetched while fetching was switched off."""


@contextlib.contextmanager
def no_fetch() -> Iterator[None]:
    """Within this block, reading an unloaded relationship raises :class:`FetchRefused`.

    ``dump()`` evaluates computed fields this way, so a dump never sends requests for them.
    """
    token = _NO_FETCH.set(True)
    try:
        yield
    finally:
        _NO_FETCH.reset(token)


def find_parent(model: Any, model_name: str, model_id: Any) -> Any:
    """``model``'s polymorphic parent: ``model_name`` with ``model_id`` fetched through the
    model's session when ``model.parent_class`` is ``model_name``, else None (no request)."""
    if model_name != model.parent_class or model_id is None:
        return None
    return session_of(model).model_interface(model_name).find(model_id)


def session_of(model: Any) -> Any:
    """The session a model loads through; :class:`NoSessionError` when it has none."""
    session = model._session
    if session is None:
        raise NoSessionError(
            f"{model!r} is not bound to a session, so it cannot load relationships or talk to "
            "the server. Create it with session.<Model>.new(...) or session.<Model>.load(data), "
            "or bind it with model.connect_to_session(session)."
        )
    return session


def accepts(nested: str, value: Any) -> bool:
    """Whether ``value`` is a model that a relationship to ``nested`` may hold."""
    if not is_model(value):
        return False
    names = _SAME_TABLE.get(nested, frozenset({nested}))
    return any(cls.__name__ in names for cls in type(value).__mro__) or isinstance(
        value, get_model(nested)
    )


class Field:
    """A declared model attribute. ``name`` is filled in from the class body."""

    name: str = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def load(self, model: Any, value: Any) -> None:
        """Store a value coming from server data (or a dump) on ``model``."""
        raise NotImplementedError

    def describe(self) -> str:
        """How the field was declared (``Raw()``, ``HasOne('Sample')``...), for reprs and errors."""
        return f"{type(self).__name__}()"

    def __repr__(self) -> str:
        return f"<{self.describe()} {self.name!r}>"


class Raw(Field):
    """A plain data value stored as is; reading it when absent gives ``default``."""

    def __init__(self, default: Any = None) -> None:
        self.default = default

    def __get__(self, model: Any, owner: type | None = None) -> Any:
        if model is None:
            return self
        if self.name in model._data:
            return model._data[self.name]
        return copy.copy(self.default)

    def __set__(self, model: Any, value: Any) -> None:
        model._data[self.name] = self.coerce(value)

    def coerce(self, value: Any) -> Any:
        """The value to store for an assignment (subclasses convert or validate it)."""
        return value

    def load(self, model: Any, value: Any) -> None:
        """Store a copy of the server's value, so later edits do not change the source data."""
        model._data[self.name] = self.coerce(json_copy(value))

    def dump_value(self, value: Any) -> Any:
        """The value as it is sent to the server."""
        return value


class JSON(Raw):
    """A text column holding JSON: accepts a dict, a list or a JSON string; dumps as a string."""

    def coerce(self, value: Any) -> Any:
        """The parsed JSON value; :class:`FieldValidationError` for anything else."""
        if isinstance(value, (str, bytes)):
            try:
                return json.loads(value)
            except ValueError as exc:
                raise FieldValidationError(
                    f"Field {self.name!r} holds JSON, but {value!r} is not valid JSON ({exc})."
                ) from exc
        if value is None or isinstance(value, (dict, list)):
            return value
        raise FieldValidationError(
            f"Field {self.name!r} holds JSON: give a dict, a list or a JSON string, "
            f"not {type(value).__name__}."
        )

    def dump_value(self, value: Any) -> Any:
        """The value as JSON text (the column is text on the server); None stays None."""
        return None if value is None else json.dumps(value)


class Function(Field):
    """A computed attribute: ``method`` (a method name of the model) is called on every read.

    Dumps include it only when it can be computed without a request.
    """

    nested: str | None = None
    QUERY_TYPE: ClassVar[str | None] = None

    def __init__(self, method: str, *, dump: bool = True) -> None:
        self.method = method
        self.dump = dump

    def __get__(self, model: Any, owner: type | None = None) -> Any:
        if model is None:
            return self
        return getattr(model, self.method)()

    def __set__(self, model: Any, value: Any) -> None:
        raise AttributeError(
            f"{type(model).__name__}.{self.name} is computed from other fields and cannot be set."
        )

    def load(self, model: Any, value: Any) -> None:
        """Computed values found in data (e.g. a reloaded dump) are recomputed, not stored."""

    def describe(self) -> str:
        """The declaration, naming the computing method."""
        return f"Function({self.method!r})"


class Relationship(Field):
    """Base of the relationship descriptors.

    ``ref``/``attr`` follow pydent's meaning: for by-id relations ``ref`` is the owner's key
    holding the target's ``attr`` (``Item.sample``: ``sample_id`` -> ``id``); for query
    relations ``ref`` is the target's key that must equal the owner's ``attr``
    (``Sample.items``: ``Item.sample_id == sample.id``).
    """

    QUERY_TYPE: ClassVar[str] = "query"
    many: ClassVar[bool] = False
    through: str | None = None

    def __init__(
        self,
        nested: str,
        *,
        ref: str | None = None,
        attr: str = "id",
        additional_args: dict[str, Any] | None = None,
    ) -> None:
        self.nested = nested
        self.ref = ref
        self.attr = attr
        self.additional_args: dict[str, Any] = dict(additional_args or {})

    # -- descriptor protocol -------------------------------------------------------------
    def __get__(self, model: Any, owner: type | None = None) -> Any:
        """The loaded value, fetching it through the session on first read."""
        if model is None:
            return self
        value = model._related.get(self.name, NOT_LOADED)
        if value is NOT_LOADED:
            return self.load_for(model)
        return value

    def __set__(self, model: Any, value: Any) -> None:
        """Assign models (dicts become models); by-id relations update the owner's key."""
        value = self.coerce(model, value)
        model._related[self.name] = value
        if value is not NOT_LOADED:
            self.after_set(model, value)

    # -- values ----------------------------------------------------------------------------
    def empty(self) -> Any:
        """What the relationship holds when nothing can load: ``[]`` or None."""
        return [] if self.many else None

    def coerce(self, model: Any, value: Any) -> Any:
        """Turn dicts into models and check model types; lists for many-relations."""
        if self.many:
            if value is None or value is NOT_LOADED:
                return NOT_LOADED
            if not isinstance(value, (list, tuple)):
                raise AquariumModelError(
                    f"{type(model).__name__}.{self.name} holds a list of {self.nested} models, "
                    f"not {type(value).__name__}."
                )
            return [self.coerce_one(model, v) for v in value]
        if value is None or value is NOT_LOADED:
            return value
        return self.coerce_one(model, value)

    def coerce_one(self, model: Any, value: Any) -> Any:
        """One target model: a dict becomes a model; anything not a ``nested`` model is refused."""
        if isinstance(value, dict):
            return get_model(self.nested).load_from(value, model)
        if not accepts(self.nested, value):
            raise AquariumModelError(
                f"{type(model).__name__}.{self.name} expects {self.nested} models, "
                f"got {type(value).__name__}: {value!r}."
            )
        return value

    def after_set(self, model: Any, value: Any) -> None:
        """Hook run after a value is assigned (by-id relations update their key)."""

    def load(self, model: Any, value: Any) -> None:
        """Store models given in server data (nested dicts become models)."""
        model._related[self.name] = self.coerce(model, value)

    # -- lazy loading ----------------------------------------------------------------------
    def query_for(self, model: Any) -> dict[str, Any] | None:
        """The ``where`` query that loads this relationship for ``model``, or None if it
        cannot be loaded (e.g. a key is still None)."""
        raise NotImplementedError

    def fetch(self, model: Any, query: dict[str, Any]) -> Any:
        """Ask the session for the value described by ``query``."""
        raise NotImplementedError

    def load_for(self, model: Any) -> Any:
        """Fetch the value for ``model`` and store it (nothing is stored when it cannot load,
        except that many-relations keep their empty list so appends are not lost)."""
        query = self.query_for(model)
        if query is None:
            value = self.empty()
            if self.many:
                model._related[self.name] = value
            return value
        if any(v == [] for v in query.values()):
            value = self.empty()
        else:
            if _NO_FETCH.get():
                raise FetchRefused(self.name)
            value = self.fetch(model, query)
            if self.many:
                value = list(value or [])
        model._related[self.name] = value
        return value

    def interface(self, model: Any) -> Any:
        """The query interface of the target model in ``model``'s session."""
        return session_of(model).model_interface(self.nested)

    def describe(self) -> str:
        """The declaration with its non-default options."""
        parts = [repr(self.nested)]
        if self.ref is not None:
            parts.append(f"ref={self.ref!r}")
        if self.attr != "id":
            parts.append(f"attr={self.attr!r}")
        if self.additional_args:
            parts.append(f"additional_args={self.additional_args!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


def _none_in(query: dict[str, Any]) -> bool:
    return any(v is None for v in query.values())


class One(Relationship):
    """A single model found by id (``ref`` on the owner holds the target's ``attr``).

    ``polymorphic=True`` means ``ref`` is a ``parent_id`` shared by several parent models:
    the relation only loads when the owner's ``parent_class`` names ``nested``.
    """

    QUERY_TYPE: ClassVar[str] = "by_id"

    def __init__(
        self,
        nested: str,
        *,
        ref: str | None = None,
        attr: str = "id",
        polymorphic: bool = False,
    ) -> None:
        super().__init__(nested, ref=ref or f"{underscore(nested)}_{attr}", attr=attr)
        self.polymorphic = polymorphic

    @property
    def parent_class(self) -> str | None:
        """The ``parent_class`` value the owner must have, for polymorphic relations."""
        return self.nested if self.polymorphic else None

    def query_for(self, model: Any) -> dict[str, Any] | None:
        """``{attr: owner's ref}``; None while the key is unset or the parent is another class."""
        if self.polymorphic and model._data.get("parent_class") != self.nested:
            return None
        value = model._data.get(self.ref)
        if value is None:
            return None
        return {self.attr: value}

    def fetch(self, model: Any, query: dict[str, Any]) -> Any:
        """The target by id (``relationship_find``), else the first match of ``query``."""
        if self.attr == "id":
            return get_model(self.nested).relationship_find(session_of(model), query["id"])
        return self.interface(model).one(query)

    def after_set(self, model: Any, value: Any) -> None:
        """Keep the owner's key (and ``parent_class``) in step with the target."""
        if value and self.ref is not None:
            model._data[self.ref] = getattr(value, self.attr)
            if self.polymorphic:
                model._data["parent_class"] = self.nested


class HasOne(One):
    """The owner holds the target's id in ``ref`` (default ``<target>_id``)."""


class Many(Relationship):
    """A list of models given by a query. ``query`` computes it from the owner (a callable
    returning the ``where`` dict, or None when it cannot load)."""

    many: ClassVar[bool] = True

    def __init__(
        self,
        nested: str,
        *,
        query: Callable[[Any], dict[str, Any] | None],
        ref: str | None = None,
        attr: str = "id",
    ) -> None:
        super().__init__(nested, ref=ref, attr=attr)
        self.query = query

    def query_for(self, model: Any) -> dict[str, Any] | None:
        """The query the declaration's callable computes for ``model``."""
        return self.query(model)

    def fetch(self, model: Any, query: dict[str, Any]) -> Any:
        """Every target matching ``query``."""
        return self.interface(model).where(query)


class HasMany(Relationship):
    """Targets whose ``ref`` equals the owner's ``attr`` (plus ``additional_args``)."""

    many: ClassVar[bool] = True

    def __init__(
        self,
        nested: str,
        *,
        ref: str,
        attr: str = "id",
        additional_args: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(nested, ref=ref, attr=attr, additional_args=additional_args)

    def query_for(self, model: Any) -> dict[str, Any] | None:
        """``{ref: owner's attr, **additional_args}``, or None while a value is unset."""
        assert self.ref is not None
        query = {self.ref: model._data.get(self.attr), **self.additional_args}
        return None if _none_in(query) else query

    def fetch(self, model: Any, query: dict[str, Any]) -> Any:
        """Every target matching ``query``."""
        return self.interface(model).where(query)


class HasManyGeneric(HasMany):
    """Targets attached through ``parent_id`` (plus e.g. ``{"parent_class": "Item"}``)."""

    def __init__(self, nested: str, additional_args: dict[str, Any] | None = None) -> None:
        super().__init__(nested, ref="parent_id", attr="id", additional_args=additional_args)


class HasOneFromMany(HasMany):
    """The newest single target matching a query (e.g. the current ``protocol`` Code)."""

    many: ClassVar[bool] = False

    def fetch(self, model: Any, query: dict[str, Any]) -> Any:
        """The newest target matching ``query``."""
        return self.interface(model).one(query)


class HasManyThrough(Relationship):
    """Targets reached through an association list on the owner.

    ``through`` names the association model (``"PlanAssociation"``); the owner's relationship
    holding the associations is :attr:`through` (``plan_associations``), each association's
    ``ref`` (default ``<target>_id``) holds the target's ``attr``.
    """

    many: ClassVar[bool] = True

    def __init__(
        self,
        nested: str,
        through: str,
        *,
        ref: str | None = None,
        attr: str = "id",
        additional_args: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(
            nested,
            ref=ref or f"{underscore(nested)}_{attr}",
            attr=attr,
            additional_args=additional_args,
        )
        self.through_model = through
        self.through = pluralize(underscore(through))

    def query_for(self, model: Any) -> dict[str, Any] | None:
        """The target keys held by the owner's associations, or None before they can load."""
        associations = getattr(model, str(self.through))
        if associations is None:
            return None
        ids: list[Any] = []
        for assoc in associations:
            value = getattr(assoc, str(self.ref))
            if value is not None and value not in ids:
                ids.append(value)
        return {self.attr: ids, **self.additional_args}

    def fetch(self, model: Any, query: dict[str, Any]) -> Any:
        """Every target matching ``query``."""
        return self.interface(model).where(query)

    def describe(self) -> str:
        """The declaration, naming the association model."""
        return f"HasManyThrough({self.nested!r}, {self.through_model!r}, ref={self.ref!r})"


__all__ = [
    "JSON",
    "FetchRefused",
    "Field",
    "Function",
    "HasMany",
    "HasManyGeneric",
    "HasManyThrough",
    "HasOne",
    "HasOneFromMany",
    "Many",
    "One",
    "Raw",
    "Relationship",
    "accepts",
    "no_fetch",
    "session_of",
]
