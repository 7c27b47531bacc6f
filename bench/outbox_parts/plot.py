"""The benchmark's figure: throughput bars and commit-to-consume latency distributions."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def draw(
    summary: dict[str, dict[str, float]], latencies: dict[str, list[float]], path: Path
) -> None:
    """Bars of events/s, and the latency CDF of the paced phase, per relay."""
    path.parent.mkdir(parents=True, exist_ok=True)
    figure, (bars, cdf) = plt.subplots(1, 2, figsize=(11, 4.2))
    names = list(summary)
    bars.bar(names, [summary[n]["events_per_s"] for n in names], color=["#1f77b4", "#ff7f0e"])
    bars.set_title("Burst throughput (commit to consume)")
    bars.set_ylabel("events/s")
    for index, name in enumerate(names):
        value = summary[name]["events_per_s"]
        bars.annotate(f"{value:.0f}", (index, value), ha="center", va="bottom")
    for name, values in latencies.items():
        if values:
            fractions = [(i + 1) / len(values) for i in range(len(values))]
            cdf.plot(
                values,
                fractions,
                label=f"{name} (p50 {summary[name]['p50_ms']:.0f} ms,"
                f" p99 {summary[name]['p99_ms']:.0f} ms)",
            )
    cdf.set_xscale("log")
    cdf.set_xlabel("commit to consume latency, ms (paced load)")
    cdf.set_ylabel("fraction of events")
    cdf.set_title("Latency CDF")
    cdf.grid(True, which="both", alpha=0.3)
    cdf.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
