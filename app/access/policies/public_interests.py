"""Interest registered on the public page: a queue the office reads whole and the intake agency
(人社局) reads for itself; the intake agency and office admins decide (activating a draft
changes a talent, so not the read-only reviewer)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Select, select

from app.access.rules import ADMIN, AGENCY, OFFICE, allowed, decide
from app.access.viewer import Viewer
from app.errors import Forbidden
from app.models import PublicInterest
from app.models.enums import OrgKind, Role

RESOURCE = "public interests"

#: Among agencies, only the intake agency has a queue.
INTAKE_KIND = OrgKind.hrss_bureau.value


class PublicInterestAction(StrEnum):
    read = "read"
    decide = "decide"  # accept (the draft talent becomes active) or decline


RULES: dict[PublicInterestAction, frozenset[Role]] = {
    PublicInterestAction.read: OFFICE | AGENCY,
    PublicInterestAction.decide: ADMIN | AGENCY,
}

#: Conditions beyond the role, shown in the role matrix.
NOTES: dict[Role, str] = {Role.agency_staff: "intake agency (人社局) only"}

SCOPE: dict[Role, str] = {
    Role.office_admin: "all",
    Role.office_reviewer: "all",
    Role.chamber_staff: "—",
    Role.enterprise_user: "—",
    Role.agency_staff: "own queue (intake agency only)",
}


def _has_queue(viewer: Viewer) -> bool:
    return viewer.role in OFFICE or (
        viewer.role is Role.agency_staff and viewer.organization_kind == INTAKE_KIND
    )


def readable(viewer: Viewer) -> Select[PublicInterest]:
    """The registrations the viewer may read; raises Forbidden for those without a queue."""
    if not can(viewer, PublicInterestAction.read):
        raise Forbidden()
    stmt = select(PublicInterest)
    if viewer.role in OFFICE:
        return stmt
    return stmt.where(PublicInterest.organization_id == viewer.organization_id)


def search_filters(viewer: Viewer) -> dict[str, Any]:
    if not can(viewer, PublicInterestAction.read):
        raise Forbidden()
    return {} if viewer.role in OFFICE else {"organization_id": [viewer.organization_id]}


def can(
    viewer: Viewer, action: PublicInterestAction, interest: PublicInterest | None = None
) -> bool:
    return allowed(RULES, viewer, action) and _has_queue(viewer)


def require(
    viewer: Viewer, action: PublicInterestAction, interest: PublicInterest | None = None
) -> None:
    if not _has_queue(viewer):
        raise Forbidden()
    decide(RULES, viewer, action)
