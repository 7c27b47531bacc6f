"""Inbound routes: decoding event data, applying it by the bus, dead-lettering refused messages."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import cast

import pytest

from shop.common.consumer import (
    Inbound,
    PermanentError,
    PoisonMessageError,
    data_as,
    decode,
    domain_errors_are_permanent,
    routes,
    with_event_id,
)
from shop.common.errors import ConflictError
from shop.common.events import Envelope
from shop.common.messagebus import MessageBus
from shop.common.uow import UnitOfWork

NO_UOW = cast(UnitOfWork, None)


@dataclass(frozen=True)
class Charge:
    order_id: uuid.UUID
    amount: Decimal


def _envelope(event_type: str = "saga.request-payment") -> Envelope:
    return Envelope(uuid.uuid4(), event_type, 1, "tests", "order", "o-1", datetime.now(UTC), {})


def test_decode_validates_and_converts_the_data() -> None:
    order_id = uuid.uuid4()
    charge = decode(Charge, {"order_id": str(order_id), "amount": "12.50"})
    assert charge == Charge(order_id, Decimal("12.50"))


def test_data_that_does_not_fit_is_a_poison_message_naming_the_type() -> None:
    with pytest.raises(PoisonMessageError, match="not a valid Charge") as raised:
        decode(Charge, {"order_id": "not-a-uuid"})
    assert "amount" in str(raised.value)


async def test_a_refused_command_becomes_a_permanent_error_naming_the_event_type() -> None:
    @domain_errors_are_permanent
    async def refuse(envelope: Envelope, uow: UnitOfWork) -> None:
        raise ConflictError("already paid")

    with pytest.raises(PermanentError, match=r"saga\.request-payment refused: already paid"):
        await refuse(_envelope(), NO_UOW)


async def test_other_errors_pass_through_to_be_retried() -> None:
    @domain_errors_are_permanent
    async def fail(envelope: Envelope, uow: UnitOfWork) -> None:
        raise ConnectionResetError("database went away")

    with pytest.raises(ConnectionResetError):
        await fail(_envelope(), NO_UOW)


def _bus(
    handler: Callable[[Charge, UnitOfWork, None], Awaitable[None]],
) -> MessageBus[UnitOfWork, None]:
    return MessageBus(lambda: NO_UOW, None, commands={Charge: handler})


async def test_routes_decode_each_event_type_as_its_command_and_apply_it() -> None:
    applied: list[object] = []

    async def apply(command: Charge, uow: UnitOfWork, deps: None) -> None:
        applied.append(command)

    handlers = routes(_bus(apply), {"saga.request-payment": data_as(Charge)})
    order_id = uuid.uuid4()
    envelope = replace(_envelope(), data={"order_id": str(order_id), "amount": "3.00"})

    assert list(handlers) == ["saga.request-payment"]
    await handlers["saga.request-payment"](envelope, NO_UOW)
    assert applied == [Charge(order_id, Decimal("3.00"))]


async def test_routes_dead_letter_invalid_and_refused_commands() -> None:
    async def refuse(command: Charge, uow: UnitOfWork, deps: None) -> None:
        raise ConflictError("already paid")

    handler = routes(_bus(refuse), {"saga.request-payment": data_as(Charge)})[
        "saga.request-payment"
    ]
    with pytest.raises(PoisonMessageError):
        await handler(_envelope(), NO_UOW)
    valid = replace(_envelope(), data={"order_id": str(uuid.uuid4()), "amount": "1"})
    with pytest.raises(PermanentError, match="refused: already paid"):
        await handler(valid, NO_UOW)


@dataclass(frozen=True)
class Seen:
    event_id: uuid.UUID
    order_id: uuid.UUID


def test_with_event_id_reads_the_data_and_the_envelopes_id() -> None:
    order_id = uuid.uuid4()
    envelope = replace(_envelope("payment.failed"), data={"order_id": str(order_id)})
    assert with_event_id(Seen).read(envelope) == Seen(envelope.id, order_id)


def test_a_route_to_a_message_no_table_handles_fails_when_built() -> None:
    async def apply(command: Charge, uow: UnitOfWork, deps: None) -> None:
        return None

    with pytest.raises(KeyError):
        routes(_bus(apply), {"payment.failed": Inbound(Seen, with_event_id(Seen).read)})
