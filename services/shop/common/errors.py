"""Domain errors: raised by the domain and service layers, free of any web framework.

The HTTP layer maps them to RFC 9457 problems (see `shop.common.problems`): `NotFoundError` -> 404,
`ConflictError` -> 409, `RuleViolationError` -> 422, and a context may register its own subclasses.
Their message is meant for the caller, so it must not carry internals.

    class OutOfStockError(ConflictError):
        code = "out-of-stock"
        title = "Not enough stock"

    raise OutOfStockError(f"only {available} left of {sku}", sku=sku, available=available)
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule refused an operation; `detail` and `extensions` are shown to the caller."""

    code = "domain-error"
    title = "The operation was refused"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class NotFoundError(DomainError):
    """The addressed thing does not exist."""

    code = "not-found"
    title = "Not found"


class ConflictError(DomainError):
    """The operation conflicts with the current state (a duplicate, a stale version, no stock)."""

    code = "conflict"
    title = "Conflict with the current state"


class RuleViolationError(DomainError):
    """Well-formed input that a business rule rejects (an empty basket checked out)."""

    code = "rule-violated"
    title = "A business rule was violated"
