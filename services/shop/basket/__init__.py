"""Basket: customers' carts, priced from the catalog's product events, and checkout."""
