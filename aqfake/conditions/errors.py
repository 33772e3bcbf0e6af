"""The error every ``where`` front end raises for a query the real server refuses."""

from __future__ import annotations


class QueryError(Exception):
    """A query the real server rejects; ``/json`` answers 422 ``{"errors": str(error)}``."""


def unknown_column(name: str) -> QueryError:
    """MySQL's answer to a column the table does not have (or that is secret here)."""
    return QueryError(f"Mysql2::Error: Unknown column '{name}' in 'where clause'")
