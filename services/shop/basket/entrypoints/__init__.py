"""Basket entrypoints: the cart API, and the worker following the catalog's product events."""
