"""Code (versioned protocol text) and Libraries."""

from __future__ import annotations

from typing import Any

from .base import ModelBase
from .relationships import HasManyGeneric, HasOne, HasOneFromMany, One, find_parent, session_of


class Code(ModelBase):
    """One version of a piece of code owned by an OperationType or a Library."""

    COLUMNS = (
        "name",
        "content",
        "parent_id",
        "parent_class",
        "created_at",
        "updated_at",
        "user_id",
    )
    STR_FIELDS = ("name", "parent_class", "parent_id")

    user = HasOne("User")
    operation_type = One("OperationType", ref="parent_id", polymorphic=True)
    library = One("Library", ref="parent_id", polymorphic=True)

    @property
    def parent(self) -> Any:
        """The Library or OperationType this code belongs to."""
        return self.library if self.parent_class == "Library" else self.operation_type

    def get_parent(self, parent_class: str, *args: Any) -> Any:
        """The parent when it is a ``parent_class`` (fetched by id), else None."""
        return find_parent(self, parent_class, self.parent_id)

    def update(self) -> Code:
        """Save ``content`` as a new version on the server (``{parents}/code``)."""
        session_of(self).utils.update_code(self)
        return self


class Library(ModelBase):
    """Shared code that protocols include."""

    COLUMNS = ("name", "category", "created_at", "updated_at")
    STR_FIELDS = ("name", "category")

    codes = HasManyGeneric("Code")
    source = HasOneFromMany(
        "Code",
        ref="parent_id",
        additional_args={"parent_class": "Library", "name": "source"},
    )

    def code(self, accessor: str) -> Any:
        """The library's current ``source`` Code for ``accessor == "source"``, else None."""
        return self.source if accessor == "source" else None

    def create(self) -> Library:
        """Create the library and its source (``POST libraries.json``)."""
        session_of(self).utils.create_library(self)
        return self
