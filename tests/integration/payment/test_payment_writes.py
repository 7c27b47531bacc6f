"""Payment's writes on real PostgreSQL: a charge's or refund's payment write carries the
transaction's outbox rows (one statement), and a held write is sent before the repository's
next statement."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from shop.common.messaging_settings import OutboxMode
from shop.payment.adapters.mock_gateway import MockGateway
from shop.payment.adapters.unit_of_work import SqlPaymentUnitOfWork
from shop.payment.domain import commands as c
from shop.payment.service_layer.handlers import (
    PaymentDependencies,
    refund_payment,
    request_payment,
)

AMOUNT = Decimal("23.00")
DEPS = PaymentDependencies(MockGateway(failure_rate=0.0))


def units(
    engine: AsyncEngine, mode: OutboxMode = OutboxMode.RELAY
) -> Callable[[], SqlPaymentUnitOfWork]:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    return lambda: SqlPaymentUnitOfWork(sessions, mode)


async def rows(engine: AsyncEngine, sql: str) -> list[tuple[Any, ...]]:
    async with engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(text(sql))]


def request(order_id: UUID) -> c.RequestPayment:
    return c.RequestPayment(order_id, customer_id="alice", amount=AMOUNT, currency="EUR")


def refund(order_id: UUID) -> c.RefundPayment:
    return c.RefundPayment(order_id, customer_id="alice", amount=AMOUNT, currency="EUR")


async def sent_by(unit: SqlPaymentUnitOfWork, *commands: c.Command) -> list[str]:
    """The statements the unit of work sends after its BEGIN to apply `commands` and commit."""
    sent: list[str] = []

    def logged(record: Any) -> None:
        sent.append(record.query)

    async with unit as uow:
        connection = uow.connection
        connection.add_query_logger(logged)
        try:
            for command in commands:
                if isinstance(command, c.RequestPayment):
                    await request_payment(command, uow, DEPS)
                else:
                    await refund_payment(command, uow, DEPS)
                uow.seal()
            await uow.commit()
            await asyncio.sleep(0)  # the logger is called soon after each statement
        finally:
            connection.remove_query_logger(logged)
    return sent


async def test_a_charge_sends_the_payment_and_its_outbox_row_in_one_statement(
    payment_engine: AsyncEngine,
) -> None:
    await sent_by(units(payment_engine)(), request(uuid4()))  # the statements prepared
    sent = await sent_by(units(payment_engine)(), request(uuid4()))

    assert len(sent) == 3, sent  # the payment read (locked), its write, COMMIT
    assert "INSERT INTO payment.payments" in sent[1]
    assert "INSERT INTO payment.outbox" in sent[1]
    assert await rows(payment_engine, "SELECT status FROM payment.payments") == [
        ("succeeded",),
        ("succeeded",),
    ]
    assert await rows(payment_engine, "SELECT type FROM payment.outbox") == [
        ("payment.succeeded",),
        ("payment.succeeded",),
    ]


async def test_a_refund_sends_the_payments_update_and_its_outbox_row_in_one_statement(
    payment_engine: AsyncEngine,
) -> None:
    order_id = uuid4()
    await sent_by(units(payment_engine)(), request(order_id))
    await sent_by(units(payment_engine)(), refund(uuid4()))  # the statements prepared
    sent = await sent_by(units(payment_engine)(), refund(order_id))

    assert len(sent) == 3, sent
    assert "UPDATE payment.payments" in sent[1]
    assert "INSERT INTO payment.outbox" in sent[1]
    assert await rows(
        payment_engine, f"SELECT status FROM payment.payments WHERE order_id = '{order_id}'"
    ) == [("refunded",)]
    assert await rows(payment_engine, "SELECT type FROM payment.outbox ORDER BY id") == [
        ("payment.succeeded",),
        ("payment.refunded",),
        ("payment.refunded",),
    ]


async def test_one_unit_of_work_reads_its_own_held_write_before_the_next_command(
    payment_engine: AsyncEngine,
) -> None:
    """As a batch of one order's request and its repeat: the repeat sees the charge."""
    order_id = uuid4()
    await sent_by(units(payment_engine)(), request(order_id), request(order_id))

    assert await rows(payment_engine, "SELECT count(*) FROM payment.payments") == [(1,)]
    assert await rows(payment_engine, "SELECT type FROM payment.outbox") == [("payment.succeeded",)]


async def test_a_unit_of_work_left_without_its_commit_writes_nothing(
    payment_engine: AsyncEngine,
) -> None:
    async with units(payment_engine)() as uow:
        await request_payment(request(uuid4()), uow, DEPS)

    assert await rows(payment_engine, "SELECT count(*) FROM payment.payments") == [(0,)]
    assert await rows(payment_engine, "SELECT count(*) FROM payment.outbox") == [(0,)]
