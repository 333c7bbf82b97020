"""Match runs and suggestions, scoped: office staff start and read runs; an agency reads the
suggestions of its own talents; pair decisions (lock, forbid) are office reviewers' calls."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.accounts.viewer import Viewer
from app.db import paginate
from app.errors import AppError, Conflict, FieldErrors, Forbidden, NotFound
from app.models import AppSetting, Demand, MatchRun, PairDecision, Suggestion, Talent

WEIGHTS_KEY = "matching.weights"
ACTIVE = ("queued", "running")


class RunInProgress(AppError):
    status, code = 409, "match_run_in_progress"


def require_office(viewer: Viewer) -> None:
    if not viewer.is_office:
        raise Forbidden()


def current_weights(session: Session) -> dict[str, float]:
    from matching import Weights

    row = session.get(AppSetting, WEIGHTS_KEY)
    return Weights.from_mapping(row.value if row else {}).as_dict()


def set_weights(session: Session, viewer: Viewer, values: dict[str, float]) -> dict[str, float]:
    from matching import MatchingError, Weights

    if not viewer.is_admin:
        raise Forbidden()
    try:
        weights = Weights.from_mapping(values).as_dict()
    except MatchingError as exc:
        raise FieldErrors.one("weights", "weights_invalid", detail=str(exc)) from exc
    row = session.get(AppSetting, WEIGHTS_KEY)
    if row is None:
        session.add(AppSetting(key=WEIGHTS_KEY, value=weights))
    else:
        row.value = weights
    session.flush()
    return weights


def start_run(session: Session, viewer: Viewer, *, min_score: float, k: int) -> MatchRun:
    require_office(viewer)
    if session.scalar(select(func.count()).where(MatchRun.status.in_(ACTIVE))):
        raise RunInProgress()
    previous = session.scalar(
        select(MatchRun.id).where(MatchRun.status == "succeeded").order_by(MatchRun.id.desc())
    )
    run = MatchRun(
        status="queued",
        created_by_id=viewer.id,
        params={"min_score": min_score, "k": k, "weights": current_weights(session)},
        previous_run_id=previous,
    )
    session.add(run)
    session.flush()
    return run


def list_runs(
    session: Session, viewer: Viewer, *, limit: int, offset: int
) -> tuple[list[MatchRun], int]:
    require_office(viewer)
    return paginate(
        session, select(MatchRun).order_by(MatchRun.id.desc()), limit=limit, offset=offset
    )


def get_run(session: Session, viewer: Viewer, run_id: int) -> MatchRun:
    if not (viewer.is_office or viewer.is_agency):
        raise Forbidden()
    run = session.get(MatchRun, run_id)
    if run is None:
        raise NotFound()
    return run


def latest_run(session: Session) -> MatchRun | None:
    return session.scalar(
        select(MatchRun).where(MatchRun.status == "succeeded").order_by(MatchRun.id.desc())
    )


def cancel_run(session: Session, viewer: Viewer, run_id: int) -> MatchRun:
    require_office(viewer)
    run = get_run(session, viewer, run_id)
    if run.status not in ACTIVE:
        raise Conflict()
    if run.status == "queued":
        run.status = "cancelled"
        run.stage = "cancelled"
    run.cancel_requested = True
    session.flush()
    return run


def scoped_suggestions(viewer: Viewer) -> Select[Any]:
    stmt = select(Suggestion)
    if viewer.is_office:
        return stmt
    if viewer.is_agency:
        return stmt.join(Talent, Talent.id == Suggestion.talent_id).where(
            Talent.organization_id == viewer.organization_id
        )
    raise Forbidden()


def list_suggestions(
    session: Session,
    viewer: Viewer,
    *,
    match_run_id: int | None,
    demand_id: int | None = None,
    talent_id: int | None = None,
    is_proposed: bool | None = None,
    limit: int,
    offset: int,
) -> tuple[list[Suggestion], int]:
    stmt = scoped_suggestions(viewer)
    if match_run_id is None:
        run = latest_run(session)
        match_run_id = run.id if run else -1
    stmt = stmt.where(Suggestion.match_run_id == match_run_id)
    if demand_id is not None:
        stmt = stmt.where(Suggestion.demand_id == demand_id)
    if talent_id is not None:
        stmt = stmt.where(Suggestion.talent_id == talent_id)
    if is_proposed is not None:
        stmt = stmt.where(Suggestion.is_proposed == is_proposed)
    stmt = stmt.order_by(Suggestion.demand_id, Suggestion.rank, Suggestion.id)
    return paginate(session, stmt, limit=limit, offset=offset)


def get_suggestion(session: Session, viewer: Viewer, suggestion_id: int) -> Suggestion:
    suggestion: Suggestion | None = session.scalar(
        scoped_suggestions(viewer).where(Suggestion.id == suggestion_id)
    )
    if suggestion is None:
        raise NotFound()
    return suggestion


def decide_pair(
    session: Session, viewer: Viewer, suggestion_id: int, decision: str
) -> PairDecision:
    """Lock (keep in every later proposal) or forbid (never propose) a suggestion's pair."""
    from app.review.states import check_suggestion_transition

    require_office(viewer)
    suggestion = get_suggestion(session, viewer, suggestion_id)
    target = "locked" if decision == "lock" else "forbidden"
    check_suggestion_transition(suggestion.status, target)
    row = session.scalar(
        select(PairDecision).where(
            PairDecision.demand_id == suggestion.demand_id,
            PairDecision.talent_id == suggestion.talent_id,
        )
    )
    if row is None:
        row = PairDecision(demand_id=suggestion.demand_id, talent_id=suggestion.talent_id)
        session.add(row)
    row.decision = decision
    row.decided_by_id = viewer.id
    suggestion.status = target
    flush_versioned(session)
    return row


def flush_versioned(session: Session) -> None:
    """Flush; a concurrent change to a versioned suggestion answers 409 `suggestion_changed`."""
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm.exc import StaleDataError

    from app.review.states import SuggestionChanged

    try:
        session.flush()
    except (StaleDataError, IntegrityError) as exc:
        raise SuggestionChanged() from exc


def demand_titles(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Demand.id, Demand.title).where(Demand.id.in_(ids))).all())
