"""Stock: deliveries, counts, thresholds, and the saga's reserve/release/commit commands."""

from __future__ import annotations

import logging
from uuid import UUID

from shop.catalog.domain import commands as c
from shop.catalog.domain.errors import ProductNotFoundError
from shop.catalog.domain.reservation import OrderReservation, merge_lines
from shop.catalog.domain.stock import StockItem
from shop.catalog.service_layer.unit_of_work import CatalogDependencies, CatalogUnitOfWork

log = logging.getLogger(__name__)


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
    stock, on_sale = await uow.stock.lock_for_sale({*wanted, *reservation.lines})
    sellable = on_sale & wanted.keys()
    reservation.reserve(cmd.lines, stock, sellable)
    await uow.reservations.save(reservation, stock.values())


async def release_stock(
    cmd: c.ReleaseStock, uow: CatalogUnitOfWork, deps: CatalogDependencies
) -> None:
    reservation = await uow.reservations.lock(cmd.order_id) or OrderReservation(cmd.order_id)
    products = {line.product_id for line in cmd.lines}
    stock = await uow.stock.lock({*products, *reservation.lines})
    reservation.release(products, stock)
    await uow.reservations.save(reservation, stock.values())


async def commit_stock(
    cmd: c.CommitStock, uow: CatalogUnitOfWork, deps: CatalogDependencies
) -> None:
    reservation = await uow.reservations.lock(cmd.order_id)
    if reservation is None:
        log.warning("commit-stock for order %s, which reserved nothing here", cmd.order_id)
        return
    stock = await uow.stock.lock(reservation.lines)
    reservation.commit(stock)
    await uow.reservations.save(reservation, stock.values())


async def _stock_item(uow: CatalogUnitOfWork, product_id: UUID) -> StockItem:
    stock = await uow.stock.lock([product_id])
    if product_id not in stock:
        raise ProductNotFoundError(product_id)
    return stock[product_id]
