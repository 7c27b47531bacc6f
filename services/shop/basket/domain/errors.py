"""Why a basket operation was refused (domain errors; the API maps them to problems)."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from shop.common.errors import ConflictError, NotFoundError, RuleViolationError


class InvalidCartError(RuleViolationError):
    code = "invalid-cart-request"
    title = "The cart request is invalid"


class UnknownProductError(RuleViolationError):
    code = "unknown-product"
    title = "The product is not in the catalog"

    def __init__(self, product_id: UUID) -> None:
        super().__init__(f"product {product_id} is not in the catalog", productId=str(product_id))


class LineNotFoundError(NotFoundError):
    code = "line-not-found"
    title = "The cart has no such line"

    def __init__(self, product_id: UUID) -> None:
        super().__init__(
            f"the cart has no line for product {product_id}", productId=str(product_id)
        )


class ProductUnavailableError(ConflictError):
    code = "product-unavailable"
    title = "A product is no longer on sale"

    def __init__(self, product_ids: Iterable[UUID]) -> None:
        self.product_ids = tuple(sorted(product_ids))
        listed = [str(product_id) for product_id in self.product_ids]
        super().__init__(f"no longer on sale: {', '.join(listed)}", productIds=listed)


class EmptyCartError(RuleViolationError):
    code = "empty-cart"
    title = "The cart is empty"

    def __init__(self) -> None:
        super().__init__("cannot check out an empty cart")


class MixedCurrenciesError(RuleViolationError):
    code = "mixed-currencies"
    title = "The cart mixes currencies"

    def __init__(self, currencies: Iterable[str]) -> None:
        listed = sorted(set(currencies))
        super().__init__(
            f"a cart is checked out in one currency, not {', '.join(listed)}", currencies=listed
        )
