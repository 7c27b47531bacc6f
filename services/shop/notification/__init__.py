"""Notification: templates in the database, rendered per event and delivered through a channel."""
