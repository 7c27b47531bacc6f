"""bench/out/operator.png: convergence time and operator memory against platform count."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import NullFormatter, ScalarFormatter


def draw(results: list[dict[str, Any]], figure: Path, *, machine: str) -> None:
    """Two panels: converge time (all, p99, median) and peak RSS, by number of platforms."""
    counts = [r["platforms"] for r in results]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 5))
    fig.suptitle(
        "Operator convergence: N platforms on a fresh local control plane, one operator\n"
        f"{machine}",
        fontsize=11,
    )
    left.plot(counts, [r["converge_s"] for r in results], marker="o", label="all platforms")
    left.plot(counts, [r["converge_p99_s"] for r in results], marker="s", label="p99 platform")
    left.plot(counts, [r["converge_p50_s"] for r in results], marker="^", label="median platform")
    left.set(
        xlabel="platforms (log scale)",
        ylabel="time to converge from operator start, s",
        title="Convergence",
    )
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3, frameon=False)
    right.plot(counts, [r["operator_rss_mb"] for r in results], marker="o", color="tab:red")
    right.set(xlabel="platforms (log scale)", ylabel="operator peak RSS, MiB", title="Memory")
    for axes in (left, right):
        axes.set_xscale("log")
        axes.set_xticks(counts)  # label the measured counts, not powers of ten
        axes.xaxis.set_major_formatter(ScalarFormatter())
        axes.xaxis.set_minor_formatter(NullFormatter())
        axes.set_ylim(0, axes.get_ylim()[1] * 1.1)  # from zero, the top point off the frame
        axes.grid(True, alpha=0.3)
    fig.tight_layout()
    figure.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(figure, dpi=120)
    plt.close(fig)
