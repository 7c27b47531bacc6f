"""HorizontalPodAutoscalers for APIs (CPU) and KEDA ScaledObjects for workers (consumer lag)."""

from __future__ import annotations

from shopkeeper import kinds, naming
from shopkeeper.builders.inputs import BuildInput, Manifest
from shopkeeper.builders.meta import metadata
from shopkeeper.topics import CONTEXTS, consumed_topics, consumer_group


def _target(inp: BuildInput, context: str, role: str) -> dict[str, str]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": naming.workload(inp.name, context, role),
    }


def build_hpa(inp: BuildInput, context: str) -> Manifest | None:
    """HPA of `<context>-api` when its autoscaling is enabled."""
    scaling = inp.spec.services.of(context).api.autoscaling
    if not scaling.enabled:
        return None
    return {
        "apiVersion": kinds.HPA.api_version,
        "kind": kinds.HPA.kind,
        "metadata": metadata(
            inp, kinds.HPA, naming.workload(inp.name, context, "api"), component=f"{context}-api"
        ),
        "spec": {
            "scaleTargetRef": _target(inp, context, "api"),
            "minReplicas": scaling.min_replicas,
            "maxReplicas": scaling.max_replicas,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {
                            "type": "Utilization",
                            "averageUtilization": scaling.target_cpu_utilization,
                        },
                    },
                }
            ],
        },
    }


def build_scaled_object(inp: BuildInput, context: str) -> Manifest | None:
    """KEDA ScaledObject of `<context>-worker`: one Kafka lag trigger per consumed topic."""
    scaling = inp.spec.services.of(context).worker.autoscaling
    topics = consumed_topics(context)
    if not scaling.enabled or not topics:
        return None
    triggers = [
        {
            "type": "kafka",
            "name": f"lag-{index}",
            "metadata": {
                "bootstrapServers": inp.spec.kafka.bootstrap,
                "consumerGroup": consumer_group(context),
                "topic": topic,
                "lagThreshold": str(scaling.lag_threshold),
                "offsetResetPolicy": "earliest",
            },
        }
        for index, topic in enumerate(topics)
    ]
    return {
        "apiVersion": kinds.SCALED_OBJECT.api_version,
        "kind": kinds.SCALED_OBJECT.kind,
        "metadata": metadata(
            inp,
            kinds.SCALED_OBJECT,
            naming.workload(inp.name, context, "worker"),
            component=f"{context}-worker",
        ),
        "spec": {
            "scaleTargetRef": {"name": naming.workload(inp.name, context, "worker")},
            "minReplicaCount": scaling.min_replicas,
            "maxReplicaCount": scaling.max_replicas,
            "pollingInterval": 15,
            "cooldownPeriod": 120,
            "triggers": triggers,
        },
    }


def build_autoscalers(inp: BuildInput) -> list[Manifest]:
    """Every enabled autoscaler; none while the first migration holds the Deployments at zero."""
    if inp.held:
        return []
    built = [build_hpa(inp, ctx) for ctx in CONTEXTS]
    built += [build_scaled_object(inp, ctx) for ctx in CONTEXTS]
    return [m for m in built if m is not None]
