"""Payment handlers through the message bus, a fake unit of work and a scripted gateway."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

from shop.payment.bootstrap import PaymentBus, message_bus
from shop.payment.domain.commands import RefundPayment, RequestPayment
from shop.payment.domain.events import PaymentFailed, PaymentRefunded, PaymentSucceeded
from shop.payment.domain.gateway import ChargeResult
from shop.payment.domain.payment import PaymentStatus
from shop.payment.service_layer.handlers import PaymentDependencies
from unit.payment.payment_fakes import FakePaymentUnitOfWork, ScriptedGateway

NOW = datetime(2026, 5, 1, tzinfo=UTC)
ORDER = uuid4()
REQUEST = RequestPayment(ORDER, "alice", Decimal("23.00"), "EUR")
REFUND = RefundPayment(ORDER, "alice", Decimal("23.00"), "EUR")


def setup(answer: ChargeResult) -> tuple[PaymentBus, FakePaymentUnitOfWork, ScriptedGateway]:
    uow, gateway = FakePaymentUnitOfWork(), ScriptedGateway(answer)
    return message_bus(lambda: uow, PaymentDependencies(gateway, lambda: NOW)), uow, gateway


async def test_a_payment_request_charges_the_order_once() -> None:
    bus, uow, gateway = setup(ChargeResult(approved=True, reference="ch_1"))

    await bus.handle(REQUEST)
    await bus.handle(REQUEST)

    assert gateway.charges == [ORDER]
    assert [type(e) for e in uow.published] == [PaymentSucceeded]


async def test_a_declined_charge_publishes_the_failure() -> None:
    bus, uow, _ = setup(ChargeResult(approved=False, reason="card-declined"))

    await bus.handle(REQUEST)

    (failed,) = uow.published
    assert isinstance(failed, PaymentFailed)
    assert failed.reason == "card-declined"


async def test_a_refund_gives_the_charge_back_through_the_gateway() -> None:
    bus, uow, gateway = setup(ChargeResult(approved=True, reference="ch_1"))
    await bus.handle(REQUEST)

    await bus.handle(REFUND)
    await bus.handle(REFUND)

    assert gateway.refunds == [("ch_1", Decimal("23.00"))]
    assert [type(e) for e in uow.published] == [PaymentSucceeded, PaymentRefunded]


async def test_refunding_a_declined_payment_answers_without_calling_the_gateway() -> None:
    bus, uow, gateway = setup(ChargeResult(approved=False, reason="card-declined"))
    await bus.handle(REQUEST)

    await bus.handle(REFUND)

    assert gateway.refunds == []
    refunded = uow.published[-1]
    assert isinstance(refunded, PaymentRefunded)
    assert refunded.amount == Decimal(0)


async def test_a_refund_before_any_charge_voids_the_order_so_a_late_request_charges_nothing() -> (
    None
):
    bus, uow, gateway = setup(ChargeResult(approved=True, reference="ch_1"))

    await bus.handle(REFUND)
    await bus.handle(REQUEST)

    assert gateway.charges == []
    assert uow.payments.rows[ORDER].status is PaymentStatus.VOIDED
    assert [type(e) for e in uow.published] == [PaymentRefunded]
