"""An optional Kafka UI (kafbat/kafka-ui) for the platform's Kafka."""

from __future__ import annotations

from pydantic import Field

from shopkeeper.api.base import ApiModel, ResourceAmounts, Resources

KAFKA_UI_IMAGE = "ghcr.io/kafbat/kafka-ui:v1.5.0"
IMAGE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/:@-]*$"


class KafkaUiSpec(ApiModel):
    """A Kafka UI Deployment and Service pointed at the platform's Kafka bootstrap servers.

    Reach it with `kubectl port-forward svc/<platform>-kafka-ui 8080:80`; it has no login of
    its own, so keep it off the exposure."""

    enabled: bool = False
    """Deploy it (disabling it again deletes the Deployment and Service)."""
    image: str = Field(KAFKA_UI_IMAGE, pattern=IMAGE_PATTERN, max_length=512)
    """The kafbat/kafka-ui image (pinned; a mirror of it in a private registry works too)."""
    read_only: bool = True
    """Browse only: no topic creation, deletion or message production from the UI."""
    resources: Resources = Resources(
        requests=ResourceAmounts(cpu="100m", memory="384Mi"),
        limits=ResourceAmounts(memory="768Mi"),
    )
    """Container resources (a JVM: give it room)."""
