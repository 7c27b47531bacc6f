"""`shopkeeper`: run the operator, or print its CRD."""

from __future__ import annotations

import argparse
import asyncio
import datetime
import importlib
import logging
import secrets
import socket
import sys
from collections.abc import Sequence

import kopf
from kopf._core.engines.peering import Identity  # the type of kopf.operator(identity=...)

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


def peer_identity() -> Identity:
    """This operator's name among its peers: host (the pod's name), start time, a random tag.

    kopf's own default starts with the login name, which a container whose uid has no passwd
    entry (the image runs as 65532) does not have: `getpass.getuser()` raises there.
    """
    started = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S")
    return Identity(f"{socket.gethostname()}/{started}/{secrets.token_hex(3)}")


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
            identity=peer_identity(),
            liveness_endpoint=liveness,
            memo=kopf.Memo(config=settings),
        )
    )


if __name__ == "__main__":
    sys.exit(main())
