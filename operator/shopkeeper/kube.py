"""The operator's Kubernetes API calls, through lightkube's async client."""

from __future__ import annotations

import base64
import binascii
from typing import Any, cast

import httpx2
from lightkube import ApiError, AsyncClient
from lightkube.core.resource import NamespacedResource
from lightkube.core.resource_registry import resource_registry
from lightkube.generic_resource import GenericNamespacedResource, create_namespaced_resource
from lightkube.resources.core_v1 import Secret
from lightkube.types import CascadeType, PatchType

from shopkeeper import constants as c
from shopkeeper.builders.inputs import Manifest, manifest_name
from shopkeeper.kinds import ChildKind, kind_of
from shopkeeper.readiness import spec_version

NOT_FOUND = 404
ALL_NAMESPACES = "*"
"""lightkube's namespace for a list or watch across the cluster (None is the client's own)."""


class MissingKindError(Exception):
    """The API server does not serve a kind the spec needs (its CRDs are not installed)."""

    def __init__(self, kind: ChildKind) -> None:
        super().__init__(
            f"{kind.kind} ({kind.api_version}) is not served by this cluster: "
            f"install {kind.provided_by} or change the spec"
        )
        self.kind = kind


def resource_class(kind: ChildKind) -> type[NamespacedResource]:
    """lightkube's class for `kind`: its typed model if built in, a generic resource otherwise."""
    if kind.provided_by == "Kubernetes":
        return resource_registry.load(kind.api_version, kind.kind)  # type: ignore[return-value]
    return create_namespaced_resource(kind.group, kind.version, kind.kind, kind.plural)


def platform_class() -> type[GenericNamespacedResource]:
    """lightkube's class for EcommercePlatform."""
    return create_namespaced_resource(c.GROUP, c.VERSION, c.KIND, c.PLURAL)


def new_client(timeout: float) -> AsyncClient:
    """A client from the in-cluster config, $KUBECONFIG or ~/.kube/config."""
    return AsyncClient(field_manager=c.FIELD_MANAGER, timeout=httpx2.Timeout(timeout))


async def apply(client: AsyncClient, manifest: Manifest, namespace: str) -> tuple[str, str]:
    """Server-side apply `manifest` (taking over conflicting fields); its (uid, spec version)."""
    kind = kind_of(manifest)
    try:
        result: Any = await client.patch(
            resource_class(kind),
            manifest_name(manifest),
            manifest,
            namespace=namespace,
            patch_type=PatchType.APPLY,
            field_manager=c.FIELD_MANAGER,
            force=True,
        )
    except httpx2.HTTPStatusError as err:  # lightkube's ApiError, or a plain 404 page
        if err.response.status_code == NOT_FOUND and kind.provided_by != "Kubernetes":
            raise MissingKindError(kind) from err
        raise
    meta = result.metadata
    return str(meta.uid), spec_version(
        {"generation": meta.generation, "resourceVersion": meta.resourceVersion}
    )


async def delete(client: AsyncClient, kind: ChildKind, name: str, namespace: str) -> None:
    """Delete a child and, in the background, what it owns; already gone is fine."""
    try:
        await client.delete(
            resource_class(kind), name, namespace=namespace, cascade=CascadeType.BACKGROUND
        )
    except httpx2.HTTPStatusError as err:
        if err.response.status_code != NOT_FOUND:
            raise


async def merge_patch(
    client: AsyncClient, kind: ChildKind, name: str, namespace: str, patch: dict[str, Any]
) -> None:
    """A JSON merge patch (for fields the operator does not own, e.g. a restart annotation)."""
    await client.patch(
        resource_class(kind),
        name,
        patch,
        namespace=namespace,
        patch_type=PatchType.MERGE,
        field_manager=c.FIELD_MANAGER,
    )


async def patch_platform_status(
    client: AsyncClient, name: str, namespace: str, status: dict[str, Any]
) -> None:
    """Write the status subresource (nulls remove fields)."""
    await client.patch(
        platform_class().Status,
        name,
        {"status": status},
        namespace=namespace,
        patch_type=PatchType.MERGE,
        field_manager=c.FIELD_MANAGER,
    )


CONFLICT = 409


async def create_secret_if_absent(client: AsyncClient, manifest: Manifest) -> bool:
    """Create the Secret (in its manifest's namespace) unless one of its name exists: never
    overwritten, so its password stays; whether it was created."""
    try:
        await client.create(cast(Secret, Secret.from_dict(manifest)))
    except httpx2.HTTPStatusError as err:
        if err.response.status_code == CONFLICT:
            return False
        raise
    return True


class SecretUnreadableError(Exception):
    """A Secret the spec names is missing, lacks a key, or may not be read."""


async def read_secret_keys(
    client: AsyncClient, name: str, namespace: str, keys: tuple[str, ...]
) -> tuple[str, ...]:
    """The decoded values of `keys` in Secret `namespace/name` (the operator may `get` Secrets
    only to pass credentials the spec points at to a system outside Kubernetes)."""
    try:
        secret = await client.get(Secret, name, namespace=namespace)
    except httpx2.HTTPStatusError as err:
        if err.response.status_code in (NOT_FOUND, 403):
            raise SecretUnreadableError(f"Secret {namespace}/{name}: {error_message(err)}") from err
        raise
    data = secret.data or {}
    missing = [key for key in keys if key not in data]
    if missing:
        raise SecretUnreadableError(f"Secret {namespace}/{name} has no key {', '.join(missing)}")
    try:
        return tuple(base64.b64decode(data[key]).decode() for key in keys)
    except (binascii.Error, UnicodeDecodeError) as err:
        raise SecretUnreadableError(f"Secret {namespace}/{name}: {err}") from err


def status_code(err: httpx2.HTTPStatusError) -> int | None:
    """The failed request's status code. An error the API server sends inside a watch stream
    (e.g. 410 Expired) arrives as an ApiError with a Status but no HTTP response."""
    if isinstance(err, ApiError) and err.status.code:
        return int(err.status.code)
    response = getattr(err, "response", None)
    return response.status_code if response is not None else None


def error_message(err: httpx2.HTTPStatusError) -> str:
    """The API server's message for a failed request."""
    if isinstance(err, ApiError) and err.status.message:
        return str(err.status.message)
    return f"HTTP {err.response.status_code}"
