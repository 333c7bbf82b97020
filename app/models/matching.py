"""Match runs, their ranked suggestions, staff decisions on pairs, and the scoring weights."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class MatchRun(Base):
    """One run of the matching engine over all open demands and active talents."""

    __tablename__ = "match_runs"
    __table_args__ = (
        # Single flight: at most one run queued or running, whoever starts it.
        Index(
            "uq_match_runs_active",
            "queue",
            unique=True,
            sqlite_where=text("status IN ('queued', 'running')"),
            postgresql_where=text("status IN ('queued', 'running')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The same for every run: the column the single-flight index above is built on.
    queue: Mapped[str] = mapped_column(String(20), default="matching", server_default="matching")
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    progress: Mapped[int] = mapped_column(default=0)
    stage: Mapped[str] = mapped_column(String(40), default="")
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    previous_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("match_runs.id", ondelete="SET NULL")
    )


class Suggestion(Base):
    """A ranked talent for a demand in one run; `is_proposed` marks the optimal assignment."""

    __tablename__ = "suggestions"
    __table_args__ = (UniqueConstraint("match_run_id", "demand_id", "talent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    match_run_id: Mapped[int] = mapped_column(
        ForeignKey("match_runs.id", ondelete="CASCADE"), index=True
    )
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int]
    score: Mapped[float] = mapped_column(Float)
    confidence: Mapped[float] = mapped_column(Float)
    components: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_proposed: Mapped[bool] = mapped_column(default=False)
    change: Mapped[str] = mapped_column(String(10), default="new")  # new, same, changed
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class PairDecision(Base):
    """A staff decision on a talent-demand pair that every later run respects: lock or forbid."""

    __tablename__ = "pair_decisions"
    __table_args__ = (UniqueConstraint("demand_id", "talent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(10))  # lock, forbid
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AppSetting(Base):
    """Settings the office edits at run time (the matching weights), as JSON by key."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
