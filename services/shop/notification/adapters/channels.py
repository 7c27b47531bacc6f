"""Channels a rendered message can go out through: the log (default), SMTP, a webhook."""

from __future__ import annotations

import asyncio
import logging
import smtplib
from email.message import EmailMessage

import httpx

from shop.notification.domain.delivery import OutgoingMessage
from shop.notification.service_layer.unit_of_work import DeliveryError

log = logging.getLogger(__name__)


class LogChannel:
    """Writes each message to the log: the default, so a shop without mail still notifies."""

    name = "log"

    async def send(self, message: OutgoingMessage) -> None:
        log.info(
            "notification to %s: %s",
            message.recipient,
            message.subject,
            extra={
                "recipient": message.recipient,
                "subject": message.subject,
                "body": message.body,
            },
        )


class WebhookChannel:
    """POSTs each message as JSON; any answer but 2xx is a failed delivery."""

    name = "webhook"

    def __init__(self, client: httpx.AsyncClient, url: str) -> None:
        self._client = client
        self._url = url

    async def send(self, message: OutgoingMessage) -> None:
        body = {"recipient": message.recipient, "subject": message.subject, "body": message.body}
        try:
            response = await self._client.post(self._url, json=body)
        except httpx.HTTPError as err:
            raise DeliveryError(f"webhook unreachable: {type(err).__name__}: {err}") from err
        if not response.is_success:
            raise DeliveryError(f"webhook answered {response.status_code}")


class SmtpChannel:
    """Sends e-mail through an SMTP server (blocking smtplib, run in a thread)."""

    name = "smtp"

    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout_seconds: float = 10.0,
    ) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._credentials = (username, password) if username and password else None
        self._starttls = starttls
        self._timeout = timeout_seconds

    async def send(self, message: OutgoingMessage) -> None:
        if "@" not in message.recipient:
            raise DeliveryError(f"{message.recipient!r} is not an e-mail address")
        email = EmailMessage()
        email["From"], email["To"], email["Subject"] = (
            self._sender,
            message.recipient,
            message.subject,
        )
        email.set_content(message.body)
        try:
            await asyncio.to_thread(self._send, email)
        except (OSError, smtplib.SMTPException) as err:
            raise DeliveryError(f"SMTP delivery failed: {type(err).__name__}: {err}") from err

    def _send(self, email: EmailMessage) -> None:
        with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
            if self._starttls:
                smtp.starttls()
            if self._credentials:
                smtp.login(*self._credentials)
            smtp.send_message(email)
