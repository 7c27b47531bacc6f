from pathlib import Path

from localinfra.postgres import PostgresServer


def test_a_servers_own_settings_join_and_override_the_defaults() -> None:
    settings = {"shared_preload_libraries": "'pg_stat_statements'", "max_connections": "50"}
    server = PostgresServer(Path("/w"), port=5999, settings=settings)
    conf = dict(line.split(" = ", 1) for line in server._settings().splitlines())
    assert conf["shared_preload_libraries"] == "'pg_stat_statements'"
    assert conf["max_connections"] == "50"  # given, not the default 300
    assert conf["port"] == "5999"
    assert conf["wal_level"] == "logical"


def test_without_settings_a_server_loads_no_library() -> None:
    conf = PostgresServer(Path("/w"), port=5999)._settings()
    assert "shared_preload_libraries" not in conf
    assert "max_connections = 300" in conf
