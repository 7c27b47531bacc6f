"""Ordering adapters: tables, the order repository, unit of work, queries, saga metrics."""
