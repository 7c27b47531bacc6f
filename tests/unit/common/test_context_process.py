import pytest

from shop.common.context_process import Role, parse_roles, process_name, settings_class
from shop.topology import CONTEXTS


def test_roles_are_parsed_from_the_process_name_and_need_the_api() -> None:
    assert parse_roles("api+worker+relay") == {Role.API, Role.WORKER, Role.RELAY}
    assert process_name("ordering", parse_roles("api+relay+worker")) == "ordering-api+worker+relay"
    for bad in ("worker+relay", "api+api", "api+cron"):
        with pytest.raises(ValueError, match=bad.replace("+", r"\+")):
            parse_roles(bad)


@pytest.mark.parametrize("context", CONTEXTS)
def test_every_context_names_its_settings_api_and_worker_alike(context: str) -> None:
    import importlib

    assert settings_class(context).context == context
    api = importlib.import_module(f"shop.{context}.entrypoints.api")
    worker = importlib.import_module(f"shop.{context}.entrypoints.worker")
    assert callable(getattr(api, f"create_{context}_app"))
    assert callable(worker.context_worker)


@pytest.mark.parametrize("context", CONTEXTS)
def test_a_combined_app_is_built_without_connecting_and_its_metrics_do_not_clash(
    context: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shop.common.context_process import create_context_app

    monkeypatch.setenv("SHOP_DATABASE_URL", "postgresql+asyncpg://u:p@127.0.0.1:1/shop")
    monkeypatch.setenv("SHOP_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1")
    monkeypatch.setenv("SHOP_AUTH_ISSUER", "http://127.0.0.1:1/dex")
    monkeypatch.setenv("SHOP_AUTH_AUDIENCE", "shopkeeper")
    app = create_context_app(context, parse_roles("api+worker+relay"))
    process = app.state.process
    assert process.phase == "created"
    assert process.settings.service_name == f"{context}-api+worker+relay"
    assert not process.ping_connections
