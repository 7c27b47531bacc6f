"""The kopf peering object the replicas meet in, created at startup when missing."""

from __future__ import annotations

import logging

import httpx2
from lightkube import AsyncClient
from lightkube.generic_resource import create_global_resource, create_namespaced_resource
from lightkube.models.meta_v1 import ObjectMeta

from shopkeeper import constants as c

logger = logging.getLogger(__name__)
PEERING_GROUP, PEERING_VERSION = "kopf.dev", "v1"
CONFLICT, NOT_FOUND = 409, 404


async def ensure_peering_objects(client: AsyncClient, namespaces: list[str]) -> None:
    """Create the ClusterKopfPeering (or one KopfPeering per namespace) if absent.

    Kopf only patches an existing peering object; without it, replicas would not see each
    other and would all work at once.
    """
    if namespaces:
        namespaced = create_namespaced_resource(
            PEERING_GROUP, PEERING_VERSION, "KopfPeering", "kopfpeerings"
        )
        for namespace in namespaces:
            meta = ObjectMeta(name=c.PEERING_NAME, namespace=namespace)
            await _create(client, namespaced(metadata=meta))
        return
    clusterwide = create_global_resource(
        PEERING_GROUP, PEERING_VERSION, "ClusterKopfPeering", "clusterkopfpeerings"
    )
    await _create(client, clusterwide(metadata=ObjectMeta(name=c.PEERING_NAME)))


async def _create(client: AsyncClient, obj: object) -> None:
    try:
        await client.create(obj)  # type: ignore[call-overload]
    except httpx2.HTTPStatusError as err:  # lightkube's ApiError, or a plain 404 page
        if err.response.status_code == NOT_FOUND:
            logger.error(
                "the kopf peering CRDs are not installed (k8s/operator/peering.yaml); "
                "kopf will pause until they are, or run with --standalone"
            )
        elif err.response.status_code != CONFLICT:
            raise
