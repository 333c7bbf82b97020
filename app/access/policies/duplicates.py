"""Duplicate talents across agencies: office staff read the candidate groups and merges; office
admins scan, merge, dismiss and undo (the reviewer is read-only)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Select, select

from app.access.rules import ADMIN, OFFICE, allowed, decide
from app.access.viewer import Viewer
from app.errors import Forbidden
from app.models import TalentMerge
from app.models.enums import Role

RESOURCE = "duplicates"


class DuplicateAction(StrEnum):
    read = "read"
    scan = "scan"
    merge = "merge"
    dismiss = "dismiss"
    undo = "undo"


RULES: dict[DuplicateAction, frozenset[Role]] = {
    DuplicateAction.read: OFFICE,
    DuplicateAction.scan: ADMIN,
    DuplicateAction.merge: ADMIN,
    DuplicateAction.dismiss: ADMIN,
    DuplicateAction.undo: ADMIN,
}

SCOPE: dict[Role, str] = {role: "all" if role in OFFICE else "—" for role in Role}


def readable(viewer: Viewer) -> Select[TalentMerge]:
    if not allowed(RULES, viewer, DuplicateAction.read):
        raise Forbidden()
    return select(TalentMerge)


def search_filters(viewer: Viewer) -> dict[str, Any]:
    if not allowed(RULES, viewer, DuplicateAction.read):
        raise Forbidden()
    return {}


def names_merge(viewer: Viewer) -> bool:
    """Whether a talent's merge status may link the merge itself (its page is office-only)."""
    return allowed(RULES, viewer, DuplicateAction.read)


def can(viewer: Viewer, action: DuplicateAction, merge: TalentMerge | None = None) -> bool:
    return allowed(RULES, viewer, action)


def require(viewer: Viewer, action: DuplicateAction, merge: TalentMerge | None = None) -> None:
    decide(RULES, viewer, action)
