"""Prices: a non-negative decimal amount in an ISO 4217 currency."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from shop.catalog.domain.errors import InvalidProductError

_CURRENCY = re.compile(r"^[A-Z]{3}$")
# Cents are the smallest unit the shop prices in, whatever the currency.
MAX_DECIMAL_PLACES = 2


@dataclass(frozen=True)
class Price:
    """An amount of money; refuses negative, non-finite or sub-cent amounts."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal) or not self.amount.is_finite():
            raise InvalidProductError(f"price {self.amount!r} is not a finite decimal")
        if self.amount < 0:
            raise InvalidProductError(f"price {self.amount} is negative")
        exponent = self.amount.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -MAX_DECIMAL_PLACES:
            raise InvalidProductError(f"price {self.amount} has more than two decimal places")
        if not _CURRENCY.match(self.currency):
            raise InvalidProductError(
                f"currency {self.currency!r} is not an ISO 4217 code like EUR"
            )

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
