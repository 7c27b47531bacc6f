"""The basket's own copy of what the catalog says about products (from product events)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from uuid import UUID


@dataclass(frozen=True)
class ProductSnapshot:
    """Name, current price and availability of a product, as of catalog `version`."""

    product_id: UUID
    name: str
    price: Decimal
    currency: str
    active: bool
    version: int

    def newer(self, update: ProductSnapshot) -> ProductSnapshot:
        """The snapshot after `update`; an update no newer than this one changes nothing."""
        return update if update.version > self.version else self

    def with_price(self, version: int, price: Decimal, currency: str) -> ProductSnapshot:
        if version <= self.version:
            return self
        return replace(self, price=price, currency=currency, version=version)

    def deactivated(self, version: int) -> ProductSnapshot:
        if version <= self.version:
            return self
        return replace(self, active=False, version=version)
