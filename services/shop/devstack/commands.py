"""The `shop up` and `shop demo` subcommands (registered by `shop.cli`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from shop.common.settings_errors import SettingsError
from shop.devstack.plan import Layout, OutboxMode
from shop.topology import CONTEXTS


def add_devstack_commands(commands: Any) -> None:
    """Add `up` and `demo` to the `shop` command's subparsers."""
    up = commands.add_parser("up", help="run the whole shop locally on given PostgreSQL and Kafka")
    up.add_argument("--database-url", help="default: $SHOP_DATABASE_URL")
    up.add_argument(
        "--database-socket-dir",
        type=Path,
        help="connect the processes over that PostgreSQL's Unix socket in this directory"
        " (default: $SHOP_DEVSTACK_DATABASE_SOCKET_DIR, else TCP)",
    )
    up.add_argument("--kafka-bootstrap-servers", help="default: $SHOP_KAFKA_BOOTSTRAP_SERVERS")
    up.add_argument(
        "--outbox",
        choices=[mode.value for mode in OutboxMode],
        help="built-in relays or Debezium connectors (default: $SHOP_OUTBOX_MODE or relay)",
    )
    up.add_argument(
        "--kafka-connect-url",
        help="Connect REST URL for --outbox debezium (default: $SHOP_KAFKA_CONNECT_URL)",
    )
    up.add_argument(
        "--layout",
        choices=[layout.value for layout in Layout],
        help="split: a process per API, worker and relay, as deployed (default); combined: one"
        " per context, with its API, worker and relay (default: $SHOP_DEVSTACK_LAYOUT or split)",
    )
    up.add_argument("--contexts", type=_csv, help=f"a subset of {','.join(CONTEXTS)}")
    up.add_argument("--workdir", type=Path, help="logs go to WORKDIR/logs (default: a new one)")
    up.add_argument(
        "--state-file",
        type=Path,
        help="where shop demo finds this stack (default: $SHOPKEEPER_CACHE/shop-up.json)",
    )
    up.add_argument("--partitions", type=int, help="partitions of each topic (default 3)")
    up.add_argument(
        "--payment-failure-rate", type=float, help="share of payments the mock gateway declines"
    )
    up.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a variable for every process (repeatable)",
    )
    up.add_argument(
        "--identity-file",
        type=Path,
        help="JSON of the OIDC provider, its clients and the gateway (make up writes it)",
    )
    up.add_argument("--no-seed", action="store_true", help="no demo catalog")
    up.add_argument("--web-dist", type=Path, help="serve this built web app (web/dist)")
    up.add_argument(
        "--scrape-targets-file",
        type=Path,
        help="write the processes' /metrics addresses here, as Prometheus file_sd JSON",
    )
    up.add_argument(
        "--backend",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="a metrics or trace backend to show in the status view (repeatable)",
    )
    up.add_argument("--no-status", action="store_true", help="no live status view")
    up.set_defaults(command=_up)
    add_demo_command(commands)


def _csv(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _pairs(pairs: list[str], option: str = "--env") -> dict[str, str]:
    found: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"{option} {pair!r} must be NAME=VALUE")
        found[name] = value
    return found


def _identity(path: Path) -> Any:
    from shop.devstack.identity import Identity

    return Identity.model_validate_json(path.read_text())


def up_settings_from(args: argparse.Namespace) -> dict[str, Any]:
    """The options given on the command line, as UpSettings values (unset ones left out)."""
    given = {
        "database_url": args.database_url,
        "database_socket_dir": args.database_socket_dir,
        "kafka_bootstrap_servers": args.kafka_bootstrap_servers,
        "outbox": args.outbox,
        "kafka_connect_url": args.kafka_connect_url,
        "layout": args.layout,
        "contexts": args.contexts,
        "workdir": args.workdir,
        "state_file": args.state_file,
        "partitions": args.partitions,
        "payment_failure_rate": args.payment_failure_rate,
        "env": _pairs(args.env) or None,
        "seed": False if args.no_seed else None,
        "identity": _identity(args.identity_file) if args.identity_file else None,
        "web_dist": args.web_dist,
        "scrape_targets_file": args.scrape_targets_file,
        "backends": _pairs(args.backend, "--backend") or None,
    }
    return {key: value for key, value in given.items() if value is not None}


def _up(args: argparse.Namespace) -> int:
    from shop.devstack.foreground import run_foreground
    from shop.devstack.settings import UpSettings

    try:
        settings = UpSettings(**up_settings_from(args))
    except SettingsError as err:
        raise ValueError(str(err)) from None
    return run_foreground(settings, sys.stdout, live_status=not args.no_status)


def add_demo_command(commands: Any) -> None:
    demo = commands.add_parser("demo", help="drive orders through the saga of a running shop up")
    demo.add_argument("--orders", type=int, default=100, help="how many orders (default 100)")
    demo.add_argument(
        "--rate", type=float, default=20.0, help="orders started per second (default 20)"
    )
    demo.add_argument(
        "--payment-failure-rate",
        type=float,
        help="restart the payment worker declining this share of charges "
        "(it stays so until changed)",
    )
    demo.add_argument(
        "--time-limit",
        type=float,
        help="seconds for the whole run (default: 60 + 3 x orders / rate)",
    )
    demo.add_argument("--seed", type=int, help="makes the carts reproducible")
    demo.add_argument(
        "--state-file",
        type=Path,
        help="the shop to drive (default: $SHOPKEEPER_CACHE/shop-up.json)",
    )
    demo.set_defaults(command=_demo)


def _demo(args: argparse.Namespace) -> int:
    import asyncio

    from shop.devstack.demo import FINISHED_STATUSES, DemoOptions, run_demo
    from shop.devstack.demo_report import outcome_table, summary_line
    from shop.devstack.errors import DevstackError
    from shop.devstack.state_file import default_state_file, read_state

    options = DemoOptions(
        orders=args.orders,
        rate=args.rate,
        payment_failure_rate=args.payment_failure_rate,
        time_limit_seconds=args.time_limit,
        seed=args.seed,
    )
    show_progress = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        sys.stderr.write(f"\r{done}/{total} orders finished")
        sys.stderr.flush()

    try:
        state = read_state(args.state_file or default_state_file())
        outcomes = asyncio.run(run_demo(state, options, progress if show_progress else None))
    except DevstackError as err:
        sys.stderr.write(f"shop demo: {err}\n")
        return 1
    if show_progress:
        sys.stderr.write("\n")
    sys.stdout.write(outcome_table(outcomes))
    sys.stdout.write(summary_line(outcomes) + "\n")
    return 0 if all(o.status in FINISHED_STATUSES for o in outcomes) else 1
