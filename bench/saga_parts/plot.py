"""The saga benchmark's figure: achieved rate, saga latency and CPU per order, by offered rate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

COLOURS = {"relay": "#1f77b4", "debezium": "#ff7f0e"}


def draw(runs: dict[str, dict[str, Any]], path: Path, machine: str) -> None:
    """Three panels side by side, one line per outbox mode; `machine` goes into the title."""
    path.parent.mkdir(parents=True, exist_ok=True)
    figure, (rate, latency, cost) = plt.subplots(1, 3, figsize=(15, 4.8))
    top = 0.0
    for mode, run in runs.items():
        steps = [s for s in run["steps"] if not s.get("skipped")]
        offered = [s["offered_per_s"] for s in steps]
        top = max([top, *offered])
        colour = COLOURS.get(mode)
        best = run["highest_sustainable_per_s"]
        rate.plot(
            offered,
            [s["achieved_per_s"] for s in steps],
            "o-",
            color=colour,
            label=f"{mode} (sustainable: {best:g}/s)",
        )
        for key, style, name in (("saga_p50_ms", "o-", "p50"), ("saga_p99_ms", "s--", "p99")):
            points = [(s["offered_per_s"], s[key]) for s in steps if s[key] is not None]
            if points:
                xs, ys = zip(*points, strict=True)
                latency.plot(xs, ys, style, color=colour, label=f"{mode} {name}")
        cost.plot(
            offered, [s["stack_cpu_ms_per_order"] for s in steps], "o-", color=colour, label=mode
        )
    rate.plot([0, top], [0, top], ":", color="grey", label="achieved = offered")
    rate.set(title="Throughput", xlabel="offered, orders/s", ylabel="achieved, orders/s")
    latency.axhline(1000, color="grey", linestyle=":", label="1 s (sustainable limit)")
    latency.set_yscale("log")
    latency.set(
        title="Saga time (checkout to final status)",
        xlabel="offered, orders/s",
        ylabel="saga time, ms (log)",
    )
    cost.set(
        title="Stack CPU per finished order",
        xlabel="offered, orders/s",
        ylabel="CPU ms per order (all processes)",
    )
    cost.set_ylim(bottom=0)
    for axis in (rate, latency, cost):
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize="small", loc="best")
    for axis in (rate, latency, cost):
        axis.set_xlim(0, top * 1.05)
    figure.suptitle(f"Order saga through the public APIs, open-loop steps ({machine})")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
