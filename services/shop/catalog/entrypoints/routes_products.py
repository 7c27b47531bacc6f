"""Products and categories: thin routes, body -> command -> bus; reads through queries, product
views and search pages through the read cache."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from shop.catalog.adapters import queries
from shop.catalog.domain import commands as c
from shop.catalog.domain.errors import ProductNotFoundError
from shop.catalog.entrypoints.dependencies import BusDep, ReadCacheDep, SessionDep
from shop.catalog.entrypoints.schemas import (
    CategoryIn,
    CategoryOut,
    PriceIn,
    ProductIn,
    ProductOut,
    ProductPage,
    ProductUpdate,
)
from shop.common.auth.dependencies import ADMIN_ONLY
from shop.common.openapi import problem_responses
from shop.common.public_paths import link

router = APIRouter(tags=["products"])


@router.post(
    "/categories",
    status_code=201,
    dependencies=[ADMIN_ONLY],
    response_model=CategoryOut,
    responses=problem_responses(409, 422),
)
async def create_category(body: CategoryIn, bus: BusDep) -> CategoryOut:
    await bus.handle(c.CreateCategory(body.slug, body.name))
    return CategoryOut(slug=body.slug, name=body.name.strip())


@router.get("/categories", response_model=list[CategoryOut])
async def list_categories(session: SessionDep) -> list[CategoryOut]:
    return [CategoryOut(**row) for row in await queries.list_categories(session)]


@router.post(
    "/products", status_code=201, dependencies=[ADMIN_ONLY], responses=problem_responses(422)
)
async def create_product(
    body: ProductIn, bus: BusDep, session: SessionDep, request: Request, response: Response
) -> ProductOut:
    product_id: UUID = await bus.handle(
        c.CreateProduct(
            body.name,
            body.description,
            body.category,
            body.price,
            body.currency,
            body.initial_stock,
            body.low_stock_threshold,
        )
    )
    response.headers["Location"] = link(request, f"/products/{product_id}")
    return await _product(session, product_id)


@router.get("/products")
async def search_products(
    session: SessionDep,
    cache: ReadCacheDep,
    q: Annotated[str | None, Query(max_length=200, description="Words to find")] = None,
    category: Annotated[str | None, Query(max_length=64)] = None,
    min_price: Annotated[Decimal | None, Query(ge=0, max_digits=12, decimal_places=2)] = None,
    max_price: Annotated[Decimal | None, Query(ge=0, max_digits=12, decimal_places=2)] = None,
    include_inactive: bool = False,
    sort: queries.ProductSort = queries.ProductSort.NAME,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> ProductPage:
    """Search by text, category and price range, sorted, one page at a time."""
    where = queries.ProductFilter(q, category, min_price, max_price, include_inactive)

    async def page() -> ProductPage:
        rows, total = await queries.search_products(session, where, sort, limit, offset)
        items = [ProductOut.from_row(row) for row in rows]
        return ProductPage(items=items, total=total, limit=limit, offset=offset)

    return await cache.search(queries.page_key(where, sort, limit, offset), ProductPage, page)


@router.get("/products/{product_id}", responses=problem_responses(404))
async def get_product(product_id: UUID, session: SessionDep, cache: ReadCacheDep) -> ProductOut:
    return await cache.product(product_id, ProductOut, lambda: _product(session, product_id))


@router.put(
    "/products/{product_id}",
    dependencies=[ADMIN_ONLY],
    responses=problem_responses(404, 409, 422),
)
async def update_product(
    product_id: UUID, body: ProductUpdate, bus: BusDep, session: SessionDep
) -> ProductOut:
    await bus.handle(c.UpdateProduct(product_id, body.name, body.description, body.category))
    return await _product(session, product_id)


@router.put(
    "/products/{product_id}/price",
    dependencies=[ADMIN_ONLY],
    responses=problem_responses(404, 409, 422),
)
async def change_price(
    product_id: UUID, body: PriceIn, bus: BusDep, session: SessionDep
) -> ProductOut:
    await bus.handle(c.ChangePrice(product_id, body.price, body.currency))
    return await _product(session, product_id)


@router.post(
    "/products/{product_id}/deactivate",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[ADMIN_ONLY],
    responses=problem_responses(404),
)
async def deactivate_product(product_id: UUID, bus: BusDep) -> None:
    """Take the product off sale (idempotent); baskets stop offering it."""
    await bus.handle(c.DeactivateProduct(product_id))


async def _product(session: SessionDep, product_id: UUID) -> ProductOut:
    row = await queries.get_product(session, product_id)
    if row is None:
        raise ProductNotFoundError(product_id)
    return ProductOut.from_row(row)
