"""The basket's message bus: cart commands and the catalog's product events."""

from __future__ import annotations

from shop.basket.domain.catalog_events import CatalogEvent
from shop.basket.domain.commands import Command
from shop.basket.service_layer.handlers import (
    COMMAND_HANDLERS,
    EVENT_HANDLERS,
    BasketDependencies,
)
from shop.basket.service_layer.unit_of_work import BasketUnitOfWork
from shop.common import messagebus


class MessageBus(
    messagebus.MessageBus[BasketUnitOfWork, BasketDependencies, Command | CatalogEvent]
):
    command_handlers = COMMAND_HANDLERS
    event_handlers = EVENT_HANDLERS
