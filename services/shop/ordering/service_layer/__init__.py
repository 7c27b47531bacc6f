"""Ordering use cases: the saga's handlers and its deadline timer."""
