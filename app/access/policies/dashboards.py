"""Dashboards and the monthly report: office staff only."""

from __future__ import annotations

from enum import StrEnum

from app.access.rules import OFFICE, allowed, decide
from app.access.viewer import Viewer
from app.models.enums import Role

RESOURCE = "dashboards"


class DashboardAction(StrEnum):
    read = "read"
    export = "export"  # the monthly report


RULES: dict[DashboardAction, frozenset[Role]] = {
    DashboardAction.read: OFFICE,
    DashboardAction.export: OFFICE,
}

SCOPE: dict[Role, str] = {role: "all" if role in OFFICE else "—" for role in Role}


def readable(viewer: Viewer) -> bool:
    """Dashboards aggregate everything: the scope is all or nothing."""
    return allowed(RULES, viewer, DashboardAction.read)


def search_filters(viewer: Viewer) -> dict[str, list[int]]:
    return {}


def can(viewer: Viewer, action: DashboardAction, obj: object = None) -> bool:
    return allowed(RULES, viewer, action)


def require(viewer: Viewer, action: DashboardAction, obj: object = None) -> None:
    decide(RULES, viewer, action)
