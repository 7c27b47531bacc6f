"""Products and categories."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

from shop.catalog.domain.errors import InvalidProductError, ProductInactiveError
from shop.catalog.domain.events import (
    ProductCreated,
    ProductDeactivated,
    ProductPriceChanged,
    ProductUpdated,
)
from shop.catalog.domain.money import Price
from shop.common.aggregate import Aggregate

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 5000


def check_slug(slug: str) -> str:
    """A category slug: lowercase words joined by dashes (`garden-tools`)."""
    if not _SLUG.match(slug) or len(slug) > 64:
        raise InvalidProductError(
            f"category slug {slug!r} must be lowercase words joined by dashes"
        )
    return slug


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise InvalidProductError(f"name must have 1 to {MAX_NAME_LENGTH} characters")
    return name


def _check_description(description: str) -> str:
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise InvalidProductError(
            f"description must have at most {MAX_DESCRIPTION_LENGTH} characters"
        )
    return description


@dataclass
class Category:
    """A group of products, addressed by its slug."""

    slug: str
    name: str

    def __post_init__(self) -> None:
        check_slug(self.slug)
        self.name = _check_name(self.name)


@dataclass(eq=False)
class Product(Aggregate):
    """A sellable product. Every change bumps `version` and records an event."""

    aggregate_type: ClassVar[str] = "product"

    id: UUID
    name: str
    description: str
    category: str
    price: Price
    active: bool = True
    version: int = 1

    @classmethod
    def create(
        cls, product_id: UUID, name: str, description: str, category: str, price: Price
    ) -> Product:
        product = cls(
            product_id,
            _check_name(name),
            _check_description(description),
            check_slug(category),
            price,
        )
        product.record(product._snapshot(ProductCreated))
        return product

    def update(self, *, name: str, description: str, category: str) -> None:
        """Change the descriptive fields; records `product.updated` only if one changed."""
        self._require_active()
        new = (_check_name(name), _check_description(description), check_slug(category))
        if new == (self.name, self.description, self.category):
            return
        self.name, self.description, self.category = new
        self.version += 1
        self.record(self._snapshot(ProductUpdated))

    def change_price(self, price: Price) -> None:
        """Set a new price; records `product.price-changed` only if it differs."""
        self._require_active()
        if price == self.price:
            return
        previous, self.price = self.price, price
        self.version += 1
        self.record(
            ProductPriceChanged(
                self.id,
                self.version,
                price=price.amount,
                currency=price.currency,
                previous_price=previous.amount,
                previous_currency=previous.currency,
            )
        )

    def deactivate(self) -> None:
        """Take the product off sale; deactivating twice records one event."""
        if not self.active:
            return
        self.active = False
        self.version += 1
        self.record(ProductDeactivated(self.id, self.version))

    def _require_active(self) -> None:
        if not self.active:
            raise ProductInactiveError(self.id)

    def _snapshot(
        self, kind: type[ProductCreated] | type[ProductUpdated]
    ) -> ProductCreated | ProductUpdated:
        return kind(
            self.id,
            self.version,
            name=self.name,
            description=self.description,
            category=self.category,
            price=self.price.amount,
            currency=self.price.currency,
            active=self.active,
        )
