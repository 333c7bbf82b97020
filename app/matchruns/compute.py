"""The pure step of a match run: profiles and decisions in, ranked explained suggestions out.

No Session, no settings: `engine.py` loads a `RunInputs` from the database, calls
`compute_run` and stores its `RunResult`. Same inputs, same result (stable tie-breaks).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

import matching

#: Suggestions kept per demand (proposed and nominated pairs are kept whatever their rank).
TOP_N = 20
#: The best few per demand also get the best-matching phrases (the slow part).
PHRASES_TOP = 3


@dataclass(frozen=True)
class RunInputs:
    """Everything a run computes from, read from the database in one go.

    ``decisions`` are (demand id, talent id, decision) rows: a locked or approved pair is
    always a candidate, a forbidden one never. ``nominated`` pairs (demand id, talent id) are
    candidates and stay listed. ``previous`` maps (demand id, talent id) to (rank, score) in
    the previous run, when there is one (``has_previous``).
    """

    talents: Sequence[matching.TalentProfile]
    demands: Sequence[matching.DemandProfile]
    weights: matching.Weights = field(default_factory=matching.Weights)
    k: int = 50
    min_score: float = 0.3
    decisions: Sequence[tuple[int, int, str]] = ()
    nominated: frozenset[tuple[int, int]] = frozenset()
    previous: Mapping[tuple[int, int], tuple[int, float]] = field(default_factory=dict)
    has_previous: bool = False


@dataclass(frozen=True)
class SuggestionRow:
    """One stored suggestion (a row of `Suggestion` without its run)."""

    demand_id: int
    talent_id: int
    rank: int
    score: float
    confidence: float
    components: dict[str, float | None]
    explanation: dict[str, Any]
    is_proposed: bool
    change: Literal["new", "same", "changed"]
    status: Literal["approved", "pending"]


@dataclass(frozen=True)
class RunResult:
    rows: tuple[SuggestionRow, ...]
    summary: dict[str, Any]


def _no_progress(percent: int, stage: str) -> None:
    return None


def _num(x: Any) -> float | None:
    """The one rounding of stored figures: 4 decimals, NaN as None."""
    x = float(x)
    return None if np.isnan(x) else round(x, 4)


def explanation_json(e: matching.PairExplanation) -> dict[str, Any]:
    """A `matching.PairExplanation` as stored in `Suggestion.explanation`."""
    return {
        "feasible": e.feasible,
        "reasons": list(e.reasons),
        "components": [
            {
                "name": c.name,
                "value": _num(c.value) if c.value is not None else None,
                "weight": c.weight,
                "contribution": _num(c.contribution),
                "status": c.status,
            }
            for c in e.components
        ],
        "met": list(e.met),
        "missing": list(e.missing),
        "unknown": list(e.unknown),
        "matched_skills": list(e.matched_skills),
        "missing_skills": list(e.missing_skills),
        "best_phrases": [
            {"demand": p.demand_phrase, "talent": p.talent_phrase, "similarity": _num(p.similarity)}
            for p in e.best_phrases
        ],
    }


def _rationale_json(
    r: matching.PairRationale,
    talents: Sequence[matching.TalentProfile],
    demands: Sequence[matching.DemandProfile],
) -> dict[str, Any]:
    def tid(i: int | None) -> int | str | None:
        return talents[i].id if i is not None else None

    def did(j: int | None) -> int | str | None:
        return demands[j].id if j is not None else None

    return {
        "runner_up_talent_id": tid(r.runner_up_talent),
        "runner_up_talent_score": r.runner_up_talent_score,
        "runner_up_talent_taken_by_demand_id": did(r.runner_up_talent_taken_by),
        "runner_up_talent_reason": r.runner_up_talent_reason,
        "runner_up_demand_id": did(r.runner_up_demand),
        "runner_up_demand_score": r.runner_up_demand_score,
        "runner_up_demand_filled_by_talent_ids": [tid(i) for i in r.runner_up_demand_filled_by],
        "runner_up_demand_reason": r.runner_up_demand_reason,
    }


def compute_run(
    inputs: RunInputs,
    encoder: matching.Encoder,
    *,
    progress: Callable[[int, str], None] = _no_progress,
) -> RunResult:
    """Encode, pick candidates, score, assign and explain; `progress(percent, stage)` is
    called between stages (it may raise to stop the run)."""
    t_profiles, d_profiles = list(inputs.talents), list(inputs.demands)
    n_t, n_d = len(t_profiles), len(d_profiles)
    weights, min_score = inputs.weights, inputs.min_score
    summary: dict[str, Any] = {"demands": n_d, "talents": n_t}
    if n_t == 0 or n_d == 0:
        summary |= {"proposed": 0, "total_score": 0.0, "assignment_status": "empty"}
        return RunResult((), summary)

    progress(5, "encoding")
    t_vec = np.asarray(encoder.encode([t.text or "" for t in t_profiles]), dtype=np.float32)
    d_vec = np.asarray(encoder.encode([d.text or "" for d in d_profiles]), dtype=np.float32)
    calibration = encoder.calibration

    progress(40, "candidates")
    t_index = {t.id: i for i, t in enumerate(t_profiles)}
    d_index = {d.id: j for j, d in enumerate(d_profiles)}
    decisions = inputs.decisions
    locked = [
        (t_index[tid], d_index[did])
        for did, tid, dec in decisions
        if dec in ("lock", "approve") and tid in t_index and did in d_index
    ]
    forced = [
        (t_index[t], d_index[d]) for d, t in inputs.nominated if t in t_index and d in d_index
    ]
    # an approved pair stays proposed (its introduction is under way) and approved
    approved = {(did, tid) for did, tid, dec in decisions if dec == "approve"}
    forbidden = [
        (t_index[tid], d_index[did])
        for did, tid, dec in decisions
        if dec == "forbid" and tid in t_index and did in d_index
    ]
    mask = matching.hard_requirement_mask(t_profiles, d_profiles, per="demand")
    cands = matching.candidates(t_vec, d_vec, k=min(inputs.k, n_t), per="demand", mask=mask)
    ti, di = cands.pairs()
    if locked or forced:
        lt = np.array([p[0] for p in locked + forced], dtype=np.int64)
        ld = np.array([p[1] for p in locked + forced], dtype=np.int64)
        ti, di = np.concatenate([ti, lt]), np.concatenate([di, ld])
    key = np.unique(ti * n_d + di)
    ti, di = key // n_d, key % n_d
    if forbidden:
        fkey = np.array([t * n_d + d for t, d in forbidden], dtype=np.int64)
        keep = ~np.isin(key, fkey)
        ti, di = ti[keep], di[keep]

    progress(55, "scoring")
    scores = matching.score_pairs(
        t_profiles,
        d_profiles,
        talent_vectors=t_vec,
        demand_vectors=d_vec,
        pairs=(ti, di),
        weights=weights,
        calibration=calibration,
    )

    progress(70, "assignment")
    score = np.asarray(scores.score, dtype=np.float64)
    ok = np.isfinite(score)
    edges = (scores.talent_index[ok], scores.demand_index[ok], score[ok])
    feasible_pairs = set(zip(edges[0].tolist(), edges[1].tolist(), strict=True))
    locked = [p for p in locked if p in feasible_pairs]
    capacities = [d.headcount for d in d_profiles]
    assignment = matching.propose_assignment(
        edges,
        shape=(n_t, n_d),
        capacities=capacities,
        max_per_talent=1,
        locked=tuple(locked),
        forbidden=tuple(forbidden),
        min_score=min_score,
    )
    proposed = set(assignment.pairs)
    rationale = {
        (r.talent, r.demand): r
        for r in matching.explain_assignment(
            edges, assignment, capacities=capacities, shape=(n_t, n_d)
        ).pairs
    }
    good = edges[2] >= min_score
    stable = matching.stable_assignment(
        (edges[0][good], edges[1][good], edges[2][good]), capacities=capacities, shape=(n_t, n_d)
    )

    progress(80, "explaining")
    idx = np.flatnonzero(ok)
    # rank within each demand: best score first, then the smaller talent id (stable ties)
    order = idx[np.lexsort((scores.talent_index[idx], -score[idx], scores.demand_index[idx]))]
    rows: list[SuggestionRow] = []
    last_d, rank = -1, 0
    for m in order:
        j, i = int(scores.demand_index[m]), int(scores.talent_index[m])
        if j != last_d:
            last_d, rank = j, 0
        rank += 1
        tid, did = int(t_profiles[i].id), int(d_profiles[j].id)
        is_proposed = (i, j) in proposed
        is_nominated = (did, tid) in inputs.nominated
        if rank > TOP_N and not is_proposed and not is_nominated:
            continue
        # one explanation for every rank; only the phrases are kept for the best few
        explained = explanation_json(
            matching.explain_scores(
                scores,
                int(m),
                t_profiles[i],
                d_profiles[j],
                weights=weights,
                top_phrases=3 if rank <= PHRASES_TOP or is_proposed else 0,
            )
        )
        r = rationale.get((i, j))
        if r is not None:
            explained["assignment"] = _rationale_json(r, t_profiles, d_profiles)
        if is_nominated:
            explained["nominated"] = True
        prev = inputs.previous.get((did, tid))
        change: Literal["new", "same", "changed"] = (
            "new"
            if prev is None
            else "same"
            if prev[0] == rank and abs(prev[1] - float(score[m])) < 1e-6
            else "changed"
        )
        rows.append(
            SuggestionRow(
                demand_id=did,
                talent_id=tid,
                rank=rank,
                score=round(float(score[m]), 6),
                confidence=round(float(scores.confidence[m]), 4),
                components={c: _num(scores.components[c][m]) for c in scores.components},
                explanation=explained,
                is_proposed=is_proposed,
                change=change,
                status="approved" if (did, tid) in approved else "pending",
            )
        )
    current = {(r.demand_id, r.talent_id) for r in rows}
    dropped = sorted(set(inputs.previous) - current)
    summary |= {
        "pairs_scored": len(score),
        "feasible_pairs": int(ok.sum()),
        "suggestions": len(rows),
        "proposed": len(assignment.pairs),
        "total_score": round(float(assignment.total_score), 4),
        "assignment_status": assignment.status,
        "assignment_message": assignment.message,
        "unfilled_headcount": int(assignment.unfilled),
        "stable_total_score": round(float(stable.total_score), 4),
        "stable_proposed": len(stable.pairs),
        "new": sum(1 for r in rows if r.change == "new") if inputs.has_previous else len(rows),
        "changed": sum(1 for r in rows if r.change == "changed"),
        "dropped": len(dropped),
        "dropped_pairs": [list(p) for p in dropped[:200]],
    }
    return RunResult(tuple(rows), summary)
