"""Basket adapters: tables, repositories, unit of work."""
