"""The semantic search's model: WordLlama's static embeddings, whose weights ship in its wheel.

Loaded from the installed package only (`disable_download`): nothing is fetched at run time, so
it works offline and in the image as built. Imported on first load, not at module import
(wordllama configures logging when imported).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from shop.catalog.adapters.tables import EMBEDDING_DIMENSIONS

CONFIG = "l2_supercat"


class WordLlamaEmbedder:
    """`TextEmbedder` over a loaded WordLlama model: unit vectors of 256 floats."""

    def __init__(self, model: Any, name: str) -> None:
        self._model = model
        self._name = name

    @property
    def model(self) -> str:
        return self._name

    @property
    def dimensions(self) -> int:
        return EMBEDDING_DIMENSIONS

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        vectors = self._model.embed(list(texts), norm=True)
        return [[float(x) for x in row] for row in vectors]


@cache
def wordllama_embedder() -> WordLlamaEmbedder:
    """The process's model, loaded once (seconds: importing wordllama) from the installed wheel."""
    import wordllama  # here, not at module import: see the module docstring

    package = Path(wordllama.__file__).parent
    # `cache_dir`: where the wheel keeps its tokenizer (WordLlama looks for it there).
    model = wordllama.WordLlama.load(
        CONFIG, cache_dir=package, dim=EMBEDDING_DIMENSIONS, disable_download=True
    )
    name = f"wordllama-{version('wordllama')}/{CONFIG}_{EMBEDDING_DIMENSIONS}"
    return WordLlamaEmbedder(model, name)
