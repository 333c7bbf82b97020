"""What remains after a talent's personal data is erased on request: the erasure record and
anonymised outcome rows that keep the dashboards' counts. Neither names the person."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class TalentErasure(Base):
    """One erasure: whose data (the agency, never the person), by whom, when, and how many rows
    of each kind were removed."""

    __tablename__ = "talent_erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    erased_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    erased_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AnonymousOutcome(Base):
    """An erased talent's introduction, without the talent: agency credit, status, dates."""

    __tablename__ = "anonymous_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    erasure_id: Mapped[int] = mapped_column(
        ForeignKey("talent_erasures.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    demand_id: Mapped[int | None] = mapped_column(
        ForeignKey("demands.id", ondelete="SET NULL"), index=True
    )
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(24))
    outcome: Mapped[str | None] = mapped_column(String(24))
    score: Mapped[float | None] = mapped_column(Float)
    introduced_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    outcome_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class PublicInterest(Base):
    """Interest registered on the public page: a draft talent in 人社局's queue, with the
    consent text the person agreed to and when."""

    __tablename__ = "public_interests"

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int | None] = mapped_column(
        ForeignKey("demands.id", ondelete="SET NULL"), index=True
    )
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    consent_text: Mapped[str] = mapped_column(Text)
    consent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default="new", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
