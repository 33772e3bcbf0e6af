"""Accounts (debits and credits against budgets) and monthly invoices."""

from __future__ import annotations

from ..store import Row
from .base import BuilderBase, Ref

TRANSACTION_TYPES: tuple[str, ...] = ("credit", "debit")
ACCOUNT_CATEGORIES: tuple[str | None, ...] = (None, "materials", "labor", "overhead", "credit")
INVOICE_STATUSES: tuple[str, ...] = ("ready", "approval_requested", "reconciled")


class AccountingBuilder(BuilderBase):
    """Builders for the ledger."""

    def account(
        self,
        budget: Ref,
        amount: float,
        description: str,
        *,
        transaction_type: str = "debit",
        category: str | None = None,
        user: Ref = None,
        operation: Ref = None,
        job: Ref = None,
        labor_rate: float = 0.0,
        markup_rate: float = 0.0,
    ) -> Row:
        """One ledger row, validated as Aquarium validates accounts."""
        if transaction_type not in TRANSACTION_TYPES:
            raise ValueError(
                f"account: transaction_type must be credit or debit, got {transaction_type!r}"
            )
        if category not in ACCOUNT_CATEGORIES:
            raise ValueError(
                f"account: category must be one of materials, labor, overhead, credit or None, "
                f"got {category!r}"
            )
        if amount < 0:
            raise ValueError(f"account: amount must be >= 0, got {amount}")
        if not description:
            raise ValueError("account: a description is required")
        return self._insert(
            "accounts",
            transaction_type=transaction_type,
            amount=amount,
            user_id=self.user_id(user),
            budget_id=self.ref("budgets", budget),
            category=category,
            job_id=self.ref("jobs", job, by="id"),
            description=description,
            labor_rate=labor_rate,
            markup_rate=markup_rate,
            operation_id=self.ref("operations", operation, by="id"),
        )

    def invoice(
        self,
        budget: Ref,
        year: int,
        month: int,
        *,
        status: str = "ready",
        user: Ref = None,
        notes: str | None = None,
    ) -> Row:
        """A monthly invoice for a budget."""
        if status not in INVOICE_STATUSES:
            raise ValueError(
                f"invoice: status must be one of {', '.join(INVOICE_STATUSES)}, got {status!r}"
            )
        if not 1 <= month <= 12:
            raise ValueError(f"invoice: month must be 1..12, got {month}")
        return self._insert(
            "invoices",
            year=year,
            month=month,
            budget_id=self.ref("budgets", budget),
            user_id=self.user_id(user),
            status=status,
            notes=notes,
        )
