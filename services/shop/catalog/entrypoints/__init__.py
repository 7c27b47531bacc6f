"""Catalog entrypoints: the HTTP API, and the worker consuming the saga's stock commands."""
