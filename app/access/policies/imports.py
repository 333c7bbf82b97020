"""Imports and exports: each role imports the kinds it may create (an agency talents, a chamber
enterprises and demands, an enterprise user its own demands, office admins everything for any
organisation); batches are read by their organisation (an enterprise user only its own), by
the office all; every role exports the lists it reads."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Select, select

from app.access.rules import ADMIN, AGENCY, ALL, CHAMBER, DEMAND_SIDE, OFFICE, allowed, decide
from app.access.viewer import Viewer
from app.models import ImportBatch
from app.models.enums import Role

RESOURCE = "imports"


class ImportAction(StrEnum):
    read = "read"
    import_talents = "import_talents"
    import_enterprises = "import_enterprises"
    import_demands = "import_demands"
    choose_organization = "choose_organization"  # import for any organisation
    export = "export"


RULES: dict[ImportAction, frozenset[Role]] = {
    ImportAction.read: ALL,
    ImportAction.import_talents: ADMIN | AGENCY,
    ImportAction.import_enterprises: ADMIN | CHAMBER,
    ImportAction.import_demands: ADMIN | DEMAND_SIDE,
    ImportAction.choose_organization: ADMIN,
    ImportAction.export: ALL,
}

SCOPE: dict[Role, str] = {
    Role.office_admin: "all",
    Role.office_reviewer: "all",
    Role.chamber_staff: "own organisation's",
    Role.enterprise_user: "own",
    Role.agency_staff: "own organisation's",
}

_BY_KIND = {
    "talents": ImportAction.import_talents,
    "enterprises": ImportAction.import_enterprises,
    "demands": ImportAction.import_demands,
}
#: The lists each role exports (the ones it reads).
_EXPORTS = {
    "talents": OFFICE | AGENCY,
    "enterprises": OFFICE | DEMAND_SIDE,
    "demands": ALL,
}


def action_for(kind: str) -> ImportAction:
    """The action importing this kind of rows (KeyError for an unknown kind)."""
    return _BY_KIND[kind]


def may_import(viewer: Viewer, kind: str) -> bool:
    return kind in _BY_KIND and allowed(RULES, viewer, _BY_KIND[kind])


def exports(viewer: Viewer) -> list[str]:
    """The kinds of list the viewer may export, in the page's order."""
    return [kind for kind, roles in _EXPORTS.items() if viewer.role in roles]


def own_organization(viewer: Viewer, kind: str) -> int | None:
    """The organisation the viewer's imports of this kind always belong to (None: an office
    admin chooses, or the rows name their own)."""
    if viewer.role is Role.agency_staff and kind == "talents":
        return viewer.organization_id
    if viewer.role is Role.chamber_staff and kind in ("enterprises", "demands"):
        return viewer.organization_id
    if viewer.role is Role.enterprise_user and kind == "demands":
        return viewer.organization_id
    return None


def readable(viewer: Viewer) -> Select[ImportBatch]:
    stmt = select(ImportBatch)
    if viewer.role is Role.enterprise_user:
        return stmt.where(ImportBatch.created_by_id == viewer.id)
    if viewer.role not in OFFICE:
        return stmt.where(ImportBatch.organization_id == viewer.organization_id)
    return stmt


def search_filters(viewer: Viewer) -> dict[str, Any]:
    if viewer.role is Role.enterprise_user:
        return {"created_by_id": [viewer.id]}
    if viewer.role not in OFFICE:
        return {"organization_id": [viewer.organization_id]}
    return {}


def can(viewer: Viewer, action: ImportAction, batch: ImportBatch | None = None) -> bool:
    return allowed(RULES, viewer, action)


def require(viewer: Viewer, action: ImportAction, batch: ImportBatch | None = None) -> None:
    """Raises Forbidden for an action the role never takes (batches outside the scope are never
    loaded: `readable` answers 404 for them)."""
    decide(RULES, viewer, action)
