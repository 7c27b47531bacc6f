"""Payment entrypoints: a read API, and the worker applying the saga's payment commands."""
