"""What catalog handlers need besides the unit of work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID, uuid4

from shop.catalog.service_layer.unit_of_work import CatalogUnitOfWork
from shop.common import messagebus


@dataclass(frozen=True)
class CatalogDependencies:
    new_id: Callable[[], UUID] = uuid4


Handler = messagebus.Handler[CatalogUnitOfWork, CatalogDependencies]
