"""Run the benchmark for each platform count and print its figures."""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import time
from pathlib import Path

import psutil
from bench.common.machine import LoadWatch
from bench.operator_parts.api_requests import request_counts, writes_between
from bench.operator_parts.cluster import control_plane, create_namespace
from bench.operator_parts.converge import wait_converged
from bench.operator_parts.cost import cpu_seconds, cpu_since, operator_counters
from bench.operator_parts.platforms import create_platforms

from localinfra.process import ManagedProcess
from localinfra.workdir import make_workdir
from shop.devstack.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
FIGURE = ROOT / "bench" / "out" / "operator.png"
NAMESPACE = "bench"


def measure(count: int, timeout: float, load: LoadWatch) -> dict[str, object]:
    """Converge `count` platforms on a fresh control plane, sampling the machine's load."""
    workdir = make_workdir(f"bench-operator-{count}", Path("/tmp"))
    with control_plane(workdir / "kube") as (plane, kube):
        create_namespace(kube, NAMESPACE)
        expected = create_platforms(kube, NAMESPACE, count)
        metrics_port = free_port()
        argv = [
            sys.executable,
            "-m",
            "shopkeeper.cli",
            "run",
            "--standalone",
            "--namespace",
            NAMESPACE,
            "--metrics-port",
            str(metrics_port),
            "--liveness-port",
            "0",
        ]
        operator = ManagedProcess(
            "shopkeeper", argv, workdir / "operator.log", env={"KUBECONFIG": str(plane.kubeconfig)}
        )
        requests_before = request_counts(plane)
        started = time.monotonic()
        operator.start()
        cpu_before = cpu_seconds([*plane.processes, operator])
        loads: list[float] = []
        rss_peak = 0.0

        def sample_rss() -> None:
            nonlocal rss_peak
            load.sample()
            loads.append(load.samples[-1])
            if operator.pid is not None and operator.running():
                rss = psutil.Process(operator.pid).memory_info().rss / 2**20
                rss_peak = max(rss_peak, rss)

        client_cpu_before = time.process_time()
        try:
            times = wait_converged(
                kube, NAMESPACE, expected, started=started, timeout=timeout, on_poll=sample_rss
            )
            cpu = cpu_since(cpu_before, cpu_seconds([*plane.processes, operator]))
            client_cpu = time.process_time() - client_cpu_before
            counters = operator_counters(f"http://127.0.0.1:{metrics_port}/metrics")
            api_writes = writes_between(requests_before, request_counts(plane))
        finally:
            operator.stop()
    shutil.rmtree(workdir, ignore_errors=True)  # kept, for its logs, when measuring failed
    ordered = sorted(times.values())
    return {
        "platforms": count,
        "converge_s": round(ordered[-1], 2),
        "converge_p50_s": round(_percentile(ordered, 0.50), 2),
        "converge_p99_s": round(_percentile(ordered, 0.99), 2),
        "operator_rss_mb": round(rss_peak, 1),
        "cpu_s": cpu,
        "benchmark_client_cpu_s": round(client_cpu, 1),
        **counters,
        "api_writes": sum(api_writes.values()),
        "api_writes_by_request": api_writes,
        "load": [round(min(loads), 1), round(max(loads), 1)],
    }


def _percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of sorted values."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def main() -> int:
    """`--platforms N [N ...]`; one JSON line per N, the last line is JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--platforms",
        type=int,
        nargs="+",
        default=[1, 10, 100],
        help="platform counts to measure (default: 1 10 100)",
    )
    parser.add_argument(
        "--timeout", type=float, default=900.0, help="seconds allowed per platform count"
    )
    args = parser.parse_args()
    if any(n < 1 for n in args.platforms):
        parser.error("--platforms takes positive counts")
    results: list[dict[str, object]] = []
    load = LoadWatch()
    for count in args.platforms:
        results.append(measure(count, args.timeout, load))
        sys.stdout.write(json.dumps(results[-1]) + "\n")
        sys.stdout.flush()
    if len(results) > 1:
        from bench.operator_parts.plot import draw

        draw(results, FIGURE, machine=load.describe())
        sys.stderr.write(f"figure: {FIGURE}\n")
    return 0
