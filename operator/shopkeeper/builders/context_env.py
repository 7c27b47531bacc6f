"""Environment of one context's processes: notification's channel and lookups, catalog's read
cache, ordering's fraud threshold, the spec's env.

Notification looks orders up in ordering only with client credentials (`spec.auth.
clientCredentialsSecret`): ordering's API refuses anonymous callers.

Variables are named by the service's own settings class, so the operator sets exactly what
`shop.notification.settings.NotificationSettings` and `shop.catalog.settings.CatalogSettings`
read. Credentials are Secret key references; their values never pass through the operator.
"""

from __future__ import annotations

from typing import Any

from shop.catalog.settings import CatalogSettings
from shop.notification.settings import NotificationSettings
from shop.ordering.settings import OrderingSettings
from shopkeeper import naming
from shopkeeper.api.auth import CLIENT_ID_KEY, CLIENT_SECRET_KEY
from shopkeeper.api.env import KeySelector
from shopkeeper.api.services import (
    CatalogServiceSpec,
    NotificationServiceSpec,
    OrderingServiceSpec,
)
from shopkeeper.builders.inputs import BuildInput

EnvEntry = dict[str, Any]


def _var(field: str) -> str:
    return NotificationSettings.env_var(field)


def _value(field: str, value: object) -> EnvEntry:
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return {"name": _var(field), "value": text}


def _secret(field: str, selector: KeySelector) -> EnvEntry:
    return {"name": _var(field), "valueFrom": {"secretKeyRef": selector.manifest()}}


def ordering_api_url(inp: BuildInput) -> str:
    """The in-cluster URL of the platform's ordering API Service."""
    return f"http://{naming.workload(inp.name, 'ordering', 'api')}.{inp.namespace}.svc"


def order_lookup_env(inp: BuildInput, spec: NotificationServiceSpec) -> list[EnvEntry]:
    """Ordering's URL and the client credentials of the lookups; none without credentials."""
    auth = inp.spec.auth
    if auth is None or auth.client_credentials_secret is None:
        return []
    secret = auth.client_credentials_secret
    return [
        _value("ordering_url", spec.ordering_url or ordering_api_url(inp)),
        _value("token_url", auth.token_endpoint()),
        _secret("client_id", KeySelector(name=secret, key=CLIENT_ID_KEY)),
        _secret("client_secret", KeySelector(name=secret, key=CLIENT_SECRET_KEY)),
    ]


def notification_env(inp: BuildInput, spec: NotificationServiceSpec) -> list[EnvEntry]:
    """Channel, SMTP or webhook settings and the ordering lookup URL of notification."""
    env = [_value("channel", spec.channel), *order_lookup_env(inp, spec)]
    if spec.channel == "smtp" and spec.smtp is not None:
        smtp = spec.smtp
        env += [
            _value("smtp_host", smtp.host),
            _value("smtp_port", smtp.port),
            _value("smtp_sender", smtp.sender),
            _value("smtp_starttls", smtp.starttls),
        ]
        if smtp.username_secret_key_ref is not None:
            env.append(_secret("smtp_username", smtp.username_secret_key_ref))
        if smtp.password_secret_key_ref is not None:
            env.append(_secret("smtp_password", smtp.password_secret_key_ref))
    if spec.channel == "webhook" and spec.webhook is not None:
        webhook = spec.webhook
        if webhook.url_secret_key_ref is not None:
            env.append(_secret("webhook_url", webhook.url_secret_key_ref))
        else:
            env.append(_value("webhook_url", webhook.url))
    return env


def catalog_env(spec: CatalogServiceSpec) -> list[EnvEntry]:
    """The Redis of the catalog's read cache, when the spec names one (API and worker: the
    worker invalidates what its reservations change)."""
    if spec.redis_url is None:
        return []
    return [{"name": CatalogSettings.env_var("redis_url"), "value": spec.redis_url}]


def ordering_env(spec: OrderingServiceSpec) -> list[EnvEntry]:
    """The fraud screening's threshold (read by the worker, which screens)."""
    return [
        {"name": OrderingSettings.env_var("fraud_threshold"), "value": str(spec.fraud.threshold)}
    ]


def context_env(inp: BuildInput, context: str) -> list[EnvEntry]:
    """What the context's own settings add to every process of it, the spec's env last."""
    service = inp.spec.services.of(context)
    own: list[EnvEntry] = []
    if isinstance(service, NotificationServiceSpec):
        own = notification_env(inp, service)
    elif isinstance(service, CatalogServiceSpec):
        own = catalog_env(service)
    elif isinstance(service, OrderingServiceSpec):
        own = ordering_env(service)
    return merge_env(own, [var.manifest() for var in service.env])


def merge_env(base: list[EnvEntry], extra: list[EnvEntry]) -> list[EnvEntry]:
    """`base` with each entry of `extra` replacing the one of its name in place, or appended.

    Names stay unique (server-side apply refuses duplicate keys) and the order of `base` is kept,
    so `$(VAR)` references to earlier variables still expand.
    """
    replacements = {entry["name"]: entry for entry in extra}
    merged = [replacements.pop(entry["name"], entry) for entry in base]
    return merged + [entry for entry in extra if entry["name"] in replacements]
