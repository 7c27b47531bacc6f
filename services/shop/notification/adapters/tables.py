"""Notification's tables: message templates and the delivery log."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)

from shop.common.outbox import messaging_tables

SCHEMA = "notification"
metadata = MetaData(schema=SCHEMA)
MESSAGING = messaging_tables(SCHEMA, metadata)  # in `metadata`: Alembic compares them too

templates = Table(
    "templates",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("event_type", String(64), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("templates_event_type_idx", "event_type"),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("cause_event_id", Uuid, nullable=False),
    Column("template", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("recipient", Text),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("cause_event_id", "template"),
    Index("deliveries_created_idx", "created_at"),
)
