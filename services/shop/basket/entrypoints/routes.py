"""Carts over HTTP: thin routes, body -> command -> bus."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Request, Response

from shop.basket.bootstrap import Basket
from shop.basket.domain import commands as c
from shop.basket.entrypoints.schemas import CartOut, CheckoutIn, CheckoutOut, LineIn, QuantityIn
from shop.basket.service_layer.handlers import cart_view
from shop.basket.settings import BasketSettings
from shop.common.auth.dependencies import OwnCustomerPath
from shop.common.openapi import problem_responses
from shop.common.public_paths import public_prefix, sibling_link

router = APIRouter(prefix="/carts/{customer_id}", tags=["carts"])


async def get_basket(request: Request) -> Basket:
    """The wired basket (a coroutine: FastAPI runs a plain function in its thread pool)."""
    basket: Basket = request.app.state.process.state["basket"]
    return basket


BasketDep = Annotated[Basket, Depends(get_basket)]


@router.get("", responses=problem_responses(422))
async def get_cart(customer_id: OwnCustomerPath, basket: BasketDep) -> CartOut:
    """The cart at current catalog prices."""
    async with basket.unit_of_work() as uow:
        return CartOut.of(await cart_view(customer_id, uow))


# Each change answers with the cart as its own transaction left it (no second read).
@router.post("/lines", responses=problem_responses(409, 422))
async def add_line(customer_id: OwnCustomerPath, body: LineIn, basket: BasketDep) -> CartOut:
    view = await basket.bus.handle(c.AddLine(customer_id, body.product_id, body.quantity))
    return CartOut.of(view)


@router.put("/lines/{product_id}", responses=problem_responses(404, 422))
async def change_quantity(
    customer_id: OwnCustomerPath, product_id: UUID, body: QuantityIn, basket: BasketDep
) -> CartOut:
    view = await basket.bus.handle(c.ChangeQuantity(customer_id, product_id, body.quantity))
    return CartOut.of(view)


@router.delete("/lines/{product_id}", responses=problem_responses(404, 422))
async def remove_line(customer_id: OwnCustomerPath, product_id: UUID, basket: BasketDep) -> CartOut:
    return CartOut.of(await basket.bus.handle(c.RemoveLine(customer_id, product_id)))


@router.post("/checkout", status_code=202, responses=problem_responses(409, 422))
async def checkout(
    customer_id: OwnCustomerPath,
    basket: BasketDep,
    request: Request,
    response: Response,
    idempotency_key: Annotated[str, Header(min_length=1, max_length=128)],
    body: CheckoutIn | None = None,
) -> CheckoutOut:
    """Turn the cart into an order (accepted: it is placed asynchronously). Repeating the
    request with the same `Idempotency-Key` returns the same order."""
    email = body.email if body else None
    done = await basket.bus.handle(c.Checkout(customer_id, idempotency_key, email))
    settings: BasketSettings = request.app.state.process.settings
    # Through the exposure or the gateway: the ordering API on the same host and prefix.
    path = f"/orders/{done.order_id}"
    ordering = settings.ordering_url.rstrip("/") or public_prefix("ordering")
    url = sibling_link(request, public_prefix("basket"), "ordering", path) or f"{ordering}{path}"
    response.headers["Location"] = url
    return CheckoutOut(order_id=done.order_id, order_url=url)
