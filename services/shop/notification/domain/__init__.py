"""The notification model: templates, deliveries, retry policy and circuit breaker; no I/O."""
