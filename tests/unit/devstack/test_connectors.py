import pytest

from shop.devstack.connectors import connector_configs


def test_one_connector_per_context_on_the_shared_database() -> None:
    configs = connector_configs(
        "postgresql+asyncpg://shopkeeper:pw@127.0.0.1:5433/shop", ["catalog", "ordering"]
    )
    assert list(configs) == ["catalog-outbox", "ordering-outbox"]
    ordering = configs["ordering-outbox"]
    assert ordering["database.dbname"] == "shop"
    assert ordering["database.port"] == "5433"
    assert ordering["database.password"] == "pw"
    assert ordering["table.include.list"] == "ordering.outbox"


def test_a_url_without_a_database_is_refused() -> None:
    with pytest.raises(ValueError, match="database name"):
        connector_configs("postgresql://u@127.0.0.1", ["catalog"])
