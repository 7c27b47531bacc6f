"""Notification entrypoints: template management and the delivery log over HTTP, the worker."""
