"""The outcome table `shop demo` prints, and its one-line JSON summary."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence

from shop.devstack.demo import FINISHED_STATUSES as FINISHED
from shop.devstack.demo import OrderOutcome


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (`share` in 0..1) of `values`; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def summary(outcomes: Sequence[OrderOutcome]) -> dict[str, object]:
    """Counts, throughput (finished orders per second from the first checkout to the last
    final status) and saga time percentiles in milliseconds."""
    done = [o for o in outcomes if o.status in FINISHED]
    sagas = [o.saga_ms for o in done if o.saga_ms is not None]
    starts = [o.checkout_at for o in done if o.checkout_at is not None]
    ends = [o.finished_at for o in done if o.finished_at is not None]
    span = (max(ends) - min(starts)).total_seconds() if starts and ends else 0.0
    p50, p99 = percentile(sagas, 0.50), percentile(sagas, 0.99)
    return {
        "orders": len(outcomes),
        "confirmed": sum(o.status == "CONFIRMED" for o in outcomes),
        "cancelled": sum(o.status == "CANCELLED" for o in outcomes),
        "orders_per_s": round(len(done) / span, 2) if span > 0 else 0.0,
        "saga_p50_ms": round(p50) if p50 is not None else None,
        "saga_p99_ms": round(p99) if p99 is not None else None,
    }


def summary_line(outcomes: Sequence[OrderOutcome]) -> str:
    return json.dumps(summary(outcomes))


def outcome_table(outcomes: Sequence[OrderOutcome]) -> str:
    """One row per outcome and cancel reason: orders, share, saga p50 and p99."""
    groups = Counter((o.status, o.reason or "") for o in outcomes)
    rows = [f"{'OUTCOME':<12}{'REASON':<30}{'ORDERS':>7}{'SHARE':>8}{'P50 MS':>9}{'P99 MS':>9}"]
    for (status, reason), count in sorted(groups.items(), key=lambda item: (-item[1], item[0])):
        sagas = [
            o.saga_ms
            for o in outcomes
            if (o.status, o.reason or "") == (status, reason) and o.saga_ms is not None
        ]
        p50, p99 = percentile(sagas, 0.5), percentile(sagas, 0.99)
        rows.append(
            f"{status:<12}{reason:<30}{count:>7}{count / len(outcomes):>8.1%}"
            f"{_ms(p50):>9}{_ms(p99):>9}"
        )
    errors = sorted({o.error for o in outcomes if o.error})
    rows += [f"error: {error}" for error in errors[:5]]
    return "\n".join(rows) + "\n"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"
