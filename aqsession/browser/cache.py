"""The Browser's identity map: one Python object per server row.

Models are kept per class name under their id, or ``"r<rid>"`` while they have none (they
move to their id once saved). Storing a model whose key is taken merges it into the cached
object: the cached object is reloaded in place with the new data, keeps its identity, rid and
session, and keeps the relationships it had loaded unless the columns they depend on changed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from typing import Any

from aqsession.browser.loading import column, loaded_values, relationships_of, unique
from aqsession.models.relationships import HasMany, HasManyThrough

Bucket = dict[Hashable, Any]


def cache_key(model: Any) -> Hashable:
    """A model's key in its bucket: the id, or ``"r<rid>"`` while unsaved."""
    model_id = model.id
    return model_id if model_id else f"r{model.rid}"


class ModelCache:
    """``{class name: {key: model}}`` with in-place merging of duplicates."""

    def __init__(self) -> None:
        self.buckets: dict[str, Bucket] = {}
        self._unsaved: dict[str, set[Hashable]] = {}

    def clear(self) -> None:
        """Forget every cached model."""
        self.buckets = {}
        self._unsaved = {}

    def bucket(self, name: str) -> Bucket:
        """The models of one class by key (models saved since they were cached are re-keyed)."""
        bucket = self.buckets.setdefault(name, {})
        unsaved = self._unsaved.get(name)
        if unsaved:
            _rekey_saved(bucket, unsaved)
        return bucket

    @property
    def models(self) -> list[Any]:
        """Every cached model, class by class."""
        return [m for name in list(self.buckets) for m in self.bucket(name).values()]

    def merge(self, model: Any) -> Any:
        """Store ``model`` or merge it into the cached model with its key; the cached object."""
        name = type(model).__name__
        bucket = self.bucket(name)
        key = cache_key(model)
        cached = bucket.get(key)
        if cached is None:
            bucket[key] = model
            if isinstance(key, str):
                self._unsaved.setdefault(name, set()).add(key)
            return model
        if cached is not model:
            absorb(cached, model)
        return cached

    def store(self, models: list[Any], recursive: bool) -> tuple[list[Any], list[Any]]:
        """Cache ``models`` (and what is loaded under them when ``recursive``).

        Relationships of the stored objects are re-pointed to cached objects. Returns the
        cached objects standing for ``models`` (in order) and for everything stored.
        """
        inputs = [m for m in models if m is not None]
        walked = walk(inputs) if recursive else unique(inputs)
        canonical = {id(m): self.merge(m) for m in walked}
        for model in walked:
            target = canonical[id(model)]
            for name, value in list(loaded_values(model)):
                if isinstance(value, list):
                    fixed: Any = [canonical.get(id(v), v) for v in value]
                    changed = any(a is not b for a, b in zip(fixed, value, strict=True))
                else:
                    fixed = canonical.get(id(value), value)
                    changed = fixed is not value
                if changed or target is not model:
                    target.set_loaded(name, fixed)
        return [canonical[id(m)] for m in inputs], unique(canonical[id(m)] for m in walked)


def _rekey_saved(bucket: Bucket, unsaved: set[Hashable]) -> None:
    for key in list(unsaved):
        model = bucket.get(key)
        if model is None:
            unsaved.discard(key)
        elif model.id:
            unsaved.discard(key)
            del bucket[key]
            existing = bucket.setdefault(model.id, model)
            if existing is not model:
                absorb(existing, model)


def absorb(cached: Any, incoming: Any) -> None:
    """Reload ``cached`` in place with ``incoming``'s data (nothing to do when the server sent
    the same data again); relationships loaded on ``cached`` survive when the columns they are
    computed from did not change."""
    if incoming.raw and incoming.raw == cached.raw:
        return
    before = dict(loaded_values(cached))
    keys_before = {name: key_columns(cached, name) for name in before}
    cached.reload(incoming.raw if incoming.raw else incoming)
    for name, value in before.items():
        if not cached.is_deserialized(name) and key_columns(cached, name) == keys_before[name]:
            cached.set_loaded(name, value)


def key_columns(model: Any, name: str) -> Any:
    """The owner columns a query relationship of ``model`` is computed from.

    By-id relationships are left to ``reload`` (it keeps them when their key is unchanged);
    for those, and for relationships computed by a function, a fresh object is returned, so
    they never compare equal and are not restored.
    """
    rel = relationships_of(type(model)).get(name)
    if isinstance(rel, HasMany):
        return (column(model, rel.attr),)
    if isinstance(rel, HasManyThrough):
        return (column(model, "id"),)
    return object()


def walk(models: list[Any]) -> list[Any]:
    """``models`` and every model loaded under them, breadth-first, each once."""
    seen: set[int] = set()
    order: list[Any] = []
    queue = deque(m for m in models if m is not None)
    while queue:
        model = queue.popleft()
        if id(model) in seen:
            continue
        seen.add(id(model))
        order.append(model)
        for _, value in loaded_values(model):
            if isinstance(value, list):
                queue.extend(v for v in value if v is not None)
            elif value is not None:
                queue.append(value)
    return order
