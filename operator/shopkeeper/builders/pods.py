"""Pod templates: restricted security context, read-only root filesystem, probes."""

from __future__ import annotations

from shopkeeper import constants as c
from shopkeeper import naming
from shopkeeper.api.base import Resources
from shopkeeper.builders.config import config_data, env_from, process_env
from shopkeeper.builders.inputs import BuildInput
from shopkeeper.builders.meta import selector_labels

RUN_AS_USER = 65532
"""The non-root uid and gid of the image (the Dockerfile's `USER`)."""
TMP_VOLUME = "tmp"
DRAIN_SECONDS = 10
"""An API pod being stopped keeps serving this long before its SIGTERM: the proxies in front
(kube-proxy, the exposure's controller) take it out of their endpoints first. With 5 s, one
request through Traefik (which applies its providers' changes at most every 2 s) answered 502
mid-rollout on a busy node, most likely routed to the stopped pod."""


def pod_security_context() -> dict[str, object]:
    """Pod-level part of the `restricted` Pod Security Standard, as a fixed non-root user."""
    return {
        "runAsNonRoot": True,
        "runAsUser": RUN_AS_USER,
        "runAsGroup": RUN_AS_USER,
        "fsGroup": RUN_AS_USER,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def container_security_context() -> dict[str, object]:
    """Container-level part of the `restricted` profile, plus a read-only root filesystem."""
    return {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
    }


def container(
    inp: BuildInput,
    *,
    context: str,
    name: str,
    image: str,
    command: list[str],
    resources: Resources,
    service_name: str,
    probes: bool,
    extra_env: tuple[dict[str, object], ...] = (),
) -> dict[str, object]:
    """One shop container (the image's `shop` CLI as command); `extra_env` after the rest."""
    spec: dict[str, object] = {
        "name": name,
        "image": image,
        "imagePullPolicy": inp.spec.image.pull_policy,
        "command": command,
        "envFrom": env_from(inp),
        "env": [*process_env(inp, context, service_name), *extra_env],
        "resources": resources.manifest(),
        "securityContext": container_security_context(),
        "volumeMounts": [{"name": TMP_VOLUME, "mountPath": "/tmp"}],
    }
    if probes:
        spec["ports"] = [
            {"name": c.HTTP_PORT_NAME, "containerPort": c.HTTP_PORT, "protocol": "TCP"}
        ]
        spec["livenessProbe"] = probe(c.LIVENESS_PATH, period=10, failures=3)
        spec["readinessProbe"] = probe(c.READINESS_PATH, period=5, failures=2)
        # Up to 5 minutes to start: a rolling upgrade starts every context's new pods at once
        # (on a busy 2-core node a minute was not enough: pods restarted in a loop).
        spec["startupProbe"] = probe(c.LIVENESS_PATH, period=2, failures=150)
    return spec


def pod_spec(
    inp: BuildInput, containers: list[dict[str, object]], *, restart_policy: str = "Always"
) -> dict[str, object]:
    """A pod spec around `containers`: non-root, no service account token, writable /tmp only."""
    spec: dict[str, object] = {
        "automountServiceAccountToken": False,
        "enableServiceLinks": False,
        "securityContext": pod_security_context(),
        "restartPolicy": restart_policy,
        "terminationGracePeriodSeconds": 30,
        "containers": containers,
        "volumes": [{"name": TMP_VOLUME, "emptyDir": {"sizeLimit": "64Mi"}}],
    }
    if inp.spec.image.pull_secrets:
        spec["imagePullSecrets"] = [{"name": s} for s in inp.spec.image.pull_secrets]
    return spec


def process_template(
    inp: BuildInput, *, context: str, role: str, resources: Resources
) -> dict[str, object]:
    """Pod template of `shop run <context>-<role>`, rolled when the ConfigMap changes."""
    component = f"{context}-{role}"
    main = container(
        inp,
        context=context,
        name=role,
        image=inp.running_image,
        command=["shop", "run", component],
        resources=resources,
        service_name=component,
        probes=True,
    )
    if role == "api":
        # Without it, requests routed in the moment between SIGTERM and the endpoint's removal
        # reach a closed port (a 502 through the exposure mid-rollout).
        main["lifecycle"] = {"preStop": {"sleep": {"seconds": DRAIN_SECONDS}}}
    return {
        "metadata": {
            "labels": {
                **selector_labels(inp.name, component),
                c.CONTEXT_LABEL: context,
                c.ROLE_LABEL: role,
            },
            "annotations": {
                c.CONFIG_CHECKSUM_ANNOTATION: naming.content_hash(config_data(inp)),
            },
        },
        "spec": pod_spec(inp, [main]),
    }


def probe(path: str, *, period: int, failures: int) -> dict[str, object]:
    """An HTTP probe of `path` on the container's `http` port."""
    return {
        "httpGet": {"path": path, "port": c.HTTP_PORT_NAME},
        "periodSeconds": period,
        "timeoutSeconds": c.PROBE_TIMEOUT_SECONDS,
        "failureThreshold": failures,
    }
