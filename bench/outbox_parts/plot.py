"""The benchmark's figure: throughput bars and commit-to-consume latency distributions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter


@dataclass(frozen=True)
class Load:
    """What both relays were given, for the figure's title."""

    burst_events: int
    batch: int
    paced_events: int
    paced_rate: float


def draw(
    summary: dict[str, dict[str, float]],
    latencies: dict[str, list[float]],
    path: Path,
    *,
    load: Load,
    machine: str,
) -> None:
    """Bars of events/s, and the latency CDF of the paced phase, per relay."""
    path.parent.mkdir(parents=True, exist_ok=True)
    figure, (bars, cdf) = plt.subplots(1, 2, figsize=(12, 5))
    figure.suptitle(
        "Outbox relays, built-in relay vs Debezium, on one PostgreSQL and one Kafka broker\n"
        f"{machine}",
        fontsize=11,
    )
    names = list(summary)
    bars.bar(names, [summary[n]["events_per_s"] for n in names], color=["#1f77b4", "#ff7f0e"])
    bars.set_title(
        f"Burst: {load.burst_events:,} events, {load.batch} per transaction", fontsize=10
    )
    bars.set_xlabel("outbox relay")
    bars.set_ylabel("throughput, events/s (commit to consume)")
    bars.margins(y=0.15)
    for index, name in enumerate(names):
        value = summary[name]["events_per_s"]
        bars.annotate(f"{value:,.0f}", (index, value), ha="center", va="bottom")
    for name, values in latencies.items():
        if values:
            fractions = [(i + 1) / len(values) for i in range(len(values))]
            cdf.plot(
                values,
                fractions,
                label=f"{name}: p50 {summary[name]['p50_ms']:.0f} ms,"
                f" p99 {summary[name]['p99_ms']:.0f} ms",
            )
    _log_axis(cdf, [v for values in latencies.values() for v in values])
    cdf.set_xlabel("commit to consume latency, ms (log scale)")
    cdf.set_ylabel("fraction of events at or below")
    cdf.set_ylim(0, 1.02)
    cdf.set_title(
        f"Paced: {load.paced_events:,} events at {load.paced_rate:g}/s, one per transaction",
        fontsize=10,
    )
    cdf.grid(True, which="both", alpha=0.3)
    cdf.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, frameon=False)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _log_axis(axes: Axes, values: list[float]) -> None:
    """A log x axis labelled in plain numbers, few enough not to overlap.

    Matplotlib labels minor ticks on a narrow log range, and in scientific notation on a wide
    one: label every integer tick within a decade, 1-2-5 ticks over two, powers of ten beyond.
    """
    axes.set_xscale("log")
    positive = [v for v in values if v > 0]
    decades = math.log10(max(positive) / min(positive)) if positive else 0.0
    subs = tuple(range(1, 10)) if decades < 1 else (1.0, 2.0, 5.0) if decades <= 2 else (1.0,)
    axes.xaxis.set_major_locator(LogLocator(base=10, subs=subs))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axes.xaxis.set_minor_formatter(NullFormatter())
