"""GET /: the viewer's home page, with counts and shortcuts chosen by role."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access import policies as access
from app.access.deps import PageViewer
from app.access.policies.demands import DemandAction
from app.access.policies.dispatches import DispatchAction
from app.access.policies.enterprises import EnterpriseAction
from app.access.policies.introductions import IntroductionAction
from app.access.policies.suggestions import SuggestionAction
from app.access.policies.talents import TalentAction
from app.access.policies.users import UserAction
from app.access.rules import role_word
from app.context import app_context
from app.db import SessionDep, count_rows, utcnow
from app.demands.service import scoped_demands
from app.models import Demand, Dispatch, Introduction, MatchRun, Suggestion, Talent
from app.models.enums import DemandStatus, TalentStatus
from app.models.states import IntroductionStatus, RunStatus, SuggestionStatus
from app.public.service import queue_size
from app.talents.service import scoped_talents
from app.web import render

router = APIRouter(include_in_schema=False)


def _home_counts(session: Session, viewer: Viewer) -> list[tuple[str, int]]:
    open_demands = scoped_demands(viewer).where(Demand.status == DemandStatus.open.value)
    counts = [
        (
            "home.open_demands",
            count_rows(session, open_demands),
        ),
        (
            "home.open_headcount",
            session.scalar(select(func.coalesce(func.sum(open_demands.subquery().c.headcount), 0)))
            or 0,
        ),
    ]
    if access.enterprises.can(viewer, EnterpriseAction.browse):
        counts.append(
            (
                "home.enterprises",
                count_rows(session, access.enterprises.listed(viewer)),
            )
        )
    if access.talents.can(viewer, TalentAction.read):
        active = scoped_talents(viewer).where(Talent.status == TalentStatus.active.value)
        counts.append(
            (
                "home.active_talents",
                count_rows(session, active),
            )
        )
    return counts


COUNT_LINKS = {
    "home.open_demands": "/demands?status=open",
    "home.open_headcount": "/demands?status=open",
    "home.enterprises": "/enterprises",
    "home.active_talents": "/talents?status=active",
}


def _todos(session: Session, viewer: Viewer, zone: dt.tzinfo) -> list[tuple[str, int, str]]:
    """What waits for this viewer, as (message, count, where to act), most urgent first; only
    the kinds of work the viewer's role does, and only those with something waiting."""
    todos: list[tuple[str, int, str]] = []
    if access.suggestions.can(viewer, SuggestionAction.review):
        latest = session.scalar(
            select(MatchRun.id)
            .where(MatchRun.status == RunStatus.succeeded.value)
            .order_by(MatchRun.id.desc())
            .limit(1)
        )
        if latest is not None:
            pending = access.suggestions.readable(viewer).where(
                Suggestion.match_run_id == latest,
                Suggestion.status == SuggestionStatus.pending.value,
            )
            todos.append(("home.todo.review", count_rows(session, pending), "/review"))
    waiting = access.introductions.readable(viewer).where(
        Introduction.status == IntroductionStatus.pending.value
    )
    if access.introductions.can(viewer, IntroductionAction.answer_interest):
        unanswered = waiting.where(Introduction.interested.is_(None))
        todos.append(
            ("home.todo.answer_interest", count_rows(session, unanswered), "/introductions")
        )
    if access.introductions.can(viewer, IntroductionAction.record_consent):
        unasked = waiting.where(Introduction.consent.is_(None))
        todos.append(("home.todo.record_consent", count_rows(session, unasked), "/introductions"))
    if access.dispatches.can(viewer, DispatchAction.read):
        today = utcnow().astimezone(zone).date()
        open_tasks = access.dispatches.readable(viewer).where(Dispatch.status == "open")
        overdue = open_tasks.where(Dispatch.due_date < today)
        todos.append(
            ("home.todo.overdue_dispatches", count_rows(session, overdue), "/dispatches?overdue=1")
        )
        if access.dispatches.can(viewer, DispatchAction.nominate):
            todos.append(
                ("home.todo.open_dispatches", count_rows(session, open_tasks), "/dispatches")
            )
    waiting_signups = queue_size(session, viewer)
    todos.append(("home.public_interests", waiting_signups, "/public-interests"))
    return [todo for todo in todos if todo[1]]


def _home_actions(viewer: Viewer) -> list[tuple[str, str]]:
    actions: list[tuple[str, str]] = []
    if access.suggestions.can(viewer, SuggestionAction.start_run):
        actions.append(("matching.run_button", "/match-runs"))
    if access.enterprises.can(viewer, EnterpriseAction.create):
        actions.append(("action.new_enterprise", "/enterprises/new"))
    if access.demands.can(viewer, DemandAction.create):
        actions.append(("action.new_demand", "/demands/new"))
    if access.talents.can(viewer, TalentAction.create):
        actions.append(("action.new_talent", "/talents/new"))
    if access.demands.looks_for_talent(viewer):
        actions.append(("home.open_demands", "/demands?status=open"))
    if access.users.can(viewer, UserAction.create):
        actions.append(("action.new_user", "/users/new"))
    return actions


HINTS = {
    "office": "home.hint.office",
    "reviewer": "home.hint.reviewer",
    "chamber": "home.hint.chamber",
    "enterprise": "home.hint.enterprise",
    "agency": "home.hint.agency",
}


@router.get("/")
def home(request: Request, session: SessionDep, viewer: PageViewer) -> Response:
    counts = [(key, value, COUNT_LINKS.get(key)) for key, value in _home_counts(session, viewer)]
    return render(
        request,
        "home/home.html",
        {
            "todos": _todos(session, viewer, app_context(request).settings.zone),
            "counts": counts,
            "actions": _home_actions(viewer),
            "hint": HINTS[role_word(viewer)],
        },
    )
