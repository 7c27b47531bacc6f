"""`make repin` (`python -m localinfra.repin`): re-lock the wrapper modules to hack/versions.env.

Only the wrappers whose version `hack/versions.env` pins (Kubernetes, etcd, helm, Traefik,
kube-router) move; the others follow their committed go.mod.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from localinfra import helm, kube_provision, netpol, traefik
from localinfra.errors import InfraError
from localinfra.gobuild import repin


def main(argv: Sequence[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m localinfra.repin", description=__doc__).parse_args(argv)
    try:
        wrappers = (
            *kube_provision.pinned_wrappers(),
            *helm.pinned_wrappers(),
            *traefik.pinned_wrappers(),
            *netpol.pinned_wrappers(),
        )
        for wrapper, version in wrappers:
            if wrapper.required_version() != f"v{version}":
                repin(wrapper, version)
    except InfraError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
