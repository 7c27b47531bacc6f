"""Outbox mode and inbox retention: read per context into the process's settings, refused when
invalid."""

import os
from datetime import timedelta
from typing import TypeVar

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from shop.basket.settings import BasketSettings
from shop.catalog.settings import CatalogSettings
from shop.common.messaging_settings import InboxSettings, OutboxMode, parse_duration
from shop.common.outbox import messaging_tables
from shop.common.process_settings import ContextProcessSettings
from shop.common.settings_errors import SettingsError
from shop.common.uow import UnitOfWork
from shop.ordering.settings import OrderingSettings
from shop.payment.adapters.mock_gateway import MockGateway
from shop.payment.bootstrap import bootstrap
from shop.payment.settings import PaymentSettings

S = TypeVar("S", bound=ContextProcessSettings)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("SHOP_"):
            monkeypatch.delenv(name)


def _settings(kind: type[S]) -> S:
    return kind(database_url="postgresql://shop:s3cr3t@db/shop", kafka_bootstrap_servers="k:9092")


def test_outbox_mode_defaults_to_the_built_in_relay() -> None:
    assert _settings(CatalogSettings).outbox_mode is OutboxMode.RELAY


def test_the_context_outbox_mode_wins_over_the_shop_wide_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHOP_OUTBOX_MODE", "debezium")
    monkeypatch.setenv("SHOP_CATALOG_OUTBOX_MODE", "Relay")
    assert _settings(CatalogSettings).outbox_mode is OutboxMode.RELAY
    assert _settings(OrderingSettings).outbox_mode is OutboxMode.DEBEZIUM


def test_an_unknown_outbox_mode_names_its_variable_and_the_choices(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHOP_ORDERING_OUTBOX_MODE", "kafka")
    with pytest.raises(
        SettingsError, match=r"SHOP_ORDERING_OUTBOX_MODE: .*is 'kafka'; expected relay or debezium"
    ):
        _settings(OrderingSettings)


def test_the_units_of_work_take_the_process_s_mode_relay_unless_given_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHOP_PAYMENT_OUTBOX_MODE", "debezium")
    settings = _settings(PaymentSettings)
    engine = create_async_engine(settings.database_url)
    payments = bootstrap(engine, MockGateway(failure_rate=0), settings.outbox_mode)

    assert payments.unit_of_work().outbox_mode is OutboxMode.DEBEZIUM
    assert UnitOfWork(
        async_sessionmaker(), messaging_tables("payment"), source="payment"
    ).outbox_mode is (OutboxMode.RELAY)


def test_the_process_settings_hold_the_context_s_inbox_and_consumer_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHOP_BASKET_INBOX_RETENTION", "2d")
    monkeypatch.setenv("SHOP_CONSUMER_MAX_RECORDS", "7")
    settings = _settings(BasketSettings)
    assert settings.inbox == InboxSettings.for_schema("basket")
    assert settings.inbox.inbox_retention == timedelta(days=2)
    assert settings.consumer.max_records == 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", timedelta(days=7)),
        ("36h", timedelta(hours=36)),
        ("1.5h", timedelta(minutes=90)),
        ("90m", timedelta(minutes=90)),
        ("45s", timedelta(seconds=45)),
        ("250ms", timedelta(milliseconds=250)),
        ("2w", timedelta(weeks=2)),
        (" 3600 ", timedelta(hours=1)),
    ],
)
def test_durations_read_as_number_and_unit(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "d", "-1d", "7 days", "1h30m", "P7D"])
def test_other_durations_are_refused_with_the_expected_form(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration like 7d, 12h, 30m, 45s or 3600"):
        parse_duration(text)


def test_inbox_keeps_a_week_and_purges_hourly_by_default() -> None:
    settings = InboxSettings.for_schema("basket")
    assert settings.inbox_retention == timedelta(days=7)
    assert settings.inbox_purge_interval == timedelta(hours=1)
    assert settings.inbox_purge_batch_size == 5000
    assert settings.purges_periodically


def test_inbox_settings_take_the_context_value_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_INBOX_RETENTION", "3d")
    monkeypatch.setenv("SHOP_BASKET_INBOX_RETENTION", "2d")
    monkeypatch.setenv("SHOP_INBOX_PURGE_INTERVAL", "0")

    basket, catalog = InboxSettings.for_schema("basket"), InboxSettings.for_schema("catalog")

    assert basket.inbox_retention == timedelta(days=2)
    assert catalog.inbox_retention == timedelta(days=3)
    assert not catalog.purges_periodically


def test_explicit_values_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_INBOX_RETENTION", "3d")
    settings = InboxSettings.for_schema("basket", inbox_retention=timedelta(hours=2))
    assert settings.inbox_retention == timedelta(hours=2)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SHOP_INBOX_RETENTION", "30m", "SHOP_REPORTS_INBOX_RETENTION (or SHOP_INBOX_RETENTION)"),
        ("SHOP_REPORTS_INBOX_RETENTION", "soon", "is not a duration"),
        ("SHOP_INBOX_PURGE_BATCH_SIZE", "0", "SHOP_REPORTS_INBOX_PURGE_BATCH_SIZE"),
    ],
)
def test_bad_inbox_settings_name_their_variables(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        InboxSettings.for_schema("reports")
