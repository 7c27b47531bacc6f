"""Catalog handlers, routed by command type (every catalog use case in one table) and, for
the confirmed orders the catalog projects, by event type.

Each runs in an open unit of work; recorded events reach the outbox when the caller commits.
"""

from __future__ import annotations

from shop.catalog.domain import commands as c
from shop.catalog.domain.order_events import OrderConfirmed
from shop.catalog.service_layer import product_handlers as products
from shop.catalog.service_layer import recommendation_handlers as recommendations
from shop.catalog.service_layer import stock_handlers as stock
from shop.catalog.service_layer.unit_of_work import CatalogDependencies, Handler

__all__ = ["COMMAND_HANDLERS", "EVENT_HANDLERS", "CatalogDependencies", "Handler"]

COMMAND_HANDLERS: dict[type, Handler] = {
    c.CreateCategory: products.create_category,
    c.CreateProduct: products.create_product,
    c.UpdateProduct: products.update_product,
    c.ChangePrice: products.change_price,
    c.DeactivateProduct: products.deactivate_product,
    c.ReceiveStock: stock.receive_stock,
    c.CountStock: stock.count_stock,
    c.SetLowStockThreshold: stock.set_low_stock_threshold,
    c.ReserveStock: stock.reserve_stock,
    c.ReleaseStock: stock.release_stock,
    c.CommitStock: stock.commit_stock,
    c.EmbedProducts: recommendations.embed_products,
}

EVENT_HANDLERS: dict[type, list[Handler]] = {
    OrderConfirmed: [recommendations.project_bought_together],
}
