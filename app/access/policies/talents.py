"""Talents: the office all; an agency the talents it submitted; the demand side none (it meets
talents through introductions). Contact fields are visible to the office and the submitting
agency only."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Select, select

from app.access.rules import ADMIN, AGENCY, OFFICE, allowed, decide
from app.access.viewer import Viewer
from app.errors import Forbidden
from app.models import Talent
from app.models.enums import Role

RESOURCE = "talents"


class TalentAction(StrEnum):
    read = "read"
    create = "create"
    update = "update"
    delete = "delete"
    erase = "erase"  # erasure on request, with its privacy export


RULES: dict[TalentAction, frozenset[Role]] = {
    TalentAction.read: OFFICE | AGENCY,
    TalentAction.create: ADMIN | AGENCY,
    TalentAction.update: ADMIN | AGENCY,
    TalentAction.delete: ADMIN | AGENCY,
    TalentAction.erase: ADMIN | AGENCY,
}

SCOPE: dict[Role, str] = {
    Role.office_admin: "all",
    Role.office_reviewer: "all",
    Role.chamber_staff: "—",
    Role.enterprise_user: "—",
    Role.agency_staff: "own agency's",
}


def readable(viewer: Viewer) -> Select[Talent]:
    """Every talent the viewer may read; raises Forbidden for roles that read none."""
    if not allowed(RULES, viewer, TalentAction.read):
        raise Forbidden()
    stmt = select(Talent)
    if viewer.role is Role.agency_staff:
        stmt = stmt.where(Talent.organization_id == viewer.organization_id)
    return stmt


def search_filters(viewer: Viewer, wanted: dict[str, Any]) -> dict[str, Any]:
    """The user's search filters narrowed to the same scope; raises Forbidden like `readable`."""
    if not allowed(RULES, viewer, TalentAction.read):
        raise Forbidden()
    out = dict(wanted)
    if viewer.role is Role.agency_staff:
        out["organization_id"] = viewer.organization_id
    return out


def in_scope(viewer: Viewer, talent: Talent) -> bool:
    if viewer.role is Role.agency_staff:
        return talent.organization_id == viewer.organization_id
    return viewer.role in OFFICE


def contact_visible(viewer: Viewer, talent: Talent) -> bool:
    """Only the submitting agency and the office see a talent's phone and e-mail unmasked."""
    return in_scope(viewer, talent)


def shows_organization(viewer: Viewer) -> bool:
    """Whether lists let the viewer choose among agencies (the office) or show its own."""
    return viewer.role in OFFICE


def own_agency(viewer: Viewer) -> int | None:
    """The agency an agency's staff always submit talents for (None: free to choose)."""
    return viewer.organization_id if viewer.role is Role.agency_staff else None


def chooses_agency(viewer: Viewer) -> bool:
    """Whether forms offer every agency (office admins) rather than the viewer's own."""
    return can(viewer, TalentAction.create) and own_agency(viewer) is None


def can(viewer: Viewer, action: TalentAction, talent: Talent | None = None) -> bool:
    return allowed(RULES, viewer, action) and (talent is None or in_scope(viewer, talent))


def require(viewer: Viewer, action: TalentAction, talent: Talent | None = None) -> None:
    """Raises NotFound (outside the scope), Forbidden (an action the role never takes)."""
    visible = talent is None or in_scope(viewer, talent)
    decide(RULES, viewer, action, visible=visible, readers=RULES[TalentAction.read])
