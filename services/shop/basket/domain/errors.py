"""Why a basket operation was refused."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID


class BasketError(Exception):
    """A basket rule was broken; the message says which."""


class InvalidCartError(BasketError, ValueError):
    """A customer id, quantity, key or address does not meet the basket's rules."""


class UnknownProductError(BasketError, LookupError):
    def __init__(self, product_id: UUID) -> None:
        super().__init__(f"product {product_id} is not in the catalog")
        self.product_id = product_id


class LineNotFoundError(BasketError, LookupError):
    def __init__(self, product_id: UUID) -> None:
        super().__init__(f"the cart has no line for product {product_id}")
        self.product_id = product_id


class ProductUnavailableError(BasketError):
    def __init__(self, product_ids: Iterable[UUID]) -> None:
        self.product_ids = tuple(sorted(product_ids))
        listed = ", ".join(str(product_id) for product_id in self.product_ids)
        super().__init__(f"no longer on sale: {listed}")


class EmptyCartError(BasketError):
    def __init__(self) -> None:
        super().__init__("cannot check out an empty cart")


class MixedCurrenciesError(BasketError):
    def __init__(self, currencies: Iterable[str]) -> None:
        self.currencies = tuple(sorted(set(currencies)))
        super().__init__(f"a cart is checked out in one currency, not {', '.join(self.currencies)}")
