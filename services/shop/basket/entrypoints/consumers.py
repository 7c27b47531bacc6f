"""The basket's inbound events: the catalog's product events, as the basket's catalog copy."""

from __future__ import annotations

from shop.basket.domain import catalog_events as e
from shop.basket.domain.products import ProductSnapshot
from shop.common.consumer import Inbound, decode
from shop.common.events import Envelope


def announced(envelope: Envelope) -> e.ProductAnnounced:
    """product.created / product.updated carry the product's whole state."""
    data = envelope.data
    fields = {k: data.get(k) for k in ("product_id", "name", "price", "currency", "active")}
    return e.ProductAnnounced(
        decode(ProductSnapshot, {**fields, "version": data.get("product_version")})
    )


def price_changed(envelope: Envelope) -> e.PriceChanged:
    data = envelope.data
    return decode(
        e.PriceChanged,
        {
            "product_id": data.get("product_id"),
            "version": data.get("product_version"),
            "price": data.get("price"),
            "currency": data.get("currency"),
        },
    )


def withdrawn(envelope: Envelope) -> e.ProductWithdrawn:
    data = envelope.data
    return decode(
        e.ProductWithdrawn,
        {"product_id": data.get("product_id"), "version": data.get("product_version")},
    )


INBOUND: dict[str, Inbound[e.CatalogEvent]] = {
    "product.created": Inbound(e.ProductAnnounced, announced),
    "product.updated": Inbound(e.ProductAnnounced, announced),
    "product.price-changed": Inbound(e.PriceChanged, price_changed),
    "product.deactivated": Inbound(e.ProductWithdrawn, withdrawn),
}
