"""Domain events and the fixed event envelope every relay publishes and every consumer reads.

Envelope (JSON, one message per event, Kafka key = aggregate id):
`{"id", "type", "version", "source", "aggregateType", "aggregateId", "occurredAt", "data"}`.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from shop.common.jsonable import drop_nulls, to_jsonable
from shop.common.uuid7 import uuid7

ENVELOPE_FIELDS = (
    "id",
    "type",
    "version",
    "source",
    "aggregateType",
    "aggregateId",
    "occurredAt",
    "data",
)


class EnvelopeError(ValueError):
    """A message is not a valid event envelope (a poison message for consumers)."""


@dataclass(frozen=True)
class DomainEvent:
    """Base of a context's events: a plain dataclass whose fields are the envelope's `data`.

    Subclasses set `type` (e.g. `"order.placed"`) and, when the data shape changes
    incompatibly, a new `version`.
    """

    type: ClassVar[str]
    version: ClassVar[int] = 1

    def data(self) -> dict[str, Any]:
        """The event's fields as JSON-ready values (UUID, Decimal, datetime become strings)."""
        return {f.name: to_jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}


@dataclass(frozen=True)
class Envelope:
    """One published event: metadata plus `data`, exactly as it travels on Kafka."""

    id: uuid.UUID
    type: str
    version: int
    source: str
    aggregate_type: str
    aggregate_id: str
    occurred_at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def wrap(
        cls,
        event: DomainEvent,
        *,
        source: str,
        aggregate_type: str,
        aggregate_id: str,
        occurred_at: datetime | None = None,
        event_id: uuid.UUID | None = None,
    ) -> Envelope:
        """The envelope of a domain event raised by one aggregate."""
        return cls(
            id=event_id or uuid7(),
            type=event.type,
            version=event.version,
            source=source,
            aggregate_type=aggregate_type,
            aggregate_id=str(aggregate_id),
            occurred_at=occurred_at or datetime.now(UTC),
            data=event.data(),
        )

    @property
    def key(self) -> bytes:
        """The Kafka message key: the aggregate id (per-aggregate ordering)."""
        return self.aggregate_id.encode()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": self.type,
            "version": self.version,
            "source": self.source,
            "aggregateType": self.aggregate_type,
            "aggregateId": self.aggregate_id,
            "occurredAt": rfc3339(self.occurred_at),
            "data": drop_nulls(to_jsonable(dict(self.data))),
        }

    def to_json(self) -> bytes:
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, raw: bytes | str | None) -> Envelope:
        """Parse a message value; raise `EnvelopeError` if it is not a valid envelope."""
        if raw is None:
            raise EnvelopeError("message has no value (tombstone)")
        try:
            document = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise EnvelopeError(f"value is not JSON: {err}") from None
        return cls.from_dict(document)

    @classmethod
    def from_dict(cls, document: Any) -> Envelope:
        if not isinstance(document, dict):
            raise EnvelopeError("envelope must be a JSON object")
        missing = [name for name in ENVELOPE_FIELDS if name not in document]
        if missing:
            raise EnvelopeError(f"envelope lacks {', '.join(missing)}")
        try:
            event_id = uuid.UUID(str(document["id"]))
            occurred_at = datetime.fromisoformat(str(document["occurredAt"]))
        except ValueError as err:
            raise EnvelopeError(f"invalid envelope id or occurredAt: {err}") from None
        version = document["version"]
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise EnvelopeError(f"envelope version must be a positive integer, not {version!r}")
        if occurred_at.tzinfo is None:
            raise EnvelopeError("occurredAt must carry a UTC offset (RFC 3339)")
        texts = {name: document[name] for name in ("type", "source", "aggregateType")}
        if not all(isinstance(value, str) and value for value in texts.values()):
            raise EnvelopeError("type, source and aggregateType must be non-empty strings")
        if not isinstance(document["data"], dict):
            raise EnvelopeError("envelope data must be a JSON object")
        return cls(
            id=event_id,
            type=document["type"],
            version=version,
            source=document["source"],
            aggregate_type=document["aggregateType"],
            aggregate_id=str(document["aggregateId"]),
            occurred_at=occurred_at,
            data=document["data"],
        )


def rfc3339(moment: datetime) -> str:
    """UTC RFC 3339 text with microseconds and a `Z` suffix."""
    if moment.tzinfo is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
