"""What catalog handlers need besides the unit of work."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from shop.catalog.service_layer.unit_of_work import CatalogUnitOfWork


@dataclass(frozen=True)
class CatalogDependencies:
    new_id: Callable[[], UUID] = uuid4


Handler = Callable[[Any, CatalogUnitOfWork, CatalogDependencies], Awaitable[Any]]
