"""Recommendations: "bought together" projected from confirmed orders, and the products'
vectors of the semantic search (embedded on the write path, backfilled by the worker)."""

from __future__ import annotations

from shop.catalog.domain import commands as c
from shop.catalog.domain.bought_together import pairs_bought_together
from shop.catalog.domain.order_events import OrderConfirmed
from shop.catalog.domain.product import Product
from shop.catalog.domain.search_text import product_text
from shop.catalog.service_layer.unit_of_work import CatalogDependencies, CatalogUnitOfWork


async def project_bought_together(
    event: OrderConfirmed, uow: CatalogUnitOfWork, deps: CatalogDependencies
) -> None:
    """Count the order's product pairs, once per order (in the consumer's transaction),
    holding the stock rows of its products: two orders' counts of the same pairs are written
    one after the other, never crosswise (`chunk_locks`)."""
    if await uow.bought_together.count_order(event.order_id):
        pairs = pairs_bought_together(event.lines)
        if pairs:
            await uow.stock.hold({product for product, _ in pairs})
            await uow.bought_together.add_pairs(pairs)


async def embed_product(
    uow: CatalogUnitOfWork, deps: CatalogDependencies, product: Product
) -> None:
    """Store the product's vector in the transaction that creates or describes it."""
    text = product_text(product.name, product.category, product.description)
    [vector] = deps.embedder.embed([text])
    await uow.embeddings.put(product.id, deps.embedder.model, vector)


async def embed_products(
    cmd: c.EmbedProducts, uow: CatalogUnitOfWork, deps: CatalogDependencies
) -> int:
    """Embed products that have no vector of the current model; how many were embedded."""
    model = deps.embedder.model
    found = await uow.embeddings.missing(model, cmd.limit)
    if not found:
        return 0
    texts = [product_text(p.name, p.category, p.description) for p in found]
    for product, vector in zip(found, deps.embedder.embed(texts), strict=True):
        await uow.embeddings.put_missing(product.product_id, model, vector)
    return len(found)
