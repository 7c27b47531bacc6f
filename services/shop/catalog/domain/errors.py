"""Why a catalog operation was refused."""

from __future__ import annotations

from uuid import UUID


class CatalogError(Exception):
    """A catalog rule was broken; the message says which."""


class InvalidProductError(CatalogError, ValueError):
    """A product field does not meet the catalog's rules."""


class InvalidStockError(CatalogError, ValueError):
    """A stock quantity or threshold does not meet the catalog's rules."""


class ProductNotFoundError(CatalogError, LookupError):
    def __init__(self, product_id: UUID) -> None:
        super().__init__(f"product {product_id} does not exist")
        self.product_id = product_id


class CategoryNotFoundError(CatalogError, LookupError):
    def __init__(self, slug: str) -> None:
        super().__init__(f"category {slug!r} does not exist")
        self.slug = slug


class CategoryExistsError(CatalogError):
    def __init__(self, slug: str) -> None:
        super().__init__(f"category {slug!r} already exists")
        self.slug = slug


class ProductInactiveError(CatalogError):
    def __init__(self, product_id: UUID) -> None:
        super().__init__(f"product {product_id} is deactivated and cannot change")
        self.product_id = product_id


class InsufficientStockError(CatalogError):
    def __init__(self, product_id: UUID, requested: int, available: int) -> None:
        super().__init__(f"product {product_id}: {requested} requested, only {available} available")
        self.product_id = product_id
        self.requested = requested
        self.available = available
