"""Match runs and suggestions, scoped: office staff start and read runs; an agency reads the
suggestions of its own talents; pair decisions (lock, forbid) are office reviewers' calls."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.policies import suggestions as policy
from app.access.policies.suggestions import SuggestionAction
from app.db import paginate
from app.errors import AppError, FieldErrors, NotFound, constraint_name
from app.models import AppSetting, Demand, MatchRun, PairDecision, Suggestion
from app.models.states import (
    ACTIVE_RUNS,
    Machine,
    RunStatus,
    SuggestionChanged,
    SuggestionStatus,
    check_transition,
)

WEIGHTS_KEY = "matching.weights"


class RunInProgress(AppError):
    status, code = 409, "match_run_in_progress"


def current_weights(session: Session) -> dict[str, float]:
    from matching import Weights

    row = session.get(AppSetting, WEIGHTS_KEY)
    return Weights.from_mapping(row.value if row else {}).as_dict()


def set_weights(session: Session, viewer: Viewer, values: dict[str, float]) -> dict[str, float]:
    from matching import MatchingError, Weights

    policy.require(viewer, SuggestionAction.set_weights)
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
    policy.require(viewer, SuggestionAction.start_run)
    active = _active_run_id(session)
    if active is not None:
        raise RunInProgress(current_id=active)
    run = MatchRun(
        status=RunStatus.queued.value,
        created_by_id=viewer.id,
        params={"min_score": min_score, "k": k, "weights": current_weights(session)},
    )
    try:
        # Single flight: the partial unique index refuses a second queued or running run
        # (PostgreSQL makes a parallel start wait here until the first one commits).
        with session.begin_nested():
            session.add(run)
            session.flush()
    except IntegrityError as exc:
        if constraint_name(exc) != "uq_match_runs_active":
            raise
        raise RunInProgress(current_id=_active_run_id(session)) from exc
    # Looked up after the insert won: a run that finished meanwhile is this one's previous.
    run.previous_run_id = session.scalar(
        select(MatchRun.id)
        .where(MatchRun.status == RunStatus.succeeded.value, MatchRun.id != run.id)
        .order_by(MatchRun.id.desc())
    )
    session.flush()
    return run


def _active_run_id(session: Session) -> int | None:
    return session.scalar(
        select(MatchRun.id).where(MatchRun.status.in_(ACTIVE_RUNS)).order_by(MatchRun.id)
    )


def list_runs(
    session: Session, viewer: Viewer, *, limit: int, offset: int
) -> tuple[list[MatchRun], int]:
    policy.require(viewer, SuggestionAction.list_runs)
    return paginate(
        session, select(MatchRun).order_by(MatchRun.id.desc()), limit=limit, offset=offset
    )


def get_run(session: Session, viewer: Viewer, run_id: int) -> MatchRun:
    policy.require(viewer, SuggestionAction.read_run)
    run = session.get(MatchRun, run_id)
    if run is None:
        raise NotFound()
    return run


def latest_run(session: Session) -> MatchRun | None:
    return session.scalar(
        select(MatchRun)
        .where(MatchRun.status == RunStatus.succeeded.value)
        .order_by(MatchRun.id.desc())
    )


def cancel_run(session: Session, viewer: Viewer, run_id: int) -> MatchRun:
    policy.require(viewer, SuggestionAction.cancel_run)
    run = get_run(session, viewer, run_id)
    # a running run stops at its next step and then records itself cancelled
    check_transition(Machine.run, run.status, RunStatus.cancelled)
    # Compare-and-set on the status read: the job may have started or ended the run since.
    values: dict[str, Any] = {"cancel_requested": True}
    if run.status == RunStatus.queued:
        values |= {"status": RunStatus.cancelled.value, "stage": "cancelled"}
    result = session.execute(
        update(MatchRun)
        .where(MatchRun.id == run.id, MatchRun.status == run.status)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(run)
    if getattr(result, "rowcount", 0) != 1:
        check_transition(Machine.run, run.status, RunStatus.cancelled)
        return cancel_run(session, viewer, run_id)  # queued became running: ask it to stop
    return run


def scoped_suggestions(viewer: Viewer) -> Select[Any]:
    return policy.readable(viewer)


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
    policy.require(viewer, SuggestionAction.decide_pair)
    suggestion = get_suggestion(session, viewer, suggestion_id)
    target = SuggestionStatus.locked if decision == "lock" else SuggestionStatus.forbidden
    check_transition(Machine.suggestion, suggestion.status, target)
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
    suggestion.status = target.value
    flush_versioned(session)
    return row


def flush_versioned(session: Session) -> None:
    """Flush; a concurrent change to a versioned suggestion answers 409 `suggestion_changed`."""
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm.exc import StaleDataError

    try:
        session.flush()
    except (StaleDataError, IntegrityError) as exc:
        raise SuggestionChanged() from exc


def demand_titles(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Demand.id, Demand.title).where(Demand.id.in_(ids))).all())
