"""The Browser: a session's model cache, cached queries, batched loading and search helpers.

Every query the Browser sends goes through a plain ``QueryInterface``; what comes back is
stored in ``model_cache`` (``{class name: {id or "r<rid>": model}}``) so one server row is one
Python object per Browser. A model stored again is merged into the cached object (its data
is reloaded in place; its identity, rid and session stay).

Cached ``find``/``where``/``first``/``last``/``one``/``all``/``find_by_name`` answer from the
cache when the answer there is certain to be complete, and ask the server otherwise:

* an ``id`` query needs only the ids that are not cached (or cannot be judged) from the server;
* any other query is complete in the cache when an earlier unbounded ``where`` (or a batched
  relationship load) asked for a superset of its rows; those are remembered per model;
* rows are judged with the server's semantics (see :mod:`aqsession.browser.matching`), and
  whatever the cache cannot judge for certain goes to the server.

An empty list in a condition (``{"id": []}``) matches nothing and sends no request, as in
pydent (the real server would read it as ``IS NULL``). The cache knows nothing of rows created
or changed by others after they were cached: ``clear()`` or ``forget_queries()`` start over.
"""

from __future__ import annotations

import difflib
import json
import logging
import os
import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import IO, TYPE_CHECKING, Any

from tqdm import tqdm

from aqsession.browser.cache import ModelCache
from aqsession.browser.export import (
    ROWS_SPEC,
    check_one_sample_type,
    describe,
    sample_rows,
    write_csv,
)
from aqsession.browser.graph import ModelGraph, build_network, default_key
from aqsession.browser.loading import (
    MAX_VALUES_PER_REQUEST,
    RelationshipLoader,
    Spec,
    count_edges,
    is_empty_list,
    row_data,
    unique,
)
from aqsession.browser.matching import (
    SERVER_ONLY_MODELS,
    UNIQUE_NAME_MODELS,
    CompletenessIndex,
    Condition,
    arrange,
    integer_ids,
    is_unbounded,
    match,
    parse_conditions,
    plain_match,
)
from aqsession.exceptions import BrowserException
from aqsession.interfaces import QueryInterface, QueryInterfaceABC
from aqsession.models.base import ModelBase
from aqsession.models.registry import get_model

if TYPE_CHECKING:
    from aqsession.models import Sample
    from aqsession.session import AqSession

LOGGER = logging.getLogger("aqsession.browser")

ModelClass = str | type[ModelBase] | None
"""A model given by name or class; None means the Browser's current model."""

SampleTypeRef = str | int | ModelBase
"""A sample type given by name, id or SampleType model (a name costs one lookup)."""


def _listing_entry(entry: Any) -> tuple[int | None, str]:
    """Split a ``"<id>: <name>"`` listing string."""
    text = str(entry)
    head, sep, name = text.partition(": ")
    if sep and head.strip().isdigit():
        return int(head), name
    return None, text


class Browser:
    """The model cache of one session, with cache-aware queries and batched loading.

    ``verbose`` logs every request the Browser makes at INFO on the ``aqsession.browser``
    logger (DEBUG otherwise); ``progress`` shows a tqdm bar while nested relationship specs
    load; ``chunk_size`` caps how many values one batched ``where`` carries.
    """

    DEFAULT_MODEL = "Sample"
    #: The interface the Browser talks to the server through (never a caching one).
    INTERFACE_CLASS = QueryInterface
    #: Relationship kinds ``retrieve`` / ``get`` batch-load (pydent accepts only the first 4).
    ACCEPTED_GET_RELATION_TYPES = ("HasOne", "HasMany", "HasManyThrough", "HasManyGeneric",
                                   "HasOneFromMany", "One", "Many")  # fmt: skip

    def __init__(
        self,
        session: AqSession,
        inherit_models: bool = False,
        *,
        verbose: bool = False,
        progress: bool = False,
        chunk_size: int = MAX_VALUES_PER_REQUEST,
    ) -> None:
        self.session = session
        self.use_cache = True
        self.verbose = verbose
        self.progress = progress
        self.model_list_cache: dict[str, Any] = {}
        self.logger = LOGGER
        self._model_name = self.DEFAULT_MODEL
        self._cache = ModelCache()
        self._complete = CompletenessIndex()
        self._loader = RelationshipLoader(self.load_where, chunk_size)
        if inherit_models:
            previous = session.browser
            if previous is not None and previous is not self:
                self.update_cache(previous.models)

    def __repr__(self) -> str:
        return f"<Browser({len(self.models)} cached models, session={self.session!r})>"

    @property
    def chunk_size(self) -> int:
        """How many values of the varying column one batched ``where`` carries (at least 1)."""
        return self._loader.chunk_size

    @chunk_size.setter
    def chunk_size(self, size: int) -> None:
        self._loader.chunk_size = size

    # -- model selection -------------------------------------------------------------------

    @property
    def model_name(self) -> str:
        """The default model for calls that take no ``model_class`` (initially Sample)."""
        return self._model_name

    def set_model(self, model_name: str) -> None:
        """Change the default model (unknown names raise ModelRegistryError)."""
        self._model_name = self._name(model_name)

    def _name(self, model_class: ModelClass) -> str:
        if model_class is None:
            return self._model_name
        if isinstance(model_class, type):
            return model_class.__name__
        if isinstance(model_class, str):
            get_model(model_class)
            return model_class
        raise TypeError(
            f"model_class must be a model name or a model class, not {type(model_class).__name__}."
        )

    def interface(self, model_class: ModelClass = None) -> QueryInterfaceABC:
        """A plain (non-caching) query interface for ``model_class`` on this session."""
        return self.session.model_interface(
            self._name(model_class), interface_class=self.INTERFACE_CLASS
        )

    def _log(self, message: str, *args: Any) -> None:
        self.logger.log(logging.INFO if self.verbose else logging.DEBUG, message, *args)

    # -- the cache -------------------------------------------------------------------------

    @property
    def model_cache(self) -> dict[str, dict[Hashable, Any]]:
        """``{class name: {id or "r<rid>": model}}`` (pydent's attribute; read it, do not
        write it)."""
        return self._cache.buckets

    @property
    def models(self) -> list[Any]:
        """Every cached model (all classes)."""
        return self._cache.models

    def cached_models(self, model_class: ModelClass = None) -> list[Any]:
        """The cached models of one class."""
        return list(self._cache.bucket(self._name(model_class)).values())

    def clear(self) -> None:
        """Empty the cache, the listing cache and what is known about complete queries."""
        self._cache.clear()
        self.model_list_cache = {}
        self._complete.forget()

    def forget_queries(self, model_class: ModelClass = None) -> None:
        """Keep the cached models but stop answering non-id queries from them (until asked
        again); for one class, or for all when ``model_class`` is None."""
        self._complete.forget(None if model_class is None else self._name(model_class))

    def update_cache(
        self, models: Iterable[ModelBase], recursive: bool = True, update_session: bool = False
    ) -> dict[str, list[Any]]:
        """Cache ``models`` (and, when ``recursive``, every model already loaded under them).

        A model whose key is cached already is merged into the cached object, which keeps its
        identity, rid and session; relationships of the cached objects are re-pointed to
        cached objects. ``update_session`` binds every stored model to this Browser's
        session. Returns ``{class name: [cached models]}``.
        """
        if isinstance(models, (str, bytes, Mapping)) or not isinstance(models, Iterable):
            raise TypeError(
                f"update_cache expects a list of models, got {type(models).__name__}; "
                "wrap a single model in a list."
            )
        cached = self._cache.store(list(models), recursive)[1]
        if update_session:
            for model in cached:
                model._session = self.session
        grouped: dict[str, list[Any]] = {}
        for model in cached:
            grouped.setdefault(type(model).__name__, []).append(model)
        return grouped

    def adopt(self, other: Browser, update_session: bool = False) -> dict[str, list[Any]]:
        """Take every model of another Browser (as :meth:`update_cache` does) and what it
        knows about complete queries, so queries it could answer alone are answered here
        without requests too (e.g. in a derived session with requests off)."""
        grouped = self.update_cache(other.models, update_session=update_session)
        self._complete.absorb(other._complete)
        return grouped

    def _cache_models(self, models: list[Any], recursive: bool = True) -> list[Any]:
        """Cache models; returns the cached objects standing for ``models``, in order."""
        return self._cache.store(models, recursive)[0]

    # -- find ------------------------------------------------------------------------------

    def find(self, model_id: Any, model_class: ModelClass = None) -> Any:
        """The model with ``model_id`` (a list gives a list): from the cache when there."""
        name = self._name(model_class)
        if model_id is None:
            raise ValueError("model_id in 'find' cannot be None")
        if not self.use_cache:
            return self.interface(name).find(model_id)
        return self.cached_find(name, model_id)

    def cached_find(self, model_class: ModelClass, id: Any) -> Any:  # pydent names it id
        """Cache-first find: a hit sends nothing; a miss is fetched and cached."""
        name = self._name(model_class)
        model_id = id
        if isinstance(model_id, (list, tuple, set, frozenset)):
            return self.cached_where({"id": list(model_id)}, name)
        ids = integer_ids(Condition("id", (model_id,)))
        if ids == [0]:
            return None
        if ids:
            hit = self._cache.bucket(name).get(ids[0])
            if hit is not None:
                return hit
        found = self.interface(name).find(model_id)
        self._log("find %s %r -> %s", name, model_id, "found" if found else "nothing")
        if found is None:
            return None
        if isinstance(found, list):
            return self._cache_models(found)
        return self._cache_models([found])[0]

    def find_by_name(
        self, name: str, model_class: ModelClass = None, primary_key: str = "id"
    ) -> Any:
        """The lowest-id model with this name (case-insensitive, as the server matches).

        A name asked for once is answered from the cache afterwards. With
        ``primary_key="name"`` (how a caching session's ``find_by_name`` calls it, as in
        pydent) a cached model of a unique-name model (Sample, SampleType, ObjectType) whose
        name is exactly ``name`` is returned without a request, so a script that loaded it
        with ``browser.get`` can look it up by name with requests off.
        """
        model_name = self._name(model_class)
        if name is None:
            raise ValueError("name in 'find_by_name' cannot be None")
        if not str(name).strip():
            return None
        if not self.use_cache:
            return self.interface(model_name).find_by_name(name)
        if primary_key == "name" and model_name in UNIQUE_NAME_MODELS:
            exact = [m for m in self._saved(model_name) if m.name == name]
            if exact:
                return min(exact, key=lambda m: m.id)
        found = self.cached_where({"name": [name]}, model_name)  # a list, as pydent sends it
        return found[0] if found else None

    # -- where -----------------------------------------------------------------------------

    def where(
        self,
        query: Any,
        model_class: ModelClass = None,
        primary_key: str = "id",
        sample_type: SampleTypeRef | None = None,
        methods: Any = None,
        opts: Mapping[str, Any] | None = None,
        page_size: int | None = None,
        include: Any = None,
    ) -> list[Any]:
        """Models matching ``query`` (a dict, or an SQL fragment string).

        With the cache on and no ``methods``/``include``/``page_size`` the answer comes from
        the cache when it is complete there; otherwise the server is asked. Whatever the
        server returns is cached. The caller's ``query`` and ``opts`` are never modified.
        """
        name = self._name(model_class)
        if sample_type is not None:
            if isinstance(query, str):
                raise BrowserException(
                    "sample_type cannot be combined with an SQL string query; add "
                    "'sample_type_id = <id>' to the string instead."
                )
            query = {**(query or {}), "sample_type_id": self._sample_type_id(sample_type)}
        if opts and opts.get("limit") == 0:
            return []
        if not self.use_cache or methods is not None or include is not None or page_size:
            return self._server_where(name, query, methods, include, page_size, opts)
        return self.cached_where(query, name, primary_key=primary_key, opts=opts)

    def server_where(
        self,
        query: Any,
        model: ModelClass,
        opts: Mapping[str, Any] | None = None,
        include: Any = None,
        methods: Any = None,
        page_size: int | None = None,
    ) -> list[Any]:
        """Ask the server whatever the cache holds (the results are cached afterwards)."""
        return self._server_where(self._name(model), query, methods, include, page_size, opts)

    def _server_where(
        self,
        name: str,
        query: Any,
        methods: Any,
        include: Any,
        page_size: int | None,
        opts: Mapping[str, Any] | None,
    ) -> list[Any]:
        results = self.interface(name).where(
            query or {},
            methods=methods,
            include=include,
            page_size=page_size,
            opts=dict(opts) if opts else None,
        )
        self._log("where %s %s -> %d models", name, _summary(query), len(results or []))
        return self._cache_models(list(results or []))

    def cached_where(
        self,
        query: Any,
        model: ModelClass = None,
        primary_key: str = "id",
        methods: Any = None,
        include: Any = None,
        opts: Mapping[str, Any] | None = None,
    ) -> list[Any]:
        """Cache-aware ``where`` (see the module docstring for when the server is asked).

        ``methods`` / ``include`` need the server's answer, so they send the query as is.
        """
        name = self._name(model)
        if methods is not None or include is not None:
            return self._server_where(name, query, methods, include, None, opts)
        if query is None:
            query = {}
        if isinstance(query, str):
            return self._fetch(name, query, opts)
        if not isinstance(query, Mapping):
            raise TypeError(
                f"A where query is a dict of column values or an SQL string, not "
                f"{type(query).__name__}."
            )
        query = dict(query)
        if any(is_empty_list(v) for v in query.values()):
            return []
        conditions = parse_conditions(query)
        if conditions is None or name in SERVER_ONLY_MODELS:
            return self._fetch(name, query, opts)
        local = self._answer_from_cache(name, conditions, opts)
        if local is not None:
            return local
        ids = integer_ids(conditions.get(primary_key)) if primary_key == "id" else None
        if ids is not None:
            partial = self._answer_by_ids(name, query, conditions, ids, opts)
            if partial is not None:
                return partial
        return self._fetch(name, query, opts)

    @staticmethod
    def _columns(name: str) -> frozenset[str]:
        """The table columns of a model (what ``where`` conditions may name)."""
        return frozenset(("id", *get_model(name).COLUMNS))

    def _saved(self, name: str) -> list[Any]:
        return [m for m in self._cache.bucket(name).values() if isinstance(m.id, int) and m.id]

    def _answer_from_cache(
        self, name: str, conditions: Mapping[str, Condition], opts: Mapping[str, Any] | None
    ) -> list[Any] | None:
        if not self._complete.covers(name, conditions):
            return None
        rows = []
        columns = self._columns(name)
        for model in self._saved(name):
            data = row_data(model)
            verdict = match(name, data, conditions, columns)
            if verdict is None:
                return None
            if verdict:
                rows.append((model.id, data, model))
        return arrange(rows, opts)

    def _answer_by_ids(
        self,
        name: str,
        query: dict[str, Any],
        conditions: Mapping[str, Condition],
        ids: list[int],
        opts: Mapping[str, Any] | None,
    ) -> list[Any] | None:
        bucket = self._cache.bucket(name)
        columns = self._columns(name)
        hits: list[Any] = []
        missing: list[int] = []
        for model_id in ids:
            cached = bucket.get(model_id)
            verdict = None if cached is None else match(name, row_data(cached), conditions, columns)
            if verdict is True:
                hits.append(cached)
            elif verdict is None:
                missing.append(model_id)
        if missing and not hits:
            # Nothing answered locally: the server applies the caller's options itself, and the
            # request is the one pydent sends (same options).
            return self._fetch(name, {**query, "id": missing}, opts)
        found = (
            unique(hits + self._fetch(name, {**query, "id": missing}, None)) if missing else hits
        )
        return arrange([(m.id, row_data(m), m) for m in found if m.id], opts)

    def _fetch(self, name: str, query: Any, opts: Mapping[str, Any] | None) -> list[Any]:
        """Ask the server, cache the answer, and remember unbounded dict queries as complete."""
        results = self.interface(name).where(query, opts=dict(opts) if opts else None) or []
        self._log("where %s %s -> %d models", name, _summary(query), len(results))
        cached = self._cache_models(list(results))
        if isinstance(query, Mapping) and is_unbounded(opts) and name not in SERVER_ONLY_MODELS:
            conditions = parse_conditions(query)
            if conditions is not None:
                self._complete.record(name, conditions)
        return cached

    def load_where(
        self, model_name: str, query: dict[str, Any], *, force_refresh: bool
    ) -> list[Any]:
        """One query of a batched load: cache-aware, or straight from the server."""
        if force_refresh:
            return self._fetch(model_name, query, None)
        return self.cached_where(query, model_name)

    # -- first / last / one / all ----------------------------------------------------------

    def first(
        self,
        num: int | None = 1,
        model_class: ModelClass = None,
        sample_type: SampleTypeRef | None = None,
        query: Any = None,
        opts: Mapping[str, Any] | None = None,
    ) -> list[Any]:
        """The ``num`` lowest-id matches."""
        options = {**(opts or {}), "limit": 1 if num is None else num, "reverse": False}
        return self.where(query or {}, model_class, sample_type=sample_type, opts=options)

    def last(
        self,
        num: int | None = 1,
        model_class: ModelClass = None,
        sample_type: SampleTypeRef | None = None,
        query: Any = None,
        opts: Mapping[str, Any] | None = None,
    ) -> list[Any]:
        """The ``num`` most recently created matches, newest first."""
        options = {**(opts or {}), "limit": 1 if num is None else num, "reverse": True}
        return self.where(query or {}, model_class, sample_type=sample_type, opts=options)

    def one(
        self,
        model_class: ModelClass = None,
        sample_type: SampleTypeRef | None = None,
        query: Any = None,
        opts: Mapping[str, Any] | None = None,
        first: bool = False,
    ) -> Any:
        """The newest match (the oldest with ``first=True``), or None."""
        ends = self.first if first else self.last
        found = ends(1, model_class, query=query, opts=opts, sample_type=sample_type)
        return found[0] if found else None

    def all(
        self, model_class: ModelClass = None, opts: Mapping[str, Any] | None = None
    ) -> list[Any]:
        """Every model of the class, in id order (the server ignores options for ``all``)."""
        name = self._name(model_class)
        merged = dict(opts or {})
        merged.update(merged.pop("opts", None) or {})
        if merged.get("limit") == 0:
            return []
        if not self.use_cache:
            return self.interface(name).all(opts=merged or None)
        return self.cached_where({}, name)

    # -- listings and search ---------------------------------------------------------------

    def sample_list(self, sample_type_id: int | None = None) -> list[str]:
        """The server's ``"<id>: <name>"`` listing of samples (of one sample type)."""
        path = "sample_list" if sample_type_id is None else f"sample_list/{sample_type_id}"
        listing = self.session.aqhttp.get(path) or []
        self._log("GET %s -> %d entries", path, len(listing))
        return [str(entry) for entry in listing]

    def list_models(self, *args: Any, **query: Any) -> list[str]:
        """``"<id>: <name>"`` strings for the current model (reused while caching); the one
        positional argument (or ``sample_type=``) limits samples to one sample type."""
        if len(args) > 1:
            raise TypeError(f"list_models takes at most one positional argument, got {args!r}")
        sample_type = args[0] if args else query.pop("sample_type", None)
        name = self.model_name
        key = json.dumps([name, _plain(sample_type), query], sort_keys=True, default=str)
        store = self.model_list_cache.setdefault("models", {})
        if self.use_cache and key in store:
            return list(store[key])
        type_id = None if sample_type is None else self._sample_type_id(sample_type)
        if name == "Sample" and not query:
            listing = self.sample_list(type_id)
        else:
            conditions = dict(query)
            if type_id is not None:
                conditions["sample_type_id"] = type_id
            listing = [f"{m.id}: {m.name}" for m in self.where(conditions, name)]
        store[key] = listing
        return list(listing)

    def _listed(self, sample_type: SampleTypeRef | None) -> list[tuple[int, str]]:
        pairs = [_listing_entry(e) for e in self.list_models(sample_type=sample_type)]
        return [(i, n) for i, n in pairs if i is not None]

    def _by_ids(self, ids: list[int], query: Mapping[str, Any]) -> list[Any]:
        if not ids:
            return []
        found = self.where({**query, "id": ids}, self.model_name)
        order = {model_id: position for position, model_id in enumerate(ids)}
        return sorted(found, key=lambda m: order.get(m.id, len(order)))

    def search(
        self,
        pattern: str,
        ignore_case: bool = True,
        sample_type: SampleTypeRef | None = None,
        **query: Any,
    ) -> list[Any]:
        """Models of the current model whose name matches the regex ``pattern``."""
        regex = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
        ids = [i for i, name in self._listed(sample_type) if regex.search(name)]
        return self._by_ids(ids, query)

    def close_matches(
        self,
        pattern: str,
        sample_type: SampleTypeRef | None = None,
        n: int = 3,
        cutoff: float = 0.6,
        **query: Any,
    ) -> list[Any]:
        """Models whose names are closest to ``pattern`` (difflib), best first."""
        listed = self._listed(sample_type)
        names = difflib.get_close_matches(pattern, unique_names(listed), n=n, cutoff=cutoff)
        rank = {name: position for position, name in enumerate(names)}
        ids = [i for i, name in sorted(listed, key=lambda p: rank.get(p[1], 0)) if name in rank]
        return self._by_ids(ids, query)

    def search_description(
        self,
        pattern: str,
        samples: list[Any] | None = None,
        sample_type: SampleTypeRef | None = None,
        ignore_case: bool = True,
    ) -> list[Any]:
        """Samples whose description matches the regex (all samples listed when None)."""
        if samples is None:
            samples = self.search(".*", sample_type=sample_type)
        regex = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
        return [s for s in samples if s.description is not None and regex.search(s.description)]

    def list_field_values(self, model_ids: Iterable[int], **query: Any) -> list[Any]:
        """Field values of the current model's records ``model_ids``."""
        ids = list(model_ids)
        conditions = {**query, "parent_class": self.model_name, "parent_id": ids}
        return self.where(conditions, "FieldValue")

    def _sample_type_id(self, sample_type: Any) -> Any:
        if isinstance(sample_type, int) and not isinstance(sample_type, bool):
            return sample_type
        if not isinstance(sample_type, str):
            return sample_type.id
        found = self.find_by_name(sample_type, "SampleType")
        if found is None:
            raise BrowserException(
                f"No SampleType named {sample_type!r} on the server; check the spelling or "
                "list them with session.SampleType.all()."
            )
        return found.id

    def new_sample(
        self,
        sample_type: SampleTypeRef,
        name: str,
        description: str,
        project: str,
        properties: Mapping[str, Any] | None = None,
    ) -> Any:
        """A new, unsaved Sample of ``sample_type`` (a name, id or SampleType)."""
        if isinstance(sample_type, (str, int)):
            found = self.find(self._sample_type_id(sample_type), "SampleType")
        else:
            found = sample_type
        if found is None:
            raise BrowserException(
                f"SampleType {sample_type!r} was not found on the server; give the name or id "
                "of an existing one (session.SampleType.all() lists them)."
            )
        self.retrieve([found], "field_types")
        return found.new_sample(
            name, description=description, project=project, properties=dict(properties or {})
        )

    # -- batched relationship loading ------------------------------------------------------

    def get(
        self,
        models: ModelBase | Iterable[ModelBase] | str,
        relations: Spec = None,
        query: Mapping[str, Any] | None = None,
        strict: bool = True,
        force_refresh: bool = False,
        progress: bool | None = None,
    ) -> Any:
        """Load relationships of ``models`` in batches.

        ``models`` is a model, a list, or a model name (the cached models of that class,
        filtered by ``query`` from the cache only). ``relations`` is a name (returns the
        related models), a list or a nested dict (returns ``{name: models}``), or None
        (returns the models).
        """
        if isinstance(models, str):
            models = [
                m for m in self.cached_models(models) if plain_match(row_data(m), query or {})
            ]
        elif isinstance(models, ModelBase) or not isinstance(models, Iterable):
            models = [models]
        models = list(models)
        if relations is None:
            return models
        if isinstance(relations, str):
            return self.retrieve(models, relations, strict=strict, force_refresh=force_refresh)
        return self.recursive_retrieve(
            models, relations, strict=strict, force_refresh=force_refresh, progress=progress
        )

    def retrieve(
        self,
        models: Iterable[ModelBase],
        relationship_name: str,
        strict: bool = True,
        force_refresh: bool = False,
    ) -> list[Any]:
        """Load one relationship on every model with one batched query (two for
        HasManyThrough); returns the distinct related models."""
        return self._loader.retrieve(
            models, relationship_name, strict=strict, force_refresh=force_refresh
        )

    def recursive_retrieve(
        self,
        models: Iterable[ModelBase],
        relations: Spec,
        strict: bool = True,
        force_refresh: bool = False,
        progress: bool | None = None,
    ) -> dict[str, list[Any]]:
        """Load a nested spec (``{"sample_type": "field_types", "items": "object_type"}``)
        level by level; returns ``{relationship name: models}`` over all levels."""
        show = self.progress if progress is None else progress
        with tqdm(
            total=count_edges(relations),
            desc="Loading relationships",
            unit="relation",
            disable=not show,
        ) as bar:

            def advance(path: str) -> None:
                bar.set_postfix_str(path, refresh=False)
                bar.update(1)

            return self._loader.recursive_retrieve(
                models, relations, strict=strict, force_refresh=force_refresh, on_edge=advance
            )

    # -- networks --------------------------------------------------------------------------

    @classmethod
    def relationship_network(
        cls,
        models: Iterable[ModelBase],
        get_models: Callable[[Any], Iterable[Any]],
        cache_func: Callable[[list[Any]], Any] | None = None,
        key_func: Callable[[Any], Hashable] | None = None,
        reverse: bool = False,
        g: ModelGraph | None = None,
        strict_cache: bool = True,
    ) -> ModelGraph:
        """A :class:`ModelGraph` (networkx-free) grown breadth-first from ``models``.

        ``get_models(model)`` yields neighbours (or ``(neighbour, edge attributes)``); edges
        go neighbour -> model (model -> neighbour with ``reverse``); ``cache_func(level)``
        loads what ``get_models`` reads, which then runs with requests off when
        ``strict_cache``.
        """
        return build_network(
            models,
            get_models,
            cache_func=cache_func,
            key_func=key_func or default_key,
            reverse=reverse,
            graph=g,
            strict_cache=strict_cache,
        )

    @classmethod
    def sample_network(
        cls,
        samples: Iterable[Sample],
        reverse: bool = False,
        g: ModelGraph | None = None,
        get_models: Callable[[Any], Iterable[Any]] | None = None,
        cache_func: Callable[[list[Any]], Any] | None = None,
        key_func: Callable[[Any], Hashable] | None = None,
    ) -> ModelGraph:
        """The network of samples linked through their sample-valued field values."""
        return cls.relationship_network(
            samples,
            get_models or _field_value_samples,
            cache_func=cache_func or _load_field_value_samples,
            key_func=key_func,
            reverse=reverse,
            g=g,
        )

    # -- export and inspection -------------------------------------------------------------

    def samples_to_rows(
        self, samples: Iterable[Sample], sample_resolver: Callable[[Sample], Any] | None = None
    ) -> list[dict[str, Any]]:
        """One dict per sample: ``{<sample type name>: name, "Description", "Project",
        <property>: value...}``; sample-valued properties are resolved with
        ``sample_resolver`` (default: the sample's name). All samples share one sample type;
        what the rows read is loaded in one batch first.
        """
        samples = list(samples)
        check_one_sample_type(samples)
        if samples:
            self.get(samples, ROWS_SPEC)
        return sample_rows(samples, sample_resolver)

    def export_samples_to_csv(
        self,
        samples: Iterable[Sample],
        out: str | os.PathLike[str] | IO[str],
        sample_resolver: Callable[[Sample], Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Write :meth:`samples_to_rows` as CSV to a path or an open text file; list values
        are written as JSON arrays. Returns the rows."""
        rows = self.samples_to_rows(samples, sample_resolver)
        write_csv(rows, out)
        return rows

    @classmethod
    def inspect(
        cls, model: ModelBase, header: str | None = None, attributes: Iterable[str] | None = None
    ) -> str:
        """A short text description: a header line, then ``path: value`` for each attribute
        path (``"sample_type.name"``, ``"field_values[0].value"``); no code is evaluated."""
        return describe(model, header, attributes or ())


# -- helpers ---------------------------------------------------------------------------------


def _summary(query: Any) -> str:
    if isinstance(query, Mapping):
        parts = []
        for key, value in query.items():
            if isinstance(value, (list, tuple)) and len(value) > 5:
                parts.append(f"{key}: [{len(value)} values]")
            else:
                parts.append(f"{key}: {value!r}")
        return "{" + ", ".join(parts) + "}"
    return repr(query)


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, (str, int)) else getattr(value, "id", value)


def unique_names(listed: list[tuple[int, str]]) -> list[str]:
    """Distinct names of a listing, first occurrence kept."""
    return list(dict.fromkeys(name for _, name in listed))


def _field_value_samples(sample: Any) -> list[tuple[Any, dict[str, Any]]]:
    return [
        (fv.sample, {"field_value_name": fv.name})
        for fv in sample.field_values or []
        if fv.sample is not None
    ]


def _load_field_value_samples(samples: list[Any]) -> None:
    by_session: dict[int, list[Any]] = {}
    for sample in samples:
        by_session.setdefault(id(sample.session), []).append(sample)
    for group in by_session.values():
        group[0].session.browser.get(group, {"field_values": "sample"})
