"""Demands (需求): jobs, R&D projects and leading-talent projects posted for an enterprise."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.models.org import Enterprise


class Demand(Base):
    __tablename__ = "demands"
    __table_args__ = (
        CheckConstraint("headcount >= 1", name="headcount_positive"),
        CheckConstraint(
            "salary_min IS NULL OR salary_max IS NULL OR salary_min <= salary_max",
            name="salary_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    # Hires recorded through introductions; at `headcount` the demand is `filled`.
    hired_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    occupation_code: Mapped[str | None] = mapped_column(String(12))
    min_education: Mapped[str | None] = mapped_column(String(20))
    majors: Mapped[list[str]] = mapped_column(JSON, default=list)
    min_years_experience: Mapped[int | None]
    required_skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    preferred_skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    work_location: Mapped[str | None] = mapped_column(String(100))
    salary_min: Mapped[int | None]
    salary_max: Mapped[int | None]
    overseas_required: Mapped[bool] = mapped_column(default=False)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    enterprise: Mapped[Enterprise] = relationship(back_populates="demands", lazy="joined")

    @property
    def open_headcount(self) -> int:
        return max(0, self.headcount - (self.hired_count or 0))
