"""Wires notification: the channel from settings, its breaker, retries, the order lookup, and
the shared bus with notification's handlers over SQL units of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from shop.common.auth.token_client import client_credentials_auth
from shop.common.bootstrap import Wired, wired
from shop.common.messagebus import MessageBus
from shop.common.messaging_settings import OutboxMode
from shop.notification.adapters.channels import LogChannel, SmtpChannel, WebhookChannel
from shop.notification.adapters.order_lookup import HttpOrderLookup
from shop.notification.adapters.unit_of_work import SqlNotificationUnitOfWork
from shop.notification.domain.circuit_breaker import CircuitBreaker
from shop.notification.domain.retry import RetryPolicy
from shop.notification.service_layer.delivery import BreakerBox
from shop.notification.service_layer.handlers import COMMAND_HANDLERS, NotificationDependencies
from shop.notification.service_layer.unit_of_work import Channel, NotificationUnitOfWork
from shop.notification.settings import NotificationSettings

NotificationBus = MessageBus[NotificationUnitOfWork, NotificationDependencies]


def message_bus(
    uow: Callable[[], NotificationUnitOfWork], deps: NotificationDependencies
) -> NotificationBus:
    """The shared bus with notification's handler tables (over SQL or, in tests, the fakes)."""
    return MessageBus(uow, deps, commands=COMMAND_HANDLERS)


Notifications = Wired[NotificationBus, SqlNotificationUnitOfWork]


def channel_from(settings: NotificationSettings, client: httpx.AsyncClient) -> Channel:
    if settings.channel == "smtp":
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        return SmtpChannel(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_sender,
            username=settings.smtp_username,
            password=password,
            starttls=settings.smtp_starttls,
        )
    if settings.channel == "webhook":
        return WebhookChannel(client, settings.webhook_url)
    return LogChannel()


def dependencies(
    settings: NotificationSettings, client: httpx.AsyncClient
) -> NotificationDependencies:
    return NotificationDependencies(
        channel=channel_from(settings, client),
        breaker=BreakerBox(
            CircuitBreaker(
                settings.breaker_failure_threshold,
                timedelta(seconds=settings.breaker_reset_seconds),
            )
        ),
        retry=RetryPolicy(
            attempts=settings.delivery_attempts,
            initial_delay=timedelta(seconds=settings.delivery_initial_delay_seconds),
            max_delay=timedelta(seconds=settings.delivery_max_delay_seconds),
        ),
        lookup=order_lookup(settings, client),
    )


def order_lookup(
    settings: NotificationSettings, client: httpx.AsyncClient
) -> HttpOrderLookup | None:
    """Lookups in the ordering API with the service's own tokens (none without an API)."""
    if not settings.ordering_url:
        return None
    auth = client_credentials_auth(settings.oauth_client(), client)
    return HttpOrderLookup(client, settings.ordering_url, auth)


def bootstrap(
    engine: AsyncEngine,
    deps: NotificationDependencies,
    outbox_mode: OutboxMode = OutboxMode.RELAY,
) -> Notifications:
    return wired(engine, SqlNotificationUnitOfWork, outbox_mode, lambda uow: message_bus(uow, deps))
