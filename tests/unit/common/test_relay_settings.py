import pytest

from shop.common.relay.leadership import lock_key
from shop.common.relay.options import RelaySettings, asyncpg_dsn
from shop.common.settings import SettingsError

REQUIRED = {
    "database_url": "postgresql://shop:s3cret-pw@db/shop",
    "kafka_bootstrap_servers": "kafka:9092",
}


def test_relay_settings_turn_into_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_RELAY_BATCH_SIZE", "50")
    settings = RelaySettings(**REQUIRED)
    assert settings.options().batch_size == 50
    assert settings.asyncpg_dsn() == "postgresql://shop:s3cret-pw@db/shop"


def test_fault_injection_is_refused_in_production() -> None:
    with pytest.raises(SettingsError, match="test-only"):
        RelaySettings(**REQUIRED, environment="production", fault_pause_after_publish_seconds=5)


def test_batch_size_is_bounded() -> None:
    with pytest.raises(SettingsError, match="SHOP_RELAY_BATCH_SIZE"):
        RelaySettings(**REQUIRED, batch_size=0)


def test_asyncpg_dsn_drops_the_sqlalchemy_driver_and_keeps_escapes() -> None:
    assert asyncpg_dsn("postgresql+asyncpg://u:p%40ss@h:5/d") == "postgresql://u:p%40ss@h:5/d"


def test_each_schema_has_its_own_stable_lock_key() -> None:
    assert lock_key("ordering") == lock_key("ordering")
    assert lock_key("ordering") != lock_key("catalog")
    assert -(2**63) <= lock_key("ordering") < 2**63
