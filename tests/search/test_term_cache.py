"""The embedded backend's term cache survives writes: after any mix of inserts, updates and
deletes, a cached search finds exactly what a search without the cache finds, with scores
within the drift that REFRESH_SHARE allows."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

from search import EmbeddedBackend, Query
from tests.search.conftest import SPEC, talent

WORDS = ["数据", "工程师", "Python", "销售", "新能源", "护理", "Java", "研发", "财务", "设计"]


def _profile(rng: random.Random, doc_id: str) -> object:
    picked = rng.sample(WORDS, 3)
    return talent(doc_id, position="".join(picked[:2]), skills=[picked[2]], summary=picked[0] * 2)


@pytest.mark.parametrize("seed", [1, 2])
def test_cached_search_equals_uncached_search_through_writes(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    spec = dataclasses.replace(SPEC, name="cache_check")
    cached = EmbeddedBackend(tmp_path / "search.sqlite3")
    uncached = EmbeddedBackend(tmp_path / "search.sqlite3", term_cache_size=0)
    cached.ensure_index(spec)
    uncached.ensure_index(spec)
    cached.upsert(spec.name, [_profile(rng, f"d{i}") for i in range(400)])  # type: ignore[misc]
    next_id = 400
    for step in range(120):
        word = rng.choice(WORDS)
        query = Query(word, limit=1000)
        mine, truth = cached.search(spec.name, query), uncached.search(spec.name, query)
        assert mine.total == truth.total, (step, word)
        assert {h.id for h in mine.hits} == {h.id for h in truth.hits}, (step, word)
        expected = {h.id: h.score for h in truth.hits}
        for hit in mine.hits:
            assert hit.score == pytest.approx(expected[hit.id], rel=0.05, abs=1e-3)
        action = rng.random()
        if action < 0.4:  # a new profile
            cached.upsert(spec.name, [_profile(rng, f"d{next_id}")])  # type: ignore[list-item]
            next_id += 1
        elif action < 0.8:  # an edit
            doc = f"d{rng.randrange(next_id)}"
            cached.upsert(spec.name, [_profile(rng, doc)])  # type: ignore[list-item]
        else:
            cached.delete(spec.name, [f"d{rng.randrange(next_id)}"])
    cached.close()
    uncached.close()
