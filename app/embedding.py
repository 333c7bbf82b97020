"""The sentence encoder the service uses, chosen by the EMBEDDING_MODEL setting.

``default`` is the multilingual Universal Sentence Encoder shipped inside a PyPI wheel;
``hashing`` is a fast deterministic character-bigram stand-in (tests, tiny machines); any other
value is a local sentence-transformers model directory. Nothing is fetched from a model hub.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def get_encoder(name: str) -> Any:
    """One encoder per process and name (loading a model takes seconds)."""
    import matching

    if name == "hashing":
        return matching.HashingEncoder()
    return matching.load_encoder(None if name == "default" else name)
