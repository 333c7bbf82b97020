"""Introductions, scoped: the office sees all; an enterprise its own (its chamber its
members'); an agency those of the talents it submitted.

The enterprise side answers interest, the agency records the talent's consent; only when both
said yes does the enterprise side see the contact details, and every reveal is logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.access import Viewer
from app.access.policies import introductions as policy
from app.access.policies.introductions import IntroductionAction
from app.db import lock_row, paginate, utcnow
from app.errors import AppError, FieldErrors, NotFound
from app.models import (
    ContactReveal,
    Demand,
    Introduction,
    Organization,
    PairDecision,
    Talent,
)
from app.models.enums import ConsentMethod, DemandStatus, IntroductionOutcome, TalentStatus
from app.models.states import (
    CONTACT_OPEN,
    IntroductionChanged,
    IntroductionStatus,
    Machine,
    check_transition,
)
from app.notifications.service import (
    enterprise_side_users,
    mark_handled,
    notify,
    organization_users,
)


class IntroductionAlreadyAnswered(AppError):
    status, code = 409, "introduction_already_answered"


class ConsentRequired(AppError):
    status, code = 403, "consent_required"


# Compound family names (复姓) that mask to two characters.
COMPOUND_SURNAMES = frozenset(
    {"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文"}
)


def family_name(name: str) -> str:
    """The family name only: 李明 -> 李, 欧阳娜娜 -> 欧阳, John Smith -> Smith."""
    name = name.strip()
    if not name:
        return ""
    if " " in name or name.isascii():
        return name.split()[-1]
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[0]


def scoped_introductions(viewer: Viewer) -> Select[Any]:
    return policy.readable(viewer)


def list_introductions(
    session: Session,
    viewer: Viewer,
    *,
    status: str | None = None,
    demand_id: int | None = None,
    limit: int,
    offset: int,
) -> tuple[list[Introduction], int]:
    stmt = scoped_introductions(viewer)
    if status:
        stmt = stmt.where(Introduction.status == status)
    if demand_id is not None:
        stmt = stmt.where(Introduction.demand_id == demand_id)
    return paginate(session, stmt.order_by(Introduction.id.desc()), limit=limit, offset=offset)


def status_counts(session: Session, viewer: Viewer) -> dict[str, int]:
    sub = scoped_introductions(viewer).subquery()
    rows = session.execute(select(sub.c.status, func.count()).group_by(sub.c.status))
    return {str(status): int(n) for status, n in rows}


def get_introduction(session: Session, viewer: Viewer, introduction_id: int) -> Introduction:
    """Raises NotFound (also outside the viewer's scope)."""
    intro: Introduction | None = session.scalar(
        scoped_introductions(viewer).where(Introduction.id == introduction_id)
    )
    if intro is None:
        raise NotFound()
    return intro


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise IntroductionChanged() from exc


def _close_pair(session: Session, intro: Introduction, viewer: Viewer) -> None:
    """The introduction ended: never propose this pair again."""
    with session.no_autoflush:  # the versioned flush comes last, in _flush
        row = session.scalar(
            select(PairDecision).where(
                PairDecision.demand_id == intro.demand_id, PairDecision.talent_id == intro.talent_id
            )
        )
    if row is None:
        row = PairDecision(demand_id=intro.demand_id, talent_id=intro.talent_id)
        session.add(row)
    row.decision = "forbid"
    row.decided_by_id = viewer.id


def _settle_answers(session: Session, intro: Introduction, viewer: Viewer) -> None:
    if intro.interested is False or intro.consent is False:
        check_transition(Machine.introduction, intro.status, IntroductionStatus.declined)
        intro.status = IntroductionStatus.declined.value
        _close_pair(session, intro, viewer)
    elif intro.interested and intro.consent:
        check_transition(Machine.introduction, intro.status, IntroductionStatus.connected)
        intro.status = IntroductionStatus.connected.value


def _title(session: Session, intro: Introduction) -> str:
    return session.scalar(select(Demand.title).where(Demand.id == intro.demand_id)) or ""


def answer_interest(
    session: Session,
    viewer: Viewer,
    introduction_id: int,
    *,
    interested: bool,
    reason: str = "",
    version: int | None = None,
) -> Introduction:
    """The enterprise side's answer. Raises Forbidden, NotFound, IntroductionAlreadyAnswered,
    IntroductionInvalidTransition, IntroductionChanged, FieldErrors (a no without a reason)."""
    policy.require(viewer, IntroductionAction.answer_interest)
    intro = get_introduction(session, viewer, introduction_id)
    if version is not None and version != intro.version:
        raise IntroductionChanged()
    if intro.interested is not None:
        raise IntroductionAlreadyAnswered()
    check_transition(Machine.introduction, intro.status, IntroductionStatus.pending)
    if not interested and not reason.strip():
        raise FieldErrors.one("reason", "reason_required")
    intro.interested = interested
    intro.interest_reason = reason.strip()
    intro.interest_by_id = viewer.id
    intro.interest_at = utcnow()
    _settle_answers(session, intro, viewer)
    _flush(session)
    notify(
        session,
        organization_users(session, intro.agency_id),
        "interest_received",
        link=f"/introductions/{intro.id}",
        title=_title(session, intro),
        answer="yes" if interested else "no",
    )
    session.flush()
    mark_handled(session, viewer, f"/introductions/{intro.id}")
    return intro


def record_consent(
    session: Session,
    viewer: Viewer,
    introduction_id: int,
    *,
    consent: bool,
    method: ConsentMethod,
    version: int | None = None,
) -> Introduction:
    """The submitting agency records the talent's answer to this introduction. Raises
    Forbidden, NotFound, IntroductionAlreadyAnswered, IntroductionInvalidTransition,
    IntroductionChanged."""
    policy.require(viewer, IntroductionAction.record_consent)
    intro = get_introduction(session, viewer, introduction_id)
    if version is not None and version != intro.version:
        raise IntroductionChanged()
    if intro.consent is not None:
        raise IntroductionAlreadyAnswered()
    check_transition(Machine.introduction, intro.status, IntroductionStatus.pending)
    intro.consent = consent
    intro.consent_method = method.value
    intro.consent_by_id = viewer.id
    intro.consent_at = utcnow()
    _settle_answers(session, intro, viewer)
    _flush(session)
    notify(
        session,
        enterprise_side_users(session, intro.enterprise_id),
        "consent_recorded",
        link=f"/introductions/{intro.id}",
        title=_title(session, intro),
        answer="yes" if consent else "no",
    )
    session.flush()
    mark_handled(session, viewer, f"/introductions/{intro.id}")
    return intro


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str | None
    email: str | None


def reveal_contact(session: Session, viewer: Viewer, introduction_id: int) -> Contact:
    """The talent's contact details for the enterprise side, after both said yes; logged.
    Raises Forbidden (not the enterprise side), NotFound, ConsentRequired."""
    policy.require(viewer, IntroductionAction.reveal_contact)
    intro = get_introduction(session, viewer, introduction_id)
    if intro.status not in CONTACT_OPEN or not (intro.interested and intro.consent):
        raise ConsentRequired()
    talent = session.get(Talent, intro.talent_id)
    if talent is None:
        raise NotFound()
    session.add(
        ContactReveal(
            introduction_id=intro.id,
            user_id=viewer.id,
            username=viewer.username,
            organization_id=viewer.organization_id,
        )
    )
    session.flush()
    return Contact(name=talent.name, phone=talent.phone, email=talent.email)


def list_reveals(session: Session, viewer: Viewer, introduction_id: int) -> list[ContactReveal]:
    """Who saw the contact details: for the submitting agency and the office."""
    policy.require(viewer, IntroductionAction.read_reveals)
    intro = get_introduction(session, viewer, introduction_id)
    return list(
        session.scalars(
            select(ContactReveal)
            .where(ContactReveal.introduction_id == intro.id)
            .order_by(ContactReveal.id)
        )
    )


def record_outcome(
    session: Session,
    viewer: Viewer,
    introduction_id: int,
    *,
    outcome: IntroductionOutcome,
    reason: str = "",
    keep_talent_active: bool = False,
    version: int | None = None,
) -> Introduction:
    """Interviewed, hired or declined. A hire counts against the demand's headcount (filled
    at headcount) and takes the talent out of the active pool unless the agency keeps them.
    Raises Forbidden, NotFound, IntroductionInvalidTransition, IntroductionChanged,
    FieldErrors."""
    intro = get_introduction(session, viewer, introduction_id)
    policy.require(viewer, IntroductionAction.record_outcome, intro)
    if version is not None and version != intro.version:
        raise IntroductionChanged()
    if keep_talent_active and not policy.can(viewer, IntroductionAction.keep_talent_active):
        raise FieldErrors.one("keep_talent_active", "agency_only")
    check_transition(Machine.introduction, intro.status, outcome.value)
    intro.status = outcome.value
    intro.outcome = outcome.value
    intro.outcome_reason = reason.strip()
    intro.outcome_by_id = viewer.id
    intro.outcome_at = utcnow()
    if outcome is IntroductionOutcome.hired:
        _apply_hire(session, intro, keep_talent_active=keep_talent_active)
    if outcome is not IntroductionOutcome.interviewed:
        _close_pair(session, intro, viewer)
    _flush(session)
    link = f"/introductions/{intro.id}"
    recipients = organization_users(session, intro.agency_id) + enterprise_side_users(
        session, intro.enterprise_id
    )
    notify(
        session,
        recipients,
        "outcome_recorded",
        link=link,
        exclude=viewer.id,
        title=_title(session, intro),
        outcome=outcome.value,
    )
    session.flush()
    mark_handled(session, viewer, f"/introductions/{intro.id}")
    return intro


class DemandFull(AppError):
    status, code = 409, "demand_full"


def _apply_hire(session: Session, intro: Introduction, *, keep_talent_active: bool) -> None:
    """Count the hire against the demand's headcount; raises DemandFull at headcount."""
    _flush(session)  # the introduction's version check first: a repeated outcome is a 409
    with session.no_autoflush:
        demand = lock_row(session, Demand, intro.demand_id)
        talent = session.get_one(Talent, intro.talent_id)
    if demand is None:
        raise NotFound()
    # The counter moves in SQL, guarded by the headcount: parallel hires on one demand each
    # count once, no more than `headcount` succeed, and the last one closes the demand.
    hired = Demand.hired_count + 1
    counted = session.execute(
        update(Demand)
        .where(Demand.id == intro.demand_id, Demand.hired_count < Demand.headcount)
        .values(
            hired_count=hired,
            status=case(
                (
                    and_(hired >= Demand.headcount, Demand.status == DemandStatus.open.value),
                    DemandStatus.filled.value,
                ),
                else_=Demand.status,
            ),
        )
        .returning(Demand.hired_count, Demand.status)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    if counted is None:
        raise DemandFull()
    # The ORM learns the new values as a change, so the audit trail and the search outbox
    # record it (the flush writes the same values again, under the row lock held since).
    demand.hired_count, demand.status = counted.hired_count, counted.status
    if not keep_talent_active:
        talent.status = TalentStatus.inactive.value


@dataclass(frozen=True)
class IntroductionView:
    """An introduction with what this viewer may see of the talent."""

    intro: Introduction
    demand_title: str
    enterprise_name: str
    agency_name: str
    talent_name: str  # the family name only for the enterprise side
    talent: Talent
    is_masked: bool
    contact_open: bool


def views(
    session: Session, viewer: Viewer, intros: list[Introduction], locale: str
) -> list[IntroductionView]:
    """Load what the pages and the API show for each introduction, in three queries."""
    if not intros:
        return []
    demands = {
        d.id: d
        for d in session.scalars(select(Demand).where(Demand.id.in_({i.demand_id for i in intros})))
    }
    talents = {
        t.id: t
        for t in session.scalars(select(Talent).where(Talent.id.in_({i.talent_id for i in intros})))
    }
    orgs = {
        o.id: o
        for o in session.scalars(
            select(Organization).where(Organization.id.in_({i.agency_id for i in intros}))
        )
    }
    masked = policy.masks_talent(viewer)
    out = []
    for i in intros:
        d, t = demands[i.demand_id], talents[i.talent_id]
        out.append(
            IntroductionView(
                intro=i,
                demand_title=d.title,
                enterprise_name=d.enterprise.name,
                agency_name=orgs[i.agency_id].display_name(locale),
                talent_name=family_name(t.name) if masked else t.name,
                talent=t,
                is_masked=masked,
                contact_open=i.status in CONTACT_OPEN and bool(i.interested and i.consent),
            )
        )
    return out
