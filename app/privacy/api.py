"""POST /api/v1/talents/{talent_id}/erase: erase a talent's personal data on request."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.deps import ApiViewer
from app.context import app_context
from app.db import SessionDep
from app.models import TalentErasure
from app.privacy import service

router = APIRouter(prefix="/api/v1/talents", tags=["privacy"])


class ErasureRead(BaseModel):
    id: int
    organization_id: int
    erased_at: dt.datetime
    counts: dict[str, int]

    @classmethod
    def of(cls, e: TalentErasure) -> ErasureRead:
        return cls(
            id=e.id, organization_id=e.organization_id, erased_at=e.erased_at, counts=e.counts
        )


def erase(request: Request, session: Session, viewer: Viewer, talent_id: int) -> TalentErasure:
    """Erase with the process's encoder when it is loaded, else prune the disk cache only."""
    context = app_context(request)
    encoder = context.indexer.encoder if context.indexer.encoder_loaded else None
    settings = context.settings
    return service.erase_talent(
        session,
        viewer,
        talent_id,
        encoder=encoder,
        vector_cache_dir=Path(settings.data_dir) / "vectors",
    )


@router.post("/{talent_id}/erase")
def erase_talent(
    talent_id: int, request: Request, session: SessionDep, viewer: ApiViewer
) -> ErasureRead:
    """The talent's agency or an office admin: delete every trace of the person, keeping only
    anonymised counts. Irreversible."""
    erasure = erase(request, session, viewer, talent_id)
    session.commit()
    return ErasureRead.of(erasure)
