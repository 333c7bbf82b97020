"""/api/v1/introductions: list, read, interest, consent, contact, reveals, outcome."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from app.access import Viewer
from app.access.deps import ApiViewer
from app.db import SessionDep, writes_on_get
from app.fieldtypes import Note1000
from app.i18n import locale_of
from app.introductions import service
from app.models.enums import ConsentMethod, IntroductionOutcome

# bounded: the database stores 32-bit integers
Version = Annotated[int, Field(ge=0, le=2_147_483_647)]

router = APIRouter(prefix="/api/v1/introductions", tags=["introductions"])

Reason = Note1000


class TalentCard(BaseModel):
    """The talent as this viewer may see it: the enterprise side gets the family name only and
    no phone, e-mail or employer."""

    id: int | None
    name: str
    is_masked: bool
    education: str | None
    major: str | None
    professional_title: str | None
    years_experience: int | None
    skills: list[str]
    languages: list[str]
    preferred_locations: list[str]
    is_returnee: bool
    employer: str | None = None


class IntroductionRead(BaseModel):
    id: int
    status: str
    demand_id: int
    demand_title: str
    enterprise_id: int
    enterprise_name: str
    agency_id: int
    agency_name: str
    score: float | None
    talent: TalentCard
    interested: bool | None
    interest_reason: str
    interest_at: dt.datetime | None
    consent: bool | None
    consent_method: str | None
    consent_at: dt.datetime | None
    outcome: str | None
    outcome_reason: str
    outcome_at: dt.datetime | None
    contact_open: bool
    created_at: dt.datetime
    version: int

    @classmethod
    def of(cls, v: service.IntroductionView) -> IntroductionRead:
        i, t = v.intro, v.talent
        card = TalentCard(
            id=None if v.is_masked else t.id,
            name=v.talent_name,
            is_masked=v.is_masked,
            education=t.education,
            major=t.major,
            professional_title=t.professional_title,
            years_experience=t.years_experience,
            skills=list(t.skills or []),
            languages=list(t.languages or []),
            preferred_locations=list(t.preferred_locations or []),
            is_returnee=t.is_returnee,
            employer=None if v.is_masked else t.employer,
        )
        return cls(
            id=i.id,
            status=i.status,
            demand_id=i.demand_id,
            demand_title=v.demand_title,
            enterprise_id=i.enterprise_id,
            enterprise_name=v.enterprise_name,
            agency_id=i.agency_id,
            agency_name=v.agency_name,
            score=i.score,
            talent=card,
            interested=i.interested,
            interest_reason=i.interest_reason,
            interest_at=i.interest_at,
            consent=i.consent,
            consent_method=i.consent_method,
            consent_at=i.consent_at,
            outcome=i.outcome,
            outcome_reason=i.outcome_reason,
            outcome_at=i.outcome_at,
            contact_open=v.contact_open,
            created_at=i.created_at,
            version=i.version,
        )


class IntroductionPage(BaseModel):
    items: list[IntroductionRead]
    total: int
    counts: dict[str, int]


class InterestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    interested: bool
    reason: Reason = ""
    version: Version | None = None


class ConsentBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    consent: bool
    method: ConsentMethod
    version: Version | None = None


class OutcomeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: IntroductionOutcome
    reason: Reason = ""
    keep_talent_active: bool = False
    version: Version | None = None


class ContactRead(BaseModel):
    name: str
    phone: str | None
    email: str | None


class RevealRead(BaseModel):
    username: str
    organization_id: int | None
    at: dt.datetime


def _read(request: Request, session: SessionDep, viewer: Viewer, intro: object) -> IntroductionRead:
    (view,) = service.views(session, viewer, [intro], locale_of(request))  # type: ignore[list-item]
    return IntroductionRead.of(view)


@router.get("")
def list_introductions(
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
    status: Annotated[str | None, Query(max_length=24)] = None,
    demand_id: Annotated[int | None, Query(ge=0, le=2_147_483_647)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> IntroductionPage:
    """Introductions in the viewer's scope, newest first, with counts by status."""
    items, total = service.list_introductions(
        session, viewer, status=status, demand_id=demand_id, limit=limit, offset=offset
    )
    views = service.views(session, viewer, items, locale_of(request))
    return IntroductionPage(
        items=[IntroductionRead.of(v) for v in views],
        total=total,
        counts=service.status_counts(session, viewer),
    )


@router.get("/{introduction_id}")
def get_introduction(
    introduction_id: int, request: Request, session: SessionDep, viewer: ApiViewer
) -> IntroductionRead:
    return _read(
        request, session, viewer, service.get_introduction(session, viewer, introduction_id)
    )


@router.post("/{introduction_id}/interest")
def answer_interest(
    introduction_id: int,
    data: InterestBody,
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
) -> IntroductionRead:
    """The enterprise (its users, or its chamber): `{"interested": false}` needs a reason."""
    intro = service.answer_interest(
        session,
        viewer,
        introduction_id,
        interested=data.interested,
        reason=data.reason,
        version=data.version,
    )
    session.commit()
    return _read(request, session, viewer, intro)


@router.post("/{introduction_id}/consent")
def record_consent(
    introduction_id: int,
    data: ConsentBody,
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
) -> IntroductionRead:
    """The submitting agency: the talent's answer to this introduction, and how it was given."""
    intro = service.record_consent(
        session,
        viewer,
        introduction_id,
        consent=data.consent,
        method=data.method,
        version=data.version,
    )
    session.commit()
    return _read(request, session, viewer, intro)


@router.get("/{introduction_id}/contact")
@writes_on_get  # each reveal is logged
def reveal_contact(introduction_id: int, session: SessionDep, viewer: ApiViewer) -> ContactRead:
    """The enterprise side, once both said yes (403 `consent_required` before). Logged."""
    contact = service.reveal_contact(session, viewer, introduction_id)
    session.commit()
    return ContactRead(name=contact.name, phone=contact.phone, email=contact.email)


@router.get("/{introduction_id}/reveals")
def list_reveals(introduction_id: int, session: SessionDep, viewer: ApiViewer) -> list[RevealRead]:
    """Who saw the contact details, and when (the submitting agency and the office)."""
    return [
        RevealRead(username=r.username, organization_id=r.organization_id, at=r.at)
        for r in service.list_reveals(session, viewer, introduction_id)
    ]


@router.post("/{introduction_id}/outcome")
def record_outcome(
    introduction_id: int,
    data: OutcomeBody,
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
) -> IntroductionRead:
    """interviewed, hired, declined_by_enterprise or declined_by_talent, with a reason."""
    intro = service.record_outcome(
        session,
        viewer,
        introduction_id,
        outcome=data.outcome,
        reason=data.reason,
        keep_talent_active=data.keep_talent_active,
        version=data.version,
    )
    session.commit()
    return _read(request, session, viewer, intro)
