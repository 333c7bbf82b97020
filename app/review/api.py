"""/api/v1/suggestions/{id}/approve, /reject and /api/v1/suggestions/bulk-review."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.access.deps import ApiViewer
from app.db import SessionDep
from app.errors import FieldErrors
from app.fieldtypes import Note1000
from app.matchruns.api import SuggestionRead
from app.models.enums import RejectReason
from app.review import service

# bounded: the database stores 32-bit integers
Version = Annotated[int, Field(ge=0, le=2_147_483_647)]

router = APIRouter(prefix="/api/v1/suggestions", tags=["review"])

Note = Note1000


class ApproveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Note = ""
    version: Version | None = Field(
        None, description="the suggestion version you saw; 409 if stale"
    )


class RejectBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: RejectReason
    note: Note = ""
    version: Version | None = None


class ReviewRead(BaseModel):
    suggestion: SuggestionRead
    decision: Literal["approved", "rejected"]
    reason: RejectReason | None = None
    note: str = ""
    introduction_id: int | None = None


class BulkItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Version
    version: Version | None = None


class BulkBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["approve", "reject"]
    items: Annotated[list[BulkItem], Field(min_length=1, max_length=200)]
    reason: RejectReason | None = None
    note: Note = ""


class BulkResultRead(BaseModel):
    suggestion_id: int
    ok: bool
    code: str
    introduction_id: int | None


@router.post("/{suggestion_id}/approve")
def approve(
    suggestion_id: int, session: SessionDep, viewer: ApiViewer, data: ApproveBody | None = None
) -> ReviewRead:
    """Office reviewers: approve, which opens an introduction to both sides. 409 with
    `suggestion_invalid_transition` when already decided, `suggestion_changed` when someone
    else changed it first."""
    data = data or ApproveBody()
    s, intro = service.approve_suggestion(
        session, viewer, suggestion_id, note=data.note, version=data.version
    )
    session.commit()
    return ReviewRead(
        suggestion=SuggestionRead.of(s),
        decision="approved",
        note=data.note,
        introduction_id=intro.id,
    )


@router.post("/{suggestion_id}/reject")
def reject(
    suggestion_id: int, data: RejectBody, session: SessionDep, viewer: ApiViewer
) -> ReviewRead:
    """Office reviewers: reject with a reason; the pair is never proposed again."""
    s, _ = service.reject_suggestion(
        session, viewer, suggestion_id, reason=data.reason, note=data.note, version=data.version
    )
    session.commit()
    return ReviewRead(
        suggestion=SuggestionRead.of(s), decision="rejected", reason=data.reason, note=data.note
    )


@router.post("/bulk-review")
def bulk_review(data: BulkBody, session: SessionDep, viewer: ApiViewer) -> list[BulkResultRead]:
    """Approve or reject many suggestions; each answers on its own (`ok`, `code`)."""
    if data.action == "reject" and data.reason is None:
        raise FieldErrors.one("reason", "missing")
    results = service.review_many(
        session,
        viewer,
        [(i.id, i.version) for i in data.items],
        action=data.action,
        reason=data.reason,
        note=data.note,
    )
    session.commit()
    return [
        BulkResultRead(
            suggestion_id=r.suggestion_id, ok=r.ok, code=r.code, introduction_id=r.introduction_id
        )
        for r in results
    ]
