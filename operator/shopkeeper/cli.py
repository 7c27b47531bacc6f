"""`shopkeeper`: run the operator, or print its CRD."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import sys
from collections.abc import Sequence

import kopf

from shopkeeper import constants as c
from shopkeeper.crd import render
from shopkeeper.settings import OperatorSettings

HANDLERS_MODULE = "shopkeeper.main"
QUIET_LOGGERS = ("httpx2", "kopf.objects")


def parser() -> argparse.ArgumentParser:
    """The command line; every `run` option also reads from `SHOPKEEPER_*` variables."""
    root = argparse.ArgumentParser(prog="shopkeeper", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the operator")
    run.add_argument(
        "-n",
        "--namespace",
        action="append",
        dest="namespaces",
        help="serve only this namespace (repeatable; default: all)",
    )
    run.add_argument(
        "--standalone",
        action="store_true",
        default=None,
        help="run without peering (a single replica)",
    )
    run.add_argument(
        "--priority", type=int, dest="peering_priority", help="peering priority (default: random)"
    )
    run.add_argument("--metrics-port", type=int, help="port of /metrics (0: off)")
    run.add_argument("--liveness-port", type=int, help="port of /healthz (0: off)")
    run.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands.add_parser("crd", help="print the EcommercePlatform CRD")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `shopkeeper` console script."""
    args = parser().parse_args(argv)
    if args.command == "crd":
        sys.stdout.write(render())
        return 0
    options = ("namespaces", "standalone", "peering_priority", "metrics_port", "liveness_port")
    overrides = {k: getattr(args, k) for k in options if getattr(args, k) is not None}
    settings = OperatorSettings(**overrides)
    run_operator(settings, verbose=args.verbose)
    return 0


def run_operator(settings: OperatorSettings, *, verbose: bool = False) -> None:
    """Register the handlers and run kopf until it is stopped (SIGINT/SIGTERM)."""
    importlib.import_module(HANDLERS_MODULE)
    kopf.configure(verbose=verbose)
    if not verbose:
        # One line per API request and per watched child event drowns what matters.
        for noisy in QUIET_LOGGERS:
            logging.getLogger(noisy).setLevel(logging.WARNING)
    liveness = (
        f"http://0.0.0.0:{settings.liveness_port}/healthz" if settings.liveness_port else None
    )
    asyncio.run(
        kopf.operator(
            clusterwide=not settings.namespaces,
            namespaces=settings.namespaces,
            standalone=settings.standalone,
            priority=settings.peering_priority,
            peering_name=c.PEERING_NAME,
            liveness_endpoint=liveness,
            memo=kopf.Memo(config=settings),
        )
    )


if __name__ == "__main__":
    sys.exit(main())
