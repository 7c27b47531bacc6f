"""Payment's inbound events: the saga's payment commands, each read as a payment command.

An invalid payload, or a command the domain refuses, is dead-lettered at once.
"""

from __future__ import annotations

from shop.common.consumer import Inbound, data_as
from shop.payment.domain import commands as c

INBOUND: dict[str, Inbound[c.Command]] = {
    "saga.request-payment": data_as(c.RequestPayment),
    "saga.refund-payment": data_as(c.RefundPayment),
}
