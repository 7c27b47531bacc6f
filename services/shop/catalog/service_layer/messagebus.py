"""The catalog's message bus: its commands, from the API and from the saga (via the consumer)."""

from __future__ import annotations

from shop.catalog.domain.commands import Command
from shop.catalog.service_layer.handlers import COMMAND_HANDLERS, CatalogDependencies
from shop.catalog.service_layer.unit_of_work import CatalogUnitOfWork
from shop.common import messagebus


class MessageBus(messagebus.MessageBus[CatalogUnitOfWork, CatalogDependencies, Command]):
    command_handlers = COMMAND_HANDLERS
