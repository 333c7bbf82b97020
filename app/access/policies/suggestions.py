"""Match runs and their suggestions: office staff start and read runs and review suggestions
(the reviewer's one kind of write: a run only proposes); an agency reads the suggestions of its
own talents; only office admins tune the matching weights."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Select, select

from app.access.rules import ADMIN, AGENCY, OFFICE, allowed, decide
from app.access.viewer import Viewer
from app.errors import Forbidden
from app.models import MatchRun, Suggestion, Talent
from app.models.enums import Role

RESOURCE = "suggestions"


class SuggestionAction(StrEnum):
    read = "read"
    list_runs = "list_runs"
    read_run = "read_run"
    start_run = "start_run"
    cancel_run = "cancel_run"
    review = "review"  # approve or reject, one by one or in bulk
    decide_pair = "decide_pair"  # lock or forbid a pair
    set_weights = "set_weights"


RULES: dict[SuggestionAction, frozenset[Role]] = {
    SuggestionAction.read: OFFICE | AGENCY,
    SuggestionAction.list_runs: OFFICE,
    SuggestionAction.read_run: OFFICE | AGENCY,
    SuggestionAction.start_run: OFFICE,
    SuggestionAction.cancel_run: OFFICE,
    SuggestionAction.review: OFFICE,
    SuggestionAction.decide_pair: OFFICE,
    SuggestionAction.set_weights: ADMIN,
}

SCOPE: dict[Role, str] = {
    Role.office_admin: "all",
    Role.office_reviewer: "all",
    Role.chamber_staff: "—",
    Role.enterprise_user: "—",
    Role.agency_staff: "own talents'",
}


def readable(viewer: Viewer) -> Select[Suggestion]:
    """Every suggestion the viewer may read; raises Forbidden for roles that read none."""
    if not allowed(RULES, viewer, SuggestionAction.read):
        raise Forbidden()
    stmt = select(Suggestion)
    if viewer.role is Role.agency_staff:
        stmt = stmt.join(Talent, Talent.id == Suggestion.talent_id).where(
            Talent.organization_id == viewer.organization_id
        )
    return stmt


def search_filters(viewer: Viewer) -> dict[str, Any]:
    if not allowed(RULES, viewer, SuggestionAction.read):
        raise Forbidden()
    if viewer.role is Role.agency_staff:
        return {"talent_organization_id": [viewer.organization_id]}
    return {}


def names_talent(viewer: Viewer, talent_organization_id: int) -> bool:
    """Whether the viewer may be shown which talent (id, score) another proposal concerns: the
    office always, an agency only for its own talents ("another candidate" otherwise)."""
    if viewer.role is Role.agency_staff:
        return talent_organization_id == viewer.organization_id
    return viewer.role in OFFICE


def can(viewer: Viewer, action: SuggestionAction, obj: MatchRun | Suggestion | None = None) -> bool:
    return allowed(RULES, viewer, action)


def require(viewer: Viewer, action: SuggestionAction, obj: MatchRun | None = None) -> None:
    """Raises Forbidden for an action the role never takes (suggestions outside the scope are
    never loaded: `readable` answers 404 for them)."""
    decide(RULES, viewer, action)
