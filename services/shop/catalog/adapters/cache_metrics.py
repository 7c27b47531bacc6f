"""The read cache's Prometheus metrics: hits and misses per kind of read, Redis failures."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter
from prometheus_client.parser import text_string_to_metric_families


class CacheMetrics:
    """`shop_catalog_cache_*`; the hit ratio is hits / (hits + misses)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.hits = Counter(
            "shop_catalog_cache_hits_total",
            "Catalog reads answered from Redis, by kind (product, search)",
            ["kind"],
            registry=registry,
        )
        self.misses = Counter(
            "shop_catalog_cache_misses_total",
            "Catalog reads answered from PostgreSQL (not cached, or Redis unavailable), by kind",
            ["kind"],
            registry=registry,
        )
        self.failures = Counter(
            "shop_catalog_cache_failures_total",
            "Redis calls that failed, by operation (read, write, invalidate)",
            ["operation"],
            registry=registry,
        )
        self.invalidated = Counter(
            "shop_catalog_cache_invalidated_products_total",
            "Products whose cached views a committed change invalidated",
            registry=registry,
        )


def cache_counts(exposition: str) -> dict[str, float]:
    """`hits`, `misses` (every kind summed) and `failures`, read back from a `/metrics` text."""
    counts = {"hits": 0.0, "misses": 0.0, "failures": 0.0}
    for family in text_string_to_metric_families(exposition):
        name = family.name.removeprefix("shop_catalog_cache_")
        if name in counts:
            counts[name] += sum(s.value for s in family.samples if s.name.endswith("_total"))
    return counts
