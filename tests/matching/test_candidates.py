"""candidates: exact top-k equals brute force, masks respected, blocks do not change results."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import GroupMask, MatchingInputError, candidates


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


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_t=st.integers(0, 40),
    n_d=st.integers(0, 15),
    k=st.integers(1, 12),
    block=st.one_of(st.none(), st.integers(1, 9)),
    per=st.sampled_from(["demand", "talent"]),
    groups=st.tuples(st.integers(1, 4), st.integers(1, 4)),
)
def test_group_mask_equals_its_dense_mask(
    seed: int, n_t: int, n_d: int, k: int, block: int | None, per: str, groups: tuple[int, int]
) -> None:
    rng = np.random.default_rng(seed)
    t, d = np.round(_unit(rng, n_t, 4) * 2) / 2, np.round(_unit(rng, n_d, 4) * 2) / 2  # ties
    mask = GroupMask(
        talent_group=rng.integers(0, groups[0], n_t),
        demand_group=rng.integers(0, groups[1], n_d),
        allowed=rng.random(groups) < 0.6,
    )
    dense = mask.dense()
    got = candidates(t, d, k=k, per=per, mask=mask, block_size=block)  # type: ignore[arg-type]
    expected = _brute(d, t, k, dense.T) if per == "demand" else _brute(t, d, k, dense)
    assert got.indices.tolist() == expected
    same = candidates(t, d, k=k, per=per, mask=dense, block_size=block)  # type: ignore[arg-type]
    np.testing.assert_array_equal(got.scores, same.scores)


def test_group_mask_checks_its_labels() -> None:
    with pytest.raises(MatchingInputError, match="talent_group"):
        GroupMask(np.array([0, 2]), np.array([0]), np.ones((2, 1), dtype=bool))
    mask = GroupMask(np.array([0, 1]), np.array([0]), np.ones((2, 1), dtype=bool))
    with pytest.raises(MatchingInputError, match="must label 3 talents"):
        candidates(np.eye(3), np.eye(3)[:1], mask=mask)


@pytest.mark.parametrize("n_queries", [1, 40])  # fewer queries than dims: blocks are checked
@pytest.mark.parametrize("per", ["demand", "talent"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_vectors_are_named(n_queries: int, per: str, bad: float) -> None:
    rng = np.random.default_rng(2)
    queries, items = _unit(rng, n_queries, 8), _unit(rng, 30, 8)
    items[17, 3] = bad
    t, d = (items, queries) if per == "demand" else (queries, items)
    name = "talent_vectors" if per == "demand" else "demand_vectors"
    with pytest.raises(MatchingInputError, match=f"{name} must be finite"):
        candidates(t, d, k=3, per=per)  # type: ignore[arg-type]
    queries[0, 0] = bad
    items[17, 3] = 0.0
    with pytest.raises(MatchingInputError, match="must be finite"):
        candidates(t, d, k=3, per=per)  # type: ignore[arg-type]


def test_group_mask_takes_lists_and_names_bad_input() -> None:
    mask = GroupMask([0, 1], [0], [[True], [False]])  # type: ignore[arg-type]
    assert mask.dense().tolist() == [[True], [False]]
    with pytest.raises(MatchingInputError, match="integer labels"):
        GroupMask(np.array([0.5]), np.array([0]), np.ones((1, 1), dtype=bool))
    with pytest.raises(MatchingInputError, match="2-d"):
        GroupMask(np.array([0]), np.array([0]), np.ones(3, dtype=bool))
