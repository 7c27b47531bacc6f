"""A Locust scenario of the storefront (`locust -f bench/storefront_load/locustfile.py`)."""
