"""Catalog handlers, routed by command type: every catalog use case in one table.

Each runs in an open unit of work; recorded events reach the outbox when the caller commits.
"""

from __future__ import annotations

from shop.catalog.domain import commands as c
from shop.catalog.service_layer import product_handlers as products
from shop.catalog.service_layer import stock_handlers as stock
from shop.catalog.service_layer.unit_of_work import CatalogDependencies, Handler

__all__ = ["COMMAND_HANDLERS", "CatalogDependencies", "Handler"]

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
}
