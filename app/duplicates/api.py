"""/api/v1/duplicates: candidate groups, batch scan, merges and undo (office); merge status of
a talent (anyone who may see the talent)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from app.access.deps import ApiViewer
from app.db import SessionDep
from app.duplicates import service
from app.i18n import locale_of, translate
from app.models import TalentMerge

router = APIRouter(prefix="/api/v1/duplicates", tags=["duplicates"])


class ScanRead(BaseModel):
    new_pairs: int
    groups: int


class MemberRead(BaseModel):
    id: int
    name: str
    organization_id: int
    organization_name: str
    birth_year: int | None
    school: str | None
    employer: str | None


class PairRead(BaseModel):
    id: int
    talent_a_id: int
    talent_b_id: int
    confidence: float
    reasons: list[str]
    reason_text: list[str]


class GroupRead(BaseModel):
    confidence: float
    members: list[MemberRead]
    pairs: list[PairRead]


class MergeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    talent_ids: list[int] = Field(min_length=2, max_length=20)
    primary_talent_id: int


class MergedFieldRead(BaseModel):
    field: str
    value: Any
    source_talent_id: int
    source_organization: str


class MergeRead(BaseModel):
    id: int
    primary_talent_id: int
    talent_ids: list[int]
    organization_ids: list[int]
    created_at: dt.datetime
    undone_at: dt.datetime | None
    is_active: bool
    profile: list[MergedFieldRead]


class MergeStatusRead(BaseModel):
    talent_id: int
    is_merged: bool
    merge_id: int | None
    merged_at: str | None
    credited_organizations: list[str]


def reason_text(reasons: list[str], locale: str) -> list[str]:
    return [translate(f"duplicates.reason.{r}", locale) for r in reasons]


def merge_read(session: SessionDep, merge: TalentMerge, locale: str) -> MergeRead:
    return MergeRead(
        id=merge.id,
        primary_talent_id=merge.primary_talent_id,
        talent_ids=sorted(m.talent_id for m in merge.members),
        organization_ids=sorted({m.organization_id for m in merge.members}),
        created_at=merge.created_at,
        undone_at=merge.undone_at,
        is_active=merge.is_active,
        profile=[
            MergedFieldRead(**f.__dict__) for f in service.merged_profile(session, merge, locale)
        ],
    )


@router.get("/groups")
def list_groups(request: Request, session: SessionDep, viewer: ApiViewer) -> list[GroupRead]:
    """Open candidate pairs joined into groups, most confident first (office only)."""
    locale = locale_of(request)
    return [
        GroupRead(
            confidence=g.confidence,
            members=[MemberRead(**m.__dict__) for m in g.members],
            pairs=[
                PairRead(
                    id=p.id,
                    talent_a_id=p.a,
                    talent_b_id=p.b,
                    confidence=p.confidence,
                    reasons=p.reasons,
                    reason_text=reason_text(p.reasons, locale),
                )
                for p in g.pairs
            ],
        )
        for g in service.list_groups(session, viewer, locale)
    ]


@router.post("/scan")
def scan(session: SessionDep, viewer: ApiViewer) -> ScanRead:
    """The batch check over the whole pool (office only)."""
    scan = service.scan_once(session, viewer)
    return ScanRead(new_pairs=scan.new_pairs or 0, groups=len(service.list_groups(session, viewer)))


@router.post("/merges", status_code=201)
def merge(data: MergeCreate, request: Request, session: SessionDep, viewer: ApiViewer) -> MergeRead:
    merge = service.merge_talents(
        session, viewer, data.talent_ids, primary_talent_id=data.primary_talent_id
    )
    session.commit()
    return merge_read(session, merge, locale_of(request))


@router.get("/merges/{merge_id}")
def get_merge(merge_id: int, request: Request, session: SessionDep, viewer: ApiViewer) -> MergeRead:
    return merge_read(session, service.get_merge(session, viewer, merge_id), locale_of(request))


@router.post("/merges/{merge_id}/undo")
def undo(merge_id: int, request: Request, session: SessionDep, viewer: ApiViewer) -> MergeRead:
    merge = service.undo_merge(session, viewer, merge_id)
    session.commit()
    return merge_read(session, merge, locale_of(request))


@router.get("/talents/{talent_id}")
def talent_merge_status(
    talent_id: int, request: Request, session: SessionDep, viewer: ApiViewer
) -> MergeStatusRead:
    """Whether this talent was merged and which agencies share the credit; no other fields."""
    status = service.merge_status(session, viewer, talent_id, locale_of(request))
    return MergeStatusRead(**status.__dict__)
