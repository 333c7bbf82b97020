"""candidates: exact top-k equals brute force, masks respected, blocks do not change results."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import MatchingInputError, candidates


def _unit(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _brute(queries: np.ndarray, items: np.ndarray, k: int, allowed: np.ndarray) -> list[list[int]]:
    s = queries @ items.T
    out = []
    for r in range(s.shape[0]):
        cols = [c for c in range(s.shape[1]) if allowed[r, c]]
        cols.sort(key=lambda c: (-s[r, c], c))
        out.append(cols[:k] + [-1] * (k - len(cols[:k])))
    return out


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_t=st.integers(0, 40),
    n_d=st.integers(0, 15),
    k=st.integers(1, 12),
    block=st.integers(1, 9),
    per=st.sampled_from(["demand", "talent"]),
    masked=st.booleans(),
    ties=st.booleans(),
)
def test_candidates_equal_brute_force(
    seed: int, n_t: int, n_d: int, k: int, block: int, per: str, masked: bool, ties: bool
) -> None:
    rng = np.random.default_rng(seed)
    t, d = _unit(rng, n_t, 4), _unit(rng, n_d, 4)
    if ties:  # coarse values make equal scores common: ties go to the smaller index
        t, d = np.round(t), np.round(d)
    mask = rng.random((n_t, n_d)) < 0.7 if masked else np.ones((n_t, n_d), dtype=bool)
    got = candidates(t, d, k=k, per=per, mask=mask if masked else None, block_size=block)  # type: ignore[arg-type]
    expected = _brute(d, t, k, mask.T) if per == "demand" else _brute(t, d, k, mask)
    assert got.indices.tolist() == expected
    assert np.isnan(got.scores[got.indices < 0]).all()
    assert not np.isnan(got.scores[got.indices >= 0]).any()


def test_mask_callback_and_pairs() -> None:
    rng = np.random.default_rng(1)
    t, d = _unit(rng, 30, 8), _unit(rng, 5, 8)
    c = candidates(t, d, k=3, mask=lambda rows: np.tile(np.arange(30) % 2 == 0, (len(rows), 1)))
    assert (c.indices % 2 == 0).all()
    talents, demands = c.pairs()
    assert talents.tolist() == c.indices.ravel().tolist()
    assert demands.tolist() == np.repeat(np.arange(5), 3).tolist()


def test_bad_arguments_are_named() -> None:
    with pytest.raises(MatchingInputError, match="differ in dim"):
        candidates(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(MatchingInputError, match="k must be"):
        candidates(np.zeros((2, 3)), np.zeros((2, 3)), k=0)
    with pytest.raises(MatchingInputError, match="mask must have shape"):
        candidates(np.zeros((2, 3)), np.zeros((2, 3)), mask=np.ones((3, 2), dtype=bool))
