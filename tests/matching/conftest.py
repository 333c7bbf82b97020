"""Fixtures of the matching tests: the real default embedding model, loaded once per session."""

from __future__ import annotations

import pytest

from matching import SentenceTransformerEncoder, load_encoder


@pytest.fixture(scope="session")
def encoder() -> SentenceTransformerEncoder:
    return load_encoder()
