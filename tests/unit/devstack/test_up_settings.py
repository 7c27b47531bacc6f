from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from shop.common.database_socket import over_unix_socket
from shop.common.settings_errors import SettingsError
from shop.devstack.connectors import connector_configs
from shop.devstack.plan import OutboxMode
from shop.devstack.runner import ShopStack
from shop.devstack.settings import UpSettings

BASE = {"database_url": "postgresql://u:p@127.0.0.1:5432/shop", "kafka_bootstrap_servers": "k:9"}


def test_the_database_url_is_made_async_and_contexts_keep_topology_order() -> None:
    settings = UpSettings(**BASE, contexts=("reports", "catalog"))
    assert settings.database_url.startswith("postgresql+asyncpg://u:p@")
    assert settings.contexts == ("catalog", "reports")
    assert settings.outbox is OutboxMode.RELAY


def test_missing_infrastructure_names_the_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOP_DATABASE_URL", raising=False)
    monkeypatch.delenv("SHOP_KAFKA_BOOTSTRAP_SERVERS", raising=False)
    with pytest.raises(SettingsError, match=r"SHOP_DATABASE_URL is required.*SHOP_KAFKA_BOOTSTRAP"):
        UpSettings()


def test_settings_come_from_the_shops_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_DATABASE_URL", BASE["database_url"])
    monkeypatch.setenv("SHOP_KAFKA_BOOTSTRAP_SERVERS", "env:9092")
    monkeypatch.setenv("SHOP_OUTBOX_MODE", "debezium")
    monkeypatch.setenv("SHOP_KAFKA_CONNECT_URL", "http://127.0.0.1:8083")
    settings = UpSettings()
    assert settings.kafka_bootstrap_servers == "env:9092"
    assert settings.outbox is OutboxMode.DEBEZIUM


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"outbox": "debezium"}, "SHOP_KAFKA_CONNECT_URL"),
        ({"contexts": ("catalog", "shipping")}, "shipping"),
        ({"env": {"not a name": "1"}}, "not environment variable names"),
        ({"payment_failure_rate": 1.5}, "SHOP_DEVSTACK_PAYMENT_FAILURE_RATE"),
    ],
)
def test_bad_values_are_refused_with_the_reason(values: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        UpSettings(**BASE, **values)


def test_a_non_postgres_url_is_refused_without_echoing_it() -> None:
    with pytest.raises(SettingsError, match="must be a PostgreSQL URL") as caught:
        UpSettings(database_url="mysql://u:hunter2@h/db", kafka_bootstrap_servers="k:9")
    assert "hunter2" not in str(caught.value)


def test_with_a_socket_directory_the_processes_connect_over_it_and_debezium_keeps_tcp(
    tmp_path: Path,
) -> None:
    settings = UpSettings(**BASE, database_socket_dir=tmp_path, web_dist=None)
    assert settings.database_url == "postgresql+asyncpg://u:p@127.0.0.1:5432/shop"
    assert settings.processes_database_url() == over_unix_socket(settings.database_url, tmp_path)
    stack = ShopStack(settings, tmp_path / "shop")
    for context, url in stack.database_urls.items():
        own = make_url(url)
        assert (own.host, own.query["host"], own.query["port"]) == (None, str(tmp_path), "5432")
        assert own.username == f"shop_{context}"
    admin = make_url(stack.migration_envs()["ordering"]["SHOP_DATABASE_ADMIN_URL"])
    assert (admin.username, admin.host, admin.query["host"]) == ("u", None, str(tmp_path))
    assert (
        connector_configs(settings.database_url, ["ordering"])["ordering-outbox"][
            "database.hostname"
        ]
        == "127.0.0.1"
    )


def test_without_a_socket_directory_every_process_gets_the_tcp_url(tmp_path: Path) -> None:
    stack = ShopStack(UpSettings(**BASE), tmp_path)
    assert all(make_url(url).host == "127.0.0.1" for url in stack.database_urls.values())
    assert all("host" not in make_url(url).query for url in stack.database_urls.values())


def test_a_socket_directory_that_cannot_be_connected_to_is_refused() -> None:
    with pytest.raises(SettingsError, match=r"SHOP_DEVSTACK_DATABASE_SOCKET_DIR: .*absolute"):
        UpSettings(**BASE, database_socket_dir=Path("relative"))
