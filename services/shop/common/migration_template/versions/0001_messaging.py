"""Outbox (with its NOTIFY trigger) and inbox: every context's first revision, written once."""

from shop.common.messaging_revision import down_revision, downgrade, revision, upgrade

__all__ = ["down_revision", "downgrade", "revision", "upgrade"]
