"""What must hold before the processes start: topics, every schema migrated, and in Debezium
mode the outbox connectors (they need the outbox tables)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from pathlib import Path

from shop.devstack.child import run_to_completion
from shop.devstack.connectors import connector_configs, ensure_connectors
from shop.devstack.errors import DevstackError
from shop.devstack.plan import OutboxMode, migrate_argv, publishing_contexts
from shop.devstack.settings import UpSettings
from shop.devstack.topics import ensure_topics

MIGRATION_TIMEOUT_SECONDS = 300


class PreparationError(DevstackError):
    """A step before the processes start failed; the message says which and why."""


async def migrate(
    contexts: Sequence[str], envs: Mapping[str, Mapping[str, str]], log_dir: Path
) -> dict[str, Path]:
    """`shop migrate <context>` for every context at once, each with its `envs[context]`;
    their log files."""
    logs = {context: log_dir / f"migrate-{context}.log" for context in contexts}
    codes = await asyncio.gather(
        *(
            run_to_completion(migrate_argv(c), envs[c], logs[c], MIGRATION_TIMEOUT_SECONDS)
            for c in contexts
        )
    )
    failed = [c for c, code in zip(contexts, codes, strict=True) if code != 0]
    if failed:
        details = "\n".join(f"{c}: see {logs[c]}\n{_tail(logs[c])}" for c in failed)
        raise PreparationError(f"migrations failed for {', '.join(failed)}\n{details}")
    return logs


async def prepare(
    settings: UpSettings, migration_envs: Mapping[str, Mapping[str, str]], log_dir: Path
) -> list[str]:
    """Topics, migrations (each context's role and schema first), connectors; a line per step
    done, for the log. The connectors read the outboxes as the administrator."""
    done: list[str] = []
    try:
        created = await ensure_topics(settings.kafka_bootstrap_servers, settings.partitions)
    except Exception as err:
        raise PreparationError(
            f"Kafka at {settings.kafka_bootstrap_servers} did not create topics: {err}"
        ) from err
    done.append(f"topics: {len(created)} created")
    await migrate(settings.contexts, migration_envs, log_dir)
    done.append(f"migrations: {', '.join(settings.contexts)} at head, each as its own role")
    if settings.outbox is OutboxMode.DEBEZIUM:
        if not settings.kafka_connect_url:
            raise PreparationError("Debezium mode needs a Kafka Connect URL")
        relayed = [c for c in settings.contexts if c in publishing_contexts()]
        configs = connector_configs(settings.database_url, relayed)
        try:
            await ensure_connectors(settings.kafka_connect_url, configs)
        except Exception as err:
            raise PreparationError(f"Debezium connectors: {err}") from err
        done.append(f"debezium connectors running: {', '.join(configs)}")
    return done


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"
