"""Catalog: products, categories, stock and per-order stock reservations."""
