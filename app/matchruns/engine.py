"""Run one match run: load its inputs, compute (`compute.py`: profiles → vectors → exact
candidates → scores → optimal proposal → explanations), store the suggestions.

Runs as a job (see `jobs.py`). Progress and the stage are committed as the run goes, so the
page shows them; between stages the job checks whether staff cancelled it. The result is
deterministic: same database, same suggestions.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session, selectinload
from threadpoolctl import threadpool_limits

import matching
from app.config import Settings
from app.db import utcnow
from app.dispatches.service import nominated_pairs
from app.embedding import service_encoder
from app.matchruns.compute import RunInputs, SuggestionRow, compute_run
from app.models import Demand, MatchRun, PairDecision, Suggestion, Talent
from app.models.enums import DemandStatus, TalentStatus
from app.searching.documents import demand_text, talent_text

log = logging.getLogger(__name__)


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
    settings: Settings,
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
        # Compare-and-set: a cancel committed since the read above wins.
        started = s.execute(
            update(MatchRun)
            .where(
                MatchRun.id == run_id,
                MatchRun.status == run.status,
                MatchRun.cancel_requested.is_(False),
            )
            .values(status="running", progress=1, stage="loading", started_at=utcnow(), error=None)
        )
        s.commit()
        if getattr(started, "rowcount", 0) != 1:
            return
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
    settings: Settings,
    progress: _Progress,
) -> None:
    started = time.perf_counter()
    inputs = load_inputs(session_factory, run_id)
    encoder: matching.Encoder = service_encoder(settings)
    result = compute_run(inputs, encoder, progress=progress)
    progress(95, "storing")
    summary = result.summary | {"seconds": round(time.perf_counter() - started, 3)}
    summary["timings"] = progress.timings
    _store(session_factory, run_id, result.rows, summary)


def load_inputs(session_factory: Callable[[], Session], run_id: int) -> RunInputs:
    """What run `run_id` computes from: open demands, active talents, decisions, nominations
    and the previous run's ranks, read in one session."""
    with session_factory() as s:
        run = s.get_one(MatchRun, run_id)
        params = dict(run.params or {})
        previous_run_id = run.previous_run_id
        demands = s.scalars(
            select(Demand)
            .where(Demand.status == DemandStatus.open.value)
            .options(selectinload(Demand.enterprise))
            .order_by(Demand.id)
        ).all()
        talents = s.scalars(
            select(Talent).where(Talent.status == TalentStatus.active.value).order_by(Talent.id)
        ).all()
        decisions = s.execute(
            select(PairDecision.demand_id, PairDecision.talent_id, PairDecision.decision)
        ).all()
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
        return RunInputs(
            talents=tuple(talent_profile(t) for t in talents),
            # hires already made no longer need filling
            demands=tuple(demand_profile(d, max(1, d.open_headcount)) for d in demands),
            weights=matching.Weights.from_mapping(params.get("weights") or {}),
            k=int(params.get("k", 50)),
            min_score=float(params.get("min_score", 0.3)),
            decisions=tuple((r[0], r[1], r[2]) for r in decisions),
            # dispatch nominations join the candidates
            nominated=frozenset(nominated_pairs(s)),
            previous=previous,
            has_previous=bool(previous_run_id),
        )


def _store(
    session_factory: Callable[[], Session],
    run_id: int,
    rows: Sequence[SuggestionRow],
    summary: dict[str, Any],
) -> None:
    """Replace the run's suggestions with `rows` and mark it succeeded (unless cancelled)."""
    with session_factory() as s:
        s.execute(delete(Suggestion).where(Suggestion.match_run_id == run_id))
        for start in range(0, len(rows), 2000):
            s.execute(
                insert(Suggestion),
                [{"match_run_id": run_id, **asdict(r)} for r in rows[start : start + 2000]],
            )
        run = s.get_one(MatchRun, run_id)
        if run.cancel_requested:
            s.rollback()
            raise Cancelled()
        run.status, run.progress, run.stage = "succeeded", 100, "done"
        run.finished_at = utcnow()
        run.summary = summary
        s.commit()
