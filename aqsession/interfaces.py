"""The query interfaces: the per-model objects behind ``session.Sample``, ``session.Item``, ...

``QueryInterface`` builds the flat ``POST json`` bodies byte for byte as pydent 1.0.11 does
(client-behaviour.md §5.5/§6), because recorded traffic and the fake rely on them.
``BrowserInterface`` answers the same calls through the session's cache (the Browser).
The routes themselves are the endpoint catalogue, :mod:`aqsession.endpoints`; its classes are
importable from here too, as they always were.
"""

from __future__ import annotations

import abc
import copy
import logging
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from aqsession.endpoints import CRUDInterface, SessionInterface, UtilityInterface
from aqsession.exceptions import TridentRequestError
from aqsession.utils import format_errors

if TYPE_CHECKING:
    from aqsession.browser import Browser
    from aqsession.http import AqHTTP
    from aqsession.models import ModelBase
    from aqsession.session import AqSession

#: Queries whose 422 answer becomes ``None``/``[]`` (as in pydent) are reported here.
LOGGER = logging.getLogger(__name__)
#: How Aquarium's ``/json`` words a missing record: the ordinary "not found" of ``find``.
_NOT_FOUND_PREFIX = "Couldn't find"


def _model_class(model_name: str) -> type[ModelBase]:
    from aqsession.models import get_model

    return get_model(model_name)


def server_error_text(error: TridentRequestError) -> str:
    """The server's own words in an error answer (its ``errors``/``error``/``message`` value),
    else the answer's text, else the exception's message."""
    response = error.response
    try:
        body = response.json()
    except (AttributeError, ValueError):
        body = None
    if isinstance(body, dict):
        for key in ("errors", "error", "message"):
            if key in body:
                return format_errors(body[key])
    text = getattr(response, "text", None)
    return text.strip() if isinstance(text, str) and text.strip() else str(error)


class QueryInterfaceABC(abc.ABC):
    """What every per-model query object (and the Browser) offers.

    A session accepts any subclass as its ``interface_class``; these are the calls models and
    user scripts rely on, whichever way (server or cache) an implementation answers them.
    """

    @property
    @abc.abstractmethod
    def model_name(self) -> str:
        """The Aquarium model this interface queries, e.g. ``"Sample"``."""

    @abc.abstractmethod
    def find(self, model_id: Any, *args: Any, **kwargs: Any) -> Any:
        """The model with ``model_id`` (a list of ids gives a list), or None when missing."""

    @abc.abstractmethod
    def find_by_name(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """The model named ``name``, or None when there is none."""

    @abc.abstractmethod
    def all(self, *args: Any, **kwargs: Any) -> list[Any]:
        """Every model of this type, as a list."""

    @abc.abstractmethod
    def where(self, query: Any, *args: Any, **kwargs: Any) -> list[Any]:
        """The models matching ``query`` (column values or an SQL fragment), as a list."""

    @abc.abstractmethod
    def first(self, *args: Any, **kwargs: Any) -> list[Any]:
        """The oldest matching models (lowest ids first), as a list."""

    @abc.abstractmethod
    def last(self, *args: Any, **kwargs: Any) -> list[Any]:
        """The newest matching models (highest ids first), as a list."""

    @abc.abstractmethod
    def one(self, *args: Any, **kwargs: Any) -> Any:
        """A single matching model (the newest unless asked for the first), or None."""


def merge_hook(body: dict[str, Any], hook: Mapping[str, Any]) -> None:
    """Merge a model's ``query_hook`` into ``body``: new keys copied, lists extended, dicts
    updated; a type clash is an error. The hook itself is never mutated."""
    for key, value in hook.items():
        if key not in body:
            body[key] = copy.deepcopy(value)
        elif isinstance(body[key], list) and isinstance(value, list):
            body[key] = [*body[key], *value]
        elif isinstance(body[key], dict) and isinstance(value, dict):
            body[key] = {**body[key], **value}
        else:
            raise ValueError(
                f"Cannot merge query hook key {key!r}: {type(body[key]).__name__} "
                f"vs {type(value).__name__}"
            )


class ModelInterface(QueryInterfaceABC):
    """What both per-model interfaces share: the model class, building and loading models."""

    DEFAULT_OFFSET = -1
    DEFAULT_LIMIT = -1
    DEFAULT_REVERSE = False

    def __init__(self, model_name: str, aqhttp: AqHTTP, session: AqSession) -> None:
        self.model = _model_class(model_name)
        self.aqhttp = aqhttp
        self.session = session

    @property
    def model_name(self) -> str:
        """The name of the model class behind this interface."""
        return self.model.__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__}({self.model_name})>"

    def new(self, *args: Any, **kwargs: Any) -> Any:
        """A new (unsaved) model bound to the session; no request."""
        return self.model(*args, session=self.session, **kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """``session.Sample(...)`` is ``session.Sample.new(...)``."""
        return self.new(*args, **kwargs)

    def load(self, data: Any) -> Any:
        """Models bound to the session from server JSON (a dict or a list of dicts)."""
        return self.model.load_from(data, self.session)


class QueryInterface(ModelInterface):
    """``session.<Model>`` for a session that is not caching: every call is one request.

    The bodies are pydent's: falsy values are left out, and ``methods``/``include`` given by
    the caller replace the model's query hook (the server sees exactly what pydent sends).
    Unlike pydent, the caller's ``opts`` dict is never modified and pagination always ends.
    """

    MERGE = "query_hook"

    def __init__(self, model_name: str, aqhttp: AqHTTP, session: AqSession) -> None:
        super().__init__(model_name, aqhttp, session)
        self.crud = CRUDInterface(aqhttp, session)
        self._do_load = True

    # -- the wire ------------------------------------------------------------------------

    def _body(self, data: Mapping[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model_name}
        merge_hook(body, getattr(self.model, self.MERGE, None) or {})
        body.update((key, value) for key, value in data.items() if value)
        return body

    def _post_raw(self, data: Mapping[str, Any], outcome: str = "returning None") -> Any:
        """POST the body for ``data``; a 422 answer (not found, bad query) becomes None.

        pydent does the same and scripts test for None/[], so the value stays; but a 422 also
        answers typos (unknown column, bad include), so it is logged with the server's message
        and ``outcome`` (what the caller makes of it): a missing record at DEBUG, the rest at
        WARNING.
        """
        body = self._body(data)
        try:
            return self.crud.json_post(self.model_name, body)
        except TridentRequestError as error:
            if error.status_code != 422:
                raise
            message = server_error_text(error)
            level = logging.DEBUG if message.startswith(_NOT_FOUND_PREFIX) else logging.WARNING
            call = f"{self.model_name}.{data.get('method') or 'find'}"
            LOGGER.log(level, "%s got 422 from Aquarium: %s; %s", call, message, outcome)
            return None

    def _post_json(self, data: Mapping[str, Any], outcome: str = "returning None") -> Any:
        result = self._post_raw(data, outcome)
        if result is not None and self._do_load:
            return self.model.load_answer(result, self.session)
        return result

    @classmethod
    def _options(cls, opts: Mapping[str, Any] | None) -> dict[str, Any]:
        options = {
            "offset": cls.DEFAULT_OFFSET,
            "limit": cls.DEFAULT_LIMIT,
            "reverse": cls.DEFAULT_REVERSE,
        }
        options.update(opts or {})
        return options

    # -- queries -------------------------------------------------------------------------

    def find(self, model_id: Any, include: Any = None, opts: Any = None) -> Any:
        """The model with ``model_id`` (a list of ids gives a list), or None."""
        if model_id is None:
            raise ValueError("model_id in 'find' cannot be None")
        if model_id == 0:
            return None
        return self._post_json({"id": model_id, "include": include, "options": opts})

    def find_by_name(self, name: str, include: Any = None, opts: Any = None) -> Any:
        """The first model whose name matches (case-insensitively on the server), or None."""
        if name is None:
            raise ValueError("name in 'find_by_name' cannot be None")
        if not str(name).strip():
            return None
        return self._post_json(
            {"method": "find_by_name", "arguments": [name], "include": include, "options": opts}
        )

    def array_query(
        self, method: str, args: Any, rest: Mapping[str, Any] | None = None,
        include: Any = None, opts: Any = None,
    ) -> list[Any]:  # fmt: skip
        """One list query (``where``/``all``); a limit of 0 or ``args`` None sends nothing."""
        options = self._options(opts)
        if options.get("limit") == 0 or args is None:
            return []
        data = {"method": method, "arguments": args, "include": include, "options": options}
        data.update(rest or {})
        return self._post_json(data, "returning []") or []

    def where(
        self, criteria: Any, methods: Any = None, include: Any = None,
        page_size: int | None = None, opts: Any = None,
    ) -> list[Any]:  # fmt: skip
        """Models matching ``criteria`` (a dict of column values, or an SQL fragment).

        With ``page_size`` the rows are fetched page by page and concatenated.
        """
        if page_size is not None:
            return [
                model
                for page in self.pagination(criteria, page_size, methods, include, opts)
                for model in page
            ]
        rest = {"methods": methods} if methods is not None else None
        return self.array_query("where", criteria, rest, include, opts)

    def all(self, methods: Any = None, include: Any = None, opts: Any = None) -> list[Any]:
        """Every model of this type (``opts`` may nest an ``opts`` dict, as pydent allows)."""
        merged = dict(opts or {})
        merged.update(merged.pop("opts", None) or {})
        options = {"offset": self.DEFAULT_OFFSET, "reverse": self.DEFAULT_REVERSE, **merged}
        rest = {"methods": methods} if methods is not None else None
        return self.array_query("all", {}, rest, include, options)

    def _ends(
        self, num: int | None, query: Any, include: Any, opts: Any, reverse: bool
    ) -> list[Any]:
        options = dict(opts or {})
        options.update(limit=1 if num is None else num, reverse=reverse)
        return self.where(query or {}, include=include, opts=options)

    def last(
        self, num: int | None = None, query: Any = None, include: Any = None, opts: Any = None
    ) -> list[Any]:
        """The ``num`` most recently created models matching ``query`` (newest first)."""
        return self._ends(num, query, include, opts, reverse=True)

    def first(
        self, num: int | None = None, query: Any = None, include: Any = None, opts: Any = None
    ) -> list[Any]:
        """The ``num`` first models matching ``query`` (in id order)."""
        return self._ends(num, query, include, opts, reverse=False)

    def one(
        self, query: Any = None, first: bool = False, include: Any = None, opts: Any = None
    ) -> Any:
        """The newest match (oldest with ``first=True``), or None."""
        ends = self.first if first else self.last
        models = ends(1, query=query, include=include, opts=opts)
        return models[0] if models else None

    def pagination(
        self, query: Any, page_size: int, methods: Any = None, include: Any = None,
        opts: Any = None,
    ) -> Iterator[list[Any]]:  # fmt: skip
        """Yield pages of at most ``page_size`` models (offset 0, page_size, ...).

        Stops on a short or empty page, after ``opts["limit"]`` models (the last page is
        trimmed), and when the server answers the same page twice (it ignores ``offset``).
        """
        if page_size is None or page_size <= 0:
            raise ValueError(f"page_size must be a positive integer, got {page_size!r}")
        base = dict(opts or {})
        limit = base.get("limit", self.DEFAULT_LIMIT)
        if 0 <= limit < page_size:
            page_size = limit
        rest = {"methods": methods} if methods is not None else None
        fetched = 0
        previous: Any = None
        while limit < 0 or fetched < limit:
            options = self._options({**base, "limit": page_size, "offset": fetched})
            data = {"method": "where", "arguments": query, "include": include, "options": options}
            data.update(rest or {})
            raw = self._post_raw(data, "ending the pagination") if query is not None else None
            if not raw or raw == previous:
                return
            previous = raw
            page = raw if limit < 0 else raw[: limit - fetched]
            fetched += len(raw)
            yield self.load(page) if self._do_load else page
            if len(raw) < page_size:
                return

    def get(self, path: str) -> Any:
        """``GET path`` and load the answer; a 404 gives None."""
        try:
            result = self.aqhttp.get(path)
        except TridentRequestError as error:
            if error.status_code == 404:
                return None
            raise
        return self.load(result)


class BrowserInterface(ModelInterface):
    """``session.<Model>`` for a caching session: queries go through ``session.browser``.

    Unlike pydent, ``where`` accepts ``include``, ``one`` honours ``first`` and ``first``/
    ``last`` honour ``opts``.
    """

    MERGE = ["methods"]

    @property
    def browser(self) -> Browser:
        """The session's Browser, which answers (and caches) this interface's queries."""
        return self.session.browser

    def find(self, model_id: Any, *args: Any, **kwargs: Any) -> Any:
        """The model with ``model_id`` from the cache, else from the server (then cached)."""
        return self.browser.find(model_id, self.model_name)

    def find_by_name(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """A model by name, from the cache when it is there."""
        return self.browser.find_by_name(name, self.model_name, primary_key="name")

    def where(
        self, criteria: Any, methods: Any = None, page_size: int | None = None,
        opts: Any = None, include: Any = None,
    ) -> list[Any]:  # fmt: skip
        """Matching models; id queries are answered from the cache where possible
        (``include``, which pydent's lacks, comes last so pydent's positions hold)."""
        return self.browser.where(
            criteria, self.model_name, methods=methods, include=include,
            page_size=page_size, opts=opts,
        )  # fmt: skip

    def all(self, opts: Any = None, *args: Any, **kwargs: Any) -> list[Any]:
        """Every model of this type (fetched, then cached)."""
        return self.browser.all(self.model_name, opts=opts)

    def first(self, num: int = 1, query: Any = None, opts: Any = None) -> list[Any]:
        """The first ``num`` matches (fetched, then cached)."""
        return self.browser.first(num, self.model_name, query=query, opts=opts)

    def last(self, num: int = 1, query: Any = None, opts: Any = None) -> list[Any]:
        """The ``num`` newest matches (fetched, then cached)."""
        return self.browser.last(num, self.model_name, query=query, opts=opts)

    def one(self, query: Any = None, first: bool = False, opts: Any = None) -> Any:
        """The newest match (oldest with ``first=True``), or None."""
        ends = self.first if first else self.last
        models = ends(1, query=query, opts=opts)
        return models[0] if models else None

    def new(self, *args: Any, **kwargs: Any) -> Any:
        """A new model bound to the session, also put into the cache."""
        model = super().new(*args, **kwargs)
        self.browser.update_cache([model])
        return model


__all__ = [
    "LOGGER",
    "BrowserInterface",
    "CRUDInterface",
    "ModelInterface",
    "QueryInterface",
    "QueryInterfaceABC",
    "SessionInterface",
    "UtilityInterface",
    "merge_hook",
    "server_error_text",
]
