"""Per-hop queueing during a step, from what the stack already keeps.

- From the inbox (every context's schema): for each consumer group, the wait from an event's
  creation (its uuid7 id carries the producing transaction's clock, in ms) to the start of the
  transaction that applied it (`handled_at` is that transaction's `now()`), its transactions
  and the rows each applied (one chunk is one transaction, so rows sharing a `handled_at` are
  one chunk), and the spacing between a group's consecutive chunks while it is busy (gaps
  under a second): the wall time of a chunk when chunks follow back to back.
- From the processes' /metrics (sampled each second): the highest consumer lag per group
  (summed over its partitions), the highest outbox backlog and oldest-row age per schema, the
  relays' mean insert-to-ack latency, the seconds each group spent in its handlers and the
  failed handling attempts by group and error.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg  # type: ignore[import-untyped]
from prometheus_client.parser import text_string_to_metric_families

_SCHEMAS = "SELECT table_schema FROM information_schema.tables WHERE table_name = 'inbox'"
_WAITS = """
WITH rows AS (
  SELECT consumer_group AS grp, handled_at,
         extract(epoch FROM handled_at) * 1000
           - ('x' || substr(replace(event_id::text, '-', ''), 1, 12))::bit(48)::bigint AS wait
  FROM {schema}.inbox WHERE handled_at >= $1 AND handled_at < $2),
chunks AS (
  SELECT grp, handled_at, count(*) AS size,
         extract(epoch FROM handled_at
                 - lag(handled_at) OVER (PARTITION BY grp ORDER BY handled_at)) * 1000 AS gap
  FROM rows GROUP BY grp, handled_at)
SELECT r.grp, r.n, r.p50, r.p99, r.max, c.chunks, c.biggest, c.gap_p50
FROM (SELECT grp, count(*) AS n,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY wait) AS p50,
             percentile_cont(0.99) WITHIN GROUP (ORDER BY wait) AS p99, max(wait) AS max
      FROM rows GROUP BY grp) r
JOIN (SELECT grp, count(*) AS chunks, max(size) AS biggest,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) FILTER (WHERE gap < 1000)
               AS gap_p50
      FROM chunks GROUP BY grp) c USING (grp)
ORDER BY r.p99 DESC"""


async def inbox_waits(dsn: str, since: datetime, until: datetime) -> dict[str, dict[str, Any]]:
    """Per consumer group: events applied in [since, until), their wait (ms), chunks."""
    connection = await asyncpg.connect(dsn)
    try:
        schemas = [row[0] for row in await connection.fetch(_SCHEMAS)]
        found: dict[str, dict[str, Any]] = {}
        for schema in sorted(schemas):
            for grp, n, p50, p99, most, chunks, biggest, gap in await connection.fetch(
                _WAITS.format(schema=schema), since, until
            ):
                found[grp] = {
                    "events": n,
                    "wait_p50_ms": round(float(p50), 1),
                    "wait_p99_ms": round(float(p99), 1),
                    "wait_max_ms": round(float(most), 1),
                    "chunks": chunks,
                    "rows_per_chunk": round(n / chunks, 2),
                    "biggest_chunk": biggest,
                    "chunk_spacing_p50_ms": None if gap is None else round(float(gap), 1),
                }
        return found
    finally:
        await connection.close()


def metric_totals(text: str) -> dict[tuple[str, str], float]:
    """The figures `MetricsWatch` follows from one /metrics page: (figure, label) -> value."""
    out: dict[tuple[str, str], float] = defaultdict(float)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels, value = sample.labels, sample.value
            if math.isnan(value):
                continue
            name = sample.name
            if name == "shop_consumer_lag_messages":
                out[("lag", labels["group"])] += value
            elif name in (
                "shop_consumer_handling_seconds_sum",
                "shop_consumer_handling_seconds_count",
            ):
                out[(name.rsplit("_", 1)[1], labels["group"])] += value
            elif name == "shop_consumer_failed_attempts_total":
                out[("failed", f"{labels['group']} {labels['error']}")] += value
            elif name == "shop_outbox_backlog_rows":
                out[("backlog", labels["schema"])] += value
            elif name == "shop_outbox_oldest_unpublished_age_seconds":
                out[("oldest_s", labels["schema"])] += value
            elif name in (
                "shop_outbox_publish_latency_seconds_sum",
                "shop_outbox_publish_latency_seconds_count",
            ):
                out[("relay_" + name.rsplit("_", 1)[1], labels["schema"])] += value
    return dict(out)


_PEAKS = ("lag", "backlog", "oldest_s")


@dataclass
class MetricsWatch:
    """Samples every scraped process's /metrics each second while a step runs."""

    targets_file: Path
    _first: dict[tuple[str, str], float] = field(default_factory=dict)
    _last: dict[tuple[str, str], float] = field(default_factory=dict)
    _peak: dict[tuple[str, str], float] = field(default_factory=dict)
    _task: asyncio.Task[None] | None = None

    def _urls(self) -> list[str]:
        groups = json.loads(self.targets_file.read_text())
        return [f"http://{t}/metrics" for g in groups for t in g["targets"]]

    async def _scrape(
        self, http: aiohttp.ClientSession, urls: list[str]
    ) -> dict[tuple[str, str], float]:
        total: dict[tuple[str, str], float] = defaultdict(float)
        for url in urls:
            try:
                async with http.get(url, timeout=aiohttp.ClientTimeout(total=5)) as reply:
                    page = await reply.text()
            except (aiohttp.ClientError, TimeoutError):
                continue
            for key, value in metric_totals(page).items():
                total[key] += value
        return dict(total)

    async def _run(self, http: aiohttp.ClientSession) -> None:
        urls = self._urls()
        while True:
            now = await self._scrape(http, urls)
            if not self._first:
                self._first = now
            self._last = now
            for key, value in now.items():
                if key[0] in _PEAKS:
                    self._peak[key] = max(self._peak.get(key, 0.0), value)
            await asyncio.sleep(1.0)

    def start(self, http: aiohttp.ClientSession) -> None:
        self._first, self._last, self._peak = {}, {}, {}
        self._task = asyncio.create_task(self._run(http))

    async def finish(self, wall_seconds: float) -> dict[str, Any]:
        """Peaks and deltas since `start`; handler busy share = handler seconds / wall."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        delta = {k: v - self._first.get(k, 0.0) for k, v in self._last.items()}
        groups = sorted({k[1] for k in delta if k[0] in ("sum", "lag")})
        schemas = sorted({k[1] for k in delta if k[0] in ("backlog", "relay_sum")})
        failed = {k[1]: v for k, v in sorted(delta.items()) if k[0] == "failed" and v}
        return {
            "failed_attempts": failed,
            "consumers": {
                g: {
                    "lag_peak": self._peak.get(("lag", g), 0.0),
                    "handler_busy_share": round(delta.get(("sum", g), 0.0) / wall_seconds, 3),
                    "handled": delta.get(("count", g), 0.0),
                }
                for g in groups
            },
            "relays": {
                s: {
                    "backlog_peak": self._peak.get(("backlog", s), 0.0),
                    "oldest_peak_ms": round(self._peak.get(("oldest_s", s), 0.0) * 1000),
                    "insert_to_ack_mean_ms": round(
                        delta.get(("relay_sum", s), 0.0)
                        * 1000
                        / max(1.0, delta.get(("relay_count", s), 0.0)),
                        1,
                    ),
                    "published": delta.get(("relay_count", s), 0.0),
                }
                for s in schemas
            },
        }


def lines(waits: dict[str, dict[str, Any]], metrics: dict[str, Any]) -> list[str]:
    """The step's hops, one line per consumer group and per relay, below its row."""
    out = [
        f"{'':>10}{'group':<22}{'events':>7}{'wait p50':>9}{'p99':>7}{'max':>7}"
        f"{'rows/chunk':>11}{'biggest':>8}{'spacing':>8}{'lag pk':>7}{'busy':>6}"
    ]
    consumers = metrics.get("consumers", {})
    for grp, w in waits.items():
        m = consumers.get(grp, {})
        spacing = w["chunk_spacing_p50_ms"]
        out.append(
            f"{'':>10}{grp:<22}{w['events']:>7}{w['wait_p50_ms']:>9.0f}{w['wait_p99_ms']:>7.0f}"
            f"{w['wait_max_ms']:>7.0f}{w['rows_per_chunk']:>11.2f}{w['biggest_chunk']:>8}"
            f"{'-' if spacing is None else f'{spacing:.0f}':>8}{m.get('lag_peak', 0):>7.0f}"
            f"{m.get('handler_busy_share', 0):>6.2f}"
        )
    if metrics.get("failed_attempts"):
        failed = ", ".join(f"{k} {v:.0f}" for k, v in metrics["failed_attempts"].items())
        out.append(f"{'':>10}failed handling attempts: {failed}")
    for schema, r in metrics.get("relays", {}).items():
        out.append(
            f"{'':>10}relay {schema:<16} published {r['published']:.0f}, insert->ack mean "
            f"{r['insert_to_ack_mean_ms']:.0f} ms, backlog peak {r['backlog_peak']:.0f}, "
            f"oldest peak {r['oldest_peak_ms']} ms"
        )
    return out
