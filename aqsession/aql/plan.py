"""Compiling a validated query document into a plan, before any request is made.

A :class:`Plan` is one ``where`` call: the model, its terms in document order (attribute
conditions and relationship :class:`Edge` s to sub-plans), the options and the ``__return__``
spec. Everything that can be wrong with a document for a given set of models is found here:
unknown models, a relationship given a plain value, a sub-query on something that is not a
relationship, ``Function`` fields, custom-callback relationships, a sub-query ``__model__`` that
is not the relationship's target, unknown names in ``__return__``. So a bad document fails with
:class:`AquariumQueryLanguageValidationError` naming its JSON path, and nothing is sent.

Relationships with fixed extra conditions (``additional_args``, e.g. ``Sample.field_values``
only covers ``FieldValue`` rows with ``parent_class == "Sample"``) add those conditions to the
sub-query, so a sub-query never matches rows of another parent class (pydent leaves them out and
can match unrelated rows that share a ``parent_id``).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aqsession.aql import relations
from aqsession.aql.validation import QUERY_KEY, json_path
from aqsession.exceptions import AquariumQueryLanguageValidationError

MODEL_KEY = "__model__"
OPTIONS_KEY = "__options__"
RETURN_KEY = "__return__"
PAGE_SIZE_KEY = "pageSize"

#: options every AQL ``where`` starts from (pydent: newest first)
DEFAULT_OPTIONS: dict[str, Any] = {"reverse": True}

Resolver = Callable[[str], Any]
Path = list[str | int]


@dataclass
class Attribute:
    """A condition on a column; ``value`` is the document's value, compiled at run time."""

    column: str
    value: Any
    path: str


@dataclass
class Edge:
    """A sub-query reached through the relationship ``relation`` of kind ``kind``."""

    name: str
    kind: str
    relation: Any
    child: Plan
    through: Any = None


@dataclass
class Plan:
    """One ``where`` call on ``model`` and the sub-queries it depends on."""

    model: str
    path: str
    terms: list[Attribute | Edge] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    page_size: int | None = None
    returns: Any = None

    @property
    def limit(self) -> int | None:
        """The requested maximum number of results, if any."""
        limit = self.options.get("limit")
        return limit if isinstance(limit, int) and limit >= 0 else None

    def require(self, column: str, value: Any, reason: str) -> None:
        """Add a fixed equality condition, refusing a contradicting one from the document."""
        for term in self.terms:
            if isinstance(term, Attribute) and term.column == column:
                if term.value != value:
                    raise AquariumQueryLanguageValidationError(
                        f"{term.path}: {reason} fixes {column} to {value!r}, so {term.value!r} "
                        f"can never match; remove {column} from this query"
                    )
                return
        self.terms.append(Attribute(column, value, f"{self.path}.{column}"))


def default_resolver(name: str) -> Any:
    """Look a model class up in :mod:`aqsession.models`."""
    from aqsession.models import get_model

    return get_model(name)


def _is_node(value: Any) -> bool:
    return isinstance(value, Mapping) and QUERY_KEY in value


def _suggest(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=3)
    if close:
        return f"did you mean {' or '.join(repr(c) for c in close)}?"
    return f"known relationships: {sorted(candidates)}" if candidates else "it has none"


class _Builder:
    """Walks a document, resolving models and relationships as it goes."""

    def __init__(self, resolve: Resolver) -> None:
        self.resolve = resolve

    def model(self, name: str, path: Path) -> Any:
        try:
            return self.resolve(name)
        except Exception as exc:
            raise AquariumQueryLanguageValidationError(f"{json_path(path)}: {exc}") from exc

    def plan(self, node: Mapping[str, Any], model_name: str, path: Path) -> Plan:
        model_class = self.model(model_name, [*path, MODEL_KEY] if MODEL_KEY in node else path)
        fields: dict[str, Any] = dict(model_class.get_relationships())
        query_path = [*path, QUERY_KEY]
        body: Mapping[str, Any] = node[QUERY_KEY]
        plan = Plan(model=model_name, path=json_path(query_path))
        for key, value in body.items():
            if key in (OPTIONS_KEY, RETURN_KEY):
                continue
            plan.terms.append(self.term(model_name, fields, key, value, [*query_path, key]))
        for term in list(plan.terms):
            if isinstance(term, Edge):
                reason = f"the relationship {model_name}.{term.name}"
                for column, fixed in relations.owner_conditions(term.relation).items():
                    plan.require(column, fixed, reason)
        options = dict(body.get(OPTIONS_KEY) or {})
        plan.page_size = options.pop(PAGE_SIZE_KEY, None)
        plan.options = {**DEFAULT_OPTIONS, **options}
        if RETURN_KEY in body:
            plan.returns = body[RETURN_KEY]
            self.check_returns(model_name, fields, plan.returns, [*query_path, RETURN_KEY])
        return plan

    def term(
        self, model_name: str, fields: dict[str, Any], key: str, value: Any, path: Path
    ) -> Attribute | Edge:
        relation: Any = fields.get(key)
        kind = relations.ATTRIBUTE if relation is None else relations.relation_kind(relation)
        where = json_path(path)
        if kind == relations.ATTRIBUTE:
            if _is_node(value):
                raise AquariumQueryLanguageValidationError(
                    f"{where}: {key!r} is not a relationship of {model_name}, so it cannot take "
                    f"a sub-query; {_suggest(key, self.followable(fields))}"
                )
            return Attribute(key, value, where)
        label = f"{model_name}.{key} ({type(relation).__name__})"
        if kind == relations.FUNCTION:
            raise AquariumQueryLanguageValidationError(
                f"{where}: {label} is computed in Python, not stored on the server, so it cannot "
                "be queried; query the stored attributes it is computed from"
            )
        if kind == relations.CUSTOM:
            raise AquariumQueryLanguageValidationError(
                f"{where}: {label} is loaded by a custom callback the query language cannot "
                "translate; query its key columns (e.g. parent_id, parent_class) instead"
            )
        if not _is_node(value):
            raise AquariumQueryLanguageValidationError(
                f"{where}: {label} is a relationship to {relation.nested}; give a sub-query "
                f'{{"__query__": {{...}}}} or filter on its key column instead'
            )
        declared = value.get(MODEL_KEY)
        if declared is not None and declared != relation.nested:
            raise AquariumQueryLanguageValidationError(
                f"{json_path([*path, MODEL_KEY])}: {label} leads to {relation.nested}, "
                f"not {declared}; remove __model__ or correct it"
            )
        self.check_key_columns(model_name, label, relation, kind, where)
        child = self.plan(value, relation.nested, path)
        edge = Edge(name=key, kind=kind, relation=relation, child=child)
        reason = f"the relationship {model_name}.{key}"
        for column, fixed in relations.additional_args(relation).items():
            child.require(column, fixed, reason)
        if kind == relations.THROUGH:
            edge.through = self.through_relation(model_name, fields, key, relation, where)
        return edge

    def check_key_columns(
        self, model_name: str, label: str, relation: Any, kind: str, where: str
    ) -> None:
        """Refuse, before any request, a relationship whose key columns the server lacks
        (pydent's ``FieldValue.object_type`` names ``object_type_id``, which field values do
        not store): querying it could only ever fail."""
        if kind == relations.THROUGH:
            return
        owner_column, target_column = (
            (relation.ref, relation.attr)
            if kind == relations.HAS_ONE
            else (relation.attr, relation.ref)
        )
        for model, column in ((model_name, owner_column), (relation.nested, target_column)):
            known = _server_columns(self.model(model, []))
            if known is not None and column not in known:
                raise AquariumQueryLanguageValidationError(
                    f"{where}: {label} joins on {model}.{column}, which the server does not "
                    "store, so it cannot be queried"
                )

    def through_relation(
        self, model_name: str, fields: dict[str, Any], key: str, relation: Any, where: str
    ) -> Any:
        through = fields.get(relation.through)
        if through is None or relations.relation_kind(through) != relations.HAS_MANY:
            raise AquariumQueryLanguageValidationError(
                f"{where}: {model_name}.{key} goes through {relation.through!r}, which is not a "
                f"HasMany relationship of {model_name}; the model definition is inconsistent"
            )
        return through

    @staticmethod
    def followable(fields: dict[str, Any]) -> list[str]:
        return [
            name
            for name, relation in fields.items()
            if relations.relation_kind(relation) in relations.FOLLOWABLE
        ]

    def check_returns(self, model_name: str, fields: dict[str, Any], spec: Any, path: Path) -> None:
        """Every name in a ``__return__`` spec must be a loadable relationship."""
        if isinstance(spec, str):
            self.returned_relation(model_name, fields, spec, path)
        elif isinstance(spec, list):
            for index, name in enumerate(spec):
                self.returned_relation(model_name, fields, name, [*path, index])
        elif isinstance(spec, Mapping):
            for name, inner in spec.items():
                relation = self.returned_relation(model_name, fields, name, [*path, name])
                target = self.model(relation.nested, [*path, name])
                self.check_returns(
                    relation.nested, dict(target.get_relationships()), inner, [*path, name]
                )

    def returned_relation(
        self, model_name: str, fields: dict[str, Any], name: str, path: Path
    ) -> Any:
        relation = fields.get(name)
        if relation is None or relations.relation_kind(relation) not in relations.LOADABLE:
            loadable = [
                key
                for key, value in fields.items()
                if relations.relation_kind(value) in relations.LOADABLE
            ]
            raise AquariumQueryLanguageValidationError(
                f"{json_path(path)}: {name!r} is not a relationship of {model_name} that can be "
                f"loaded; {_suggest(name, loadable)}"
            )
        return relation


def build_plan(document: Mapping[str, Any], resolve: Resolver | None = None) -> Plan:
    """Compile a schema-valid document into a :class:`Plan` (raises on semantic errors)."""
    builder = _Builder(resolve or default_resolver)
    return builder.plan(document, document[MODEL_KEY], [])


def _server_columns(model: Any) -> frozenset[str] | None:
    """The columns a model's table has on the server (what ``where`` may name), if declared."""
    columns = getattr(model, "COLUMNS", None)
    return None if not columns else frozenset(("id", *columns))
