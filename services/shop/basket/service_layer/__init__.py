"""Basket use cases: handlers run inside a unit of work opened by their caller."""
