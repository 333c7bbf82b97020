"""propose_assignment / stable_assignment: invariants, brute force, networkx, OR-Library."""

from __future__ import annotations

import itertools
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import (
    MatchingInputError,
    blocking_pairs,
    explain_assignment,
    propose_assignment,
    stable_assignment,
)

DATA = Path(__file__).parent / "data"


def _problem(seed: int, n_t: int, n_d: int, density: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    scores = np.round(rng.random((n_t, n_d)), 3)
    scores[rng.random((n_t, n_d)) > density] = np.nan
    return scores


def _brute_force(scores, caps, max_per_talent, locked, forbidden, min_score, fair):
    n_t, n_d = scores.shape
    edges = [
        (t, d)
        for t in range(n_t)
        for d in range(n_d)
        if not np.isnan(scores[t, d])
        and scores[t, d] >= min_score
        and (t, d) not in forbidden
        and (t, d) not in locked
    ]
    best = None
    for r in range(len(edges) + 1):
        for subset in itertools.combinations(edges, r):
            chosen = list(subset) + list(locked)
            per_t = np.bincount([t for t, _ in chosen], minlength=n_t)
            per_d = np.bincount([d for _, d in chosen], minlength=n_d)
            if (per_t > max_per_talent).any() or (per_d > caps).any():
                continue
            total = sum(0.0 if np.isnan(scores[p]) else scores[p] for p in chosen)
            key = (int((per_d > 0).sum()) if fair else 0, round(total, 9))
            if best is None or key > best:
                best = key
    return best


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_t=st.integers(1, 4),
    n_d=st.integers(1, 3),
    max_per_talent=st.integers(1, 2),
    min_score=st.sampled_from([0.0, 0.3]),
    fair=st.booleans(),
    method=st.sampled_from(["auto", "flow"]),
)
def test_optimum_equals_brute_force_with_all_constraints(
    seed: int, n_t: int, n_d: int, max_per_talent: int, min_score: float, fair: bool, method: str
) -> None:
    rng = np.random.default_rng(seed)
    scores = _problem(seed, n_t, n_d, 0.7)
    caps = rng.integers(0, 3, n_d)
    candidates_ = [(t, d) for t in range(n_t) for d in range(n_d) if not np.isnan(scores[t, d])]
    rng.shuffle(candidates_)
    locked: set[tuple[int, int]] = set()
    for t, d in candidates_[:1]:
        if caps[d] > 0:
            locked.add((int(t), int(d)))
    forbidden = {(int(t), int(d)) for t, d in candidates_[1:3]}
    a = propose_assignment(
        scores,
        capacities=caps,
        max_per_talent=max_per_talent,
        locked=locked,
        forbidden=forbidden,
        min_score=min_score,
        fair=fair,
        method=method,  # type: ignore[arg-type]
    )
    per_t = np.bincount([t for t, _ in a.pairs], minlength=n_t)
    per_d = np.bincount([d for _, d in a.pairs], minlength=n_d)
    assert (per_t <= max_per_talent).all()
    assert (per_d <= caps).all()
    assert locked <= set(a.pairs)
    assert not forbidden & set(a.pairs)
    for pair, s in zip(a.pairs, a.pair_scores, strict=True):
        assert pair in locked or (s >= min_score and not np.isnan(s))
    assert len(set(a.pairs)) == len(a.pairs)
    best = _brute_force(scores, caps, max_per_talent, locked, forbidden, min_score, fair)
    covered = int((per_d > 0).sum()) if fair else 0
    assert (covered, round(a.total_score, 6)) == (best[0], round(best[1], 6))


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_t=st.integers(5, 40), n_d=st.integers(5, 30))
def test_optimum_equals_networkx_max_weight_matching(seed: int, n_t: int, n_d: int) -> None:
    scores = _problem(seed, n_t, n_d, 0.3)
    graph = nx.Graph()
    for t, d in zip(*np.nonzero(~np.isnan(scores)), strict=True):
        graph.add_edge(("t", int(t)), ("d", int(d)), weight=float(scores[t, d]))
    matching = nx.max_weight_matching(graph)
    expected = sum(graph.edges[e]["weight"] for e in matching)
    for method in ("dense", "flow"):
        a = propose_assignment(scores, method=method)  # type: ignore[arg-type]
        assert a.total_score == pytest.approx(expected, abs=1e-6)


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_t=st.integers(5, 40),
    n_d=st.integers(3, 15),
    max_per_talent=st.integers(1, 3),
)
def test_optimum_with_capacities_equals_networkx_min_cost_flow(
    seed: int, n_t: int, n_d: int, max_per_talent: int
) -> None:
    scores = _problem(seed, n_t, n_d, 0.4)
    caps = np.random.default_rng(seed).integers(1, 6, n_d)
    g = nx.DiGraph()
    flow = int(min(n_t * max_per_talent, caps.sum()))
    g.add_node("s", demand=-flow)
    g.add_node("z", demand=flow)
    g.add_edge("s", "z", capacity=flow, weight=0)
    for t in range(n_t):
        g.add_edge("s", ("t", t), capacity=max_per_talent, weight=0)
    for d in range(n_d):
        g.add_edge(("d", d), "z", capacity=int(caps[d]), weight=0)
    for t, d in zip(*np.nonzero(~np.isnan(scores)), strict=True):
        g.add_edge(("t", int(t)), ("d", int(d)), capacity=1, weight=-round(scores[t, d] * 1000))
    expected = -nx.min_cost_flow_cost(g) / 1000
    a = propose_assignment(scores, capacities=caps, max_per_talent=max_per_talent)
    assert a.total_score == pytest.approx(expected, abs=1e-6)
    edges = sp.coo_matrix(np.nan_to_num(scores, nan=0.0))
    mask = ~np.isnan(scores)
    edge_list = (*np.nonzero(mask), scores[mask])
    b = propose_assignment(
        edge_list, capacities=caps, max_per_talent=max_per_talent, shape=scores.shape
    )
    assert b.total_score == pytest.approx(expected, abs=1e-6)
    assert edges.nnz >= 0


def test_or_library_assign500_reaches_its_published_optimum() -> None:
    numbers = np.array((DATA / "assign500.txt").read_text().split(), dtype=np.int64)
    n = int(numbers[0])
    cost = numbers[1:].reshape(n, n)
    # A minimisation of a perfect assignment: maximise (K - cost) > 0, which fills every row,
    # so the minimum cost is n * K - the maximum total.
    big = int(cost.max()) + 1
    for method in ("dense", "flow"):
        a = propose_assignment((big - cost).astype(np.float64), method=method)  # type: ignore[arg-type]
        assert len(a.pairs) == n
        assert a.status == "optimal"
        assert n * big - round(a.total_score) == 991
        assert sum(int(cost[p]) for p in a.pairs) == 991


def test_fair_gives_every_demand_one_before_any_a_second() -> None:
    scores = np.array([[0.9, 0.1], [0.8, np.nan], [0.7, np.nan]])
    greedy = propose_assignment(scores, capacities=[3, 1])
    fair = propose_assignment(scores, capacities=[3, 1], fair=True)
    assert greedy.pairs == ((0, 0), (1, 0), (2, 0))
    assert fair.pairs == ((0, 1), (1, 0), (2, 0))


def test_nothing_feasible_is_an_empty_status_not_an_error() -> None:
    a = propose_assignment(np.full((2, 2), np.nan))
    assert (a.status, a.pairs, a.total_score) == ("empty", (), 0.0)


def test_sparse_input_and_bad_locks() -> None:
    m = sp.csr_matrix(np.array([[0.5, 0.0], [0.0, 0.7]]))
    assert propose_assignment(m).pairs == ((0, 0), (1, 1))
    with pytest.raises(MatchingInputError, match="locked and forbidden"):
        propose_assignment(np.ones((2, 2)), locked=[(0, 0)], forbidden=[(0, 0)])
    with pytest.raises(MatchingInputError, match="capacity"):
        propose_assignment(np.ones((2, 2)), locked=[(0, 0), (1, 0)])


def test_explanation_names_the_rival_that_took_the_place() -> None:
    scores = np.array([[0.9, 0.8], [0.95, 0.1]])
    a = propose_assignment(scores)
    (first, second) = explain_assignment(scores, a).pairs
    assert (first.talent, first.demand, first.runner_up_demand) == (0, 1, 0)
    assert first.runner_up_demand_filled_by == (1,)
    assert "full" in first.runner_up_demand_reason
    assert second.runner_up_talent == 0
    assert second.runner_up_talent_taken_by == 1


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_t=st.integers(1, 25),
    n_d=st.integers(1, 8),
    proposing=st.sampled_from(["talent", "demand"]),
    own_prefs=st.booleans(),
)
def test_stable_assignment_has_no_blocking_pair(
    seed: int, n_t: int, n_d: int, proposing: str, own_prefs: bool
) -> None:
    rng = np.random.default_rng(seed)
    scores = _problem(seed, n_t, n_d, 0.6)
    caps = rng.integers(0, 4, n_d)
    talent_prefs = [list(rng.permutation(n_d)) for _ in range(n_t)] if own_prefs else None
    st_ = stable_assignment(scores, capacities=caps, talent_prefs=talent_prefs, proposing=proposing)  # type: ignore[arg-type]
    assert blocking_pairs(scores, st_.pairs, capacities=caps, talent_prefs=talent_prefs) == ()
    per_d = np.bincount([d for _, d in st_.pairs], minlength=n_d)
    assert (per_d <= caps).all()
    assert len({t for t, _ in st_.pairs}) == len(st_.pairs)
    assert st_.total_score <= st_.optimal_total_score + 1e-9


def test_stable_reports_its_cost_against_the_optimum() -> None:
    scores = np.array([[0.9, 0.8], [0.85, 0.1]])
    st_ = stable_assignment(scores)
    assert st_.pairs == ((0, 0), (1, 1))
    assert st_.optimal_total_score == pytest.approx(1.65)
    assert blocking_pairs(scores, [(0, 1), (1, 0)]) == ((0, 0),)
