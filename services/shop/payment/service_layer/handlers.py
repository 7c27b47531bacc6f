"""Payment handlers for the saga's commands (`COMMAND_HANDLERS`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from shop.common import messagebus
from shop.common.clock import Clock, utc_now
from shop.payment.domain import commands as c
from shop.payment.domain.payment import Payment
from shop.payment.service_layer.unit_of_work import PaymentGateway, PaymentUnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PaymentDependencies:
    gateway: PaymentGateway
    clock: Clock = field(default=utc_now)


async def request_payment(
    cmd: c.RequestPayment, uow: PaymentUnitOfWork, deps: PaymentDependencies
) -> None:
    """Charge the order once; a repeated or voided request changes nothing."""
    existing = await uow.payments.lock(cmd.order_id)
    if existing is not None:
        log.info(
            "payment of order %s is %s already; request ignored", cmd.order_id, existing.status
        )
        return
    result = await deps.gateway.charge(cmd.order_id, cmd.amount, cmd.currency)
    payment = Payment.charged(
        cmd.order_id, cmd.customer_id, cmd.amount, cmd.currency, result, deps.clock()
    )
    await uow.payments.add(payment)


async def refund_payment(
    cmd: c.RefundPayment, uow: PaymentUnitOfWork, deps: PaymentDependencies
) -> None:
    """Refund what was charged; answer even when nothing was (the saga awaits the answer)."""
    payment = await uow.payments.lock(cmd.order_id)
    if payment is None:
        voided = Payment.voided(
            cmd.order_id, cmd.customer_id, cmd.amount, cmd.currency, deps.clock()
        )
        await uow.payments.add(voided)
        return
    if payment.refundable and payment.reference is not None:
        await deps.gateway.refund(payment.reference, payment.amount, payment.currency)
    payment.refund(deps.clock())
    await uow.payments.save(payment)


Handler = messagebus.Handler[PaymentUnitOfWork, PaymentDependencies]

COMMAND_HANDLERS: dict[type, Handler] = {
    c.RequestPayment: request_payment,
    c.RefundPayment: refund_payment,
}
