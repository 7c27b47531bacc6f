"""Recommendations, read by anyone: products bought together, and the semantic search."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from shop.catalog.adapters import queries
from shop.catalog.domain.errors import ProductNotFoundError, UnsearchableQueryError
from shop.catalog.domain.search_text import searchable
from shop.catalog.entrypoints.dependencies import EmbedderDep, SessionDep
from shop.catalog.entrypoints.schemas import (
    BoughtTogetherOut,
    ProductOut,
    SemanticMatchOut,
    SemanticResults,
)
from shop.common.openapi import problem_responses

router = APIRouter(tags=["recommendations"])
Limit = Annotated[int, Query(ge=1, le=50)]


@router.get("/products/search/semantic", responses=problem_responses(422))
async def semantic_search(
    session: SessionDep,
    embedder: EmbedderDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="What to look for")],
    limit: Limit = 10,
) -> SemanticResults:
    """Products on sale whose name, category and description mean what `q` says, nearest
    first (by the embedding model, not by shared words)."""
    text = q.strip()
    vector = embedder.embed([text])[0] if text else []
    if not searchable(vector):
        raise UnsearchableQueryError(q)
    rows = await queries.nearest_products(session, vector, embedder.model, limit)
    items = [
        SemanticMatchOut(product=ProductOut.from_row(row), similarity=row["similarity"])
        for row in rows
    ]
    return SemanticResults(query=text, model=embedder.model, items=items)


@router.get("/products/{product_id}/bought-together", responses=problem_responses(404))
async def bought_together(
    product_id: UUID, session: SessionDep, limit: Limit = 5
) -> list[BoughtTogetherOut]:
    """Products on sale most often in the same confirmed order as this one, most often first."""
    if await queries.get_product(session, product_id) is None:
        raise ProductNotFoundError(product_id)
    rows = await queries.bought_together_with(session, product_id, limit)
    return [
        BoughtTogetherOut(product=ProductOut.from_row(row), orders=row["orders"]) for row in rows
    ]
