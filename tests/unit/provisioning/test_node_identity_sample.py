"""k8s/samples/platform-local-node.yaml names the Dex that `hack/local-cluster up --node` runs
on the node's bridge, and the Secret made from the env file it writes (localinfra.node_identity;
tests/integration/identity/test_node_identity.py runs that Dex)."""

from __future__ import annotations

from urllib.parse import urlsplit

import yaml

from localinfra.dex import ISSUER_PATH
from localinfra.kube_cluster import default_state_dir
from localinfra.node_host import BRIDGE_IP
from localinfra.node_identity import DEX_PORT, OIDC_CLIENT_ENV, oidc_client_env
from localinfra.paths import cache_dir
from localinfra.shop_install import LOCAL_NODE_SAMPLE, OIDC_CLIENT_SECRET
from shopkeeper.api.auth import CLIENT_ID_KEY, CLIENT_SECRET_KEY


def test_the_sample_checks_the_tokens_of_the_bridges_dex() -> None:
    auth = yaml.safe_load(LOCAL_NODE_SAMPLE.read_text())["spec"]["auth"]
    issuer = urlsplit(auth["issuer"])
    assert (issuer.hostname, issuer.port, issuer.path) == (BRIDGE_IP, DEX_PORT, ISSUER_PATH)
    assert auth["clientCredentialsSecret"] == OIDC_CLIENT_SECRET


def test_the_sample_tells_how_to_make_its_secret_from_the_env_file() -> None:
    header = LOCAL_NODE_SAMPLE.read_text().partition("apiVersion")[0]
    env_file = default_state_dir() / "run" / OIDC_CLIENT_ENV
    shown = str(env_file).replace(str(cache_dir()), "~/.cache/shopkeeper")
    assert f"create secret generic {OIDC_CLIENT_SECRET}" in header
    assert f"--from-env-file {shown}" in header


def test_the_env_file_has_the_keys_the_operator_reads() -> None:
    lines = oidc_client_env("shopkeeper-notification", "s3cret").splitlines()
    assert lines == [f"{CLIENT_ID_KEY}=shopkeeper-notification", f"{CLIENT_SECRET_KEY}=s3cret"]
