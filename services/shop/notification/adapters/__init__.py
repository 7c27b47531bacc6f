"""Notification adapters: tables, repositories, channels (log, SMTP, webhook), order lookup."""
