"""The basket's Kafka handlers: the catalog's product events, as the basket's catalog copy."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from shop.basket.adapters.unit_of_work import SqlBasketUnitOfWork
from shop.basket.domain import catalog_events as e
from shop.basket.domain.products import ProductSnapshot
from shop.basket.service_layer.messagebus import MessageBus
from shop.common.consumer import EventHandlers, Handler, decode
from shop.common.events import Envelope


def announced(data: Mapping[str, Any]) -> e.ProductAnnounced:
    """product.created / product.updated carry the product's whole state."""
    fields = {k: data.get(k) for k in ("product_id", "name", "price", "currency", "active")}
    return e.ProductAnnounced(
        decode(ProductSnapshot, {**fields, "version": data.get("product_version")})
    )


def price_changed(data: Mapping[str, Any]) -> e.PriceChanged:
    return decode(
        e.PriceChanged,
        {
            "product_id": data.get("product_id"),
            "version": data.get("product_version"),
            "price": data.get("price"),
            "currency": data.get("currency"),
        },
    )


def withdrawn(data: Mapping[str, Any]) -> e.ProductWithdrawn:
    return decode(
        e.ProductWithdrawn,
        {"product_id": data.get("product_id"), "version": data.get("product_version")},
    )


TRANSLATIONS: dict[str, Callable[[Mapping[str, Any]], e.CatalogEvent]] = {
    "product.created": announced,
    "product.updated": announced,
    "product.price-changed": price_changed,
    "product.deactivated": withdrawn,
}


def event_handlers(bus: MessageBus) -> EventHandlers[SqlBasketUnitOfWork]:
    def route(
        translate: Callable[[Mapping[str, Any]], e.CatalogEvent],
    ) -> Handler[SqlBasketUnitOfWork]:
        async def handle(envelope: Envelope, uow: SqlBasketUnitOfWork) -> None:
            await bus.handle_in(translate(envelope.data), uow)

        return handle

    return {event_type: route(translate) for event_type, translate in TRANSLATIONS.items()}
