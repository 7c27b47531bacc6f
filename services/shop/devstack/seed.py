"""A demo catalog (categories, products, stock), created through the catalog API as an admin."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from shop.devstack.identity import Identity
from shop.devstack.logins import admin_auth

CATEGORIES = {
    "kitchen": "Kitchen",
    "garden": "Garden",
    "books": "Books",
    "lighting": "Lighting",
}


@dataclass(frozen=True)
class SeedProduct:
    name: str
    category: str
    price: str
    stock: int


PRODUCTS = (
    SeedProduct("Stoneware mug", "kitchen", "9.50", 2000),
    SeedProduct("Cast-iron skillet", "kitchen", "39.00", 800),
    SeedProduct("Chef's knife", "kitchen", "54.90", 600),
    SeedProduct("Linen tea towel", "kitchen", "7.25", 2500),
    SeedProduct("Watering can", "garden", "18.00", 900),
    SeedProduct("Pruning shears", "garden", "24.50", 700),
    SeedProduct("Seed collection", "garden", "12.00", 1500),
    SeedProduct("Field guide to moths", "books", "21.00", 400),
    SeedProduct("Sourdough handbook", "books", "17.90", 1200),
    SeedProduct("Brass desk lamp", "lighting", "89.00", 300),
    SeedProduct("Paper lantern", "lighting", "15.00", 1000),
    SeedProduct("Beeswax candles (set of 6)", "lighting", "11.40", 2000),
)
CURRENCY = "EUR"


async def seed_catalog(
    catalog_url: str, identity: Identity | None, request_seconds: float = 30
) -> int:
    """Create the demo catalog unless the catalog already has products; products created.

    The writes carry the demo client's tokens (`identity`; none: the catalog must accept
    anonymous writes, which the shop's never does).
    """
    async with httpx.AsyncClient(base_url=catalog_url, timeout=request_seconds) as client:
        if identity is not None:
            client.auth = admin_auth(identity, client)
        existing = await client.get("/products", params={"limit": 1, "include_inactive": True})
        existing.raise_for_status()
        if existing.json()["total"] > 0:
            return 0
        for slug, name in CATEGORIES.items():
            response = await client.post("/categories", json={"slug": slug, "name": name})
            if response.status_code not in (201, 409):
                response.raise_for_status()
        for product in PRODUCTS:
            response = await client.post(
                "/products",
                json={
                    "name": product.name,
                    "category": product.category,
                    "price": product.price,
                    "currency": CURRENCY,
                    "initial_stock": product.stock,
                    "low_stock_threshold": product.stock // 10,
                },
            )
            response.raise_for_status()
    return len(PRODUCTS)
