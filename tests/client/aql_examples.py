"""The two query-language documents of client-behaviour.md section 6, whose request sequences
pydent was captured sending; shared by the AQL schema, compiler and end-to-end tests."""

from __future__ import annotations

NESTED = {
    "__model__": "Sample",
    "__query__": {
        "items": {
            "__query__": {
                "object_type": {"__query__": {"name": "Yeast Glycerol Stock"}},
                "__options__": {"limit": 1},
            }
        },
        "user_id": 1,
        "__return__": {"sample_type": "field_types"},
    },
}

OPERATORS = {
    "__model__": "Item",
    "__query__": {
        "object_type": {"__query__": {"sample_type": {"__query__": {"name": "Primer"}}}},
        "created_at": {"__gt__": {"__time__": {"__days__": -7}}},
        "location": {"__not__": "deleted"},
        "__options__": {"limit": 1},
    },
}
