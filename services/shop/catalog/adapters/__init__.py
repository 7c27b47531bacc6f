"""Catalog adapters: tables, repositories, unit of work, read queries."""
