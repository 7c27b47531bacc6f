"""Notification use cases: templates, and deliveries with retries behind a circuit breaker."""
