"""The migrations Job: `shop migrate <context>` for every context, before a new image rolls out."""

from __future__ import annotations

from shopkeeper import constants as c
from shopkeeper import kinds, naming
from shopkeeper.api.base import Resources
from shopkeeper.builders.config import admin_url_env
from shopkeeper.builders.inputs import BuildInput, Manifest
from shopkeeper.builders.meta import metadata
from shopkeeper.builders.pods import container, pod_spec
from shopkeeper.topics import CONTEXTS

BACKOFF_LIMIT = 10
"""Retries with exponential backoff (capped at 6 min): a database still starting is waited out."""


def migration_pod_template(inp: BuildInput) -> dict[str, object]:
    """One container per context, run in parallel: each prepares its context's role and schema
    as the administrator (creating the role with an external database; CloudNativePG creates
    it), then migrates the schema as that role (ADR 0053)."""
    image = inp.spec.image.reference
    roles = "adopt" if inp.spec.database.mode == "cnpg" else "manage"
    admin = tuple(admin_url_env(inp))
    containers = [
        container(
            inp,
            context=context,
            name=f"migrate-{context}",
            image=image,
            command=["shop", "migrate", context, "--roles", roles],
            resources=Resources(),
            service_name=f"{context}-migrate",
            probes=False,
            extra_env=admin,
        )
        for context in CONTEXTS
    ]
    return {
        "metadata": {"labels": {c.COMPONENT_LABEL: "migrations", c.INSTANCE_LABEL: inp.name}},
        "spec": pod_spec(inp, containers, restart_policy="Never"),
    }


def build_migration_job(inp: BuildInput) -> Manifest:
    """The Job migrating the schemas to the spec's image, named after its pod template."""
    template = migration_pod_template(inp)
    name = naming.migration_job(inp.name, template)
    return {
        "apiVersion": kinds.JOB.api_version,
        "kind": kinds.JOB.kind,
        "metadata": metadata(
            inp,
            kinds.JOB,
            name,
            component="migrations",
            labels={c.IMAGE_HASH_LABEL: naming.content_hash(inp.spec.image.reference)},
            annotations={c.IMAGE_ANNOTATION: inp.spec.image.reference},
        ),
        "spec": {"backoffLimit": BACKOFF_LIMIT, "template": template},
    }
