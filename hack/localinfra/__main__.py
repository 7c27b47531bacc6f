"""Command line of the local infrastructure: `python -m localinfra deps|up`."""

from __future__ import annotations

import argparse
import sys

from localinfra.errors import InfraError, MissingDependencyError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="localinfra", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    deps = commands.add_parser("deps", help="provision components into the cache")
    deps.add_argument("components", nargs="*", help="component names (default: all)")
    deps.add_argument("--force", action="store_true", help="provision again even if cached")
    up = commands.add_parser("up", help="run local infrastructure in the foreground")
    up.add_argument("--connect", action="store_true", help="also Kafka Connect with Debezium")
    up.add_argument("--kube", action="store_true", help="also a Kubernetes control plane")
    args = parser.parse_args(argv)
    try:
        if args.command == "deps":
            from localinfra.deps import provision

            provision(args.components, force=args.force)
        else:
            from localinfra.stack import run_foreground

            run_foreground(with_connect=args.connect, with_kube=args.kube)
    except MissingDependencyError as err:
        print(f"error: {err}", file=sys.stderr)
        return 4
    except InfraError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
