"""Payment's message bus: the saga's payment commands."""

from __future__ import annotations

from shop.common import messagebus
from shop.payment.domain.commands import Command
from shop.payment.service_layer.handlers import COMMAND_HANDLERS, PaymentDependencies
from shop.payment.service_layer.unit_of_work import PaymentUnitOfWork


class MessageBus(messagebus.MessageBus[PaymentUnitOfWork, PaymentDependencies, Command]):
    command_handlers = COMMAND_HANDLERS
