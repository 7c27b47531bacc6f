"""Why a catalog operation was refused (domain errors; the API maps them to problems)."""

from __future__ import annotations

from uuid import UUID

from shop.common.errors import ConflictError, NotFoundError, RuleViolationError


class InvalidProductError(RuleViolationError):
    code = "invalid-product"
    title = "The product is invalid"


class InvalidStockError(RuleViolationError):
    code = "invalid-stock"
    title = "The stock change is invalid"


class UnknownCategoryError(RuleViolationError):
    code = "unknown-category"
    title = "The category does not exist"

    def __init__(self, slug: str) -> None:
        super().__init__(f"category {slug!r} does not exist", category=slug)


class ProductNotFoundError(NotFoundError):
    code = "product-not-found"
    title = "Product not found"

    def __init__(self, product_id: UUID) -> None:
        super().__init__(f"product {product_id} does not exist", productId=str(product_id))
        self.product_id = product_id


class CategoryExistsError(ConflictError):
    code = "category-exists"
    title = "The category exists already"

    def __init__(self, slug: str) -> None:
        super().__init__(f"category {slug!r} already exists", category=slug)


class ProductInactiveError(ConflictError):
    code = "product-inactive"
    title = "The product is deactivated"

    def __init__(self, product_id: UUID) -> None:
        super().__init__(
            f"product {product_id} is deactivated and cannot change", productId=str(product_id)
        )


class InsufficientStockError(ConflictError):
    code = "insufficient-stock"
    title = "Not enough stock"

    def __init__(self, product_id: UUID, requested: int, available: int) -> None:
        super().__init__(
            f"product {product_id}: {requested} requested, only {available} available",
            productId=str(product_id),
            requested=requested,
            available=available,
        )


class UnsearchableQueryError(RuleViolationError):
    code = "unsearchable-query"
    title = "The query has nothing to search by"

    def __init__(self, query: str) -> None:
        super().__init__(f"the semantic search finds nothing to compare {query!r} with")
