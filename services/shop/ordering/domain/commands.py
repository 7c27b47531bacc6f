"""What ordering is asked to do by its own timer."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class ExpireDeadline:
    """The order's current saga step is past its deadline: time it out."""

    order_id: UUID
