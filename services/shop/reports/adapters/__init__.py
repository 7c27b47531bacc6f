"""Reports adapters: projection tables and their store, unit of work."""
