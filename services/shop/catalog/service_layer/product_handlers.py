"""Categories and products: create, describe, price, take off sale."""

from __future__ import annotations

from uuid import UUID

from shop.catalog.domain import commands as c
from shop.catalog.domain.errors import (
    CategoryExistsError,
    ProductNotFoundError,
    UnknownCategoryError,
)
from shop.catalog.domain.money import Price
from shop.catalog.domain.product import Category, Product
from shop.catalog.domain.stock import StockItem
from shop.catalog.service_layer.recommendation_handlers import embed_product
from shop.catalog.service_layer.unit_of_work import CatalogDependencies, CatalogUnitOfWork


async def create_category(
    cmd: c.CreateCategory, uow: CatalogUnitOfWork, deps: CatalogDependencies
) -> str:
    category = Category(cmd.slug, cmd.name)
    if await uow.categories.get(category.slug) is not None:
        raise CategoryExistsError(category.slug)
    await uow.categories.add(category)
    return category.slug


async def create_product(
    cmd: c.CreateProduct, uow: CatalogUnitOfWork, deps: CatalogDependencies
) -> UUID:
    await _require_category(uow, cmd.category)
    item = StockItem(deps.new_id(), cmd.initial_stock, 0, cmd.low_stock_threshold)
    product = Product.create(
        item.product_id, cmd.name, cmd.description, cmd.category, Price(cmd.price, cmd.currency)
    )
    await uow.products.add(product)
    await uow.stock.add(item)
    await embed_product(uow, deps, product)
    return product.id


async def update_product(
    cmd: c.UpdateProduct, uow: CatalogUnitOfWork, deps: CatalogDependencies
) -> None:
    product = await _product(uow, cmd.product_id)
    await _require_category(uow, cmd.category)
    product.update(name=cmd.name, description=cmd.description, category=cmd.category)
    await uow.products.save(product)
    await embed_product(uow, deps, product)


async def change_price(
    cmd: c.ChangePrice, uow: CatalogUnitOfWork, deps: CatalogDependencies
) -> None:
    product = await _product(uow, cmd.product_id)
    product.change_price(Price(cmd.price, cmd.currency))
    await uow.products.save(product)


async def deactivate_product(
    cmd: c.DeactivateProduct, uow: CatalogUnitOfWork, deps: CatalogDependencies
) -> None:
    product = await _product(uow, cmd.product_id)
    product.deactivate()
    await uow.products.save(product)


async def _product(uow: CatalogUnitOfWork, product_id: UUID) -> Product:
    product = await uow.products.get(product_id)
    if product is None:
        raise ProductNotFoundError(product_id)
    return product


async def _require_category(uow: CatalogUnitOfWork, slug: str) -> None:
    if await uow.categories.get(slug) is None:
        raise UnknownCategoryError(slug)
