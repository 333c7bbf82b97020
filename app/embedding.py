"""The sentence encoder the service uses, chosen by the EMBEDDING_MODEL setting.

``default`` is the multilingual Universal Sentence Encoder shipped inside a PyPI wheel;
``hashing`` is a fast deterministic character-bigram stand-in (tests, tiny machines); any other
value is a local sentence-transformers model directory. Nothing is fetched from a model hub.
Vectors are cached on disk under ``DATA_DIR/vectors`` so a re-run encodes only changed texts.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import matching
from app.config import Settings


@cache
def get_encoder(name: str, cache_dir: Path | None = None) -> matching.Encoder:
    """One encoder per process, name and cache (loading a model takes seconds)."""
    if name == "hashing":
        return matching.HashingEncoder()
    return matching.load_encoder(None if name == "default" else name, cache_dir=cache_dir)


def service_encoder(settings: Settings) -> matching.Encoder:
    """The encoder `settings` choose (`get_encoder`'s one per process)."""
    return get_encoder(settings.embedding_model, Path(settings.data_dir) / "vectors")
