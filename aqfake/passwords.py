"""Salted password digests for the fake's users.

The fake never keeps a plain password: ``users.password_digest`` holds
``pbkdf2_sha256$<iterations>$<salt_b64>$<hash_b64>`` and logins are checked with a constant-time
comparison. The default iteration count is deliberately modest: the fake holds test accounts and
signs users in on every test, so hashing must cost milliseconds, not a second.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

ALGORITHM = "pbkdf2_sha256"
DEFAULT_ITERATIONS = 10_000


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _derive(password: str, salt: bytes, iterations: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)


def hash_password(password: str, salt: bytes | str, iterations: int = DEFAULT_ITERATIONS) -> str:
    """The digest string for ``password`` with ``salt`` (bytes, or text encoded as UTF-8)."""
    if iterations < 1:
        raise ValueError(f"iterations must be a positive integer, got {iterations}")
    salt_bytes = salt.encode("utf-8") if isinstance(salt, str) else salt
    if not salt_bytes:
        raise ValueError("a password salt must not be empty; pass random bytes")
    derived = _derive(password, salt_bytes, iterations)
    return f"{ALGORITHM}${iterations}${_b64(salt_bytes)}${_b64(derived)}"


def check_password(digest: str | None, password: str) -> bool:
    """True when ``password`` matches ``digest``; False for a missing or malformed digest."""
    if not digest or not isinstance(password, str):
        return False
    parts = digest.split("$")
    if len(parts) != 4 or parts[0] != ALGORITHM:
        return False
    try:
        iterations = int(parts[1])
        salt = base64.b64decode(parts[2], validate=True)
        expected = base64.b64decode(parts[3], validate=True)
    except ValueError:
        return False
    if iterations < 1 or not salt:
        return False
    return hmac.compare_digest(_derive(password, salt, iterations), expected)
