"""A three-user lab for the app, auth and transport tests, independent of the demo lab.

- ``neptune`` / ``aquarium``: up to date (the four profile parameters).
- ``rookie`` / ``rookie-pass``: signed in fine, but not up to date.
- ``ghost``: no password and a NULL token (must never authenticate anyone).
"""

from __future__ import annotations

from typing import Any

from aqfake.app import FakeAquarium
from aqfake.passwords import hash_password
from aqfake.store import Store

NEPTUNE_TOKEN = "TYmoWfyV42AL7dSoYcgmug"
ROOKIE_TOKEN = "rK9f2Lq0ZxWv8bNnYt3aHg"
PROFILE = {"email": "n@example.org", "phone": "555", "lab_agreement": "true", "aquarium": "true"}


def tiny_lab(store: Store) -> None:
    neptune = store.insert(
        "users",
        name="Neptune",
        login="neptune",
        password_digest=hash_password("aquarium", b"neptune-salt", iterations=50),
        remember_token=NEPTUNE_TOKEN,
    )
    store.insert(
        "users",
        name="Rory Rookie",
        login="rookie",
        password_digest=hash_password("rookie-pass", b"rookie-salt", iterations=50),
        remember_token=ROOKIE_TOKEN,
    )
    store.insert("users", name="Ghost", login="ghost", remember_token=None)
    for key, value in PROFILE.items():
        store.insert("parameters", key=key, value=value, user_id=neptune["id"])


def tiny_fake(**options: Any) -> FakeAquarium:
    return FakeAquarium(tiny_lab, **options)
