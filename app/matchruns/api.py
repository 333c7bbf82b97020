"""/api/v1/match-runs, /api/v1/suggestions, /api/v1/matching/weights, /api/v1/occupations."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.deps import ApiViewer
from app.access.policies import suggestions as policy
from app.access.policies.suggestions import SuggestionAction
from app.context import app_context
from app.db import SessionDep
from app.i18n import locale_of
from app.matchruns import service
from app.matchruns.explanations import shown_explanations
from app.models import Suggestion

router = APIRouter(prefix="/api/v1", tags=["matching"])


class MatchRunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_score: float = Field(0.3, ge=0, le=1, description="pairs below are never proposed")
    k: int = Field(50, ge=1, le=200, description="candidates kept per demand")


class MatchRunRead(BaseModel):
    id: int
    status: str
    progress: int
    stage: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    error: str | None
    params: dict[str, Any]
    summary: dict[str, Any]
    previous_run_id: int | None

    @classmethod
    def of(cls, run: Any) -> MatchRunRead:
        return cls.model_validate(run, from_attributes=True)


class MatchRunPage(BaseModel):
    items: list[MatchRunRead]
    total: int


class SuggestionRead(BaseModel):
    id: int
    match_run_id: int
    demand_id: int
    talent_id: int
    rank: int
    score: float
    confidence: float
    components: dict[str, Any]
    explanation: dict[str, Any]
    is_proposed: bool
    change: str
    status: str

    @classmethod
    def of(cls, s: Any, *, explanation: dict[str, Any] | None = None) -> SuggestionRead:
        """`explanation`: as the viewer may see it (see `explanations.shown_explanations`)."""
        read = cls.model_validate(s, from_attributes=True)
        return read if explanation is None else read.model_copy(update={"explanation": explanation})


def _shown(
    request: Request, session: Session, viewer: Viewer, items: list[Suggestion]
) -> list[SuggestionRead]:
    shown = shown_explanations(session, viewer, items, locale_of(request))
    return [SuggestionRead.of(s, explanation=shown[s.id]) for s in items]


class SuggestionPage(BaseModel):
    items: list[SuggestionRead]
    total: int


class PairDecisionRead(BaseModel):
    demand_id: int
    talent_id: int
    decision: str


class OccupationHit(BaseModel):
    code: str
    name: str
    score: float


@router.post("/match-runs", status_code=202)
def create_run(
    request: Request, session: SessionDep, viewer: ApiViewer, data: MatchRunCreate | None = None
) -> MatchRunRead:
    """Start a run over all open demands and active talents (office staff). It runs as a job:
    poll `GET /match-runs/{id}` for `status` and `progress`."""
    data = data or MatchRunCreate()
    run = service.start_run(session, viewer, min_score=data.min_score, k=data.k)
    session.commit()
    app_context(request).jobs.submit(run.id)
    return MatchRunRead.of(run)


@router.get("/match-runs")
def list_runs(
    session: SessionDep,
    viewer: ApiViewer,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> MatchRunPage:
    items, total = service.list_runs(session, viewer, limit=limit, offset=offset)
    return MatchRunPage(items=[MatchRunRead.of(r) for r in items], total=total)


@router.get("/match-runs/{run_id}")
def get_run(run_id: int, session: SessionDep, viewer: ApiViewer) -> MatchRunRead:
    return MatchRunRead.of(service.get_run(session, viewer, run_id))


@router.post("/match-runs/{run_id}/cancel")
def cancel_run(run_id: int, session: SessionDep, viewer: ApiViewer) -> MatchRunRead:
    run = service.cancel_run(session, viewer, run_id)
    session.commit()
    return MatchRunRead.of(run)


@router.get("/suggestions")
def list_suggestions(
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
    match_run_id: int | None = None,
    demand_id: int | None = None,
    talent_id: int | None = None,
    is_proposed: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> SuggestionPage:
    """Ranked suggestions of a run (the latest succeeded run by default), by demand and rank."""
    items, total = service.list_suggestions(
        session,
        viewer,
        match_run_id=match_run_id,
        demand_id=demand_id,
        talent_id=talent_id,
        is_proposed=is_proposed,
        limit=limit,
        offset=offset,
    )
    return SuggestionPage(items=_shown(request, session, viewer, items), total=total)


@router.get("/suggestions/{suggestion_id}")
def get_suggestion(
    suggestion_id: int, request: Request, session: SessionDep, viewer: ApiViewer
) -> SuggestionRead:
    suggestion = service.get_suggestion(session, viewer, suggestion_id)
    return _shown(request, session, viewer, [suggestion])[0]


def _decide(session: Any, viewer: Any, suggestion_id: int, decision: str) -> PairDecisionRead:
    row = service.decide_pair(session, viewer, suggestion_id, decision)
    session.commit()
    return PairDecisionRead(demand_id=row.demand_id, talent_id=row.talent_id, decision=decision)


@router.post("/suggestions/{suggestion_id}/lock")
def lock_suggestion(suggestion_id: int, session: SessionDep, viewer: ApiViewer) -> PairDecisionRead:
    """Keep this pair in every later proposal."""
    return _decide(session, viewer, suggestion_id, "lock")


@router.post("/suggestions/{suggestion_id}/forbid")
def forbid_suggestion(
    suggestion_id: int, session: SessionDep, viewer: ApiViewer
) -> PairDecisionRead:
    """Never propose this pair again."""
    return _decide(session, viewer, suggestion_id, "forbid")


@router.get("/matching/weights")
def get_weights(session: SessionDep, viewer: ApiViewer) -> dict[str, float]:
    policy.require(viewer, SuggestionAction.list_runs)
    return service.current_weights(session)


@router.put("/matching/weights")
def put_weights(
    data: dict[str, Annotated[float, Field(ge=0, le=100)]], session: SessionDep, viewer: ApiViewer
) -> dict[str, float]:
    """Office admin: the weight of each score component (missing keys keep their default)."""
    weights = service.set_weights(session, viewer, data)
    session.commit()
    return weights


@router.get("/occupations/suggest")
def suggest_occupations(
    viewer: ApiViewer,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    k: Annotated[int, Query(ge=1, le=20)] = 5,
) -> list[OccupationHit]:
    """CSCO 2022 occupations that best fit a job title or description."""
    import matching

    return [
        OccupationHit(code=s.code, name=s.name, score=float(s.score))
        for s in matching.suggest_occupations(q, k=k)
    ]
