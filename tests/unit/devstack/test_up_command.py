from pathlib import Path

import pytest

from shop.cli import parser
from shop.devstack.commands import up_settings_from


def test_only_the_options_given_become_settings() -> None:
    args = parser().parse_args(
        [
            "up",
            "--outbox",
            "debezium",
            "--contexts",
            "catalog, ordering",
            "--no-seed",
            "--env",
            "SHOP_LOG_LEVEL=DEBUG",
            "--env",
            "A=x=y",
            "--workdir",
            "/tmp/w",
            "--database-socket-dir",
            "/tmp/s/postgres",
        ]
    )
    assert up_settings_from(args) == {
        "database_socket_dir": Path("/tmp/s/postgres"),
        "outbox": "debezium",
        "contexts": ("catalog", "ordering"),
        "seed": False,
        "env": {"SHOP_LOG_LEVEL": "DEBUG", "A": "x=y"},
        "workdir": Path("/tmp/w"),
    }


def test_an_env_option_without_a_value_is_refused() -> None:
    args = parser().parse_args(["up", "--env", "SHOP_LOG_LEVEL"])
    with pytest.raises(ValueError, match="NAME=VALUE"):
        up_settings_from(args)


def test_the_backends_and_the_scrape_targets_file_become_settings() -> None:
    args = parser().parse_args(
        [
            "up",
            "--scrape-targets-file",
            "/tmp/p/targets.json",
            "--backend=prometheus=http://127.0.0.1:9",
            "--backend=jaeger=http://127.0.0.1:8",
        ]
    )
    assert up_settings_from(args) == {
        "scrape_targets_file": Path("/tmp/p/targets.json"),
        "backends": {"prometheus": "http://127.0.0.1:9", "jaeger": "http://127.0.0.1:8"},
    }
