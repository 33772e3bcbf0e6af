"""Model networks without a networkx dependency.

``Browser.relationship_network`` / ``sample_network`` return a :class:`ModelGraph`: a small
directed graph with the part of the ``networkx.DiGraph`` interface those callers use (nodes
with attributes, edges with attributes, successors, predecessors). ``to_networkx()`` converts
it when networkx happens to be installed; networkx is deliberately not a dependency.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any

from aqsession.exceptions import BrowserException, ForbiddenRequestError

Neighbours = Callable[[Any], Iterable[Any]]


class ModelGraph:
    """A directed graph whose nodes are keys (by default ``(class name, id)``) of models."""

    def __init__(self) -> None:
        self.nodes: dict[Hashable, dict[str, Any]] = {}
        self._succ: dict[Hashable, dict[Hashable, dict[str, Any]]] = {}
        self._pred: dict[Hashable, dict[Hashable, dict[str, Any]]] = {}

    def add_node(self, key: Hashable, **attrs: Any) -> None:
        """Add a node (or update its attributes)."""
        self.nodes.setdefault(key, {}).update(attrs)
        self._succ.setdefault(key, {})
        self._pred.setdefault(key, {})

    def add_edge(self, source: Hashable, target: Hashable, **attrs: Any) -> None:
        """Add an edge ``source -> target``, adding missing nodes; attributes are merged."""
        for key in (source, target):
            if key not in self.nodes:
                self.add_node(key)
        data = self._succ[source].setdefault(target, {})
        data.update(attrs)
        self._pred[target][source] = data

    def has_node(self, key: Hashable) -> bool:
        """Whether ``key`` is a node."""
        return key in self.nodes

    def has_edge(self, source: Hashable, target: Hashable) -> bool:
        """Whether there is an edge from ``source`` to ``target``."""
        return target in self._succ.get(source, {})

    def successors(self, key: Hashable) -> list[Hashable]:
        """The nodes ``key`` has an edge to."""
        return list(self._succ[key])

    def predecessors(self, key: Hashable) -> list[Hashable]:
        """The nodes with an edge to ``key``."""
        return list(self._pred[key])

    def edge_data(self, source: Hashable, target: Hashable) -> dict[str, Any]:
        """The attributes of the edge from ``source`` to ``target`` (live, not a copy)."""
        return self._succ[source][target]

    @property
    def edges(self) -> list[tuple[Hashable, Hashable, dict[str, Any]]]:
        """Every edge as ``(source, target, attributes)``."""
        return [(s, t, d) for s, targets in self._succ.items() for t, d in targets.items()]

    def number_of_nodes(self) -> int:
        """How many nodes the graph has."""
        return len(self.nodes)

    def number_of_edges(self) -> int:
        """How many edges the graph has."""
        return sum(len(targets) for targets in self._succ.values())

    def __contains__(self, key: object) -> bool:
        return key in self.nodes

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    def to_networkx(self) -> Any:
        """The same graph as a ``networkx.DiGraph`` (requires networkx to be installed)."""
        try:
            import networkx
        except ImportError as exc:
            raise ImportError(
                "ModelGraph.to_networkx() needs networkx, which aqsession does not depend on. "
                "Install it with 'pip install networkx', or use the ModelGraph directly."
            ) from exc
        graph = networkx.DiGraph()
        for key, attrs in self.nodes.items():
            graph.add_node(key, **attrs)
        for source, target, attrs in self.edges:
            graph.add_edge(source, target, **attrs)
        return graph


def default_key(model: Any) -> tuple[str, Any]:
    """Node key of a model: its class name and its id (``r<rid>`` when unsaved)."""
    model_id = getattr(model, "id", None)
    return type(model).__name__, model_id if model_id else f"r{model.rid}"


def _pairs(found: Iterable[Any]) -> Iterator[tuple[Any, dict[str, Any]]]:
    for entry in found:
        if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], dict):
            yield entry[0], entry[1]
        elif entry is not None:
            yield entry, {}


@contextlib.contextmanager
def requests_off(models: Iterable[Any]) -> Iterator[None]:
    """Turn requests off on every session the models use, restoring each afterwards."""
    sessions: dict[int, Any] = {}
    for model in models:
        session = getattr(model, "session", None)
        if session is not None:
            sessions.setdefault(id(session), session)
    previous = {key: s.using_requests for key, s in sessions.items()}
    try:
        for session in sessions.values():
            session.using_requests = False
        yield
    finally:
        for key, session in sessions.items():
            session.using_requests = previous[key]


def build_network(
    models: Iterable[Any],
    neighbours: Neighbours,
    *,
    cache_func: Callable[[list[Any]], Any] | None = None,
    key_func: Callable[[Any], Hashable] = default_key,
    reverse: bool = False,
    graph: ModelGraph | None = None,
    strict_cache: bool = True,
) -> ModelGraph:
    """Breadth-first network from ``models``: an edge neighbour -> model for each neighbour
    (model -> neighbour with ``reverse``), into ``graph`` when one is given.

    ``neighbours(model)`` yields models or ``(model, edge_attributes)`` pairs; nodes are keyed
    by ``key_func(model)`` and carry the model as their ``model`` attribute. Before each
    level ``cache_func(level_models)`` loads what ``neighbours`` will read; with
    ``strict_cache`` the neighbours are then enumerated with requests off, so an incomplete
    cache step fails loudly instead of issuing one request per model.
    """
    graph = graph if graph is not None else ModelGraph()
    level = list(models)
    seen: set[Hashable] = set()
    while level:
        fresh = []
        for model in level:
            key = key_func(model)
            if key not in seen:
                seen.add(key)
                graph.add_node(key, model=model)
                fresh.append(model)
        if not fresh:
            break
        if cache_func is not None:
            cache_func(fresh)
        found = _enumerate(fresh, neighbours, strict_cache)
        level = []
        for model, pairs in found:
            key = key_func(model)
            for neighbour, attrs in pairs:
                other = key_func(neighbour)
                if other not in graph.nodes:
                    graph.add_node(other, model=neighbour)
                if reverse:
                    graph.add_edge(key, other, **attrs)
                else:
                    graph.add_edge(other, key, **attrs)
                if other not in seen:
                    level.append(neighbour)
    return graph


def _enumerate(
    models: list[Any], neighbours: Neighbours, strict_cache: bool
) -> list[tuple[Any, list[tuple[Any, dict[str, Any]]]]]:
    if not strict_cache:
        return [(m, list(_pairs(neighbours(m)))) for m in models]
    try:
        with requests_off(models):
            return [(m, list(_pairs(neighbours(m)))) for m in models]
    except ForbiddenRequestError as exc:
        raise BrowserException(
            "Building the network needed a request although the cache step should have "
            f"loaded everything ({exc}). Pass a cache_func that loads the relationships the "
            "neighbour function reads, or strict_cache=False to allow per-model requests."
        ) from exc
