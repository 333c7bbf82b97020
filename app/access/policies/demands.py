"""Demands: the office all; a chamber its members' demands; an enterprise its own; agencies
every published demand (not drafts). Archived demands stay readable (history) but leave the
lists, the search index filters, the public page and matching."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from app.access.rules import ADMIN, ALL, DEMAND_SIDE, OFFICE, allowed, decide
from app.access.viewer import Viewer
from app.models import Demand, Enterprise
from app.models.enums import DemandStatus, Role

RESOURCE = "demands"


class DemandAction(StrEnum):
    read = "read"
    create = "create"
    update = "update"
    delete = "delete"  # deletes, or archives a demand with introductions


RULES: dict[DemandAction, frozenset[Role]] = {
    DemandAction.read: ALL,
    DemandAction.create: ADMIN | DEMAND_SIDE,
    DemandAction.update: ADMIN | DEMAND_SIDE,
    DemandAction.delete: ADMIN | DEMAND_SIDE,
}

SCOPE: dict[Role, str] = {
    Role.office_admin: "all",
    Role.office_reviewer: "all",
    Role.chamber_staff: "own chamber's",
    Role.enterprise_user: "own",
    Role.agency_staff: "published (not drafts)",
}

#: Every status but draft: what agencies may read.
PUBLISHED_STATUSES = tuple(s.value for s in DemandStatus if s is not DemandStatus.draft)
#: What normal lists and the search show (archived demands only stay in history).
LISTED_STATUSES = tuple(s.value for s in DemandStatus if s is not DemandStatus.archived)


def scope(viewer: Viewer, *, listed: bool = False) -> dict[str, tuple[Any, ...]]:
    """The one rule, as allowed values per field (field names of the search index): the SQL
    scope and the search filters are both built from it. Empty: everything."""
    out: dict[str, tuple[Any, ...]] = {}
    if viewer.role is Role.chamber_staff:
        out["chamber_id"] = (viewer.organization_id,)
    elif viewer.role is Role.enterprise_user:
        out["enterprise_id"] = (viewer.enterprise_id or -1,)
    elif viewer.role is Role.agency_staff:
        out["status"] = PUBLISHED_STATUSES
    if listed:
        have = out.get("status", LISTED_STATUSES)
        out["status"] = tuple(s for s in have if s in LISTED_STATUSES)
    return out


_COLUMNS: dict[str, Any] = {
    "chamber_id": Enterprise.chamber_id,
    "enterprise_id": Demand.enterprise_id,
    "status": Demand.status,
}


def _where(fields: dict[str, tuple[Any, ...]]) -> list[ColumnElement[bool]]:
    return [_COLUMNS[name].in_(values) for name, values in fields.items()]


def readable(viewer: Viewer) -> Select[Demand]:
    """Every demand the viewer may read (archived ones included: they are history)."""
    return select(Demand).join(Demand.enterprise).where(*_where(scope(viewer)))


def listed(viewer: Viewer) -> Select[Demand]:
    """What the viewer's lists show: the readable demands but the archived ones."""
    return select(Demand).join(Demand.enterprise).where(*_where(scope(viewer, listed=True)))


def search_filters(viewer: Viewer, wanted: dict[str, Any]) -> dict[str, Any]:
    """The user's search filters narrowed to the viewer's listed scope (the same rule as
    `listed`): an organisation field is replaced by the viewer's own, asked statuses outside
    the scope match nothing."""
    out = dict(wanted)
    for name, values in scope(viewer, listed=True).items():
        if name != "status":
            out[name] = values[0] if len(values) == 1 else list(values)
            continue
        asked = out.get(name)
        if asked is None:
            out[name] = list(values)
        else:
            asked_list = asked if isinstance(asked, list) else [asked]
            out[name] = [v for v in asked_list if v in values] or ["__none__"]
    return out


def in_scope(viewer: Viewer, demand: Demand) -> bool:
    fields = scope(viewer)
    if "chamber_id" in fields and demand.enterprise.chamber_id not in fields["chamber_id"]:
        return False
    if "enterprise_id" in fields and demand.enterprise_id not in fields["enterprise_id"]:
        return False
    return "status" not in fields or demand.status in fields["status"]


def own_enterprise(viewer: Viewer) -> int | None:
    """The enterprise an enterprise user always posts demands for (None: chosen in the form)."""
    return viewer.enterprise_id if viewer.role is Role.enterprise_user else None


def may_use_enterprise(viewer: Viewer, enterprise: Enterprise) -> bool:
    """Whether the viewer may post a demand for this enterprise."""
    if viewer.role is Role.enterprise_user:
        return enterprise.id == viewer.enterprise_id
    if viewer.role is Role.chamber_staff:
        return enterprise.chamber_id == viewer.organization_id
    return viewer.role in RULES[DemandAction.create]


def shows_chamber(viewer: Viewer) -> bool:
    """Whether lists and search facets let the viewer choose among chambers (the office)."""
    return viewer.role in OFFICE


def looks_for_talent(viewer: Viewer) -> bool:
    """The supply side reads published demands to find talent for them (their home page links
    the open ones)."""
    return viewer.role is Role.agency_staff


def can(viewer: Viewer, action: DemandAction, demand: Demand | None = None) -> bool:
    return allowed(RULES, viewer, action) and (demand is None or in_scope(viewer, demand))


def require(viewer: Viewer, action: DemandAction, demand: Demand | None = None) -> None:
    """Raises NotFound (a demand outside the scope), Forbidden (an action the role never takes)."""
    decide(RULES, viewer, action, visible=demand is None or in_scope(viewer, demand))
