"""The local stack in the foreground: PostgreSQL, Kafka and Redis (the catalog's read cache; plus
Connect and Kubernetes on request) and, unless only the infrastructure is asked for, the whole
shop on them (`shop.devstack`).

`make up` runs it until Ctrl-C; everything it started stops with it.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from localinfra.connect import KafkaConnect
from localinfra.front_door import FrontDoor, start_front_door
from localinfra.kafka import KafkaBroker
from localinfra.kube import ControlPlane
from localinfra.observability import Observability, start_observability
from localinfra.postgres import DATABASE_OVER, PostgresServer
from localinfra.redis_server import RedisServer
from localinfra.webapp import built_dist
from localinfra.workdir import make_workdir


@dataclass
class LocalStack:
    """Started components and the environment variables that reach them."""

    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    postgres: PostgresServer | None = None
    kafka: KafkaBroker | None = None
    connect: KafkaConnect | None = None
    kube: ControlPlane | None = None
    redis: RedisServer | None = None
    front_door: FrontDoor | None = None
    observability: Observability | None = None


@contextlib.contextmanager
def local_stack(
    *,
    with_connect: bool,
    with_kube: bool,
    with_redis: bool = True,
    with_observability: bool = False,
    gateway_port: int | None = None,
    postgres_settings: Mapping[str, str] | None = None,
) -> Iterator[LocalStack]:
    """Start the components in dependency order; stop them in reverse on exit
    (`postgres_settings`: PostgreSQL's settings besides the defaults)."""
    local = LocalStack(workdir=make_workdir("stack"))
    local.workdir.chmod(0o755)
    with contextlib.ExitStack() as started:
        local.front_door = start_front_door(started, local.workdir, port=gateway_port)
        local.env.update(local.front_door.env())
        postgres_dir = local.workdir / "postgres"
        postgres_dir.mkdir()
        postgres = PostgresServer(postgres_dir, settings=postgres_settings)
        local.postgres = started.enter_context(postgres)
        local.env["SHOP_DATABASE_URL"] = local.postgres.dsn(driver="postgresql+asyncpg")
        local.kafka = started.enter_context(KafkaBroker(local.workdir / "kafka", num_partitions=3))
        local.env["SHOP_KAFKA_BOOTSTRAP_SERVERS"] = local.kafka.bootstrap_servers
        if with_redis:  # a few MB and milliseconds to start: on by default
            local.redis = started.enter_context(RedisServer(local.workdir / "redis"))
            local.env["SHOP_CATALOG_REDIS_URL"] = local.redis.url
        if with_observability:  # measured cost: docs/adr/0050
            local.observability = start_observability(started, local.workdir)
            local.env.update(local.observability.shop_env())
        if with_connect:
            connect = KafkaConnect(local.kafka.bootstrap_servers, local.workdir / "connect")
            local.connect = started.enter_context(connect)
            local.env["SHOP_KAFKA_CONNECT_URL"] = local.connect.rest_url
        if with_kube:
            local.kube = ControlPlane().start(local.workdir / "kube")
            started.callback(local.kube.stop)
            local.env.update(local.kube.env())
        yield local


def _stop_on_signals(stop: threading.Event) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())


def run_shop_foreground(
    *,
    outbox: str,
    with_connect: bool,
    with_kube: bool,
    shop_args: dict[str, object],
    with_redis: bool = True,
    with_observability: bool = False,
    gateway_port: int | None = None,
    database_over: str = DATABASE_OVER[0],
) -> int:
    """The infrastructure, then every shop process on it with a live status, until Ctrl-C; the
    processes reach PostgreSQL over its Unix socket, or over TCP with `database_over="tcp"`."""
    from shop.common.settings_errors import SettingsError
    from shop.devstack.foreground import run_foreground as run_shop
    from shop.devstack.settings import UpSettings

    stop = threading.Event()
    _stop_on_signals(stop)
    debezium = outbox == "debezium"
    with local_stack(
        with_connect=with_connect or debezium,
        with_kube=with_kube,
        with_redis=with_redis,
        with_observability=with_observability,
        gateway_port=gateway_port,
    ) as local:
        door = local.front_door
        if stop.is_set() or local.postgres is None or local.kafka is None or door is None:
            return 130
        local.postgres.create_database("shop")
        try:
            settings = UpSettings(
                database_url=local.postgres.dsn("shop", driver="postgresql+asyncpg"),
                database_socket_dir=local.postgres.shop_socket_dir(database_over),
                kafka_bootstrap_servers=local.kafka.bootstrap_servers,
                outbox=outbox,
                kafka_connect_url=local.connect.rest_url if local.connect else None,
                workdir=local.workdir / "shop",
                identity=door.identity(),
                web_dist=built_dist(),
                env=_cache_env(local) | _tracing_env(local),
                **_observed_by(local),
                **shop_args,
            )
        except SettingsError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        if local.redis is not None:
            print(f"catalog read cache: {local.redis.url}", flush=True)
        code = run_shop(
            settings,
            sys.stdout,
            announce=lambda shop: door.publish_apis(
                shop.apis, web_url=shop.storefront_url, wait=False
            ),
        )
        _stop_on_signals(stop)  # the shop's loop restored the defaults; teardown is not interrupted
        print(f"stopping the infrastructure (data and logs: {local.workdir})", flush=True)
    return code


def _cache_env(local: LocalStack) -> dict[str, str]:
    """The catalog's read cache address, when the stack runs Redis."""
    name = "SHOP_CATALOG_REDIS_URL"
    return {name: local.env[name]} if name in local.env else {}


def _tracing_env(local: LocalStack) -> dict[str, str]:
    """Where the shop's processes export their spans, when the stack runs Jaeger."""
    return local.observability.shop_env() if local.observability else {}


def _observed_by(local: LocalStack) -> dict[str, object]:
    """The shop settings that hand its processes to the stack's Prometheus (and list both)."""
    if local.observability is None:
        return {}
    return {
        "scrape_targets_file": local.observability.targets_file,
        "backends": local.observability.backends(),
    }


def run_foreground(
    *,
    with_connect: bool,
    with_kube: bool,
    with_redis: bool = True,
    with_observability: bool = False,
    gateway_port: int | None = None,
    database_over: str = DATABASE_OVER[0],
) -> None:
    """Start the stack, print how to reach it (a `shop up` with these variables connects over
    the PostgreSQL's socket unless `database_over` is `tcp`), and wait for Ctrl-C or SIGTERM."""
    stop = threading.Event()
    _stop_on_signals(stop)
    with local_stack(
        with_connect=with_connect,
        with_kube=with_kube,
        with_redis=with_redis,
        with_observability=with_observability,
        gateway_port=gateway_port,
    ) as local:
        socket_dir = local.postgres.shop_socket_dir(database_over) if local.postgres else None
        if socket_dir is not None:
            local.env["SHOP_DEVSTACK_DATABASE_SOCKET_DIR"] = str(socket_dir)
        print("local stack is up; in another shell:")
        for key, value in sorted(local.env.items()):
            print(f"  export {key}={value}")
        if local.front_door is not None:
            print("\n".join(local.front_door.identity().banner()))
        if local.observability is not None:
            for name, url in local.observability.backends().items():
                print(f"{name}: {url}")
            print(f"prometheus scrapes the file_sd targets in {local.observability.targets_file}")
        print(f"logs and data: {local.workdir}\nCtrl-C stops everything.", flush=True)
        stop.wait()
        print("stopping...", flush=True)
