"""The `shop` command: run a process, migrate a schema, inspect and replay dead letters.

    shop run <context>-relay        the built-in outbox relay of <context>'s schema
    shop run <context>-api          shop.<context>.entrypoints.api:main
    shop run <context>-worker       shop.<context>.entrypoints.worker:main
    shop run <context>-api+worker[+relay]   all three in one process (shop.common.context_process)
    shop run storefront-web         the web app's server (shop.storefront.entrypoints.web:main)
    shop migrate <context>          Alembic upgrade of the schema (shop.<context>:migrations),
                                    as the context's role; with an admin URL, the role and its
                                    schema are prepared first (shop.common.db_roles)
    shop dlq list <dlq-topic>       dead letters as JSON lines
    shop dlq replay <dlq-topic> (--all | --event-id ID... | --offset PARTITION:OFFSET...)
    shop purge-inbox <context> [--older-than 7d] [--group GROUP]   delete expired inbox rows
    shop kafka topics|lag|dead-letters [--json]   topics and offsets, consumer lag, DLQ reasons
    shop up                         every context's processes, supervised (see docs/local-shop.md)
    shop demo                       orders through the saga of a running `shop up`

Database and Kafka addresses come from the settings' environment (`SHOP_DATABASE_URL`,
`SHOP_KAFKA_BOOTSTRAP_SERVERS`, or the per-process prefixes) or the options below.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import re
import sys
from collections.abc import Sequence
from typing import Any

from shop.common.consumer.dlq import DeadLetter, read_dead_letters, replay_dead_letters
from shop.common.outbox import require_schema_name
from shop.devstack.commands import add_devstack_commands
from shop.kafka_commands import add_kafka_commands

_PROCESS = re.compile(
    r"^(?P<context>[a-z_][a-z0-9_]*)-(?P<kind>relay|api|worker|web|api\+[a-z+]+)$"
)


def main(argv: Sequence[str] | None = None) -> int:
    command_line = parser()
    args = command_line.parse_args(argv)
    try:
        result: int = args.command(args)
    except (ValueError, LookupError, ModuleNotFoundError) as err:
        command_line.exit(2, f"shop: error: {err}\n")
    return result


def parser() -> argparse.ArgumentParser:
    """The `shop` command line (the docs test parses the documented commands with it)."""
    root = argparse.ArgumentParser(prog="shop", description=__doc__.splitlines()[0])
    commands = root.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run", help="run a process: <context>-relay|-api|-worker, storefront-web"
    )
    run.add_argument("process")
    run.set_defaults(command=_run)

    migrate = commands.add_parser("migrate", help="migrate a context's schema")
    migrate.add_argument("context")
    migrate.add_argument("--revision", default="head")
    migrate.add_argument("--database-url", default=None, help="default: $SHOP_DATABASE_URL")
    migrate.add_argument(
        "--admin-url",
        default=os.environ.get("SHOP_DATABASE_ADMIN_URL") or None,
        help="prepare the context's role and schema as this administrator first "
        "(default: $SHOP_DATABASE_ADMIN_URL; unset: the role and schema are not touched)",
    )
    migrate.add_argument(
        "--roles",
        choices=["manage", "adopt"],
        default="manage",
        help="manage: create the role, set its password; adopt: it exists (CloudNativePG)",
    )
    migrate.add_argument(
        "--script-location",
        default=None,
        help="default: the package resource shop.<context>:migrations",
    )
    migrate.set_defaults(command=_migrate)

    dlq = commands.add_parser("dlq", help="list or replay dead letters")
    dlq_commands = dlq.add_subparsers(required=True, metavar="ACTION")
    for name, handler in (("list", _dlq_list), ("replay", _dlq_replay)):
        action = dlq_commands.add_parser(name)
        action.add_argument("topic", help="a dead-letter topic, <topic>.<group>.dlq")
        action.add_argument(
            "--bootstrap-servers", default=None, help="default: $SHOP_KAFKA_BOOTSTRAP_SERVERS"
        )
        action.set_defaults(command=handler)
        if name == "replay":
            chosen = action.add_mutually_exclusive_group(required=True)
            chosen.add_argument("--all", action="store_true", help="replay every dead letter")
            chosen.add_argument("--event-id", action="append", default=[])
            chosen.add_argument(
                "--offset", action="append", default=[], help="PARTITION:OFFSET of a dead letter"
            )
    _add_purge_inbox_command(commands)
    add_kafka_commands(commands)
    add_devstack_commands(commands)
    return root


def _add_purge_inbox_command(commands: argparse._SubParsersAction[Any]) -> None:
    purge = commands.add_parser("purge-inbox", help="delete a context's expired inbox rows")
    purge.add_argument("context")
    purge.add_argument(
        "--older-than",
        default=None,
        help="a duration such as 7d or 36h (at least 1h); default: $SHOP_INBOX_RETENTION or 7d",
    )
    purge.add_argument("--group", default=None, help="only this consumer group's rows")
    purge.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="rows per transaction; default: $SHOP_INBOX_PURGE_BATCH_SIZE or 5000",
    )
    purge.add_argument("--database-url", default=None, help="default: $SHOP_DATABASE_URL")
    purge.set_defaults(command=_purge_inbox)


def _run(args: argparse.Namespace) -> int:
    match = _PROCESS.match(args.process)
    if match is None:
        raise ValueError(
            f"{args.process!r} is not <context>-relay, -api, -worker or storefront-web"
        )
    context, kind = match["context"], match["kind"]
    if "+" in kind:
        from shop.common.context_process import parse_roles, run_context_process

        return run_context_process(require_schema_name(context), parse_roles(kind))
    if kind == "relay":
        from shop.common.relay.process import run_relay_process

        return run_relay_process(require_schema_name(context))
    module = importlib.import_module(f"shop.{context}.entrypoints.{kind}")
    entry = getattr(module, "main", None)
    if entry is None:
        raise LookupError(f"shop.{context}.entrypoints.{kind} has no main()")
    code: int = entry()
    return code


def _migrate(args: argparse.Namespace) -> int:
    from shop.common.db_roles import RoleMode, migrate_context

    url = args.database_url or _env("DATABASE_URL", args.context)
    migrate_context(
        args.context,
        url,
        args.admin_url,
        RoleMode(args.roles),
        args.revision,
        script_location=args.script_location,
    )
    return 0


def _dlq_list(args: argparse.Namespace) -> int:
    letters = asyncio.run(read_dead_letters(_bootstrap(args), args.topic))
    for letter in letters:
        sys.stdout.write(json.dumps(letter.summary()) + "\n")
    return 0


def _dlq_replay(args: argparse.Namespace) -> int:
    offsets = {_parse_offset(text) for text in args.offset}
    event_ids = set(args.event_id)

    def chosen(letter: DeadLetter) -> bool:
        return bool(
            args.all
            or (letter.partition, letter.offset) in offsets
            or letter.summary()["event_id"] in event_ids
        )

    replayed = asyncio.run(replay_dead_letters(_bootstrap(args), args.topic, chosen))
    for letter in replayed:
        sys.stdout.write(json.dumps({"replayed": letter.summary()}) + "\n")
    if not replayed:
        sys.stderr.write("shop: no dead letter matched\n")
        return 1
    return 0


def _purge_inbox(args: argparse.Namespace) -> int:
    from shop.common.consumer.inbox_purge import purge_schema_inbox
    from shop.common.messaging_settings import (
        MAX_PURGE_BATCH_SIZE,
        MIN_INBOX_RETENTION,
        InboxSettings,
        parse_duration,
    )
    from shop.common.settings_errors import SettingsError

    schema = require_schema_name(args.context)
    overrides: dict[str, object] = {}
    if args.older_than is not None:
        older_than = parse_duration(args.older_than)
        if older_than < MIN_INBOX_RETENTION:
            raise ValueError(f"--older-than must be at least {MIN_INBOX_RETENTION}")
        overrides["inbox_retention"] = older_than
    if args.batch_size is not None:
        if not 1 <= args.batch_size <= MAX_PURGE_BATCH_SIZE:
            raise ValueError(f"--batch-size must be between 1 and {MAX_PURGE_BATCH_SIZE}")
        overrides["inbox_purge_batch_size"] = args.batch_size
    try:
        settings = InboxSettings.for_schema(schema, **overrides)
    except SettingsError as err:  # from the environment: exit 2 like any bad input
        raise ValueError(str(err)) from None
    url = args.database_url or _env("DATABASE_URL", args.context)
    purged = asyncio.run(purge_schema_inbox(url, schema, settings, consumer_group=args.group))
    sys.stdout.write(
        json.dumps(
            {
                "schema": schema,
                "group": args.group,
                "purged": purged,
                "older_than_seconds": settings.inbox_retention.total_seconds(),
            }
        )
        + "\n"
    )
    return 0


def _parse_offset(text: str) -> tuple[int, int]:
    partition, _, offset = text.partition(":")
    if not (partition.isdigit() and offset.isdigit()):
        raise ValueError(f"--offset {text!r} must be PARTITION:OFFSET")
    return int(partition), int(offset)


def _bootstrap(args: argparse.Namespace) -> str:
    return str(args.bootstrap_servers or _env("KAFKA_BOOTSTRAP_SERVERS"))


def _env(name: str, context: str | None = None) -> str:
    candidates = ([f"SHOP_{context.upper()}_{name}"] if context else []) + [f"SHOP_{name}"]
    for variable in candidates:
        if os.environ.get(variable):
            return os.environ[variable]
    raise LookupError(f"set {' or '.join(candidates)} (or pass the option)")


if __name__ == "__main__":
    sys.exit(main())
