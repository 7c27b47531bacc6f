"""Operator convergence: N platforms on a local control plane, one operator, time to converge.

`uv run python bench/operator.py --platforms 1 10 100` starts etcd, kube-apiserver and
kube-controller-manager (hack/localinfra's ControlPlane) with the upstream CRDs and ours, creates
N platforms from k8s/samples/platform.yaml, starts `shopkeeper run`, and waits until every
platform's children exist and its status is current. For each N it prints one JSON line,
{"platforms": N, "converge_s": .., "converge_p50_s": .., "converge_p99_s": ..,
"operator_rss_mb": ..} (converge_s: the last platform; operator_rss_mb: the peak). With several
N it also draws bench/out/operator.png.
"""

import os
import sys

# This file's name shadows the standard library's `operator` module (which `collections`,
# `pathlib` and others import): take its folder off the import path before anything imports
# it, and put the repository root and hack/ on. Hence os.path rather than pathlib here.
_BENCH = os.path.dirname(os.path.abspath(__file__))  # noqa: PTH100, PTH120
_ROOT = os.path.dirname(_BENCH)  # noqa: PTH120
sys.path[:] = [_ROOT, os.path.join(_ROOT, "hack")] + [  # noqa: PTH118
    entry
    for entry in sys.path
    if os.path.abspath(entry or os.curdir) != _BENCH  # noqa: PTH100
]

from bench.operator_parts.run import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
