"""Kafka header names every relay writes and every consumer reads (one place, both relays)."""

from __future__ import annotations

# Debezium's EventRouter always adds the event id as `id`; the built-in relay does the same so
# a consumer sees identical headers from either relay.
ID_HEADER = "id"
EVENT_ID_HEADER = "event-id"
EVENT_TYPE_HEADER = "event-type"
TRACEPARENT_HEADER = "traceparent"
TRACESTATE_HEADER = "tracestate"

# Added by the consumer runtime to a message it dead-letters.
DLQ_ERROR_TYPE_HEADER = "dlq-error-type"
DLQ_ERROR_MESSAGE_HEADER = "dlq-error-message"
DLQ_ORIGINAL_TOPIC_HEADER = "dlq-original-topic"
DLQ_ORIGINAL_PARTITION_HEADER = "dlq-original-partition"
DLQ_ORIGINAL_OFFSET_HEADER = "dlq-original-offset"
DLQ_ATTEMPTS_HEADER = "dlq-attempts"
DLQ_CONSUMER_GROUP_HEADER = "dlq-consumer-group"
DLQ_HEADERS = (
    DLQ_ERROR_TYPE_HEADER,
    DLQ_ERROR_MESSAGE_HEADER,
    DLQ_ORIGINAL_TOPIC_HEADER,
    DLQ_ORIGINAL_PARTITION_HEADER,
    DLQ_ORIGINAL_OFFSET_HEADER,
    DLQ_ATTEMPTS_HEADER,
    DLQ_CONSUMER_GROUP_HEADER,
)
