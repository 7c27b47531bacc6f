"""The token issuer of `hack/local-cluster up --node` (localinfra.node_identity), on loopback
instead of the node's bridge: the env file it writes becomes, through the pinned kubectl, the
Secret k8s/samples/platform-local-node.yaml names, whose credentials get notification a
service token from that Dex; stopping removes the file with the Dex."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest

from localinfra.cluster_tools import ClusterTools
from localinfra.dex_realm import API_AUDIENCE, API_SCOPES, SERVICE_GROUP
from localinfra.node_identity import NodeIdentity
from shop.common.auth.token_client import OAuthClient
from shop.devstack.ports import free_port
from shopkeeper.api.auth import CLIENT_ID_KEY, CLIENT_SECRET_KEY


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeIdentity]:
    run_dir = tmp_path_factory.mktemp("node-identity")
    with NodeIdentity(run_dir, host="127.0.0.1", port=free_port()).start() as started:
        yield started


async def test_the_env_files_secret_gets_notification_a_service_token(
    identity: NodeIdentity, tmp_path: Path
) -> None:
    assert identity.env_file.stat().st_mode & 0o777 == 0o600
    tools = ClusterTools(tmp_path / "kubeconfig")  # a client-side dry run needs no cluster
    secret = tools.kubectl_json(
        "create",
        "secret",
        "generic",
        "shop-oidc-client",
        "--from-env-file",
        str(identity.env_file),
        "--dry-run=client",
    )
    data = {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}
    assert set(data) == {CLIENT_ID_KEY, CLIENT_SECRET_KEY}
    client = OAuthClient(
        identity.dex.token_url, data[CLIENT_ID_KEY], data[CLIENT_SECRET_KEY], API_SCOPES
    )
    async with httpx.AsyncClient(timeout=30) as http:
        token = await client.client_credentials(http)
    claims = jwt.decode(token.access_token, options={"verify_signature": False})
    assert claims["iss"] == identity.dex.issuer
    assert API_AUDIENCE in claims["aud"]
    assert claims["groups"] == [SERVICE_GROUP]
    assert identity.dex.issuer in identity.notes()[0]


def test_stopping_removes_the_credentials_with_their_dex(tmp_path: Path) -> None:
    identity = NodeIdentity(tmp_path, host="127.0.0.1", port=free_port()).start()
    process = identity.dex.process
    assert process is not None
    identity.stop()
    assert not identity.env_file.exists()
    assert not process.running()
