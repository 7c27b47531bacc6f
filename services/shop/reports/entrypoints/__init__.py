"""Reports entrypoints: the reports API, and the worker projecting order events."""
