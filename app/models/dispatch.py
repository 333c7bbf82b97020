"""Dispatch (派单): demands sent to supply agencies with a due date, the talents they nominate,
and the reversions that offered an unfilled demand to more agencies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class Dispatch(Base):
    """One demand tasked to one agency: `open` until it nominates, then `answered`."""

    __tablename__ = "dispatches"
    __table_args__ = (UniqueConstraint("demand_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    due_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    source: Mapped[str] = mapped_column(String(12), default="manual")  # manual, rules, reversion
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    first_nomination_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    overdue_notified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Nomination(Base):
    """A talent an agency put forward for a dispatched demand; it enters the next match run.

    The talent link is cleared when the talent's data is erased: the credit stays counted.
    """

    __tablename__ = "nominations"
    __table_args__ = (UniqueConstraint("dispatch_id", "talent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dispatch_id: Mapped[int] = mapped_column(
        ForeignKey("dispatches.id", ondelete="CASCADE"), index=True
    )
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    talent_id: Mapped[int | None] = mapped_column(
        ForeignKey("talents.id", ondelete="SET NULL"), index=True
    )
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class DispatchReversion(Base):
    """A record that an unfilled demand was offered to more agencies automatically."""

    __tablename__ = "dispatch_reversions"

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    days_open: Mapped[int]
    organization_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
