"""Command line of the local infrastructure: `python -m localinfra deps|up`."""

from __future__ import annotations

import argparse
import sys

from localinfra.errors import InfraError, reported
from localinfra.front_door import DEFAULT_GATEWAY_PORT
from localinfra.postgres import DATABASE_OVER


def parser() -> argparse.ArgumentParser:
    """`python -m localinfra`'s command line (`make up` passes UP_FLAGS to `up`)."""
    parsed = argparse.ArgumentParser(prog="localinfra", description=__doc__)
    commands = parsed.add_subparsers(dest="command", required=True)
    deps = commands.add_parser("deps", help="provision components into the cache")
    deps.add_argument("components", nargs="*", help="component names (default: all)")
    deps.add_argument("--force", action="store_true", help="provision again even if cached")
    deps.add_argument(
        "--for", dest="needed_by", default="make deps", help="who needs them (progress lines)"
    )
    up = commands.add_parser("up", help="run the local shop (or only its infrastructure)")
    up.add_argument(
        "--outbox",
        choices=["relay", "debezium"],
        default="relay",
        help="publish outboxes by the built-in relays or Debezium connectors",
    )
    up.add_argument("--infra-only", action="store_true", help="no shop processes")
    up.add_argument(
        "--database-over",
        choices=DATABASE_OVER,
        default=DATABASE_OVER[0],
        help="how the shop's processes reach PostgreSQL: its Unix socket (default) or TCP",
    )
    up.add_argument("--payment-failure-rate", type=float, help="of the mock payment gateway")
    up.add_argument("--no-seed", action="store_true", help="no demo catalog")
    up.add_argument("--connect", action="store_true", help="also Kafka Connect with Debezium")
    up.add_argument("--kube", action="store_true", help="also a Kubernetes control plane")
    up.add_argument("--no-redis", action="store_true", help="no Redis: the catalog reads uncached")
    up.add_argument(
        "--observability",
        action="store_true",
        help="also Prometheus (scraping every process, the chart's rules) and Jaeger (traces)",
    )
    up.add_argument(
        "--gateway-port",
        type=int,
        default=DEFAULT_GATEWAY_PORT,
        help=f"the front door's port on 127.0.0.1 (default {DEFAULT_GATEWAY_PORT}; 0: any free)",
    )
    return parsed


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "deps":
            from localinfra.deps import provision

            provision(args.components, force=args.force, needed_by=args.needed_by)
        elif args.infra_only:
            from localinfra.stack import run_foreground

            run_foreground(
                with_connect=args.connect,
                with_kube=args.kube,
                with_redis=not args.no_redis,
                with_observability=args.observability,
                gateway_port=args.gateway_port,
                database_over=args.database_over,
            )
        else:
            from localinfra.stack import run_shop_foreground

            shop_args: dict[str, object] = {"seed": not args.no_seed}
            if args.payment_failure_rate is not None:
                shop_args["payment_failure_rate"] = args.payment_failure_rate
            return run_shop_foreground(
                outbox=args.outbox,
                with_connect=args.connect,
                with_kube=args.kube,
                with_redis=not args.no_redis,
                with_observability=args.observability,
                shop_args=shop_args,
                gateway_port=args.gateway_port,
                database_over=args.database_over,
            )
    except InfraError as err:
        return reported(err)
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
