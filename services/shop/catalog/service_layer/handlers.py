"""Catalog handlers, routed by command type in `COMMAND_HANDLERS`.

Each runs in an open unit of work; recorded events reach the outbox when the caller commits.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from shop.catalog.domain import commands as c
from shop.catalog.domain.errors import (
    CategoryExistsError,
    ProductNotFoundError,
    UnknownCategoryError,
)
from shop.catalog.domain.money import Price
from shop.catalog.domain.product import Category, Product
from shop.catalog.domain.reservation import OrderReservation, merge_lines
from shop.catalog.domain.stock import StockItem
from shop.catalog.service_layer.unit_of_work import CatalogUnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CatalogDependencies:
    new_id: Callable[[], UUID] = uuid4


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
    return product.id


async def update_product(
    cmd: c.UpdateProduct, uow: CatalogUnitOfWork, deps: CatalogDependencies
) -> None:
    product = await _product(uow, cmd.product_id)
    await _require_category(uow, cmd.category)
    product.update(name=cmd.name, description=cmd.description, category=cmd.category)
    await uow.products.save(product)


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


async def receive_stock(
    cmd: c.ReceiveStock, uow: CatalogUnitOfWork, deps: CatalogDependencies
) -> None:
    item = await _stock_item(uow, cmd.product_id)
    item.receive(cmd.quantity)
    await uow.stock.save([item])


async def count_stock(cmd: c.CountStock, uow: CatalogUnitOfWork, deps: CatalogDependencies) -> None:
    item = await _stock_item(uow, cmd.product_id)
    item.count(cmd.on_hand)
    await uow.stock.save([item])


async def set_low_stock_threshold(
    cmd: c.SetLowStockThreshold, uow: CatalogUnitOfWork, deps: CatalogDependencies
) -> None:
    item = await _stock_item(uow, cmd.product_id)
    item.set_low_stock_threshold(cmd.threshold)
    await uow.stock.save([item])


async def reserve_stock(
    cmd: c.ReserveStock, uow: CatalogUnitOfWork, deps: CatalogDependencies
) -> None:
    """All of the order's lines, or none (the saga hears which)."""
    reservation = await uow.reservations.lock(cmd.order_id) or OrderReservation(cmd.order_id)
    wanted = merge_lines(cmd.lines)
    stock = await uow.stock.lock({*wanted, *reservation.lines})
    sellable = await uow.products.active_ids(wanted)
    reservation.reserve(cmd.lines, stock, sellable)
    await uow.stock.save(list(stock.values()))
    await uow.reservations.save(reservation)


async def release_stock(
    cmd: c.ReleaseStock, uow: CatalogUnitOfWork, deps: CatalogDependencies
) -> None:
    reservation = await uow.reservations.lock(cmd.order_id) or OrderReservation(cmd.order_id)
    products = {line.product_id for line in cmd.lines}
    stock = await uow.stock.lock({*products, *reservation.lines})
    reservation.release(products, stock)
    await uow.stock.save(list(stock.values()))
    await uow.reservations.save(reservation)


async def commit_stock(
    cmd: c.CommitStock, uow: CatalogUnitOfWork, deps: CatalogDependencies
) -> None:
    reservation = await uow.reservations.lock(cmd.order_id)
    if reservation is None:
        log.warning("commit-stock for order %s, which reserved nothing here", cmd.order_id)
        return
    stock = await uow.stock.lock(reservation.lines)
    reservation.commit(stock)
    await uow.stock.save(list(stock.values()))
    await uow.reservations.save(reservation)


async def _product(uow: CatalogUnitOfWork, product_id: UUID) -> Product:
    product = await uow.products.get(product_id)
    if product is None:
        raise ProductNotFoundError(product_id)
    return product


async def _stock_item(uow: CatalogUnitOfWork, product_id: UUID) -> StockItem:
    stock = await uow.stock.lock([product_id])
    if product_id not in stock:
        raise ProductNotFoundError(product_id)
    return stock[product_id]


async def _require_category(uow: CatalogUnitOfWork, slug: str) -> None:
    if await uow.categories.get(slug) is None:
        raise UnknownCategoryError(slug)


Handler = Callable[[Any, CatalogUnitOfWork, CatalogDependencies], Awaitable[Any]]

COMMAND_HANDLERS: dict[type, Handler] = {
    c.CreateCategory: create_category,
    c.CreateProduct: create_product,
    c.UpdateProduct: update_product,
    c.ChangePrice: change_price,
    c.DeactivateProduct: deactivate_product,
    c.ReceiveStock: receive_stock,
    c.CountStock: count_stock,
    c.SetLowStockThreshold: set_low_stock_threshold,
    c.ReserveStock: reserve_stock,
    c.ReleaseStock: release_stock,
    c.CommitStock: commit_stock,
}
