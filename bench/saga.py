"""The order saga under open-loop load, through the public APIs, on a stack started as `make up`.

For each outbox mode (built-in relays, Debezium) it starts PostgreSQL, Kafka (and Connect) and
`shop up`, fills the cart, checks out and follows the order stream as a storefront would, at
stepped rates with a fixed number of orders per step. Per step: offered and achieved orders/s,
saga p50/p99/max (checkout to the final status, by the server's clock), stack CPU per finished
order (every process started for the stack, PostgreSQL and Kafka included) and the client's
own CPU apart, outcome counts and the load average; the cores the whole machine was busy
(/proc/stat), the stack's, the client's and the busiest processes outside the stack, the stack
threads' run-queue wait; and per consumer group the wait from an event's creation to its
application with the rows per chunk, from the inbox (`bench.saga_parts.hops`; `--hops` adds
consumer lag, relay backlog and handler busy share from every process's /metrics); the saga's
legs (`bench.saga_parts.legs`: the checkout, each hop, catalog's and payment's handlers, p50 and
p99, from ordering's history and payment's rows), the saga's p50 apart from the mock card
gateway's wait, and when the client's stream shows the final status. Achieved
counts orders finished per second from the first final status to the last. The highest
sustainable rate is the highest step with achieved >= 95% of offered and p99 <= 1 s.
Draws bench/out/saga.png and prints the figures as one JSON object, last.

`python -m bench.saga [--modes relay,debezium] [--rates 10,25,50] [--orders 300]
[--layout split|combined] [--database-over socket|tcp] [--pg-stats] [--hops]` from the
repository root, after `eval "$(make -s env)"`; `make bench` runs it with the defaults.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from bench.common.machine import LoadWatch

from localinfra.postgres import DATABASE_OVER

ROOT = Path(__file__).resolve().parents[1]
RATES = (10.0, 25.0, 50.0, 100.0, 150.0, 200.0)


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default="relay,debezium", help="outbox modes, in order")
    parser.add_argument("--rates", default=",".join(f"{r:g}" for r in RATES), help="orders/s")
    parser.add_argument("--orders", type=int, default=300, help="orders per step")
    parser.add_argument("--grace", type=float, default=30.0, help="seconds after the last start")
    parser.add_argument(
        "--stop-after-failures", type=int, default=2, help="unsustainable steps before skipping"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--layout", default="split", choices=["split", "combined"], help="shop up's"
    )
    parser.add_argument(
        "--database-over",
        default=DATABASE_OVER[0],
        choices=DATABASE_OVER,
        help="how the shop's processes reach PostgreSQL (its Unix socket, or TCP on loopback)",
    )
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the stack")
    parser.add_argument(
        "--pg-stats",
        action="store_true",
        help="PostgreSQL's statements, commits and backends' CPU per order, per step",
    )
    parser.add_argument(
        "--hops",
        action="store_true",
        help="sample every process's /metrics each second: consumer lag, relay backlog, busy share",
    )
    parser.add_argument("--figure", type=Path, default=ROOT / "bench" / "out" / "saga.png")
    return parser.parse_args(argv)


def gateway_seconds(env: dict[str, str]) -> float:
    """What the stack's mock card gateway waits per charge: the `--env` value, else payment's
    default."""
    from shop.payment.settings import PaymentSettings

    default = PaymentSettings.model_fields["gateway_latency_seconds"].default
    return float(env.get("SHOP_PAYMENT_GATEWAY_LATENCY_SECONDS", default))


def main(argv: list[str] | None = None) -> int:
    from bench.saga_parts import cpu
    from bench.saga_parts.drive import HEADER, Plan, drive
    from bench.saga_parts.plot import draw
    from bench.saga_parts.stack import started_shop

    args = arguments(argv)
    env = dict(pair.split("=", 1) for pair in args.env)
    plan = Plan(
        rates=tuple(float(r) for r in args.rates.split(",")),
        orders_per_step=args.orders,
        grace_seconds=args.grace,
        stop_after_failures=args.stop_after_failures,
        seed=args.seed,
        gateway_seconds=gateway_seconds(env),
    )
    watch = LoadWatch()
    runs: dict[str, dict[str, Any]] = {}
    for mode in args.modes.split(","):
        print(f"== {mode}: starting the stack", flush=True)
        with started_shop(
            mode,
            env,
            args.layout,
            args.database_over,
            with_pg_stats=args.pg_stats,
            with_scrape_targets=args.hops,
        ) as running:
            print(HEADER, flush=True)
            runs[mode] = asyncio.run(drive(running, plan, watch))
        print(
            f"== {mode}: highest sustainable {runs[mode]['highest_sustainable_per_s']:g}/s, "
            f"idle stack {runs[mode]['idle_stack_cpu_ms_per_s']} CPU ms/s",
            flush=True,
        )
    loadavg = cpu.load_average()
    draw(runs, args.figure, watch.describe())
    print(f"figure: {args.figure}")
    print(json.dumps({**runs, "orders_per_step": plan.orders_per_step, "loadavg_end": loadavg}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
