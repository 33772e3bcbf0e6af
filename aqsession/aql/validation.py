"""Validation of query-language documents against ``schema.json``.

The schema is this package's own description of the documented query format (see its
``description`` fields); unlike pydent's, it really validates attribute values and nested
sub-queries. Errors are reported as :class:`AquariumQueryLanguageValidationError` whose message
starts with the JSON path of the offending part, e.g.
``$.__query__.items.__query__.name: True is not of type 'string', 'number' (...)``.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from aqsession.exceptions import AquariumQueryLanguageValidationError

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
DEPRECATED_QUERY_KEY = "query"
QUERY_KEY = "__query__"


class AQLDeprecatedKeyError(AquariumQueryLanguageValidationError, DeprecationWarning):
    """The pre-0.1.5 ``query`` key was used where ``__query__`` is expected.

    pydent raises a bare ``DeprecationWarning`` here; this class is both that and an
    :class:`AquariumQueryLanguageValidationError`, so either ``except`` clause catches it.
    """


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    text = resources.files("aqsession.aql").joinpath("schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    jsonschema.Draft7Validator.check_schema(schema)
    return schema


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(_schema())


def query_schema() -> dict[str, Any]:
    """Return a deep copy of the query-language JSON schema (draft-07)."""
    return copy.deepcopy(_schema())


def json_path(parts: Iterable[str | int]) -> str:
    """Render a path as JSONPath (``$.__query__.items[0]``); odd keys are quoted."""
    rendered = ["$"]
    for part in parts:
        if isinstance(part, int):
            rendered.append(f"[{part}]")
        elif _IDENTIFIER.match(part):
            rendered.append(f".{part}")
        else:
            rendered.append(f"[{json.dumps(part)}]")
    return "".join(rendered)


def _describe(error: ValidationError) -> str:
    """One line naming where the document is wrong, what is wrong and what was expected."""
    path: list[str | int] = list(error.absolute_path)
    if "propertyNames" in error.relative_schema_path:
        path.append(str(error.instance))
        problem = f"the key {error.instance!r} is not allowed here"
    else:
        problem = error.message
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    hint = f" (expected {description})" if description else ""
    return f"{json_path(path)}: {problem}{hint}"


def _find_deprecated_key(node: Any, path: list[str | int]) -> list[str | int] | None:
    """Path of the first query node that uses ``query`` instead of ``__query__``, if any.

    Query nodes are the document itself and every object value of a query object that is not
    an operator or time object.
    """
    if not isinstance(node, dict):
        return None
    if DEPRECATED_QUERY_KEY in node and QUERY_KEY not in node:
        return [*path, DEPRECATED_QUERY_KEY]
    body = node.get(QUERY_KEY)
    if not isinstance(body, dict):
        return None
    for key, value in body.items():
        if isinstance(value, dict) and not (isinstance(key, str) and key.startswith("__")):
            found = _find_deprecated_key(value, [*path, QUERY_KEY, key])
            if found is not None:
                return found
    return None


def validate(data: Any) -> None:
    """Check ``data`` against the query-language schema.

    Raises :class:`AquariumQueryLanguageValidationError` naming the JSON path of the first
    problem (the most relevant one when several exist), and :class:`AQLDeprecatedKeyError`
    when the old ``query`` key is used.
    """
    deprecated = _find_deprecated_key(data, [])
    if deprecated is not None:
        raise AQLDeprecatedKeyError(
            f"{json_path(deprecated)}: the 'query' key was renamed to '__query__' "
            "(pydent 0.1.5a23); rename it"
        )
    error = best_match(_validator().iter_errors(data))
    if error is not None:
        raise AquariumQueryLanguageValidationError(_describe(error)) from error
