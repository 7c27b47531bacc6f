"""A minimal HTTPS client for the local kube-apiserver (standard library only).

The launcher needs a handful of calls (readiness, server-side apply of CRDs, their status);
keeping them dependency-free keeps provisioning and `hack/local-cluster` independent of the
client library the operator happens to use.
"""

from __future__ import annotations

import contextlib
import json
import ssl
import time
import urllib.error
import urllib.request
from typing import Any

from localinfra.errors import InfraError
from localinfra.kube_pki import KeyPair

APPLY_PATCH = "application/apply-patch+yaml"  # JSON is valid YAML


class KubeApiError(InfraError):
    """The API server answered with an error status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status


class KubeHttp:
    """Requests to one API server, authenticated by a client certificate."""

    def __init__(self, server: str, ca: str, client: KeyPair) -> None:
        self.server = server.rstrip("/")
        self._context = ssl.create_default_context(cafile=ca)
        self._context.load_cert_chain(str(client.cert), str(client.key))

    def request(
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        content_type: str = "application/json",
        timeout: float = 30,
    ) -> Any:
        """Send a request; return the decoded JSON answer (or text if it is not JSON)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.server + path,
            data=data,
            method=method,
            headers={"Content-Type": content_type, "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(
                request, context=self._context, timeout=timeout
            ) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as err:
            detail = err.read().decode(errors="replace")
            with contextlib.suppress(ValueError):
                detail = json.loads(detail).get("message", detail)
            raise KubeApiError(err.code, detail) from None
        except (urllib.error.URLError, OSError) as err:
            raise InfraError(f"{method} {self.server}{path}: {err}") from None
        try:
            return json.loads(text)
        except ValueError:
            return text

    def ok(self, path: str) -> bool:
        """Whether GET `path` answers 2xx (for readiness probes)."""
        try:
            self.request("GET", path, timeout=2)
        except InfraError:
            return False
        return True

    def apply(self, path: str, manifest: dict[str, Any], *, field_manager: str) -> Any:
        """Server-side apply `manifest` at `path` (the object's URL), taking over conflicts."""
        return self.request(
            "PATCH",
            f"{path}?fieldManager={field_manager}&force=true",
            manifest,
            content_type=APPLY_PATCH,
        )

    def conditions(self, path: str) -> list[dict[str, Any]]:
        """`status.conditions` of the object at `path` (empty when it does not exist yet)."""
        try:
            obj = self.request("GET", path)
        except KubeApiError as err:
            if err.status == 404:
                return []
            raise
        conditions: list[dict[str, Any]] = (obj.get("status") or {}).get("conditions") or []
        return conditions

    def condition_true(self, path: str, condition: str) -> bool:
        return any(
            c.get("type") == condition and c.get("status") == "True" for c in self.conditions(path)
        )

    def wait_for(self, path: str, *, timeout: float) -> None:
        """Poll until the object at `path` exists."""
        deadline = time.monotonic() + timeout
        while not self.ok(path):
            if time.monotonic() > deadline:
                raise InfraError(f"{path} did not appear within {timeout:.0f}s")
            time.sleep(0.1)

    def wait_for_condition(self, path: str, condition: str, *, timeout: float) -> None:
        """Poll the object at `path` until `status.conditions[condition]` is True."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.condition_true(path, condition):
                return
            time.sleep(0.1)
        raise InfraError(f"{path} not {condition} within {timeout:.0f}s: {self.conditions(path)}")


def https_ok_unverified(url: str) -> bool:
    """Whether GET `url` answers 2xx, not checking its certificate (a self-signed one)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(url, timeout=2, context=context) as response:
            status: int = response.status
            return 200 <= status < 300
    except (urllib.error.URLError, OSError):
        return False
