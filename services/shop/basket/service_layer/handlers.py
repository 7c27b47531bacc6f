"""Basket handlers: cart commands (`COMMAND_HANDLERS`) and catalog events (`EVENT_HANDLERS`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID, uuid4

from shop.basket.domain import catalog_events as e
from shop.basket.domain import commands as c
from shop.basket.domain.cart import Cart, Checkout
from shop.basket.domain.cart_view import CartView
from shop.basket.domain.products import ProductSnapshot
from shop.basket.service_layer.unit_of_work import BasketUnitOfWork
from shop.common import messagebus
from shop.common.clock import Clock, utc_now

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BasketDependencies:
    new_id: Callable[[], UUID] = uuid4
    clock: Clock = field(default=utc_now)


async def add_line(cmd: c.AddLine, uow: BasketUnitOfWork, deps: BasketDependencies) -> CartView:
    """The cart, priced, with the line added (read in the same transaction: no reload)."""
    cart, products = await _locked(uow, cmd.customer_id, cmd.product_id)
    cart.add(products.get(cmd.product_id), cmd.product_id, cmd.quantity)
    await uow.carts.save(cart)
    return cart.view(products)


async def change_quantity(
    cmd: c.ChangeQuantity, uow: BasketUnitOfWork, deps: BasketDependencies
) -> CartView:
    cart, products = await _locked(uow, cmd.customer_id)
    cart.change_quantity(cmd.product_id, cmd.quantity)
    await uow.carts.save(cart)
    return cart.view(products)


async def remove_line(
    cmd: c.RemoveLine, uow: BasketUnitOfWork, deps: BasketDependencies
) -> CartView:
    cart, products = await _locked(uow, cmd.customer_id)
    cart.remove(cmd.product_id)
    await uow.carts.save(cart)
    return cart.view(products)


async def checkout(cmd: c.Checkout, uow: BasketUnitOfWork, deps: BasketDependencies) -> Checkout:
    """The order the cart became; the same key returns the same order, changing nothing."""
    cart, products = await _locked(uow, cmd.customer_id)  # locked first: one at a time
    previous = await uow.checkouts.get(cmd.customer_id, cmd.idempotency_key)
    if previous is not None:
        return previous
    done = cart.checkout(
        order_id=deps.new_id(),
        idempotency_key=cmd.idempotency_key,
        products=products,
        email=cmd.email,
        now=deps.clock(),
    )
    await uow.carts.save(cart, checked_out=done)
    return done


async def cart_view(customer_id: str, uow: BasketUnitOfWork) -> CartView:
    """The cart at current prices (an empty one if the customer has none yet)."""
    cart = await uow.carts.get(customer_id) or Cart(customer_id)
    return cart.view(await uow.products.get_many(cart.lines))


async def product_announced(
    event: e.ProductAnnounced, uow: BasketUnitOfWork, deps: BasketDependencies
) -> None:
    known = await uow.products.get(event.snapshot.product_id)
    latest = known.newer(event.snapshot) if known else event.snapshot
    if latest is not known:
        await uow.products.save(latest)


async def price_changed(
    event: e.PriceChanged, uow: BasketUnitOfWork, deps: BasketDependencies
) -> None:
    known = await uow.products.get(event.product_id)
    if known is None:
        log.warning("price change of product %s, which the basket never saw", event.product_id)
        return
    await uow.products.save(known.with_price(event.version, event.price, event.currency))


async def product_withdrawn(
    event: e.ProductWithdrawn, uow: BasketUnitOfWork, deps: BasketDependencies
) -> None:
    known = await uow.products.get(event.product_id)
    if known is None:
        log.warning("deactivation of product %s, which the basket never saw", event.product_id)
        return
    await uow.products.save(known.deactivated(event.version))


async def _locked(
    uow: BasketUnitOfWork, customer_id: str, *also: UUID
) -> tuple[Cart, dict[UUID, ProductSnapshot]]:
    """The cart, locked, with the products of its lines and of `also` (one read)."""
    cart, products = await uow.carts.lock_with_products(customer_id, also)
    return cart or Cart(customer_id), products


Handler = messagebus.Handler[BasketUnitOfWork, BasketDependencies]

COMMAND_HANDLERS: dict[type, Handler] = {
    c.AddLine: add_line,
    c.ChangeQuantity: change_quantity,
    c.RemoveLine: remove_line,
    c.Checkout: checkout,
}

EVENT_HANDLERS: dict[type, list[Handler]] = {
    e.ProductAnnounced: [product_announced],
    e.PriceChanged: [price_changed],
    e.ProductWithdrawn: [product_withdrawn],
}
