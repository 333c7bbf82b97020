"""Enterprises: the office and agencies all; a chamber its members; an enterprise user its own.
An enterprise with user accounts is archived, never deleted: a chamber cannot delete accounts.
Archived enterprises stay readable (history) but leave the lists."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ColumnElement, Select, select, true

from app.access.rules import ADMIN, ALL, CHAMBER, DEMAND_SIDE, OFFICE, allowed, decide
from app.access.viewer import Viewer
from app.models import Enterprise
from app.models.enums import Role

RESOURCE = "enterprises"


class EnterpriseAction(StrEnum):
    read = "read"
    browse = "browse"  # the enterprise pages in the nav (agencies meet them through demands)
    create = "create"
    update = "update"
    move_chamber = "move_chamber"  # give the enterprise to another chamber
    delete = "delete"  # deletes, or archives an enterprise with accounts or history


RULES: dict[EnterpriseAction, frozenset[Role]] = {
    EnterpriseAction.read: ALL,
    EnterpriseAction.browse: OFFICE | DEMAND_SIDE,
    EnterpriseAction.create: ADMIN | CHAMBER,
    EnterpriseAction.update: ADMIN | DEMAND_SIDE,
    EnterpriseAction.move_chamber: ADMIN | CHAMBER,
    EnterpriseAction.delete: ADMIN | CHAMBER,
}

SCOPE: dict[Role, str] = {
    Role.office_admin: "all",
    Role.office_reviewer: "all",
    Role.chamber_staff: "own chamber's",
    Role.enterprise_user: "own",
    Role.agency_staff: "all (contact masked)",
}


def _where(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.role is Role.chamber_staff:
        return Enterprise.chamber_id == viewer.organization_id
    if viewer.role is Role.enterprise_user:
        return Enterprise.id == (viewer.enterprise_id or -1)
    return true()


def readable(viewer: Viewer) -> Select[Enterprise]:
    """Every enterprise the viewer may read (archived ones included)."""
    return select(Enterprise).where(_where(viewer))


def listed(viewer: Viewer) -> Select[Enterprise]:
    """What the viewer's lists show: the readable enterprises but the archived ones."""
    return readable(viewer).where(Enterprise.archived_at.is_(None))


def search_filters(viewer: Viewer) -> dict[str, list[int]]:
    """The same rule for an index holding enterprises (by `chamber_id`, `enterprise_id`)."""
    if viewer.role is Role.chamber_staff:
        return {"chamber_id": [viewer.organization_id]}
    if viewer.role is Role.enterprise_user:
        return {"enterprise_id": [viewer.enterprise_id or -1]}
    return {}


def in_scope(viewer: Viewer, enterprise: Enterprise) -> bool:
    if viewer.role is Role.chamber_staff:
        return enterprise.chamber_id == viewer.organization_id
    if viewer.role is Role.enterprise_user:
        return enterprise.id == viewer.enterprise_id
    return True


def contact_visible(viewer: Viewer, enterprise: Enterprise) -> bool:
    """The office, the enterprise's own chamber and its own users see its phone unmasked."""
    return viewer.role in OFFICE or (viewer.role in DEMAND_SIDE and in_scope(viewer, enterprise))


def own_chamber(viewer: Viewer) -> int | None:
    """The chamber a chamber's staff always register enterprises in (None: free to choose)."""
    return viewer.organization_id if viewer.role is Role.chamber_staff else None


def chooses_chamber(viewer: Viewer) -> bool:
    """Whether forms offer every chamber (office admins) rather than the viewer's own."""
    return can(viewer, EnterpriseAction.move_chamber) and own_chamber(viewer) is None


def can(viewer: Viewer, action: EnterpriseAction, enterprise: Enterprise | None = None) -> bool:
    return allowed(RULES, viewer, action) and (enterprise is None or in_scope(viewer, enterprise))


def require(viewer: Viewer, action: EnterpriseAction, enterprise: Enterprise | None = None) -> None:
    """Raises NotFound (outside the scope), Forbidden (an action the role never takes)."""
    decide(RULES, viewer, action, visible=enterprise is None or in_scope(viewer, enterprise))
