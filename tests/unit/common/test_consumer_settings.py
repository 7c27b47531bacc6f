"""Consumer tuning from the environment, shared by every context's worker."""

from __future__ import annotations

import dataclasses
import importlib
import os

import pytest
from prometheus_client import CollectorRegistry

from shop.common.consumer import ConsumerOptions
from shop.common.consumer.settings import ConsumerSettings
from shop.common.context_worker import ContextConsumer
from shop.common.process_settings import ContextProcessSettings
from shop.common.settings_errors import SettingsError
from shop.topology import CONTEXTS


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("SHOP_"):
            monkeypatch.delenv(name)


def _settings_of(context: str) -> ContextProcessSettings:
    module = importlib.import_module(f"shop.{context}.settings")
    kind: type[ContextProcessSettings] = getattr(module, f"{context.capitalize()}Settings")
    return kind(database_url="postgresql://shop:s3cr3t@db/shop", kafka_bootstrap_servers="k:9092")


def test_without_settings_consumers_keep_the_runtime_defaults() -> None:
    assert ConsumerSettings.for_schema("catalog").options() == ConsumerOptions()


def test_a_context_value_wins_over_the_shop_wide_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_CONSUMER_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("SHOP_PAYMENT_CONSUMER_MAX_ATTEMPTS", "8")
    monkeypatch.setenv("SHOP_CONSUMER_BACKOFF_INITIAL_SECONDS", "0.5")
    monkeypatch.setenv("SHOP_CONSUMER_BACKOFF_MAX_SECONDS", "4")
    monkeypatch.setenv("SHOP_CONSUMER_MAX_RECORDS", "20")
    monkeypatch.setenv("SHOP_CONSUMER_POLL_TIMEOUT_MS", "250")

    payment = ConsumerSettings.for_schema("payment").options()
    catalog = ConsumerSettings.for_schema("catalog").options()

    assert payment.max_attempts == 8
    assert catalog == ConsumerOptions(
        max_attempts=3,
        backoff_initial_seconds=0.5,
        backoff_max_seconds=4,
        max_records=20,
        poll_timeout_ms=250,
    )


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("SHOP_CONSUMER_MAX_ATTEMPTS", "0", "SHOP_REPORTS_CONSUMER_MAX_ATTEMPTS"),
        ("SHOP_REPORTS_CONSUMER_BACKOFF_MAX_SECONDS", "-1", "SHOP_CONSUMER_BACKOFF_MAX_SECONDS"),
        ("SHOP_CONSUMER_MAX_RECORDS", "many", "SHOP_REPORTS_CONSUMER_MAX_RECORDS"),
    ],
)
def test_a_bad_value_is_refused_naming_both_variables(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, named: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=f"^invalid consumer settings: .*{named}"):
        ConsumerSettings.for_schema("reports")


@pytest.mark.parametrize("context", CONTEXTS)
def test_every_worker_consumes_its_topology_with_the_configured_tuning(
    monkeypatch: pytest.MonkeyPatch, context: str
) -> None:
    monkeypatch.setenv(f"SHOP_{context.upper()}_CONSUMER_MAX_RECORDS", "7")
    consumer = ContextConsumer(context, _settings_of(context), CollectorRegistry())
    assert consumer.group == f"shop.{context}"
    assert consumer.topics
    assert consumer.options.max_records == 7


def test_a_worker_refuses_to_start_on_bad_tuning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_CONSUMER_BACKOFF_INITIAL_SECONDS", "soon")
    with pytest.raises(SettingsError, match="SHOP_ORDERING_CONSUMER_BACKOFF_INITIAL_SECONDS"):
        _settings_of("ordering")


def test_a_context_that_consumes_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="'shipping' consumes nothing"):
        ContextConsumer("shipping", _settings_of("ordering"), CollectorRegistry())


PACED_CONTEXTS = ("notification", "reports")  # off the saga's path (ADR 0007)
ONE_CHUNK_CONTEXTS = ("reports",)  # every chunk writes the same count rows (ADR 0059, 0062)
LANED_CONTEXTS = ("payment",)  # charges wait on the gateway: lanes by key (ADR 0060)


@pytest.mark.parametrize("context", CONTEXTS)
def test_only_the_consumers_off_the_saga_path_are_paced(context: str) -> None:
    options = _settings_of(context).consumer
    if context in PACED_CONTEXTS:
        assert (options.fetch_min_bytes, options.fetch_max_wait_ms) == (1024 * 1024, 500)
    elif context in LANED_CONTEXTS:
        assert (options.lanes_per_partition, options.concurrency) == (4, 8)
        assert dataclasses.replace(options, lanes_per_partition=1, concurrency=4) == (
            ConsumerOptions()
        )
    else:
        one_chunk = context in ONE_CHUNK_CONTEXTS
        assert options == ConsumerOptions(concurrency=1 if one_chunk else 4)  # answered at once
    assert options.commit_interval_seconds == 5.0


def test_the_environment_wins_over_a_contexts_own_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHOP_REPORTS_CONSUMER_FETCH_MIN_BYTES", "1")
    monkeypatch.setenv("SHOP_CONSUMER_FETCH_MAX_WAIT_MS", "5000")
    reports = _settings_of("reports").consumer
    notification = _settings_of("notification").consumer
    assert (reports.fetch_min_bytes, reports.fetch_max_wait_ms) == (1, 5000)
    assert (notification.fetch_min_bytes, notification.fetch_max_wait_ms) == (1024 * 1024, 5000)


def test_fetch_min_bytes_reaches_the_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_CATALOG_CONSUMER_FETCH_MIN_BYTES", "4096")
    assert ConsumerSettings.for_schema("catalog").options().fetch_min_bytes == 4096
    monkeypatch.setenv("SHOP_CATALOG_CONSUMER_FETCH_MIN_BYTES", "0")
    with pytest.raises(SettingsError, match="SHOP_CATALOG_CONSUMER_FETCH_MIN_BYTES"):
        ConsumerSettings.for_schema("catalog")


def test_lanes_per_partition_reach_the_options(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ConsumerSettings.for_schema("ordering").options().lanes_per_partition == 1
    monkeypatch.setenv("SHOP_CONSUMER_LANES_PER_PARTITION", "2")
    monkeypatch.setenv("SHOP_ORDERING_CONSUMER_LANES_PER_PARTITION", "6")
    assert ConsumerSettings.for_schema("ordering").options().lanes_per_partition == 6
    assert ConsumerSettings.for_schema("catalog").options().lanes_per_partition == 2
    assert _settings_of("payment").consumer.lanes_per_partition == 2  # over payment's own 4
    for refused in ("0", "65"):
        monkeypatch.setenv("SHOP_CATALOG_CONSUMER_LANES_PER_PARTITION", refused)
        with pytest.raises(SettingsError, match="SHOP_CATALOG_CONSUMER_LANES_PER_PARTITION"):
            ConsumerSettings.for_schema("catalog")


def test_concurrency_reaches_the_options(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ConsumerSettings.for_schema("ordering").options().concurrency == 4
    monkeypatch.setenv("SHOP_CONSUMER_CONCURRENCY", "1")
    monkeypatch.setenv("SHOP_ORDERING_CONSUMER_CONCURRENCY", "8")
    assert ConsumerSettings.for_schema("ordering").options().concurrency == 8
    assert ConsumerSettings.for_schema("catalog").options().concurrency == 1
    monkeypatch.setenv("SHOP_CATALOG_CONSUMER_CONCURRENCY", "0")
    with pytest.raises(SettingsError, match="SHOP_CATALOG_CONSUMER_CONCURRENCY"):
        ConsumerSettings.for_schema("catalog")


@pytest.mark.parametrize("context", ONE_CHUNK_CONTEXTS)
def test_contexts_whose_rows_chunks_share_apply_one_chunk_at_a_time(
    context: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _settings_of(context).consumer.concurrency == 1  # else they deadlock (ADR 0059)
    monkeypatch.setenv(f"SHOP_{context.upper()}_CONSUMER_CONCURRENCY", "3")
    assert _settings_of(context).consumer.concurrency == 3


ALONE_WORKERS = ("payment",)  # each charge alone: a batch's rollback would charge again (ADR 0005)


@pytest.mark.parametrize("context", CONTEXTS)
def test_only_payments_worker_applies_each_message_alone(context: str) -> None:
    module = importlib.import_module(f"shop.{context}.entrypoints.worker")
    worker = module.context_worker(_settings_of(context))
    consumer = ContextConsumer(context, worker.settings, CollectorRegistry(), alone=worker.alone)
    expected = 1 if context in ALONE_WORKERS else ConsumerOptions().batch_size  # ADR 0064
    assert consumer.options.batch_size == expected
