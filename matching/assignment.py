"""Assignments: `propose_assignment` (the optimum), `stable_assignment`, their explanations.

`propose_assignment` maximises the total score of proposed talent–demand pairs under
headcounts (``capacities``), ``max_per_talent``, staff locks and forbids and ``min_score``.
Small dense problems with one proposal per talent are solved by scipy's
``linear_sum_assignment`` on the matrix with each demand's column repeated once per place;
everything else by OR-Tools' ``SimpleMinCostFlow`` on the candidate graph
(source → talent → demand → sink, plus a bypass arc so that leaving a place open is allowed).
Min-cost flow works in integers: scores are scaled by 10⁶ and rounded, so the total is
optimal for scores rounded to 6 decimals (within ``n_pairs * 5e-7`` of the real optimum).

With ``fair=True`` each demand's first place carries a bonus larger than any total score, so
the solution first maximises the number of demands with at least one proposal, then the score.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment

from matching.errors import MatchingInputError
from matching.types import (
    Assignment,
    AssignmentExplanation,
    IntArray,
    PairRationale,
    StableAssignment,
)

__all__ = [
    "ScoresArg",
    "blocking_pairs",
    "explain_assignment",
    "propose_assignment",
    "stable_assignment",
]

ScoresArg: TypeAlias = (
    npt.ArrayLike | sp.sparray | sp.spmatrix | tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike]
)
Pair = tuple[int, int]
_SCALE = 1_000_000
_DENSE_LIMIT = 4_000_000  # cells of the expanded matrix up to which the dense solver is used


@dataclass(frozen=True)
class _Graph:
    """Candidate edges (talent, demand, score), sorted by (talent, demand), no duplicates."""

    n_talents: int
    n_demands: int
    talent: IntArray
    demand: IntArray
    score: npt.NDArray[np.float64]
    dense: npt.NDArray[np.float64] | None

    def lookup(self, pairs: Iterable[Pair]) -> list[float]:
        keys = self.talent * self.n_demands + self.demand
        out = []
        for t, d in pairs:
            i = int(np.searchsorted(keys, t * self.n_demands + d))
            hit = i < keys.size and keys[i] == t * self.n_demands + d
            out.append(float(self.score[i]) if hit else float("nan"))
        return out


def _check_scores(scores: ScoresArg, shape: tuple[int, int] | None) -> _Graph:
    dense = None
    if isinstance(scores, tuple) and len(scores) == 3:
        t = np.asarray(scores[0], dtype=np.int64).ravel()
        d = np.asarray(scores[1], dtype=np.int64).ravel()
        s = np.asarray(scores[2], dtype=np.float64).ravel()
        if not (t.size == d.size == s.size):
            raise MatchingInputError("scores edge list: the three arrays differ in length")
        if shape is None:
            shape = (int(t.max()) + 1 if t.size else 0, int(d.max()) + 1 if d.size else 0)
    elif sp.issparse(scores):
        coo = sp.coo_matrix(scores)
        coo.sum_duplicates()
        t, d, s = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data.astype(np.float64)
        shape = (int(coo.shape[0]), int(coo.shape[1]))
    else:
        dense = np.asarray(scores, dtype=np.float64)
        if dense.ndim != 2:
            raise MatchingInputError(
                f"scores must be a 2-d (n_talents, n_demands) array, got shape {dense.shape}"
            )
        if np.isinf(dense).any():
            raise MatchingInputError("scores must be finite or NaN (NaN = not a candidate)")
        t, d = np.nonzero(~np.isnan(dense))
        t, d = t.astype(np.int64), d.astype(np.int64)
        s = dense[t, d]
        shape = (int(dense.shape[0]), int(dense.shape[1]))
    if t.size and (t.min() < 0 or t.max() >= shape[0] or d.min() < 0 or d.max() >= shape[1]):
        raise MatchingInputError(f"scores: an edge index is outside the shape {shape}")
    if np.isinf(s).any():
        raise MatchingInputError("scores must be finite or NaN (NaN = not a candidate)")
    keep = ~np.isnan(s)
    t, d, s = t[keep], d[keep], s[keep]
    keys = t * max(shape[1], 1) + d
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    if keys.size and np.any(keys[1:] == keys[:-1]):
        raise MatchingInputError("scores edge list: a (talent, demand) pair appears twice")
    return _Graph(shape[0], shape[1], t[order], d[order], s[order], dense)


def _check_capacities(capacities: Sequence[int] | npt.ArrayLike | None, n: int) -> IntArray:
    if capacities is None:
        return np.ones(n, dtype=np.int64)
    raw = np.asarray(capacities)
    if raw.shape != (n,):
        raise MatchingInputError(
            f"capacities must have one entry per demand ({n}), got {raw.shape}"
        )
    whole = np.issubdtype(raw.dtype, np.integer) or (
        np.issubdtype(raw.dtype, np.floating) and bool(np.all(raw == np.round(raw)))
    )
    if raw.size and not whole:
        raise MatchingInputError("capacities must be non-negative integers")
    out = raw.astype(np.int64)
    if out.size and out.min() < 0:
        raise MatchingInputError("capacities must be non-negative integers")
    return out


def _check_pairs(name: str, pairs: Iterable[Pair], graph: _Graph) -> list[Pair]:
    out: list[Pair] = []
    for item in pairs:
        try:
            t, d = (int(x) for x in item)
        except (TypeError, ValueError):
            raise MatchingInputError(
                f"{name} must hold (talent, demand) pairs, got {item!r}"
            ) from None
        if not (0 <= t < graph.n_talents and 0 <= d < graph.n_demands):
            raise MatchingInputError(f"{name}: pair {(t, d)} is outside the score matrix")
        out.append((t, d))
    return sorted(set(out))


def _status(
    pairs: Sequence[Pair], capacities: IntArray, n_demands: int
) -> tuple[Literal["optimal", "partial", "empty"], int, str]:
    filled = np.bincount(np.array([d for _, d in pairs], dtype=np.int64), minlength=n_demands)
    unfilled = int(np.maximum(capacities - filled[:n_demands], 0).sum())
    if not pairs:
        return "empty", unfilled, "no feasible pair: nothing to propose"
    if unfilled:
        open_demands = int(np.count_nonzero(capacities > filled[:n_demands]))
        return (
            "partial",
            unfilled,
            f"{len(pairs)} pairs proposed; {unfilled} places in {open_demands} demands stay open "
            "(no feasible talent is left for them)",
        )
    return "optimal", 0, f"{len(pairs)} pairs proposed; every place is filled"


def _solve_dense(
    graph: _Graph,
    edges: npt.NDArray[np.bool_],
    caps: IntArray,
    first_bonus: npt.NDArray[np.float64],
) -> list[Pair]:
    assert graph.dense is not None
    cols = np.repeat(np.arange(graph.n_demands), caps)
    slot = np.concatenate([np.arange(c) for c in caps]) if cols.size else cols
    weight = np.where(edges, graph.dense, 0.0)
    expanded = weight[:, cols] + np.where(edges[:, cols] & (slot == 0), first_bonus[cols], 0.0)
    rows, picked = linear_sum_assignment(expanded, maximize=True)
    return [(int(r), int(cols[c])) for r, c in zip(rows, picked, strict=True) if edges[r, cols[c]]]


def _solve_flow(
    n_talents: int,
    n_demands: int,
    t: IntArray,
    d: IntArray,
    s: npt.NDArray[np.float64],
    talent_caps: IntArray,
    caps: IntArray,
    first_bonus: npt.NDArray[np.float64],
) -> list[Pair]:
    from ortools.graph.python import min_cost_flow

    source, sink = n_talents + n_demands, n_talents + n_demands + 1
    flow_total = int(min(talent_caps.sum(), caps.sum()))
    if flow_total == 0 or t.size == 0:
        return []
    cost = -np.round(s * _SCALE).astype(np.int64)
    bonus = -np.round(first_bonus * _SCALE).astype(np.int64)
    talents = np.arange(n_talents, dtype=np.int64)
    demands = np.arange(n_demands, dtype=np.int64) + n_talents
    with_first = caps > 0
    tails = np.concatenate(
        [
            np.full(n_talents, source),
            t,
            demands[with_first],
            demands[caps > 1],
            [source],
        ]
    ).astype(np.int64)
    heads = np.concatenate(
        [
            talents,
            d + n_talents,
            np.full(int(with_first.sum()), sink),
            np.full(int((caps > 1).sum()), sink),
            [sink],
        ]
    ).astype(np.int64)
    capacity = np.concatenate(
        [
            talent_caps,
            np.ones(t.size),
            np.ones(int(with_first.sum())),
            caps[caps > 1] - 1,
            [flow_total],
        ]
    ).astype(np.int64)
    costs = np.concatenate(
        [
            np.zeros(n_talents),
            cost,
            bonus[with_first],
            np.zeros(int((caps > 1).sum())),
            [0],
        ]
    ).astype(np.int64)
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(tails, heads, capacity, costs)
    supplies = np.zeros(n_talents + n_demands + 2, dtype=np.int64)
    supplies[source], supplies[sink] = flow_total, -flow_total
    solver.set_nodes_supplies(np.arange(supplies.size, dtype=np.int64), supplies)
    status = solver.solve()
    if status != solver.OPTIMAL:  # pragma: no cover - the graph always admits a flow
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = solver.flows(np.arange(n_talents, n_talents + t.size, dtype=np.int64))
    used = np.flatnonzero(flows > 0)
    return [(int(t[i]), int(d[i])) for i in used]


def propose_assignment(
    scores: ScoresArg,
    *,
    capacities: Sequence[int] | npt.ArrayLike | None = None,
    max_per_talent: int = 1,
    locked: Iterable[Pair] = (),
    forbidden: Iterable[Pair] = (),
    min_score: float = 0.0,
    fair: bool = False,
    shape: tuple[int, int] | None = None,
    method: Literal["auto", "dense", "flow"] = "auto",
) -> Assignment:
    """Choose talent–demand pairs with the largest total score.

    Parameters
    ----------
    scores : (n_talents, n_demands) array in [0, 1], NaN marks "not a candidate"; or a
        scipy.sparse matrix whose stored entries are the candidates; or an edge list
        ``(talent_index, demand_index, score)`` (then ``shape`` or the largest indices give
        the size).
    capacities : headcount of each demand, 1 each by default.
    max_per_talent : proposals a talent may receive.
    locked : pairs staff fixed: always in the result (their places and the talent's slots
        are used first), whatever their score.
    forbidden : pairs never proposed.
    min_score : pairs scoring below it are never proposed.
    fair : first give as many demands as possible one proposal, then maximise the score.
    shape : (n_talents, n_demands) for an edge list.
    method : ``"dense"`` (scipy, needs a dense array and ``max_per_talent=1``), ``"flow"``
        (OR-Tools) or ``"auto"``.

    Returns
    -------
    Assignment
        ``status`` ``optimal`` when every place is filled, ``partial`` when some stay open,
        ``empty`` when nothing can be proposed.

    Raises
    ------
    MatchingInputError
        Bad shapes or values; locks that exceed a capacity or ``max_per_talent``; a pair both
        locked and forbidden.

    Examples
    --------
    >>> propose_assignment(np.array([[0.75, 0.25], [0.5, 0.5]])).total_score
    1.25
    >>> a = propose_assignment(np.array([[0.9, np.nan], [0.8, 0.1]]), capacities=[2, 1])
    >>> a.pairs, a.status
    (((0, 0), (1, 0)), 'partial')
    """
    graph = _check_scores(scores, shape)
    n_t, n_d = graph.n_talents, graph.n_demands
    caps = _check_capacities(capacities, n_d)
    if isinstance(max_per_talent, bool) or not isinstance(max_per_talent, int | np.integer):
        raise MatchingInputError(f"max_per_talent must be an int >= 1, not {max_per_talent!r}")
    if max_per_talent < 1:
        raise MatchingInputError(f"max_per_talent must be an int >= 1, not {max_per_talent!r}")
    if not np.isfinite(min_score):
        raise MatchingInputError(f"min_score must be finite, not {min_score!r}")
    if method not in ("auto", "dense", "flow"):
        raise MatchingInputError(f"method must be 'auto', 'dense' or 'flow', not {method!r}")
    locks = _check_pairs("locked", locked, graph)
    forbids = set(_check_pairs("forbidden", forbidden, graph))
    both = sorted(forbids.intersection(locks))
    if both:
        raise MatchingInputError(f"pairs both locked and forbidden: {both}")

    lock_t = np.bincount(np.array([p[0] for p in locks], dtype=np.int64), minlength=n_t)
    lock_d = np.bincount(np.array([p[1] for p in locks], dtype=np.int64), minlength=n_d)
    if (lock_d > caps).any():
        d = int(np.flatnonzero(lock_d > caps)[0])
        raise MatchingInputError(f"locked: demand {d} has more locks than its capacity {caps[d]}")
    if (lock_t > max_per_talent).any():
        t = int(np.flatnonzero(lock_t > max_per_talent)[0])
        raise MatchingInputError(f"locked: talent {t} has more locks than max_per_talent")
    res_caps = caps - lock_d
    talent_caps = max_per_talent - lock_t

    keep = (
        (graph.score >= min_score) & (res_caps[graph.demand] > 0) & (talent_caps[graph.talent] > 0)
    )
    excluded = forbids.union(locks)
    if excluded:
        ex = np.array([t * n_d + d for t, d in excluded], dtype=np.int64)
        keep &= ~np.isin(graph.talent * n_d + graph.demand, ex)
    e_t, e_d, e_s = graph.talent[keep], graph.demand[keep], graph.score[keep]

    first_bonus = np.zeros(n_d)
    if fair and e_s.size:
        # Larger than any achievable total: covering one more demand always wins.
        bonus = float(np.abs(e_s).sum()) + 1.0
        first_bonus = np.where(lock_d == 0, bonus, 0.0)

    use_dense = method == "dense" or (
        method == "auto"
        and graph.dense is not None
        and max_per_talent == 1
        and n_t * int(res_caps.sum()) <= _DENSE_LIMIT
    )
    if use_dense:
        if graph.dense is None or max_per_talent != 1:
            raise MatchingInputError(
                "method='dense' needs a dense score array and max_per_talent=1"
            )
        edges = np.zeros((n_t, n_d), dtype=bool)
        edges[e_t, e_d] = True
        edges[talent_caps <= 0] = False
        chosen = _solve_dense(graph, edges, res_caps, first_bonus)
    else:
        chosen = _solve_flow(n_t, n_d, e_t, e_d, e_s, talent_caps, res_caps, first_bonus)

    pairs = tuple(sorted(set(chosen).union(locks)))
    pair_scores = tuple(graph.lookup(pairs))
    total = float(sum(x for x in pair_scores if x == x))
    status, unfilled, message = _status(pairs, caps, n_d)
    return Assignment(
        pairs=pairs,
        pair_scores=pair_scores,
        total_score=round(total, 12),
        status=status,
        message=message,
        unfilled=unfilled,
    )


# ------------------------------------------------------------------------------ explain


def explain_assignment(
    scores: ScoresArg,
    assignment: Assignment,
    *,
    capacities: Sequence[int] | npt.ArrayLike | None = None,
    shape: tuple[int, int] | None = None,
) -> AssignmentExplanation:
    """For each proposed pair, the closest alternatives on both sides and why they lost.

    Parameters
    ----------
    scores, capacities, shape : as given to `propose_assignment`.
    assignment : its result.

    Returns
    -------
    AssignmentExplanation
        One `PairRationale` per pair of ``assignment.pairs``.

    Examples
    --------
    >>> s = np.array([[0.9, 0.8], [0.85, 0.2]])
    >>> a = propose_assignment(s)
    >>> r = explain_assignment(s, a).pairs[0]
    >>> (r.talent, r.demand, r.runner_up_talent, r.runner_up_talent_taken_by)
    (0, 1, 1, 0)
    >>> r.runner_up_talent_reason
    'talent 1 scores 0.600 lower here and is proposed to demand 0 (score 0.850)'
    >>> r.runner_up_demand_reason
    'demand 0 (0.900, -0.100 vs this pair) is full: its 1 place(s) went to talent(s) 1'
    """
    graph = _check_scores(scores, shape)
    caps = _check_capacities(capacities, graph.n_demands)
    assigned_to: dict[int, list[int]] = {}
    holders: dict[int, list[int]] = {}
    pair_score = dict(zip(assignment.pairs, assignment.pair_scores, strict=True))
    for t, d in assignment.pairs:
        assigned_to.setdefault(t, []).append(d)
        holders.setdefault(d, []).append(t)
    by_demand: dict[int, list[tuple[float, int]]] = {}
    by_talent: dict[int, list[tuple[float, int]]] = {}
    wanted_d = set(holders)
    wanted_t = set(assigned_to)
    for t, d, s in zip(
        graph.talent.tolist(), graph.demand.tolist(), graph.score.tolist(), strict=True
    ):
        if d in wanted_d:
            by_demand.setdefault(d, []).append((-s, t))
        if t in wanted_t:
            by_talent.setdefault(t, []).append((-s, d))
    out = []
    for (t, d), score in pair_score.items():
        # best talent for d not proposed to d
        alt_t = next(
            ((-ns, t2) for ns, t2 in sorted(by_demand.get(d, [])) if t2 not in holders[d]),
            None,
        )
        rt_taken: int | None = None
        if alt_t is None:
            rt_reason = "no other candidate for this demand"
            rt, rt_score = None, None
        else:
            rt_score, rt = alt_t
            diff = score - rt_score
            elsewhere = assigned_to.get(rt, [])
            if elsewhere:
                rt_taken = elsewhere[0]
                other = pair_score[(rt, rt_taken)]
                if diff < 0:
                    rt_reason = (
                        f"talent {rt} scores {-diff:.3f} higher here but is proposed to "
                        f"demand {rt_taken} (score {other:.3f})"
                    )
                else:
                    rt_reason = (
                        f"talent {rt} scores {diff:.3f} lower here and is proposed to "
                        f"demand {rt_taken} (score {other:.3f})"
                    )
            else:
                rt_reason = f"talent {rt} scores {diff:.3f} lower"
        # best demand for t other than those it got
        alt_d = next(
            ((-ns, d2) for ns, d2 in sorted(by_talent.get(t, [])) if d2 not in assigned_to[t]),
            None,
        )
        filled_by: tuple[int, ...] = ()
        if alt_d is None:
            rd_reason = "no other demand has this talent as a candidate"
            rd, rd_score = None, None
        else:
            rd_score, rd = alt_d
            diff = score - rd_score
            filled_by = tuple(sorted(holders.get(rd, [])))
            full = len(filled_by) >= int(caps[rd])
            if full:
                rd_reason = (
                    f"demand {rd} ({rd_score:.3f}, {diff:+.3f} vs this pair) is full: "
                    f"its {int(caps[rd])} place(s) went to talent(s) "
                    f"{', '.join(map(str, filled_by))}"
                )
            else:
                rd_reason = f"demand {rd} scores {diff:.3f} lower for this talent"
        out.append(
            PairRationale(
                talent=t,
                demand=d,
                score=score,
                runner_up_talent=rt,
                runner_up_talent_score=rt_score,
                runner_up_talent_taken_by=rt_taken,
                runner_up_talent_reason=rt_reason,
                runner_up_demand=rd,
                runner_up_demand_score=rd_score,
                runner_up_demand_filled_by=filled_by,
                runner_up_demand_reason=rd_reason,
            )
        )
    return AssignmentExplanation(pairs=tuple(out))


# ------------------------------------------------------------------------------ stable


def _rankings(
    graph: _Graph,
    talent_prefs: Mapping[int, Sequence[int]] | Sequence[Sequence[int]] | None,
    demand_prefs: Mapping[int, Sequence[int]] | Sequence[Sequence[int]] | None,
) -> tuple[list[list[int]], list[dict[int, int]], list[list[int]], list[dict[int, int]]]:
    """Preference lists of both sides over acceptable pairs (candidates both sides list)."""
    n_t, n_d = graph.n_talents, graph.n_demands
    edge = {
        (t, d): s
        for t, d, s in zip(
            graph.talent.tolist(), graph.demand.tolist(), graph.score.tolist(), strict=True
        )
    }

    def given(prefs: object, n: int, name: str) -> dict[int, list[int]] | None:
        if prefs is None:
            return None
        items = prefs.items() if isinstance(prefs, Mapping) else enumerate(prefs)  # type: ignore[arg-type]
        out = {}
        for key, ranking in items:
            if not 0 <= int(key) < n:
                raise MatchingInputError(f"{name}: row {key} is outside the score matrix")
            out[int(key)] = [int(x) for x in ranking]
        return out

    tp = given(talent_prefs, n_t, "talent_prefs")
    dp = given(demand_prefs, n_d, "demand_prefs")
    by_t: list[list[tuple[float, int]]] = [[] for _ in range(n_t)]
    by_d: list[list[tuple[float, int]]] = [[] for _ in range(n_d)]
    for (t, d), s in edge.items():
        by_t[t].append((-s, d))
        by_d[d].append((-s, t))
    t_list = [[d for _, d in sorted(row)] for row in by_t]
    d_list = [[t for _, t in sorted(row)] for row in by_d]
    if tp is not None:
        for t, ranking in tp.items():
            t_list[t] = [d for d in dict.fromkeys(ranking) if (t, d) in edge]
    if dp is not None:
        for d, ranking in dp.items():
            d_list[d] = [t for t in dict.fromkeys(ranking) if (t, d) in edge]
    t_rank = [{d: i for i, d in enumerate(row)} for row in t_list]
    d_rank = [{t: i for i, t in enumerate(row)} for row in d_list]
    # Acceptable only if both sides list the pair.
    t_list = [[d for d in row if t in d_rank[d]] for t, row in enumerate(t_list)]
    d_list = [[t for t in row if d in t_rank[t]] for d, row in enumerate(d_list)]
    return t_list, t_rank, d_list, d_rank


def stable_assignment(
    scores: ScoresArg,
    *,
    capacities: Sequence[int] | npt.ArrayLike | None = None,
    talent_prefs: Mapping[int, Sequence[int]] | Sequence[Sequence[int]] | None = None,
    demand_prefs: Mapping[int, Sequence[int]] | Sequence[Sequence[int]] | None = None,
    proposing: Literal["talent", "demand"] = "talent",
    shape: tuple[int, int] | None = None,
) -> StableAssignment:
    """A stable matching by deferred acceptance (hospital–residents), one demand per talent.

    Parameters
    ----------
    scores : as for `propose_assignment`; candidates (non-NaN) are the acceptable pairs.
    capacities : headcount of each demand, 1 each by default.
    talent_prefs, demand_prefs : optional rankings (best first) per talent / demand, as a
        sequence of lists or a mapping row -> list; a side without its own ranking ranks by
        score (ties to the smaller index). Pairs missing from a given ranking are unacceptable.
    proposing : ``"talent"`` (talent-optimal stable matching) or ``"demand"``.

    Returns
    -------
    StableAssignment
        With ``optimal_total_score``, the total of `propose_assignment` on the same input.

    Examples
    --------
    >>> s = np.array([[0.9, 0.8], [0.85, 0.1]])
    >>> st = stable_assignment(s)
    >>> st.pairs, round(st.total_score, 2), round(st.optimal_total_score, 2)
    (((0, 0), (1, 1)), 1.0, 1.65)
    """
    graph = _check_scores(scores, shape)
    caps = _check_capacities(capacities, graph.n_demands)
    if proposing not in ("talent", "demand"):
        raise MatchingInputError(f"proposing must be 'talent' or 'demand', not {proposing!r}")
    t_list, t_rank, d_list, d_rank = _rankings(graph, talent_prefs, demand_prefs)
    n_t, n_d = graph.n_talents, graph.n_demands
    match_t: list[int | None] = [None] * n_t
    if proposing == "talent":
        held: list[list[tuple[int, int]]] = [[] for _ in range(n_d)]  # max-heap by rank: (-rank, t)
        nxt = [0] * n_t
        free = list(range(n_t - 1, -1, -1))
        while free:
            t = free.pop()
            while nxt[t] < len(t_list[t]):
                d = t_list[t][nxt[t]]
                nxt[t] += 1
                if caps[d] == 0:
                    continue
                heapq.heappush(held[d], (-d_rank[d][t], t))
                if len(held[d]) > caps[d]:
                    _, loser = heapq.heappop(held[d])
                    if loser == t:
                        continue
                    match_t[loser] = None
                    free.append(loser)
                match_t[t] = d
                break
    else:
        nxt_d = [0] * n_d
        holding: list[set[int]] = [set() for _ in range(n_d)]
        queue = [d for d in range(n_d) if caps[d] > 0]
        while queue:
            d = queue.pop()
            while len(holding[d]) < caps[d] and nxt_d[d] < len(d_list[d]):
                t = d_list[d][nxt_d[d]]
                nxt_d[d] += 1
                current = match_t[t]
                if current is None or t_rank[t][d] < t_rank[t][current]:
                    if current is not None:
                        holding[current].discard(t)
                        queue.append(current)
                    match_t[t] = d
                    holding[d].add(t)
    pairs = tuple(sorted((t, d) for t, d in enumerate(match_t) if d is not None))
    pair_scores = tuple(graph.lookup(pairs))
    optimum = propose_assignment(
        (graph.talent, graph.demand, graph.score), capacities=caps, shape=(n_t, n_d)
    )
    status, _, message = _status(pairs, caps, n_d)
    return StableAssignment(
        pairs=pairs,
        pair_scores=pair_scores,
        total_score=round(float(sum(pair_scores)), 12),
        optimal_total_score=optimum.total_score,
        proposing=proposing,
        status=status,
        message=message,
    )


def blocking_pairs(
    scores: ScoresArg,
    pairs: Iterable[Pair],
    *,
    capacities: Sequence[int] | npt.ArrayLike | None = None,
    talent_prefs: Mapping[int, Sequence[int]] | Sequence[Sequence[int]] | None = None,
    demand_prefs: Mapping[int, Sequence[int]] | Sequence[Sequence[int]] | None = None,
    shape: tuple[int, int] | None = None,
) -> tuple[Pair, ...]:
    """The pairs that block a matching: both would rather have each other than what they got.

    A talent–demand pair blocks when it is acceptable to both, not matched, the talent is
    unmatched or prefers the demand to its match, and the demand has a free place or prefers
    the talent to one it holds. Stable means none.

    Examples
    --------
    >>> s = np.array([[0.9, 0.8], [0.85, 0.1]])
    >>> blocking_pairs(s, [(0, 1), (1, 0)])
    ((0, 0),)
    """
    graph = _check_scores(scores, shape)
    caps = _check_capacities(capacities, graph.n_demands)
    t_list, t_rank, _, d_rank = _rankings(graph, talent_prefs, demand_prefs)
    matched = _check_pairs("pairs", pairs, graph)
    match_t: dict[int, int] = {}
    holders: dict[int, list[int]] = {}
    for t, d in matched:
        match_t[t] = d
        holders.setdefault(d, []).append(t)
    out = []
    for t in range(graph.n_talents):
        current = match_t.get(t)
        for d in t_list[t]:
            if current is not None and t_rank[t][d] >= t_rank[t][current]:
                break  # lists are best first: nothing further is preferred
            held = holders.get(d, [])
            if len(held) < caps[d] or any(d_rank[d][t] < d_rank[d][h] for h in held):
                out.append((t, d))
    return tuple(out)
