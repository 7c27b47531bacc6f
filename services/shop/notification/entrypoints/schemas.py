"""The notification API's request and response bodies."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class TemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_type: str = Field(
        pattern=r"^[a-z]+\.[a-z-]+$", max_length=64, examples=["order.confirmed"]
    )  # the column's length: a longer type was a 500 (found by make fuzz)
    subject: str = Field(min_length=1, max_length=500, examples=["Order {{ order_id }} confirmed"])
    body: str = Field(
        min_length=1,
        max_length=20_000,
        examples=["Hello {{ customer_id }}, we charged {{ total }} {{ currency }}."],
        description="`{{ name }}` placeholders; `{{ name | default }}` for optional values",
    )


class TemplateOut(TemplateIn):
    name: str
    placeholders: list[str]


class DeliveryOut(BaseModel):
    id: UUID
    cause_event_id: UUID
    template: str
    channel: str
    recipient: str | None
    subject: str
    status: str
    attempts: int
    error: str | None
    created_at: datetime
