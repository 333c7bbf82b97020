"""Introductions: the office reads all; an enterprise its own (its chamber its members'); an
agency those of the talents it submitted. The demand side answers interest and sees revealed
contacts; the agency records consent; outcomes are recorded by those who took part and office
admins, never by the read-only reviewer."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Select, select

from app.access.rules import ADMIN, AGENCY, ALL, DEMAND_SIDE, OFFICE, allowed, decide
from app.access.viewer import Viewer
from app.models import Enterprise, Introduction
from app.models.enums import Role

RESOURCE = "introductions"


class IntroductionAction(StrEnum):
    read = "read"
    answer_interest = "answer_interest"
    record_consent = "record_consent"
    reveal_contact = "reveal_contact"
    read_reveals = "read_reveals"  # who saw the contact details
    record_outcome = "record_outcome"
    keep_talent_active = "keep_talent_active"  # a hire that leaves the talent in the pool


RULES: dict[IntroductionAction, frozenset[Role]] = {
    IntroductionAction.read: ALL,
    IntroductionAction.answer_interest: DEMAND_SIDE,
    IntroductionAction.record_consent: AGENCY,
    IntroductionAction.reveal_contact: DEMAND_SIDE,
    IntroductionAction.read_reveals: OFFICE | AGENCY,
    IntroductionAction.record_outcome: ADMIN | DEMAND_SIDE | AGENCY,
    IntroductionAction.keep_talent_active: ADMIN | AGENCY,
}

SCOPE: dict[Role, str] = {
    Role.office_admin: "all",
    Role.office_reviewer: "all",
    Role.chamber_staff: "own chamber's",
    Role.enterprise_user: "own",
    Role.agency_staff: "own talents'",
}


def readable(viewer: Viewer) -> Select[Introduction]:
    stmt = select(Introduction)
    if viewer.role is Role.agency_staff:
        return stmt.where(Introduction.agency_id == viewer.organization_id)
    if viewer.role is Role.enterprise_user:
        return stmt.where(Introduction.enterprise_id == (viewer.enterprise_id or -1))
    if viewer.role is Role.chamber_staff:
        return stmt.join(Enterprise, Enterprise.id == Introduction.enterprise_id).where(
            Enterprise.chamber_id == viewer.organization_id
        )
    return stmt


def search_filters(viewer: Viewer) -> dict[str, Any]:
    if viewer.role is Role.agency_staff:
        return {"agency_id": [viewer.organization_id]}
    if viewer.role is Role.enterprise_user:
        return {"enterprise_id": [viewer.enterprise_id or -1]}
    if viewer.role is Role.chamber_staff:
        return {"chamber_id": [viewer.organization_id]}
    return {}


def masks_talent(viewer: Viewer) -> bool:
    """The demand side sees an introduced talent's profile masked (family name only, no
    contact) until both sides said yes and it reveals the contact, logged."""
    return viewer.role in DEMAND_SIDE


def audience(viewer: Viewer) -> str:
    """Which side's wording a page uses: "agency", "office" or "enterprise"."""
    if viewer.role is Role.agency_staff:
        return "agency"
    return "office" if viewer.role in OFFICE else "enterprise"


def can(viewer: Viewer, action: IntroductionAction, intro: Introduction | None = None) -> bool:
    """Whether the role may take the action; `intro` must come from `readable` (the scope)."""
    return allowed(RULES, viewer, action)


def require(viewer: Viewer, action: IntroductionAction, intro: Introduction | None = None) -> None:
    """Raises Forbidden for an action the role never takes (introductions outside the scope
    are never loaded: `readable` answers 404 for them)."""
    decide(RULES, viewer, action)
