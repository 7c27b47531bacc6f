"""The EcommercePlatform API: pydantic models that parse a platform and generate its CRD schema."""

from shopkeeper.api.platform import PlatformSpec
from shopkeeper.api.status import Condition, PlatformStatus

__all__ = ["Condition", "PlatformSpec", "PlatformStatus"]
