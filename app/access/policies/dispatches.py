"""Dispatches (a demand tasked to agencies): office staff read the board; office admins
dispatch, set the routing rules and run the sweep; a tasked agency reads its own tasks and
nominates its own talents."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Select, select

from app.access.rules import ADMIN, AGENCY, OFFICE, allowed, decide
from app.access.viewer import Viewer
from app.errors import Forbidden
from app.models import Dispatch
from app.models.enums import Role

RESOURCE = "dispatches"


class DispatchAction(StrEnum):
    read = "read"
    dispatch = "dispatch"  # task agencies by hand or by the routing rules
    read_rules = "read_rules"
    set_rules = "set_rules"
    sweep = "sweep"  # flag overdue tasks, offer unfilled demands to more agencies
    nominate = "nominate"


RULES: dict[DispatchAction, frozenset[Role]] = {
    DispatchAction.read: OFFICE | AGENCY,
    DispatchAction.dispatch: ADMIN,
    DispatchAction.read_rules: OFFICE,
    DispatchAction.set_rules: ADMIN,
    DispatchAction.sweep: ADMIN,
    DispatchAction.nominate: AGENCY,
}

SCOPE: dict[Role, str] = {
    Role.office_admin: "all",
    Role.office_reviewer: "all",
    Role.chamber_staff: "—",
    Role.enterprise_user: "—",
    Role.agency_staff: "own agency's",
}


def readable(viewer: Viewer) -> Select[Dispatch]:
    """Every dispatch the viewer may read; raises Forbidden for roles that read none."""
    if not allowed(RULES, viewer, DispatchAction.read):
        raise Forbidden()
    stmt = select(Dispatch)
    if viewer.role is Role.agency_staff:
        stmt = stmt.where(Dispatch.organization_id == viewer.organization_id)
    return stmt


def search_filters(viewer: Viewer) -> dict[str, Any]:
    if not allowed(RULES, viewer, DispatchAction.read):
        raise Forbidden()
    if viewer.role is Role.agency_staff:
        return {"organization_id": [viewer.organization_id]}
    return {}


def sees_all_agencies(viewer: Viewer) -> bool:
    """The office's board shows every agency's tasks (with the agency column)."""
    return viewer.role in OFFICE


def can(viewer: Viewer, action: DispatchAction, dispatch: Dispatch | None = None) -> bool:
    return allowed(RULES, viewer, action) and (
        dispatch is None
        or viewer.role in OFFICE
        or dispatch.organization_id == viewer.organization_id
    )


def require(viewer: Viewer, action: DispatchAction, dispatch: Dispatch | None = None) -> None:
    visible = dispatch is None or can(viewer, DispatchAction.read, dispatch)
    decide(RULES, viewer, action, visible=visible, readers=RULES[DispatchAction.read])
