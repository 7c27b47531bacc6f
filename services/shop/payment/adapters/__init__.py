"""Payment adapters: the mock gateway, database mapping and repositories."""
