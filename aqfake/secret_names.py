"""Which header and field names carry credentials: the one rule the scrubber, its audit and the
journal share.

A name is a credential's when it says so: it contains ``password``, ``passwd``, ``secret``,
``token`` or ``credential``, or it is a compound ending in ``key`` (``api_key``, ``apikey``,
``X-Api-Key``, ``private_key``). A bare ``key`` is a credential only inside a user record:
elsewhere it is an ordinary Aquarium field (a DataAssociation's or a Parameter's key name).
``Authorization`` and ``Proxy-Authorization`` headers always carry credentials, and so do the
values of ``Cookie`` and ``Set-Cookie``.
"""

from __future__ import annotations

import re

#: Any name containing one of these words (case-insensitively) names a secret.
_SECRET_WORDS = re.compile(r"password|passwd|secret|token|credential|api[-_]?key|[-_]key$")
#: Headers whose whole value is a credential (an auth scheme, then the credential).
AUTHORIZATION_HEADERS = frozenset({"authorization", "proxy-authorization"})
#: Headers whose values are cookies, each of them a secret.
COOKIE_HEADERS = frozenset({"cookie", "set-cookie"})
#: The bare field name that is a secret only in a user record (Aquarium's API key column).
USER_KEY = "key"


def is_secret_name(name: str) -> bool:
    """Whether a JSON field, query parameter or header of this name holds a credential."""
    return _SECRET_WORDS.search(name.lower()) is not None


def is_secret_header(name: str) -> bool:
    """Whether the header ``name`` carries a credential in its value (cookies excluded: their
    names are kept and only their values are secret)."""
    lowered = name.lower()
    return lowered in AUTHORIZATION_HEADERS or (
        lowered not in COOKIE_HEADERS and is_secret_name(lowered)
    )
