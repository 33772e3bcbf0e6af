"""Users, groups and accounting models."""

from __future__ import annotations

from .base import ModelBase
from .relationships import HasMany, HasManyThrough, HasOne


class User(ModelBase):
    """An Aquarium user. Secret columns are never kept, even if a server sends them."""

    COLUMNS = ("name", "login", "created_at", "updated_at", "admin")
    IGNORE = ("password_digest", "remember_token", "key")
    STR_FIELDS = ("login", "name")

    # pydent declares groups as Group.where(user_id=...), a column groups do not have (the
    # server answers 422, read as no groups); Aquarium reaches them through memberships.
    memberships = HasMany("Membership", ref="user_id")
    groups = HasManyThrough("Group", "Membership")
    user_budget_associations = HasMany("UserBudgetAssociation", ref="user_id")
    budgets = HasManyThrough("Budget", "UserBudgetAssociation")


class Group(ModelBase):
    """A group of users (every user also has a group of their own, named by login)."""

    COLUMNS = ("name", "description", "created_at", "updated_at")
    STR_FIELDS = ("name",)


class Membership(ModelBase):
    """Links a user to a group."""

    COLUMNS = ("user_id", "group_id", "created_at", "updated_at")
    STR_FIELDS = ("user_id", "group_id")

    user = HasOne("User")
    group = HasOne("Group")


class Budget(ModelBase):
    """A budget that operations and jobs are charged to."""

    COLUMNS = (
        "name",
        "overhead",
        "contact",
        "created_at",
        "updated_at",
        "description",
        "email",
        "phone",
    )
    STR_FIELDS = ("name",)

    user_budget_associations = HasMany("UserBudgetAssociation", ref="budget_id")


class UserBudgetAssociation(ModelBase):
    """Lets a user spend from a budget, up to a quota."""

    COLUMNS = ("user_id", "budget_id", "quota", "disabled", "created_at", "updated_at")
    STR_FIELDS = ("user_id", "budget_id")

    budget = HasOne("Budget")
    user = HasOne("User")


class Account(ModelBase):
    """One accounting entry: a charge or credit against a budget."""

    COLUMNS = (
        "transaction_type",
        "amount",
        "user_id",
        "budget_id",
        "category",
        "job_id",
        "created_at",
        "updated_at",
        "description",
        "labor_rate",
        "markup_rate",
        "operation_id",
    )
    STR_FIELDS = ("transaction_type", "amount")


class Invoice(ModelBase):
    """A monthly invoice for a budget."""

    COLUMNS = (
        "year",
        "month",
        "budget_id",
        "user_id",
        "created_at",
        "updated_at",
        "status",
        "notes",
    )
    STR_FIELDS = ("year", "month", "status")
