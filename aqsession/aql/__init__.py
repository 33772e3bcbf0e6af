"""The Aquarium query language: JSON documents run by ``session.query(...)``.

A document names a model and a query object::

    {"__model__": "Sample",
     "__query__": {"items": {"__query__": {"object_type": {"__query__": {"name": "Primer"}}}},
                   "created_at": {"__gt__": {"__time__": {"__days__": -7}}},
                   "__options__": {"limit": 10},
                   "__return__": {"sample_type": "field_types"}},
     "__json__": true}

``schema.json`` (:func:`query_schema`) is the exact format. Compared with pydent 1.0.11:
attribute values really are validated; every model/relationship problem is reported before
any request; ``HasManyThrough`` and ``HasOneFromMany`` can be queried; SQL values are escaped;
``__time__`` is UTC; ``pageSize`` is not sent to the server and ``limit`` is exact with it;
``"__json__": false`` returns models; ``__return__`` names are checked up front.

What the schema accepts (decisions where pydent's documentation is silent or its schema
accepted anything):

* attribute names are ASCII identifiers that neither start nor end with ``__``;
* a single value is a string, a number (integer or float), a boolean or null; null means
  ``IS NULL`` and ``{"__not__": null}`` means ``IS NOT NULL``;
* an array is a non-empty list of single values (no times, no operators inside);
* ``__not__`` takes a single value or a time; ``__lt__``/``__le__``/``__gt__``/``__ge__`` take
  a string, a number or a time (ordering booleans or null is refused);
* a bare ``{"__time__": ...}`` is kept and means equality with that second (rarely useful);
* ``__options__`` takes only ``limit``, ``pageSize``, ``reverse`` and ``offset`` (pydent forwarded
  any other key to the server, which ignored it);
* a sub-query node may repeat ``__model__`` (it must then name the relationship's target) and
  carry a ``__description__``; ``__json__`` is only read at the top level;
* the old ``query`` key raises :class:`AQLDeprecatedKeyError` (a ``DeprecationWarning`` and an
  ``AquariumQueryLanguageValidationError``) that names the rename to ``__query__``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aqsession.aql.execute import Runner
from aqsession.aql.plan import Resolver, build_plan
from aqsession.aql.sql import to_sql
from aqsession.aql.validation import AQLDeprecatedKeyError, query_schema, validate
from aqsession.aql.values import utcnow

if TYPE_CHECKING:
    from aqsession.session import AqSession

JSON_KEY = "__json__"
#: ``dump`` flags used when ``__json__`` is ``true``; an object overrides them
DEFAULT_DUMP_FLAGS: dict[str, bool] = {"include_uri": True, "include_model_type": True}


def _dump_flags(option: Any) -> dict[str, Any] | None:
    """``dump`` keyword arguments for a ``__json__`` value, or None to return models."""
    if option is None or option is False:
        return None
    if isinstance(option, Mapping):
        return {**DEFAULT_DUMP_FLAGS, **option}
    return dict(DEFAULT_DUMP_FLAGS)


def execute(
    session: AqSession,
    data: Mapping[str, Any],
    use_cache: bool = False,
    *,
    now: datetime | None = None,
    resolve: Resolver | None = None,
) -> list[Any]:
    """Run a query document and return the matching models (or dicts, with ``__json__``).

    The document is validated and compiled first, so a bad one raises
    :class:`~aqsession.exceptions.AquariumQueryLanguageValidationError` before any request.
    The queries then run in ``session.with_cache(using_models=use_cache)``, as in pydent, so the
    results and everything loaded on the way end up in ``session``'s cache and belong to it.
    With ``__json__`` the results are dumped (``include_uri`` and ``include_model_type`` default
    to true) and the relationships loaded by ``__return__`` are included in each dump (pydent
    loads them but leaves them out).
    ``now`` fixes the reference time of ``__time__`` values (default: the current UTC time);
    ``resolve`` maps model names to classes (default: :func:`aqsession.models.get_model`).
    """
    validate(data)
    plan = build_plan(data, resolve)
    flags = _dump_flags(data.get(JSON_KEY))
    moment = now if now is not None else utcnow()
    with session.with_cache(using_models=use_cache) as derived:
        results = Runner(derived, moment).run(plan)
        if flags is None:
            return results
        if plan.returns is not None:
            flags["include"] = plan.returns
        return [model.dump(**flags) for model in results]


__all__ = [
    "AQLDeprecatedKeyError",
    "execute",
    "query_schema",
    "to_sql",
    "validate",
]
