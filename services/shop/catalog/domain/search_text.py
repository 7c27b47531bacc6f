"""What the semantic search embeds of a product, and which query vectors can be searched by."""

from __future__ import annotations

import math
from collections.abc import Sequence


def product_text(name: str, category: str, description: str) -> str:
    """The product as one text: its name, its category's words, its description."""
    words = category.replace("-", " ")
    return ". ".join(part for part in (name.strip(), words, description.strip()) if part)


def searchable(vector: Sequence[float]) -> bool:
    """A vector a cosine distance can be taken to: finite and not all zeros."""
    return all(math.isfinite(x) for x in vector) and any(x != 0 for x in vector)
