"""Staff review: the queue of the latest run's suggestions, approve (which creates an
introduction) and reject (with a reason, never proposed again), one by one or in bulk."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.policies import suggestions as policy
from app.access.policies.suggestions import SuggestionAction
from app.errors import AppError
from app.matchruns.service import flush_versioned, get_suggestion, latest_run
from app.models import (
    Demand,
    Enterprise,
    Introduction,
    MatchRun,
    PairDecision,
    Suggestion,
    SuggestionReview,
    Talent,
)
from app.models.enums import DemandStatus, RejectReason, TalentStatus
from app.models.states import (
    REVIEWABLE,
    Machine,
    SuggestionChanged,
    SuggestionStatus,
    check_transition,
)
from app.notifications.service import enterprise_side_users, notify, organization_users


class DemandNotOpen(AppError):
    status, code = 409, "demand_not_open"


class TalentNotActive(AppError):
    status, code = 409, "talent_not_active"


class IntroductionExists(AppError):
    status, code = 409, "introduction_exists"


def _check_version(suggestion: Suggestion, version: int | None) -> None:
    if version is not None and version != suggestion.version:
        raise SuggestionChanged()


def _record_pair(session: Session, s: Suggestion, decision: str, viewer: Viewer) -> None:
    with session.no_autoflush:  # the versioned flush comes last, in flush_versioned
        row = session.scalar(
            select(PairDecision).where(
                PairDecision.demand_id == s.demand_id, PairDecision.talent_id == s.talent_id
            )
        )
    if row is None:
        row = PairDecision(demand_id=s.demand_id, talent_id=s.talent_id)
        session.add(row)
    row.decision = decision
    row.decided_by_id = viewer.id


def approve_suggestion(
    session: Session,
    viewer: Viewer,
    suggestion_id: int,
    *,
    note: str = "",
    version: int | None = None,
) -> tuple[Suggestion, Introduction]:
    """Approve a suggestion and open its introduction. Raises Forbidden, NotFound,
    SuggestionInvalidTransition, SuggestionChanged, DemandNotOpen, TalentNotActive,
    IntroductionExists."""
    policy.require(viewer, SuggestionAction.review)
    s = get_suggestion(session, viewer, suggestion_id)
    _check_version(s, version)
    check_transition(Machine.suggestion, s.status, SuggestionStatus.approved)
    demand = session.get_one(Demand, s.demand_id)
    if demand.status != DemandStatus.open.value:
        raise DemandNotOpen()
    talent = session.get_one(Talent, s.talent_id)
    if talent.status != TalentStatus.active.value:
        raise TalentNotActive()
    if session.scalar(
        select(Introduction.id).where(
            Introduction.demand_id == s.demand_id, Introduction.talent_id == s.talent_id
        )
    ):
        raise IntroductionExists()
    s.status = SuggestionStatus.approved.value
    session.add(
        SuggestionReview(
            suggestion_id=s.id,
            demand_id=s.demand_id,
            talent_id=s.talent_id,
            decision="approved",
            note=note,
            reviewer_id=viewer.id,
        )
    )
    _record_pair(session, s, "approve", viewer)
    intro = Introduction(
        suggestion_id=s.id,
        demand_id=s.demand_id,
        talent_id=s.talent_id,
        enterprise_id=demand.enterprise_id,
        agency_id=talent.organization_id,
        score=s.score,
        created_by_id=viewer.id,
    )
    session.add(intro)
    flush_versioned(session)
    link = f"/introductions/{intro.id}"
    notify(
        session,
        enterprise_side_users(session, demand.enterprise_id),
        "introduction_new",
        link=link,
        title=demand.title,
    )
    notify(
        session,
        organization_users(session, talent.organization_id),
        "consent_needed",
        link=link,
        title=demand.title,
        name=talent.name,
    )
    session.flush()
    return s, intro


def reject_suggestion(
    session: Session,
    viewer: Viewer,
    suggestion_id: int,
    *,
    reason: RejectReason,
    note: str = "",
    version: int | None = None,
) -> tuple[Suggestion, SuggestionReview]:
    """Reject a suggestion with a reason; the pair is forbidden in every later run. Raises
    Forbidden, NotFound, SuggestionInvalidTransition, SuggestionChanged."""
    policy.require(viewer, SuggestionAction.review)
    s = get_suggestion(session, viewer, suggestion_id)
    _check_version(s, version)
    check_transition(Machine.suggestion, s.status, SuggestionStatus.rejected)
    s.status = SuggestionStatus.rejected.value
    review = SuggestionReview(
        suggestion_id=s.id,
        demand_id=s.demand_id,
        talent_id=s.talent_id,
        decision="rejected",
        reason=reason.value,
        note=note,
        reviewer_id=viewer.id,
    )
    session.add(review)
    _record_pair(session, s, "forbid", viewer)
    flush_versioned(session)
    return s, review


@dataclass(frozen=True)
class BulkResult:
    suggestion_id: int
    ok: bool
    code: str = "ok"
    introduction_id: int | None = None


def review_many(
    session: Session,
    viewer: Viewer,
    items: list[tuple[int, int | None]],
    *,
    action: str,
    reason: RejectReason | None = None,
    note: str = "",
) -> list[BulkResult]:
    """Approve or reject many (suggestion id, expected version) pairs; each one in its own
    savepoint, so one refusal (a 409, a 404) leaves the others decided."""
    policy.require(viewer, SuggestionAction.review)
    results: list[BulkResult] = []
    for suggestion_id, version in items:
        try:
            with session.begin_nested():
                if action == "approve":
                    _, intro = approve_suggestion(
                        session, viewer, suggestion_id, note=note, version=version
                    )
                    results.append(BulkResult(suggestion_id, True, introduction_id=intro.id))
                else:
                    reject_suggestion(
                        session,
                        viewer,
                        suggestion_id,
                        reason=reason or RejectReason.other,
                        note=note,
                        version=version,
                    )
                    results.append(BulkResult(suggestion_id, True))
        except AppError as exc:
            results.append(BulkResult(suggestion_id, False, exc.code))
    return results


@dataclass
class QueueGroup:
    demand: Demand
    items: list[tuple[Suggestion, Talent]] = field(default_factory=list)


@dataclass(frozen=True)
class QueueFilters:
    agency_id: int | None = None
    chamber_id: int | None = None
    industry: str | None = None
    min_score: float | None = None
    status: str = "open"  # open (pending or locked), or one suggestion status
    proposed_only: bool = False


def review_queue(
    session: Session, viewer: Viewer, filters: QueueFilters, *, limit: int, offset: int
) -> tuple[MatchRun | None, list[QueueGroup], int]:
    """The latest run's suggestions grouped by demand (a page of demands), filtered."""
    policy.require(viewer, SuggestionAction.review)
    run = latest_run(session)
    if run is None:
        return None, [], 0
    stmt: Any = (
        select(Suggestion, Talent, Demand)
        .join(Talent, Talent.id == Suggestion.talent_id)
        .join(Demand, Demand.id == Suggestion.demand_id)
        .join(Enterprise, Enterprise.id == Demand.enterprise_id)
        .where(Suggestion.match_run_id == run.id)
    )
    if filters.status == "open":
        stmt = stmt.where(Suggestion.status.in_(REVIEWABLE))
    elif filters.status != "all":
        stmt = stmt.where(Suggestion.status == filters.status)
    if filters.agency_id is not None:
        stmt = stmt.where(Talent.organization_id == filters.agency_id)
    if filters.chamber_id is not None:
        stmt = stmt.where(Enterprise.chamber_id == filters.chamber_id)
    if filters.industry:
        stmt = stmt.where(Enterprise.industry == filters.industry)
    if filters.min_score is not None:
        stmt = stmt.where(Suggestion.score >= filters.min_score)
    if filters.proposed_only:
        stmt = stmt.where(Suggestion.is_proposed.is_(True))
    demand_ids = sorted(set(session.scalars(stmt.with_only_columns(Demand.id).distinct())))
    total = len(demand_ids)
    page_ids = demand_ids[offset : offset + limit]
    groups: dict[int, QueueGroup] = {}
    if page_ids:
        rows = session.execute(
            stmt.where(Demand.id.in_(page_ids)).order_by(Demand.id, Suggestion.rank, Suggestion.id)
        )
        for s, t, d in rows:
            groups.setdefault(d.id, QueueGroup(d)).items.append((s, t))
    return run, list(groups.values()), total
