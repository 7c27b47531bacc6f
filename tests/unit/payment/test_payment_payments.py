"""A payment per order: charged once, refunds answer every refund request exactly once."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from shop.common.events import DomainEvent
from shop.payment.domain.errors import InvalidPaymentError
from shop.payment.domain.events import PaymentFailed, PaymentRefunded, PaymentSucceeded
from shop.payment.domain.gateway import ChargeResult
from shop.payment.domain.payment import Payment, PaymentStatus

NOW = datetime(2026, 5, 1, tzinfo=UTC)
APPROVED = ChargeResult(approved=True, reference="ch_1")
DECLINED = ChargeResult(approved=False, reason="card-declined")


def charged(result: ChargeResult) -> Payment:
    return Payment.charged(uuid4(), "alice", Decimal("23.00"), "EUR", result, NOW)


def events(payment: Payment) -> list[DomainEvent]:
    return [recorded.event for recorded in payment.drain_events()]


def test_an_approved_charge_succeeds_with_the_gateway_reference() -> None:
    payment = charged(APPROVED)

    (event,) = events(payment)
    assert payment.status is PaymentStatus.SUCCEEDED
    assert isinstance(event, PaymentSucceeded)
    assert (event.reference, event.amount, event.customer_id) == ("ch_1", Decimal("23.00"), "alice")


def test_a_declined_charge_fails_with_the_reason() -> None:
    payment = charged(DECLINED)

    (event,) = events(payment)
    assert payment.status is PaymentStatus.FAILED
    assert isinstance(event, PaymentFailed)
    assert event.reason == "card-declined"


def test_refunding_a_successful_payment_gives_back_the_full_amount_once() -> None:
    payment = charged(APPROVED)
    events(payment)

    payment.refund(NOW)
    payment.refund(NOW)

    (event,) = events(payment)
    assert isinstance(event, PaymentRefunded)
    assert event.amount == Decimal("23.00")
    assert payment.status is PaymentStatus.REFUNDED


def test_refunding_a_failed_payment_voids_it_and_answers_with_nothing_refunded() -> None:
    payment = charged(DECLINED)
    events(payment)

    payment.refund(NOW)

    (event,) = events(payment)
    assert isinstance(event, PaymentRefunded)
    assert event.amount == Decimal(0)
    assert payment.status is PaymentStatus.VOIDED
    assert payment.refundable is False


def test_a_refund_for_an_order_never_charged_voids_it() -> None:
    payment = Payment.voided(uuid4(), "alice", Decimal("23.00"), "EUR", NOW)

    (event,) = events(payment)
    assert isinstance(event, PaymentRefunded)
    assert event.amount == Decimal(0)
    assert payment.status is PaymentStatus.VOIDED


@pytest.mark.parametrize(("amount", "currency"), [(Decimal(-1), "EUR"), (Decimal(1), "eu")])
def test_payments_refuse_negative_amounts_and_bad_currencies(
    amount: Decimal, currency: str
) -> None:
    with pytest.raises(InvalidPaymentError):
        Payment.charged(uuid4(), "alice", amount, currency, APPROVED, NOW)


def test_a_charge_result_must_explain_itself() -> None:
    with pytest.raises(ValueError, match="reference"):
        ChargeResult(approved=True)
    with pytest.raises(ValueError, match="reason"):
        ChargeResult(approved=False)
