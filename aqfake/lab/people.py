"""Users (hashed passwords, remember tokens, profile), groups, memberships and budgets."""

from __future__ import annotations

import base64
import random
from collections.abc import Iterable, Mapping
from typing import Any

from ..passwords import check_password as _check_digest
from ..passwords import hash_password
from ..store import Row
from .base import BuilderBase, Ref


def url_safe_token(rng: random.Random, nbytes: int = 16) -> str:
    """URL-safe base64 without padding: 16 random bytes give Aquarium's 22-character tokens."""
    return base64.urlsafe_b64encode(rng.randbytes(nbytes)).rstrip(b"=").decode("ascii")


def check_password(user: Mapping[str, Any] | None, password: str) -> bool:
    """True when ``password`` is the password of the ``users`` row ``user``."""
    if not user:
        return False
    return _check_digest(user.get("password_digest"), password)


class PeopleBuilder(BuilderBase):
    """Builders for users, groups and budgets."""

    def group(self, name: str, description: str | None = None, *, id: int | None = None) -> Row:
        """A group (names are unique, case-insensitively)."""
        self._unique("groups", name=name)
        return self._insert(
            "groups", id=id, name=name, description=description or f"The {name} group"
        )

    def group_named(self, name: str, *, id: int | None = None) -> Row:
        """The group called ``name``, created if missing (as Aquarium does for admin etc.)."""
        return self.store.first("groups", name=name) or self.group(name, id=id)

    def membership(self, user: Ref, group: Ref) -> Row:
        """Put a user in a group."""
        return self._insert(
            "memberships", user_id=self.user_id(user), group_id=self.ref("groups", group)
        )

    def user(
        self,
        login: str,
        password: str,
        name: str,
        admin: bool = False,
        up_to_date: bool = True,
        *,
        technician: bool = False,
        email: str | None = None,
        phone: str | None = None,
        id: int | None = None,
        group_id: int | None = None,
    ) -> Row:
        """A user with a hashed password, a remember token and a personal group.

        ``admin`` adds a membership in the ``admin`` group (what Aquarium checks), ``technician``
        one in ``technicians``; ``up_to_date`` adds the profile parameters (email, phone, lab
        agreement, aquarium agreement) without which Aquarium redirects most pages.
        """
        login = login.strip().lower()
        if not login:
            raise ValueError("a user needs a non-empty login")
        if len(password) < 6:
            raise ValueError(f"user {login!r}: passwords must have at least 6 characters")
        self._unique("users", login=login)
        secrets = random.Random(f"aqfake-user:{self.seed}:{login}")
        row = self._insert(
            "users",
            id=id,
            name=name,
            login=login,
            password_digest=hash_password(password, secrets.randbytes(16)),
            remember_token=url_safe_token(secrets),
            admin=admin,
        )
        if self.owner_id is None:
            self.owner_id = row["id"]
        own = self.group_named(login, id=group_id)
        self.membership(row, own)
        if admin:
            self.membership(row, self.group_named("admin"))
        if technician:
            self.membership(row, self.group_named("technicians"))
        if up_to_date:
            profile = {
                "email": email or f"{login}@example.org",
                "phone": phone or f"206-555-{secrets.randrange(10000):04d}",
                "lab_agreement": "true",
                "aquarium": "true",
            }
            for key, value in profile.items():
                self._insert("parameters", key=key, value=value, user_id=row["id"])
        return row

    def budget(
        self,
        name: str,
        *,
        contact: str = "Lab Manager",
        email: str = "billing@example.org",
        phone: str = "206-555-0100",
        description: str | None = None,
        overhead: float = 0.0,
        users: Mapping[Any, float] | Iterable[Any] = (),
        id: int | None = None,
    ) -> Row:
        """A budget; ``users`` maps user references to quotas (or lists users, quota 1000)."""
        row = self._insert(
            "budgets",
            id=id,
            name=name,
            overhead=overhead,
            contact=contact,
            description=description or name,
            email=email,
            phone=phone,
        )
        quotas = users if isinstance(users, Mapping) else dict.fromkeys(users, 1000.0)
        for user, quota in quotas.items():
            self.user_budget(user, row, quota)
        return row

    def user_budget(
        self, user: Ref, budget: Ref, quota: float = 1000.0, *, disabled: bool = False
    ) -> Row:
        """Let ``user`` spend from ``budget`` up to ``quota``."""
        return self._insert(
            "user_budget_associations",
            user_id=self.user_id(user),
            budget_id=self.ref("budgets", budget),
            quota=quota,
            disabled=disabled,
        )
