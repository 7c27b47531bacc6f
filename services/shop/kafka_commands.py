"""`shop kafka topics|lag|dead-letters`: a look at the shop's Kafka from the command line.

Tables by default, JSON lines with `--json`. The Kafka address is `--bootstrap-servers` or
`$SHOP_KAFKA_BOOTSTRAP_SERVERS`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from shop.common.kafka_view.dead_letters import dead_letter_summaries
from shop.common.kafka_view.offsets import consumer_lag, topic_offsets

Row = dict[str, Any]


def add_kafka_commands(commands: Any) -> None:
    """Add `kafka` with its three views to the `shop` command's subparsers."""
    kafka = commands.add_parser("kafka", help="show topics, consumer lag or dead letters")
    views = kafka.add_subparsers(required=True, metavar="VIEW")
    topics = views.add_parser("topics", help="every topic: partitions and their offsets")
    topics.set_defaults(command=_topics)
    lag = views.add_parser("lag", help="consumer groups' lag per topic and partition")
    lag.add_argument("--group", default=None, help="only this consumer group")
    lag.set_defaults(command=_lag)
    letters = views.add_parser("dead-letters", help="per DLQ topic: count and latest reasons")
    letters.add_argument("--latest", type=int, default=3, help="reasons shown per topic")
    letters.set_defaults(command=_dead_letters)
    for view in (topics, lag, letters):
        view.add_argument(
            "--bootstrap-servers", default=None, help="default: $SHOP_KAFKA_BOOTSTRAP_SERVERS"
        )
        view.add_argument("--json", action="store_true", help="JSON lines instead of a table")


def _bootstrap(args: argparse.Namespace) -> str:
    servers = args.bootstrap_servers or os.environ.get("SHOP_KAFKA_BOOTSTRAP_SERVERS")
    if not servers:
        raise LookupError("set SHOP_KAFKA_BOOTSTRAP_SERVERS (or pass --bootstrap-servers)")
    return str(servers)


def _topics(args: argparse.Namespace) -> int:
    offsets = asyncio.run(topic_offsets(_bootstrap(args)))
    rows = [
        {"topic": o.topic, "partition": o.partition, "beginning": o.beginning, "end": o.end}
        for o in offsets
    ]
    return _print(args, rows)


def _lag(args: argparse.Namespace) -> int:
    lags = asyncio.run(consumer_lag(_bootstrap(args), args.group))
    rows = [
        {
            "group": p.group,
            "topic": p.topic,
            "partition": p.partition,
            "committed": p.committed,
            "end": p.end,
            "lag": p.lag,
        }
        for p in lags
    ]
    return _print(args, rows)


def _dead_letters(args: argparse.Namespace) -> int:
    if args.latest < 0:
        raise ValueError("--latest must not be negative")
    summaries = asyncio.run(dead_letter_summaries(_bootstrap(args), args.latest))
    if args.json:
        for s in summaries:
            _write(json.dumps({"topic": s.topic, "count": s.count, "latest": s.reasons()}))
        return 0
    rows = [{"topic": s.topic, "count": s.count} for s in summaries]
    _write(table(rows))
    for summary in (s for s in summaries if s.latest):
        _write(f"\n{summary.topic}, latest first:")
        for reason in summary.reasons():
            message = str(reason["error_message"] or "")[:160]
            _write(f"  {reason['partition']}:{reason['offset']} {reason['error_type']}: {message}")
    return 0


def _print(args: argparse.Namespace, rows: list[Row]) -> int:
    if args.json:
        for row in rows:
            _write(json.dumps(row))
    else:
        _write(table(rows))
    return 0


def table(rows: Sequence[Row]) -> str:
    """Rows as aligned columns under their keys (`(none)` without rows)."""
    if not rows:
        return "(none)"
    keys = list(rows[0])
    cells = [keys, *[["-" if row[k] is None else str(row[k]) for k in keys] for row in rows]]
    widths = [max(len(line[i]) for line in cells) for i in range(len(keys))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in cells
    )


def _write(text: str) -> None:
    sys.stdout.write(text + "\n")
