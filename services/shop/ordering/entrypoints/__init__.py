"""Ordering entrypoints: the read API with its status stream, and the saga worker."""
