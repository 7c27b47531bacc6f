"""bench/out/operator.png: convergence time and operator memory against platform count."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def draw(results: list[dict[str, float]], figure: Path) -> None:
    """Two panels: converge time (all, p99) and peak RSS, by number of platforms."""
    counts = [r["platforms"] for r in results]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(counts, [r["converge_s"] for r in results], marker="o", label="all platforms")
    left.plot(counts, [r["converge_p99_s"] for r in results], marker="s", label="p99 platform")
    left.plot(counts, [r["converge_p50_s"] for r in results], marker="^", label="median platform")
    left.set(
        xscale="log",
        xlabel="platforms",
        ylabel="seconds to converge",
        title="Convergence from operator start",
    )
    left.legend()
    right.plot(counts, [r["operator_rss_mb"] for r in results], marker="o", color="tab:red")
    right.set(xscale="log", xlabel="platforms", ylabel="MiB", title="Operator peak RSS")
    fig.tight_layout()
    figure.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(figure, dpi=120)
    plt.close(fig)
