"""Outbox relays side by side: the built-in relay and Debezium, on one PostgreSQL and Kafka.

Starts PostgreSQL, Kafka and Kafka Connect itself (hack/localinfra), gives both relays the same
load at the same time, and measures from commit to consumption:
- a burst of BURST_EVENTS events (BATCH per transaction): throughput, events/s;
- a paced phase of PACED_EVENTS events at PACED_RATE/s, one per transaction: p50/p99 latency;
- a backlog of BURST_EVENTS events committed while both publishers are stopped (the relay
  process stopped, the connector paused), then both started at once: each one's own delivery
  rate, from its first to its last event in the topic, read from the topic's end offsets (the
  burst's rate is bounded by this benchmark's writers and reader, who share one Python
  process, and measures them as much as the publishers).
Each side writes as its outbox mode does: rows stay for the relay (which deletes them once
published) and are deleted in the same transaction for Debezium (docs/adr/0004). The relay
runs in a process of its own, as deployed (and as Debezium runs in Connect's). The connector
is `outbox_connector_config`'s defaults, as the operator deploys it.
Prints a table, draws bench/out/outbox.png, and prints the figures as a JSON object last.
`python -m bench.outbox [--burst-events N] [--paced-events N]` from the repository root, after
`eval "$(make -s env)"`; `make bench` runs it with the defaults.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from pathlib import Path

from bench.common.machine import LoadWatch
from bench.outbox_parts.plot import Load

ROOT = Path(__file__).resolve().parents[1]
BURST_EVENTS, BATCH = 20_000, 500
PACED_EVENTS, PACED_RATE = 600, 100.0
WARM_UP_EVENTS = 50
PARTITIONS = 3
TIME_LIMIT_SECONDS = 300
RELAYS = {"relay": ("bench_relay", "bench.relay"), "debezium": ("bench_debezium", "bench.debezium")}


async def measure(
    infra: object, load: Load, watch: LoadWatch
) -> tuple[dict[str, dict[str, float]], dict[str, list[float]]]:
    import asyncpg  # type: ignore[import-untyped]
    from bench.outbox_parts.infra import Infra, prepare, start_debezium
    from bench.outbox_parts.load import Timings, delivery_rates, read, write
    from bench.outbox_parts.relay_process import relay_process

    from shop.common.relay.options import asyncpg_dsn

    assert isinstance(infra, Infra)
    deadline = time.perf_counter() + TIME_LIMIT_SECONDS
    for schema, topic in RELAYS.values():
        await prepare(infra, schema, topic, partitions=PARTITIONS)
    connector = await start_debezium(infra, RELAYS["debezium"][0])
    relay = contextlib.ExitStack()  # the relay runs as deployed: a process of its own
    log = infra.postgres.workdir.parent / "relay.log"

    def start_relay() -> None:
        relay.enter_context(
            relay_process(
                RELAYS["relay"][0], infra.database_url, infra.kafka.bootstrap_servers, log
            )
        )

    start_relay()
    timings = {topic: Timings() for _, topic in RELAYS.values()}
    pool = await asyncpg.create_pool(asyncpg_dsn(infra.database_url), min_size=2, max_size=4)
    total = 2 * (WARM_UP_EVENTS + 2 * load.burst_events + load.paced_events)
    reader = asyncio.create_task(read(infra.kafka.bootstrap_servers, timings, total, deadline))
    try:

        async def commit_all(events: int, batch: int, rate: float | None) -> dict[str, set[str]]:
            sets = await asyncio.gather(
                *(
                    write(
                        pool,
                        s,
                        t,
                        timings[t],
                        events=events,
                        per_transaction=batch,
                        rate=rate,
                        delete_after_insert=name == "debezium",
                    )
                    for name, (s, t) in RELAYS.items()
                )
            )
            watch.sample()
            return dict(zip((t for _, t in RELAYS.values()), sets, strict=True))

        async def delivered() -> None:
            expected = sum(len(t.committed) for t in timings.values())
            while sum(len(t.arrived) for t in timings.values()) < expected:
                if time.perf_counter() > deadline:
                    raise TimeoutError("the relays did not deliver within the time limit")
                await asyncio.sleep(0.05)

        async def phase(events: int, batch: int, rate: float | None) -> dict[str, set[str]]:
            committed = await commit_all(events, batch, rate)
            await delivered()
            return committed

        await phase(WARM_UP_EVENTS, 10, None)  # connections, metadata, JIT; not measured
        burst = await phase(load.burst_events, load.batch, None)
        paced = await phase(load.paced_events, 1, load.paced_rate)
        # A backlog committed while neither publisher runs, then both at once: their own
        # delivery rate, which the burst (bounded by the writers here) cannot show.
        relay.close()
        await asyncio.to_thread(infra.connect.pause_connector, connector)
        backlog = await commit_all(load.burst_events, load.batch, None)
        rates = asyncio.create_task(
            delivery_rates(
                infra.kafka.bootstrap_servers,
                {t: len(ids) for t, ids in backlog.items()},
                PARTITIONS,
                deadline,
            )
        )
        await asyncio.sleep(0.5)  # the end offsets before either publisher runs
        await asyncio.gather(
            asyncio.to_thread(infra.connect.resume_connector, connector),
            asyncio.to_thread(start_relay),
        )
        backlog_rates = await rates
        await delivered()
        watch.sample()
    finally:
        relay.close()
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
        await pool.close()
    summary = {
        name: timings[topic].summary(burst[topic], paced[topic], backlog_rates[topic])
        for name, (_, topic) in RELAYS.items()
    }
    latencies = {
        name: timings[topic].latencies_ms(paced[topic]) for name, (_, topic) in RELAYS.items()
    }
    return summary, latencies


def main() -> int:
    from bench.outbox_parts.infra import started
    from bench.outbox_parts.plot import draw

    from localinfra.workdir import make_workdir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst-events", type=int, default=BURST_EVENTS)
    parser.add_argument("--paced-events", type=int, default=PACED_EVENTS)
    args = parser.parse_args()
    load = Load(args.burst_events, BATCH, args.paced_events, PACED_RATE)
    watch = LoadWatch()
    watch.sample()
    workdir = make_workdir("bench-outbox", Path("/tmp"))
    workdir.chmod(0o755)  # PostgreSQL runs unprivileged when we are root
    with started(workdir) as infra:
        summary, latencies = asyncio.run(measure(infra, load, watch))
    figure = ROOT / "bench" / "out" / "outbox.png"
    draw(summary, latencies, figure, load=load, machine=watch.describe())
    sys.stdout.write(
        f"{'relay':<10}{'events/s':>12}{'backlog/s':>12}{'p50 ms':>10}{'p99 ms':>10}\n"
    )
    for name, figures in summary.items():
        sys.stdout.write(
            f"{name:<10}{figures['events_per_s']:>12.1f}{figures['backlog_events_per_s']:>12.1f}"
            f"{figures['p50_ms']:>10.1f}{figures['p99_ms']:>10.1f}\n"
        )
    sys.stdout.write(f"figure: {figure}\n")
    sys.stdout.write(
        json.dumps({**summary, "events": 2 * load.burst_events + load.paced_events}) + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
