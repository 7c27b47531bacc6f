"""The local node runs pods of the project image: under the operator's pod security settings,
on the project's bridge, with ClusterIP Services, logs and exec, and with no way off the machine.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from infra.fixtures_node import Kubectl
from localinfra.node_cluster import NodeCluster
from localinfra.node_host import BRIDGE_IP, POD_CIDR
from localinfra.node_images import BuiltImage

NAMESPACE = "node-probe"
# What a pod tries from inside: the host on the bridge, the API server through the `kubernetes`
# Service (kube-proxy), and a host off this machine (the resolver of the host) that must fail.
PROBE = """
import json, os, socket, ssl, sys, urllib.request
host_url, outside = sys.argv[1], sys.argv[2]
result = {}
result["host"] = urllib.request.urlopen(host_url, timeout=5).read().decode()
ca = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"
token = open("/var/run/secrets/kubernetes.io/serviceaccount/token").read()
env = os.environ
api = "https://%s:%s/version" % (env["KUBERNETES_SERVICE_HOST"], env["KUBERNETES_SERVICE_PORT"])
request = urllib.request.Request(api, headers={"Authorization": "Bearer " + token})
context = ssl.create_default_context(cafile=ca)
result["api"] = json.load(urllib.request.urlopen(request, timeout=5, context=context))["gitVersion"]
probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
probe.settimeout(2)
query = bytes.fromhex("123401000001000000000000") + b"\\x00\\x00\\x01\\x00\\x01"  # "." A?
probe.sendto(query, (outside, 53))
try:
    probe.recvfrom(512)
    result["outside"] = "answered"
except OSError as err:
    result["outside"] = type(err).__name__
print(json.dumps(result))
"""


def pod(name: str, image: str, command: list[str], **spec: Any) -> dict[str, Any]:
    """A pod with the security settings the operator gives every shop container."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": NAMESPACE, "labels": {"app": name}},
        "spec": {
            "securityContext": {
                "runAsNonRoot": True,
                "runAsUser": 65532,
                "runAsGroup": 65532,
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            "containers": [
                {
                    "name": "main",
                    "image": image,
                    "imagePullPolicy": "Never",
                    "command": command,
                    "securityContext": {
                        "allowPrivilegeEscalation": False,
                        "readOnlyRootFilesystem": True,
                        "capabilities": {"drop": ["ALL"]},
                    },
                    "resources": {"limits": {"memory": "128Mi", "cpu": "500m"}},
                    "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
                }
            ],
            "volumes": [{"name": "tmp", "emptyDir": {}}],
            **spec,
        },
    }


def wait_for(kubectl: Kubectl, name: str, condition: str, timeout: float = 120) -> None:
    kubectl(
        "-n", NAMESPACE, "wait", f"pod/{name}", f"--for={condition}", f"--timeout={timeout:.0f}s"
    )


@pytest.fixture(scope="module")
def namespace(kubectl: Kubectl, node_image: BuiltImage) -> Iterator[str]:
    kubectl.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}})
    yield NAMESPACE
    kubectl("delete", "namespace", NAMESPACE, "--wait=true", "--timeout=120s")


@pytest.fixture(scope="module")
def host_server() -> Iterator[str]:
    """An HTTP server on the host's bridge IP (where pods reach the host)."""

    class Hello(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"hello from the host"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer((BRIDGE_IP, 0), Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{BRIDGE_IP}:{server.server_address[1]}/"
    server.shutdown()


def test_the_node_is_ready_with_the_bridge_ip(kubectl: Kubectl, node_cluster: NodeCluster) -> None:
    node = kubectl.json("get", "node", node_cluster.node.name)
    addresses = {a["type"]: a["address"] for a in node["status"]["addresses"]}
    assert addresses["InternalIP"] == BRIDGE_IP
    conditions = {c["type"]: c["status"] for c in node["status"]["conditions"]}
    assert conditions["Ready"] == "True"


def test_a_pod_of_the_project_image_runs_to_completion(
    kubectl: Kubectl, namespace: str, node_image: BuiltImage
) -> None:
    kubectl.apply(pod("shop-help", node_image.reference, ["shop", "--help"], restartPolicy="Never"))
    wait_for(kubectl, "shop-help", "jsonpath={.status.phase}=Succeeded")
    # Logs come from the kubelet through the API server (its kubelet client certificate).
    assert "usage" in kubectl("-n", namespace, "logs", "shop-help").lower()


def test_pods_reach_the_host_and_services_but_nothing_off_this_machine(
    kubectl: Kubectl, namespace: str, node_image: BuiltImage, host_server: str
) -> None:
    kubectl.apply(
        pod("web", node_image.reference, ["python", "-m", "http.server", "8000", "-d", "/tmp"])
    )
    kubectl.apply(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web", "namespace": namespace},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8000}]},
        }
    )
    wait_for(kubectl, "web", "condition=Ready")
    live = kubectl.json("-n", namespace, "get", "pod", "web")
    assert live["status"]["podIP"].startswith(POD_CIDR.rsplit(".", 1)[0] + ".")

    outside = _host_resolver()
    # exec goes through the API server to the kubelet, like logs.
    answer = kubectl(
        "-n", namespace, "exec", "web", "--", "python", "-c", PROBE, host_server, outside
    )
    result = json.loads(answer.strip().splitlines()[-1])
    assert result["host"] == "hello from the host"
    assert result["api"].startswith("v1.34")
    assert result["outside"] in ("TimeoutError", "timeout")

    service_ip = kubectl.json("-n", namespace, "get", "service", "web")["spec"]["clusterIP"]
    deadline = time.monotonic() + 30
    while True:  # kube-proxy programs the Service within a second or so
        try:
            assert httpx.get(f"http://{service_ip}/", timeout=2).status_code == 200
            break
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _host_resolver() -> str:
    """The host's own DNS server: the nearest address off this machine a pod could try."""
    for line in Path("/etc/resolv.conf").read_text().splitlines():
        if line.startswith("nameserver"):
            return line.split()[1]
    return "192.0.2.1"
