"""Cross-agency duplicates: candidate pairs of talents and the office's merges of them.

A merge never deletes a talent: every agency's submitted row stays (so each keeps its credit),
the merge records its members, which version each field of the merged profile comes from, and
when it was undone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow


class DuplicatePair(Base):
    __tablename__ = "duplicate_pairs"
    __table_args__ = (UniqueConstraint("talent_a_id", "talent_b_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # talent_a_id < talent_b_id, so a pair is stored once.
    talent_a_id: Mapped[int] = mapped_column(
        ForeignKey("talents.id", ondelete="CASCADE"), index=True
    )
    talent_b_id: Mapped[int] = mapped_column(
        ForeignKey("talents.id", ondelete="CASCADE"), index=True
    )
    confidence: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DuplicateScan(Base):
    """One batch scan of the whole pool; at most one is `running` (then `done` or `failed`)."""

    __tablename__ = "duplicate_scans"
    __table_args__ = (
        Index(
            "uq_duplicate_scans_running",
            "status",
            unique=True,
            sqlite_where=text("status = 'running'"),
            postgresql_where=text("status = 'running'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default="running")
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    new_pairs: Mapped[int | None]


class TalentMerge(Base):
    __tablename__ = "talent_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    primary_talent_id: Mapped[int] = mapped_column(
        ForeignKey("talents.id", ondelete="CASCADE"), index=True
    )
    # field name -> id of the member talent whose value the merged profile shows.
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    members: Mapped[list[TalentMergeMember]] = relationship(
        back_populates="merge", lazy="selectin", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        return self.undone_at is None


class TalentMergeMember(Base):
    __tablename__ = "talent_merge_members"

    merge_id: Mapped[int] = mapped_column(
        ForeignKey("talent_merges.id", ondelete="CASCADE"), primary_key=True
    )
    talent_id: Mapped[int] = mapped_column(
        ForeignKey("talents.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)

    merge: Mapped[TalentMerge] = relationship(back_populates="members")
