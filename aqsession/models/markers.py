"""The explicit "not loaded" marker for relationship values.

``None`` is a legitimate relationship value (an item without a sample), so a separate, falsy
singleton marks a relationship whose value has not been fetched yet.
"""

from __future__ import annotations

from typing import Any, Final


class _NotLoaded:
    """Type of :data:`NOT_LOADED`; there is only ever one instance."""

    _instance: _NotLoaded | None = None

    def __new__(cls) -> _NotLoaded:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "<not loaded>"

    def __copy__(self) -> _NotLoaded:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _NotLoaded:
        return self

    def __reduce__(self) -> str:
        return "NOT_LOADED"


NOT_LOADED: Final = _NotLoaded()
