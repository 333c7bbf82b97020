"""Compute one match run: profiles → vectors → exact candidates → scores → optimal proposal.

Runs as a job (see `jobs.py`). Progress and the stage are committed as the run goes, so the
page shows them; between stages the job checks whether staff cancelled it. The result is
deterministic: same database, same suggestions.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session, selectinload
from threadpoolctl import threadpool_limits

import matching
from app.db import utcnow
from app.dispatches.service import nominated_pairs
from app.embedding import service_encoder
from app.models import Demand, MatchRun, PairDecision, Suggestion, Talent
from app.models.enums import DemandStatus, TalentStatus
from app.searching.documents import demand_text, talent_text

log = logging.getLogger(__name__)

TOP_N = 20
PHRASES_TOP = 3  # the best few per demand also get the best-matching phrases (slower)


class Cancelled(Exception):
    pass


class Interrupted(Exception):
    """The process is shutting down: the run stays `queued` and resumes on the next start."""


def _opt_tuple(values: list[str] | None) -> tuple[str, ...] | None:
    return tuple(values) if values else None


def talent_profile(t: Talent) -> matching.TalentProfile:
    return matching.TalentProfile(
        id=t.id,
        text=talent_text(t) or None,
        education=t.education,  # type: ignore[arg-type]
        major=t.major or None,
        years_experience=t.years_experience,
        skills=_opt_tuple(t.skills),
        languages=_opt_tuple(t.languages),
        locations=_opt_tuple(t.preferred_locations),
        salary_expected=t.expected_salary,
        overseas=bool(t.is_returnee),
        occupation_code=t.occupation_code,
    )


def demand_profile(d: Demand, open_headcount: int) -> matching.DemandProfile:
    return matching.DemandProfile(
        id=d.id,
        text=demand_text(d) or None,
        education=d.min_education,  # type: ignore[arg-type]
        majors=_opt_tuple(d.majors),
        min_years=d.min_years_experience,
        required_skills=_opt_tuple(d.required_skills),
        preferred_skills=_opt_tuple(d.preferred_skills),
        languages=_opt_tuple(d.languages),
        location=d.work_location or None,
        salary_min=d.salary_min,
        salary_max=d.salary_max,
        overseas_required=bool(d.overseas_required),
        occupation_code=d.occupation_code,
        headcount=open_headcount,
    )


def _num(x: Any) -> float | None:
    x = float(x)
    return None if np.isnan(x) else round(x, 4)


class _Progress:
    def __init__(
        self,
        session_factory: Callable[[], Session],
        run_id: int,
        stopping: threading.Event | None,
    ) -> None:
        self.session_factory = session_factory
        self.run_id = run_id
        self.stopping = stopping
        self.timings: dict[str, float] = {}
        self._t = time.perf_counter()
        self._stage = ""

    def __call__(self, percent: int, stage: str) -> None:
        now = time.perf_counter()
        if self._stage:
            self.timings[self._stage] = round(now - self._t, 3)
        self._t, self._stage = now, stage
        with self.session_factory() as s:
            s.execute(
                update(MatchRun)
                .where(MatchRun.id == self.run_id)
                .values(progress=percent, stage=stage)
            )
            cancel = s.scalar(select(MatchRun.cancel_requested).where(MatchRun.id == self.run_id))
            s.commit()
        if cancel:
            raise Cancelled()
        if self.stopping is not None and self.stopping.is_set():
            raise Interrupted()


def execute_run(
    session_factory: Callable[[], Session],
    run_id: int,
    settings: Any,
    *,
    stopping: threading.Event | None = None,
) -> None:
    """Run `run_id` to its end and record the outcome; never raises for a failed run."""
    with session_factory() as s:
        run = s.get(MatchRun, run_id)
        if run is None or run.status not in ("queued", "running"):
            return
        if run.cancel_requested:
            run.status, run.stage, run.finished_at = "cancelled", "cancelled", utcnow()
            s.commit()
            return
        run.status, run.progress, run.stage = "running", 1, "loading"
        run.started_at = utcnow()
        run.error = None
        s.commit()
    progress = _Progress(session_factory, run_id, stopping)
    try:
        with threadpool_limits(1):
            _compute(session_factory, run_id, settings, progress)
    except Cancelled:
        _finish(session_factory, run_id, "cancelled", stage="cancelled")
    except Interrupted:
        _finish(session_factory, run_id, "queued", stage="interrupted", finished=False)
    except Exception as exc:
        log.exception("match run %s failed", run_id)
        _finish(
            session_factory, run_id, "failed", stage="failed", error=f"{type(exc).__name__}: {exc}"
        )


def _finish(
    session_factory: Callable[[], Session],
    run_id: int,
    status: str,
    *,
    stage: str,
    error: str | None = None,
    finished: bool = True,
) -> None:
    with session_factory() as s:
        if status != "succeeded":
            s.execute(delete(Suggestion).where(Suggestion.match_run_id == run_id))
        s.execute(
            update(MatchRun)
            .where(MatchRun.id == run_id)
            .values(
                status=status,
                stage=stage,
                error=error[:2000] if error else None,
                finished_at=utcnow() if finished else None,
            )
        )
        s.commit()


def _compute(
    session_factory: Callable[[], Session],
    run_id: int,
    settings: Any,
    progress: _Progress,
) -> None:
    started = time.perf_counter()
    with session_factory() as s:
        run = s.get_one(MatchRun, run_id)
        params = dict(run.params or {})
        previous_run_id = run.previous_run_id
        demands = list(
            s.scalars(
                select(Demand)
                .where(Demand.status == DemandStatus.open.value)
                .options(selectinload(Demand.enterprise))
                .order_by(Demand.id)
            )
        )
        talents = list(
            s.scalars(
                select(Talent).where(Talent.status == TalentStatus.active.value).order_by(Talent.id)
            )
        )
        decisions = list(
            s.execute(select(PairDecision.demand_id, PairDecision.talent_id, PairDecision.decision))
        )
        nominated = nominated_pairs(s)  # issue 6: dispatch nominations join the candidates
        previous: dict[tuple[int, int], tuple[int, float]] = {}
        if previous_run_id:
            previous = {
                (r.demand_id, r.talent_id): (r.rank, r.score)
                for r in s.execute(
                    select(
                        Suggestion.demand_id,
                        Suggestion.talent_id,
                        Suggestion.rank,
                        Suggestion.score,
                    ).where(Suggestion.match_run_id == previous_run_id)
                )
            }
        t_profiles = [talent_profile(t) for t in talents]
        # issue 6: hires already made no longer need filling
        d_profiles = [demand_profile(d, max(1, d.open_headcount)) for d in demands]
        t_texts = [talent_text(t) for t in talents]
        d_texts = [demand_text(d) for d in demands]
    n_t, n_d = len(t_profiles), len(d_profiles)
    weights = matching.Weights.from_mapping(params.get("weights") or {})
    k = int(params.get("k", 50))
    min_score = float(params.get("min_score", 0.3))
    summary: dict[str, Any] = {"demands": n_d, "talents": n_t}

    if n_t == 0 or n_d == 0:
        progress(95, "storing")
        _store(
            session_factory,
            run_id,
            [],
            summary | {"proposed": 0, "total_score": 0.0, "assignment_status": "empty"},
            progress,
        )
        return

    progress(5, "encoding")
    encoder = service_encoder(settings)
    t_vec = np.asarray(encoder.encode(t_texts), dtype=np.float32)
    d_vec = np.asarray(encoder.encode(d_texts), dtype=np.float32)
    calibration = getattr(encoder, "calibration", None)

    progress(40, "candidates")
    t_index = {t.id: i for i, t in enumerate(talents)}
    d_index = {d.id: j for j, d in enumerate(demands)}
    locked = [
        (t_index[tid], d_index[did])
        for did, tid, dec in decisions
        if dec in ("lock", "approve") and tid in t_index and did in d_index
    ]
    forced = [(t_index[t], d_index[d]) for d, t in nominated if t in t_index and d in d_index]
    # issue 6: an approved pair stays proposed (its introduction is under way) and approved
    approved = {(did, tid) for did, tid, dec in decisions if dec == "approve"}
    forbidden = [
        (t_index[tid], d_index[did])
        for did, tid, dec in decisions
        if dec == "forbid" and tid in t_index and did in d_index
    ]
    mask = matching.hard_requirement_mask(t_profiles, d_profiles, per="demand")
    cands = matching.candidates(t_vec, d_vec, k=min(k, n_t), per="demand", mask=mask)
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
    kwargs: dict[str, Any] = {}
    if calibration is not None:
        kwargs["calibration"] = calibration
    scores = matching.score_pairs(
        t_profiles,
        d_profiles,
        talent_vectors=t_vec,
        demand_vectors=d_vec,
        pairs=(ti, di),
        weights=weights,
        **kwargs,
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
    rows: list[dict[str, Any]] = []
    w = weights.as_dict()
    last_d, rank = -1, 0
    comp_names = list(scores.components)
    for m in order:
        j, i = int(scores.demand_index[m]), int(scores.talent_index[m])
        if j != last_d:
            last_d, rank = j, 0
        rank += 1
        is_proposed = (i, j) in proposed
        is_nominated = (demands[j].id, talents[i].id) in nominated
        if rank > TOP_N and not is_proposed and not is_nominated:
            continue
        if rank <= PHRASES_TOP or is_proposed:
            explained = _explanation_json(
                matching.explain_pair(
                    t_profiles[i],
                    d_profiles[j],
                    talent_vector=t_vec[i],
                    demand_vector=d_vec[j],
                    weights=weights,
                    **kwargs,
                )
            )
        else:  # the same explanation without the best-matching phrases, from the arrays
            explained = _quick_explanation(scores, int(m), t_profiles[i], d_profiles[j], w)
        r = rationale.get((i, j))
        if r is not None:
            explained["assignment"] = _rationale_json(r, talents, demands)
        if is_nominated:
            explained["nominated"] = True
        tid, did = talents[i].id, demands[j].id
        prev = previous.get((did, tid))
        change = (
            "new"
            if prev is None
            else "same"
            if prev[0] == rank and abs(prev[1] - float(score[m])) < 1e-6
            else "changed"
        )
        rows.append(
            {
                "match_run_id": run_id,
                "demand_id": did,
                "talent_id": tid,
                "rank": rank,
                "score": round(float(score[m]), 6),
                "confidence": round(float(scores.confidence[m]), 4),
                "components": {c: _num(scores.components[c][m]) for c in comp_names},
                "explanation": explained,
                "is_proposed": is_proposed,
                "change": change,
                "status": "approved" if (did, tid) in approved else "pending",
            }
        )
    current = {(r["demand_id"], r["talent_id"]) for r in rows}
    dropped = sorted(set(previous) - current)
    summary |= {
        "pairs_scored": len(score),
        "feasible_pairs": int(ok.sum()),
        "suggestions": len(rows),
        "proposed": len(assignment.pairs),
        "total_score": round(float(assignment.total_score), 4),
        "assignment_status": assignment.status,
        "assignment_message": assignment.message,
        "unfilled_headcount": int(getattr(assignment, "unfilled", 0)),
        "stable_total_score": round(float(stable.total_score), 4),
        "stable_proposed": len(stable.pairs),
        "new": sum(1 for r in rows if r["change"] == "new") if previous_run_id else len(rows),
        "changed": sum(1 for r in rows if r["change"] == "changed"),
        "dropped": len(dropped),
        "dropped_pairs": [list(p) for p in dropped[:200]],
        "seconds": round(time.perf_counter() - started, 3),
    }
    progress(95, "storing")
    summary["timings"] = progress.timings
    _store(session_factory, run_id, rows, summary, progress)


def _explanation_json(e: matching.PairExplanation) -> dict[str, Any]:
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


def _quick_explanation(
    scores: Any,
    m: int,
    talent: matching.TalentProfile,
    demand: matching.DemandProfile,
    w: dict[str, float],
) -> dict[str, Any]:
    """`explain_pair`'s explanation (without phrases) read off the scored arrays."""
    from matching.text import canonical_item

    known_weight = sum(w[c] for c in matching.COMPONENTS if bool(scores.known[c][m]))
    have = {canonical_item(x) for x in talent.skills or ()}
    wanted = (*(demand.required_skills or ()), *(demand.preferred_skills or ()))
    matched = [x for x in wanted if canonical_item(x) in have]
    missing_skills = [x for x in wanted if canonical_item(x) not in have]
    components: list[dict[str, Any]] = []
    met: list[str] = []
    missing: list[str] = []
    unknown: list[str] = []
    for name in matching.COMPONENTS:
        value = _num(scores.components[name][m])
        applies = bool(scores.known[name][m]) or value is not None
        if w[name] == 0.0:
            status = "not_applicable"
        elif value is None:
            status = "unknown" if bool(scores.applies[name][m]) else "not_applicable"
        elif value >= 1.0 - 1e-6:
            status = "met"
        elif value <= 1e-6:
            status = "missing"
        else:
            status = "partial"
        if status in ("met", "missing", "unknown"):
            {"met": met, "missing": missing, "unknown": unknown}[status].append(name)
        elif status == "partial":
            (met if value is not None and value >= 0.5 else missing).append(name)
        contribution = w[name] * value / known_weight if value is not None and known_weight else 0.0
        components.append(
            {
                "name": name,
                "value": value,
                "weight": w[name],
                "contribution": round(contribution, 4) if applies else 0.0,
                "status": status,
            }
        )
    return {
        "feasible": bool(scores.feasible[m]),
        "reasons": list(scores.reasons_for(m)),
        "components": components,
        "met": met + [f"skill:{x}" for x in matched],
        "missing": missing + [f"skill:{x}" for x in missing_skills],
        "unknown": unknown,
        "matched_skills": matched,
        "missing_skills": missing_skills,
        "best_phrases": [],
    }


def _rationale_json(r: Any, talents: list[Talent], demands: list[Demand]) -> dict[str, Any]:
    def tid(i: int | None) -> int | None:
        return talents[i].id if i is not None else None

    def did(j: int | None) -> int | None:
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


def _store(
    session_factory: Callable[[], Session],
    run_id: int,
    rows: list[dict[str, Any]],
    summary: dict[str, Any],
    progress: _Progress,
) -> None:
    with session_factory() as s:
        s.execute(delete(Suggestion).where(Suggestion.match_run_id == run_id))
        for start in range(0, len(rows), 2000):
            s.execute(insert(Suggestion), rows[start : start + 2000])
        run = s.get_one(MatchRun, run_id)
        if run.cancel_requested:
            s.rollback()
            raise Cancelled()
        run.status, run.progress, run.stage = "succeeded", 100, "done"
        run.finished_at = utcnow()
        run.summary = summary
        s.commit()
