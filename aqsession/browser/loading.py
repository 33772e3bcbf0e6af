"""Batched relationship loading for the Browser (``get`` / ``retrieve`` / ``recursive_retrieve``).

For N owner models and one relationship, the per-owner ``where`` queries
(``Relationship.query_for``) are merged into one query whose varying column holds the list of
all owners' values (``{"sample_id": [1, 2, ...]}``); the answer is then distributed back to
the owners by that column. Long value lists are split into chunks of
``browser.chunk_size`` values so no request body grows without bound. Every owner gets a
value: ``[]`` for an empty many-relation, ``None`` for a missing single one, so reading it
later never sends a request.

Relationship kinds:

* ``HasOne`` / ``One`` (by id; polymorphic ones only for owners whose ``parent_class``
  matches, as ``query_for`` decides) and ``HasMany`` / ``HasManyGeneric`` / ``Many``: one
  query per relationship per level.
* ``HasOneFromMany`` (and ``One`` on a non-id column): one query; each owner keeps its newest
  match (``created_at``, then id), as the lazy ``one()`` would.
* ``HasManyThrough``: two queries, the association relation and then its targets.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from aqsession.browser.matching import newest_first_key
from aqsession.exceptions import BrowserException
from aqsession.models.relationships import (
    HasManyThrough,
    HasOneFromMany,
    One,
    Relationship,
)
from aqsession.server_values import (
    ColumnKind,
    distinct,
    equal,
    equality_key,
    kind_of_column,
    kind_of_values,
)

if TYPE_CHECKING:
    from aqsession.models.base import ModelBase

_T = TypeVar("_T")

MAX_VALUES_PER_REQUEST = 1000
"""Default number of values of the varying column sent in one batched ``where``."""

LOGGER = logging.getLogger("aqsession.browser")

Spec = Any
"""A relationship spec: a name, a list/tuple/set of specs, or a dict ``{name: sub-spec}``."""


# -- model access ----------------------------------------------------------------------------


def row_data(model: Any) -> Mapping[str, Any] | None:
    """The column values the server last sent for ``model`` (what ``where`` filters on)."""
    raw = getattr(model, "raw", None)
    if isinstance(raw, Mapping) and raw:
        return raw
    data = getattr(model, "_data", None)
    return data if isinstance(data, Mapping) else None


def column(model: Any, name: str) -> Any:
    """One column value of ``model``, from its data (never triggers a request)."""
    data = row_data(model)
    if data is not None and name in data:
        return data[name]
    own = getattr(model, "_data", None)
    if isinstance(own, Mapping):
        return own.get(name)
    return None


def relationships_of(cls: type) -> dict[str, Relationship]:
    """The relationship descriptors of a model class, by name."""
    found = cls.get_relationships()  # type: ignore[attr-defined]
    return {name: rel for name, rel in found.items() if isinstance(rel, Relationship)}


def loaded_values(model: Any) -> Iterator[tuple[str, Any]]:
    """``(name, value)`` of every relationship already loaded on ``model``."""
    for name in relationships_of(type(model)):
        if model.is_deserialized(name):
            yield name, getattr(model, name)


def as_list(value: Any) -> list[Any]:
    """A relationship value as a list of models (``None`` -> ``[]``)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [v for v in value if v is not None]
    return [value]


def unique(models: Iterable[_T]) -> list[_T]:
    """Models de-duplicated by identity, first occurrence kept."""
    seen: set[int] = set()
    out: list[_T] = []
    for model in models:
        if id(model) not in seen:
            seen.add(id(model))
            out.append(model)
    return out


def _key(value: Any, column_name: str, kind: ColumnKind | None = None) -> Hashable:
    """The server's equality key of a value of ``column_name`` (kind given, else read from
    the name; see :mod:`aqsession.server_values`)."""
    return equality_key(value, kind or kind_of_column(column_name))


def _column_kind(column_name: str, targets: Iterable[Any]) -> ColumnKind | None:
    """The kind of a column, from the values the server rendered for it, else its name."""
    return kind_of_values(column(t, column_name) for t in targets) or kind_of_column(column_name)


def _freeze(value: Any, column_name: str) -> Hashable:
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(_key(v, column_name) for v in value)
    return _key(value, column_name)


def _elements(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]


def _newest(models: Sequence[Any]) -> Any:
    def key(model: Any) -> tuple[Any, ...]:
        stamp = newest_first_key(model.id, row_data(model))
        return (1, *stamp) if stamp is not None else (0, model.id or 0)

    return max(models, key=key) if models else None


# -- spec handling ---------------------------------------------------------------------------


def spec_items(spec: Spec, strict: bool) -> list[tuple[str, Spec]]:
    """``(relationship name, sub-spec)`` pairs of one level of a spec."""
    if spec is None or spec == {} or spec == "":
        return []
    if isinstance(spec, str):
        return [(spec, None)]
    if isinstance(spec, Mapping):
        items = []
        for name, sub in spec.items():
            if not isinstance(name, str):
                return _bad_spec(name, strict)
            items.append((name, sub))
        return items
    if isinstance(spec, (list, tuple, set, frozenset)):
        items = []
        for element in spec:
            items.extend(spec_items(element, strict))
        return items
    return _bad_spec(spec, strict)


def _bad_spec(spec: Any, strict: bool) -> list[tuple[str, Spec]]:
    if strict:
        raise BrowserException(
            f"Type {type(spec).__name__} ({spec!r}) is not recognized as a relationship spec. "
            'Use a name ("items"), a list of names, or a dict such as '
            '{"items": "object_type"}.'
        )
    return []


def count_edges(spec: Spec) -> int:
    """How many relationship retrievals a spec asks for (for the progress bar)."""
    return sum(1 + count_edges(sub) for _, sub in spec_items(spec, strict=False))


# -- the loader ------------------------------------------------------------------------------


class Fetch(Protocol):
    """How the loader runs one ``where``: ``fetch(model_name, query, force_refresh=...)``
    returns the (cached) models the query selects."""

    def __call__(
        self, model_name: str, query: dict[str, Any], *, force_refresh: bool
    ) -> list[Any]: ...


class RelationshipLoader:
    """Loads one relationship for many owners with as few ``where`` requests as possible.

    ``fetch`` runs each ``where`` (the Browser passes its cache-aware one); ``chunk_size``
    caps the values of the varying column in one request (at least 1 is used).
    """

    def __init__(self, fetch: Fetch, chunk_size: int = MAX_VALUES_PER_REQUEST) -> None:
        self._fetch_where = fetch
        self.chunk_size = chunk_size

    @property
    def chunk_size(self) -> int:
        """Values of the varying column per ``where`` request (at least 1)."""
        return self._chunk_size

    @chunk_size.setter
    def chunk_size(self, size: int) -> None:
        self._chunk_size = max(int(size), 1)

    # -- public entry points ---------------------------------------------------------------

    def retrieve(
        self,
        models: Iterable[ModelBase],
        name: str,
        *,
        strict: bool = True,
        force_refresh: bool = False,
    ) -> list[Any]:
        """Load ``name`` on every model and return the distinct related models."""
        owners = unique(m for m in models if m is not None)
        if not owners:
            return []
        cls = self._single_class(owners)
        rel = self._relationship(cls, name, strict)
        if rel is None:
            return []
        pending = [m for m in owners if force_refresh or not m.is_deserialized(name)]
        if pending:
            if isinstance(rel, HasManyThrough):
                self._load_through(rel, pending, force_refresh)
            else:
                self._load_direct(rel, pending, force_refresh)
        return unique(t for owner in owners for t in as_list(getattr(owner, name)))

    def recursive_retrieve(
        self,
        models: Iterable[ModelBase],
        spec: Spec,
        *,
        strict: bool = True,
        force_refresh: bool = False,
        on_edge: Callable[[str], None] | None = None,
    ) -> dict[str, list[Any]]:
        """Load a nested spec level by level; ``{name: related models}`` over all levels."""
        found: dict[str, list[Any]] = {}
        self._walk(list(models), spec, "", found, strict, force_refresh, on_edge)
        return found

    def _walk(
        self,
        models: list[Any],
        spec: Spec,
        path: str,
        found: dict[str, list[Any]],
        strict: bool,
        force_refresh: bool,
        on_edge: Callable[[str], None] | None,
    ) -> None:
        for name, sub in spec_items(spec, strict):
            related = self.retrieve(models, name, strict=strict, force_refresh=force_refresh)
            here = f"{path}.{name}" if path else name
            if on_edge is not None:
                on_edge(here)
            found[name] = unique([*found.get(name, []), *related])
            if sub:
                self._walk(related, sub, here, found, strict, force_refresh, on_edge)

    # -- checks ----------------------------------------------------------------------------

    @staticmethod
    def _single_class(owners: list[Any]) -> type:
        classes = unique(type(m) for m in owners)
        if len(classes) > 1:
            names = ", ".join(sorted(c.__name__ for c in classes))
            raise BrowserException(
                f"retrieve needs models of a single class, got {names}. Call it once per class."
            )
        return classes[0]

    @staticmethod
    def _relationship(cls: type, name: str, strict: bool) -> Relationship | None:
        rels = relationships_of(cls)
        if name in rels:
            return rels[name]
        if not strict:
            return None
        fields: dict[str, Any] = getattr(cls, "get_fields", dict)()
        if name in fields:
            raise BrowserException(
                f"{cls.__name__}.{name} is a {type(fields[name]).__name__} field, not a "
                f"relationship, so there is nothing to load; relationships: {sorted(rels)}."
            )
        close = difflib.get_close_matches(name, list(rels), n=3, cutoff=0.6)
        hint = (
            f"Did you mean {close[0]!r}?"
            if len(close) == 1
            else f"Did you mean any of {close}?"
            if close
            else f"Available relations: {sorted(rels)}"
        )
        raise BrowserException(
            f"Relation {name!r} not found in relationships for {cls.__name__}.\nHint: {hint}"
        )

    # -- loading ---------------------------------------------------------------------------

    def _load_direct(self, rel: Relationship, owners: list[Any], force_refresh: bool) -> None:
        wanted: list[tuple[Any, dict[str, Any]]] = []
        for owner in owners:
            query = rel.query_for(owner)
            if query is None or any(is_empty_list(v) for v in query.values()):
                owner.set_loaded(rel.name, rel.empty())
            else:
                wanted.append((owner, query))
        for base, column_name, values, members in _groups(wanted, self.chunk_size):
            targets = self.fetch(rel.nested, base, column_name, values, force_refresh)
            self._distribute(rel, members, column_name, targets)

    def _distribute(
        self,
        rel: Relationship,
        members: list[tuple[Any, dict[str, Any]]],
        column_name: str | None,
        targets: list[Any],
    ) -> None:
        per_owner: dict[int, list[Any]] = {id(owner): [] for owner, _ in members}
        if column_name is None:
            candidates = [(owner, query, targets) for owner, query in members]
        else:
            kind = _column_kind(column_name, targets)
            owners_by_value: dict[Hashable, list[Member]] = {}
            for owner, query in members:
                for element in _elements(query[column_name]):
                    key = _key(element, column_name, kind)
                    owners_by_value.setdefault(key, []).append((owner, query))
            found: dict[int, tuple[Any, dict[str, Any], list[Any]]] = {}
            for target in targets:
                key = _key(column(target, column_name), column_name, kind)
                for owner, query in owners_by_value.get(key, ()):
                    found.setdefault(id(owner), (owner, query, []))[2].append(target)
            candidates = list(found.values())
        for owner, query, matches in candidates:
            per_owner[id(owner)] = [t for t in matches if _satisfies(t, query, column_name)]
        unique_by_id = isinstance(rel, One) and rel.attr == "id"
        for owner, query in members:
            matches = unique(per_owner[id(owner)])
            if rel.many:
                owner.set_loaded(rel.name, matches)
            elif unique_by_id or not isinstance(rel, (One, HasOneFromMany)):
                if not matches:
                    self._missing(owner, rel, query)
                owner.set_loaded(rel.name, matches[0] if matches else None)
            else:
                owner.set_loaded(rel.name, _newest(matches))

    @staticmethod
    def _missing(owner: Any, rel: Relationship, query: Mapping[str, Any]) -> None:
        LOGGER.warning(
            "INCONSISTENT AQUARIUM DATABASE: %s.%s refers to %s %s, which the server does not "
            "have; the relationship is set to None.",
            type(owner).__name__,
            rel.name,
            rel.nested,
            dict(query),
        )

    def _load_through(self, rel: HasManyThrough, owners: list[Any], force_refresh: bool) -> None:
        through = str(rel.through)
        ref = str(rel.ref)
        self.retrieve(owners, through, strict=True, force_refresh=force_refresh)
        associations = unique(a for owner in owners for a in as_list(getattr(owner, through)))
        attr = str(rel.attr)
        values = unique_values((column(a, ref) for a in associations), attr)
        targets = (
            self.fetch(rel.nested, dict(rel.additional_args), attr, values, force_refresh)
            if values
            else []
        )
        kind = _column_kind(attr, targets)
        by_value = {_key(column(t, attr), attr, kind): t for t in targets}

        def target_of(association: Any) -> Any:
            return by_value.get(_key(column(association, ref), attr, kind))

        for owner in owners:
            related = [target_of(a) for a in as_list(getattr(owner, through))]
            owner.set_loaded(rel.name, unique(t for t in related if t is not None))
        self._link_associations(rel, associations, target_of)

    @staticmethod
    def _link_associations(
        rel: HasManyThrough, associations: list[Any], target_of: Callable[[Any], Any]
    ) -> None:
        """Also set the association's own by-id relation to the target (no extra request)."""
        if not associations:
            return
        for name, candidate in relationships_of(type(associations[0])).items():
            if (
                isinstance(candidate, One)
                and not candidate.polymorphic
                and candidate.nested == rel.nested
                and candidate.ref == rel.ref
                and candidate.attr == rel.attr
            ):
                for assoc in associations:
                    if not assoc.is_deserialized(name):
                        assoc.set_loaded(name, target_of(assoc))
                return

    # -- requests --------------------------------------------------------------------------

    def fetch(
        self,
        model_name: str,
        base: Mapping[str, Any],
        column_name: str | None,
        values: Sequence[Any],
        force_refresh: bool,
    ) -> list[Any]:
        """``where`` for ``base`` plus ``column_name IN values``, chunked; cached models."""
        if column_name is None:
            return self._fetch_where(model_name, dict(base), force_refresh=force_refresh)
        size = self.chunk_size
        results: list[Any] = []
        for start in range(0, len(values), size):
            query = {**base, column_name: list(values[start : start + size])}
            results.extend(self._fetch_where(model_name, query, force_refresh=force_refresh))
        return unique(results)


def _satisfies(target: Any, query: Mapping[str, Any], checked: str | None) -> bool:
    """Whether ``target`` meets every condition of one owner's query (``checked`` is known)."""
    for name, wanted in query.items():
        if name == checked:
            continue
        stored = column(target, name)
        if not any(equal(stored, value) for value in _elements(wanted)):
            return False
    return True


def unique_values(values: Iterable[Any], column_name: str) -> list[Any]:
    """Distinct non-None values of ``column_name`` (server equality), first occurrence kept."""
    return distinct(values, kind_of_column(column_name))


def is_empty_list(value: Any) -> bool:
    """A list-like condition value with nothing in it (it matches no row)."""
    return isinstance(value, (list, tuple, set, frozenset)) and not value


Member = tuple[Any, dict[str, Any]]
Batch = tuple[dict[str, Any], str | None, list[Any], list[Member]]


def _groups(wanted: list[Member], chunk_size: int) -> list[Batch]:
    """Merge per-owner queries into batches: ``(base, chunked column, values, members)``.

    Queries with the same columns form one batch. Columns whose value is the same for every
    owner stay as they are; the column with the most distinct values is sent as the list of
    all of them (chunked later); any other varying column is sent as the union of its values
    (the surplus rows this may bring are filtered out per owner when distributing), and
    owners are split so that such a union never exceeds ``chunk_size`` values.
    """
    by_shape: dict[tuple[str, ...], list[Member]] = {}
    for owner, query in wanted:
        by_shape.setdefault(tuple(sorted(query)), []).append((owner, query))
    batches: list[Batch] = []
    for columns, members in by_shape.items():
        spellings = {c: {_freeze(q[c], c) for _, q in members} for c in columns}
        varying = [c for c in columns if len(spellings[c]) > 1]
        chosen = max(varying, key=lambda c: len(spellings[c])) if varying else None
        unions = [c for c in varying if c != chosen]
        for part in _split(members, unions, chunk_size):
            base = {
                c: unique_values((e for _, q in part for e in _elements(q[c])), c)
                if c in unions
                else _as_sent(part[0][1][c])
                for c in columns
                if c != chosen
            }
            values = (
                unique_values((e for _, q in part for e in _elements(q[chosen])), chosen)
                if chosen is not None
                else []
            )
            batches.append((base, chosen, values, part))
    return batches


def _as_sent(value: Any) -> Any:
    """A batch criterion as pydent sends it: every value a list (``{"parent_id": [1]}``), so
    cassettes recorded with either client replay with the other."""
    if value is None or isinstance(value, (list, tuple)):
        return value
    return [value]


def _split(members: list[Member], unions: list[str], chunk_size: int) -> list[list[Member]]:
    """Consecutive runs of members whose union columns stay within ``chunk_size`` values."""
    if not unions:
        return [members]
    parts: list[list[Member]] = []
    current: list[Member] = []
    seen: dict[str, set[Hashable]] = {c: set() for c in unions}
    for owner, query in members:
        keys = {c: {_key(e, c) for e in _elements(query[c])} for c in unions}
        if current and any(len(seen[c] | keys[c]) > chunk_size for c in unions):
            parts.append(current)
            current, seen = [], {c: set() for c in unions}
        current.append((owner, query))
        for c in unions:
            seen[c] |= keys[c]
    parts.append(current)
    return parts
