"""Running a compiled :class:`~aqsession.aql.plan.Plan` against a session.

Sub-queries run first, innermost first and in document order, each through
``session.model_interface(model).where(...)``; each result becomes a condition of its parent:

* ``HasMany`` / ``HasManyGeneric`` (``Sample.items``: Item.sample_id -> Sample.id):
  parent condition ``{relation.attr: [child.<relation.ref>, ...]}``, e.g. ``{"id": [3]}``;
* ``HasOne`` (``Item.object_type``: Item.object_type_id -> ObjectType.id):
  ``{relation.ref: [child.<relation.attr>, ...]}``, e.g. ``{"object_type_id": [9]}``;
* ``HasManyThrough`` (``Plan.operations`` via ``plan_associations``): pydent refuses these. Here
  the targets' ``relation.attr`` values select association rows
  (``PlanAssociation where {operation_id: [...]}``, one extra request), whose ``through.ref``
  values then select the owners exactly as a ``HasMany`` does (``{id: [plan_id, ...]}``);
* ``HasOneFromMany`` (``OperationType.protocol``, the newest matching ``Code``): pydent refuses
  these too. The sub-query finds candidate targets; one extra request loads every target of the
  candidates' owners (with the relationship's fixed conditions), and an owner is kept only when
  its newest target (highest id) is one of the candidates, so older versions never match.

Value lists are de-duplicated in first-seen order and ``None`` references are dropped. An empty
list means no parent can match: the parent returns ``[]`` at once, without a request (and without
running its remaining sub-queries).

When any condition is an operator (or a list holding ``null``, which a JSON body would lose),
the whole condition dict is sent as one SQL string (:func:`~aqsession.aql.sql.to_sql`), like
pydent. A column constrained twice (``items`` and
``field_values`` both select ``Sample.id``) must satisfy both: the value lists are intersected,
or both comparisons are ANDed in SQL (pydent keeps only the last).

With ``pageSize`` the results are trimmed to ``limit`` and put in the session's cache, which
pagination bypasses, so they too end up in the calling session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aqsession import server_values
from aqsession.aql import relations
from aqsession.aql.plan import Attribute, Edge, Plan
from aqsession.aql.sql import render
from aqsession.aql.values import Operator, parse_value
from aqsession.server_values import ColumnKind, equality_key, kind_of_column

if TYPE_CHECKING:
    from aqsession.session import AqSession


def distinct(values: Iterable[Any]) -> list[Any]:
    """Key column values (ids) without ``None`` and without server-equal repeats, in
    first-seen order."""
    return server_values.distinct(values, ColumnKind.INTEGER)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def as_dict(pairs: list[tuple[str, Any]]) -> dict[str, Any] | None:
    """Equality conditions as a ``where`` dict; a column given twice keeps the values both
    accept (two sub-queries that both constrain ``id`` must both hold), compared as the server
    compares them on that column (:func:`~aqsession.server_values.equality_key`: a column
    constrained twice is always a key column, because one of the two is a sub-query and
    sub-queries constrain ``id`` or ``*_id`` columns). None when no value satisfies a column."""
    conditions: dict[str, Any] = {}
    for column, value in pairs:
        if column not in conditions:
            conditions[column] = value
            continue
        kind = kind_of_column(column)
        previous = conditions[column]
        accepted = {equality_key(item, kind) for item in _as_list(value)}
        both = [item for item in _as_list(previous) if equality_key(item, kind) in accepted]
        if not both:
            return None
        is_list = isinstance(previous, list) or isinstance(value, list)
        conditions[column] = both if is_list else both[0]
    return conditions


def needs_sql(pairs: list[tuple[str, Any]]) -> bool:
    """Whether the conditions must go out as one SQL string: an operator, or a list holding
    ``None`` (in a JSON body Rails drops the ``null``, so ``IS NULL`` would be lost)."""
    return any(
        isinstance(value, Operator) or (isinstance(value, list) and None in value)
        for _, value in pairs
    )


def _where(session: AqSession, model: str, conditions: Any, **kwargs: Any) -> list[Any]:
    return list(session.model_interface(model).where(conditions, **kwargs) or [])


class Runner:
    """Executes plans with one reference time for every ``__time__`` value."""

    def __init__(self, session: AqSession, now: datetime) -> None:
        self.session = session
        self.now = now

    def run(self, plan: Plan) -> list[Any]:
        """The models matching ``plan`` (its sub-queries run first, each narrowing the keys)."""
        pairs: list[tuple[str, Any]] = []
        for term in plan.terms:
            if isinstance(term, Attribute):
                pairs.append((term.column, parse_value(term.value, self.now, term.path)))
                continue
            column, values = _EDGES[term.kind](self, term)
            if not values:
                return []
            pairs.append((column, values))
        arguments: Any
        if needs_sql(pairs):
            arguments = render(pairs, self.now)
        else:
            arguments = as_dict(pairs)
            if arguments is None:
                return []
        results = _where(
            self.session,
            plan.model,
            arguments,
            opts=dict(plan.options),
            page_size=plan.page_size,
        )
        if plan.page_size is not None:
            if plan.limit is not None:
                results = results[: plan.limit]
            # paged results bypass the cache; caching them lets the session hand them over
            # to the calling session like every other result
            self.session.browser.update_cache(results)
        if plan.returns is not None:
            self.session.browser.get(results, plan.returns)
        return results

    def has_many(self, edge: Edge) -> tuple[str, list[Any]]:
        """The owner column and its values: owners of the children matching the sub-query."""
        targets = self.run(edge.child)
        return edge.relation.attr, distinct(getattr(t, edge.relation.ref) for t in targets)

    def has_one(self, edge: Edge) -> tuple[str, list[Any]]:
        """The key column and its values: the ids of targets matching the sub-query."""
        targets = self.run(edge.child)
        return edge.relation.ref, distinct(getattr(t, edge.relation.attr) for t in targets)

    def through(self, edge: Edge) -> tuple[str, list[Any]]:
        """The owner column and its values, reached through the association model."""
        relation, through = edge.relation, edge.through
        keys = distinct(getattr(t, relation.attr) for t in self.run(edge.child))
        if not keys:
            return through.attr, []
        conditions = {relation.ref: keys, **relations.additional_args(through)}
        links = _where(self.session, through.nested, conditions)
        return through.attr, distinct(getattr(link, through.ref) for link in links)

    def one_from_many(self, edge: Edge) -> tuple[str, list[Any]]:
        """The owner column and its values where the newest target matches the sub-query."""
        relation = edge.relation
        candidates = self.run(edge.child)
        owners = distinct(getattr(c, relation.ref) for c in candidates)
        if not owners:
            return relation.attr, []
        conditions = {relation.ref: owners, **relations.additional_args(relation)}
        newest: dict[Any, Any] = {}
        for target in _where(self.session, relation.nested, conditions):
            owner = getattr(target, relation.ref)
            if owner not in newest or target.id > newest[owner].id:
                newest[owner] = target
        chosen = {c.id for c in candidates}
        return relation.attr, [o for o in owners if o in newest and newest[o].id in chosen]


_EDGES: dict[str, Callable[[Runner, Edge], tuple[str, list[Any]]]] = {
    relations.HAS_MANY: Runner.has_many,
    relations.HAS_ONE: Runner.has_one,
    relations.THROUGH: Runner.through,
    relations.ONE_FROM_MANY: Runner.one_from_many,
}
