"""GET /: the viewer's home page, with counts and shortcuts chosen by role."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access import policies as access
from app.access.policies.demands import DemandAction
from app.access.policies.enterprises import EnterpriseAction
from app.access.policies.suggestions import SuggestionAction
from app.access.policies.talents import TalentAction
from app.access.policies.users import UserAction
from app.access.rules import role_word
from app.accounts.deps import PageViewer
from app.db import SessionDep
from app.demands.service import scoped_demands
from app.models import Demand, Talent
from app.models.enums import DemandStatus, TalentStatus
from app.public.service import queue_size
from app.talents.service import scoped_talents
from app.web import render

router = APIRouter(include_in_schema=False)


def _home_counts(session: Session, viewer: Viewer) -> list[tuple[str, int]]:
    open_demands = scoped_demands(viewer).where(Demand.status == DemandStatus.open.value)
    counts = [
        (
            "home.open_demands",
            session.scalar(select(func.count()).select_from(open_demands.subquery())) or 0,
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
                session.scalar(
                    select(func.count()).select_from(access.enterprises.listed(viewer).subquery())
                )
                or 0,
            )
        )
    if access.talents.can(viewer, TalentAction.read):
        active = scoped_talents(viewer).where(Talent.status == TalentStatus.active.value)
        counts.append(
            (
                "home.active_talents",
                session.scalar(select(func.count()).select_from(active.subquery())) or 0,
            )
        )
    return counts


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
    counts, actions = _home_counts(session, viewer), _home_actions(viewer)
    waiting = queue_size(session, viewer)
    if waiting:  # registrations from the public page wait in 人社局's queue
        counts.append(("home.public_interests", waiting))
        actions.insert(0, ("home.public_interests", "/public-interests"))
    return render(
        request,
        "home/home.html",
        {"counts": counts, "actions": actions, "hint": HINTS[role_word(viewer)]},
    )
