"""Operator convergence: N platforms on a local control plane, one operator, time to converge.

`python -m bench.operator_convergence --platforms 1 10 100` (from the repository root, after
`eval "$(make -s env)"`; `make bench` runs it) starts etcd, kube-apiserver and
kube-controller-manager (hack/localinfra's ControlPlane) with the upstream CRDs and ours, creates
N platforms from k8s/samples/platform.yaml, starts `shopkeeper run`, and waits until every
platform's children exist and its status is current (a watch of the platforms tells when each
status is; the children are listed every 5 s). For each N it prints one JSON line, {"platforms":
N, "converge_s": .., "converge_p50_s": .., "converge_p99_s": .., "operator_rss_mb": .., "cpu_s":
{process: seconds}, "benchmark_client_cpu_s": .., "reconciles": .., "reconcile_seconds": ..,
"writes": .., "api_writes": .., "api_writes_by_request": {"VERB resource": count}, "load": [min,
max]} (converge_s: the last platform; operator_rss_mb: the peak; cpu_s: CPU seconds of etcd,
kube-apiserver, kube-controller-manager and the operator from the operator's start to
convergence; benchmark_client_cpu_s: this process's own, watching and listing, over the same
span; reconciles, reconcile_seconds and writes: the operator's /metrics counters, writes being
the children it created or changed; api_writes: every write the API server served over the same
span, by anyone (the operator's APPLYs, the controllers' POSTs and status PUTs, its own
IPAddresses), from its apiserver_request_total; load: the 1-minute load average's range).
With several N it also draws bench/out/operator.png.
"""

import sys

from bench.operator_parts.run import main

if __name__ == "__main__":
    sys.exit(main())
