"""Notification's message bus: notifications to send and template changes."""

from __future__ import annotations

from shop.common import messagebus
from shop.notification.domain.commands import Command
from shop.notification.service_layer.handlers import COMMAND_HANDLERS, NotificationDependencies
from shop.notification.service_layer.unit_of_work import NotificationUnitOfWork


class MessageBus(messagebus.MessageBus[NotificationUnitOfWork, NotificationDependencies, Command]):
    command_handlers = COMMAND_HANDLERS
