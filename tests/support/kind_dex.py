"""The Dex of k8s/kind/infra/dex.yaml as its manifests describe it, and the kind platform's
`spec.auth`: read by the manifest tests, the run of that config on the real Dex, and tests/kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from localinfra.paths import REPO_ROOT

KIND = REPO_ROOT / "k8s" / "kind"
DEX_MANIFEST = KIND / "infra" / "dex.yaml"
KIND_PLATFORM = KIND / "platform.yaml"
CONFIG_KEY = "config.yaml"

Manifest = dict[str, Any]


def manifests(path: Path) -> list[Manifest]:
    """The non-empty documents of a YAML file."""
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def kind_platform_auth() -> dict[str, Any]:
    """`spec.auth` of k8s/kind/platform.yaml."""
    auth: dict[str, Any] = yaml.safe_load(KIND_PLATFORM.read_text())["spec"]["auth"]
    return auth


@dataclass(frozen=True)
class KindDex:
    """Dex's Deployment, Service and Secrets, and the configuration its container reads."""

    documents: tuple[Manifest, ...]

    @classmethod
    def load(cls) -> KindDex:
        return cls(tuple(manifests(DEX_MANIFEST)))

    def one(self, kind: str, name: str | None = None) -> Manifest:
        (found,) = [
            doc
            for doc in self.documents
            if doc["kind"] == kind and name in (None, doc["metadata"]["name"])
        ]
        return found

    @property
    def deployment(self) -> Manifest:
        return self.one("Deployment")

    @property
    def service(self) -> Manifest:
        return self.one("Service")

    @property
    def container(self) -> Manifest:
        (container,) = self.deployment["spec"]["template"]["spec"]["containers"]
        return dict(container)

    def secret_data(self, name: str) -> dict[str, str]:
        data: dict[str, str] = self.one("Secret", name)["stringData"]
        return data

    @cached_property
    def config_secret_name(self) -> str:
        """The Secret mounted where the container's `serve` argument reads the config."""
        (volume,) = self.deployment["spec"]["template"]["spec"]["volumes"]
        name: str = volume["secret"]["secretName"]
        return name

    @property
    def config(self) -> dict[str, Any]:
        """Dex's configuration, parsed (a fresh copy: callers may change it)."""
        parsed: dict[str, Any] = yaml.safe_load(
            self.secret_data(self.config_secret_name)[CONFIG_KEY]
        )
        return parsed

    def config_path(self) -> str:
        """The file the container's arguments name, which must be the mounted config."""
        (mount,) = self.container["volumeMounts"]
        return f"{mount['mountPath'].rstrip('/')}/{CONFIG_KEY}"

    def container_env(self) -> dict[str, str]:
        """The container's environment as the kubelet sets it (Secret references resolved)."""
        env: dict[str, str] = {}
        for entry in self.container.get("env", []):
            if "value" in entry:
                env[entry["name"]] = entry["value"]
            else:
                ref = entry["valueFrom"]["secretKeyRef"]
                env[entry["name"]] = self.secret_data(ref["name"])[ref["key"]]
        return env

    def client(self, client_id: str) -> dict[str, Any]:
        (client,) = [c for c in self.config["staticClients"] if c.get("id") == client_id]
        return dict(client)

    def client_secret(self, client_id: str) -> str:
        """A confidential client's secret, inline or from the container's environment."""
        client = self.client(client_id)
        secret = client.get("secret") or self.container_env()[client["secretEnv"]]
        return str(secret)
