"""Demand services, scoped: the chamber its members' demands, an enterprise its own.

Supply-side agencies read published demands (everything but drafts): they look for talent by
the demands.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.policies import demands as policy
from app.access.policies.demands import DemandAction
from app.db import paginate
from app.demands.schemas import DemandCreate, DemandUpdate
from app.errors import FieldErrors, NotFound
from app.models import Demand, Enterprise, Introduction
from app.models.enums import DemandStatus


@cache
def _occupation_codes() -> frozenset[str]:
    from matching import load_occupations

    return frozenset(o.code for o in load_occupations())


def check_occupation(code: str | None) -> None:
    """Raises FieldErrors when `code` is not a CSCO 2022 code."""
    if code and code not in _occupation_codes():
        raise FieldErrors.one("occupation_code", "occupation_unknown", code=code)


def scoped_demands(viewer: Viewer) -> Select[Demand]:
    """Every demand the viewer may read (archived ones too: history points to them)."""
    return policy.readable(viewer)


def list_demands(
    session: Session,
    viewer: Viewer,
    *,
    q: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    enterprise_id: int | None = None,
    chamber_id: int | None = None,
    min_education: str | None = None,
    occupation_code: str | None = None,
    industry: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[Demand], int]:
    # Archived demands only show when asked for by status.
    scope = policy.readable if status == DemandStatus.archived.value else policy.listed
    stmt = scope(viewer).order_by(Demand.id.desc())
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Demand.title.ilike(like), Enterprise.name.ilike(like)))
    filters: list[Any] = []
    if status:
        filters.append(Demand.status == status)
    if kind:
        filters.append(Demand.kind == kind)
    if enterprise_id is not None:
        filters.append(Demand.enterprise_id == enterprise_id)
    if chamber_id is not None:
        filters.append(Enterprise.chamber_id == chamber_id)
    if min_education:
        filters.append(Demand.min_education == min_education)
    if occupation_code:
        filters.append(Demand.occupation_code == occupation_code)
    if industry:
        filters.append(Enterprise.industry == industry)
    if filters:
        stmt = stmt.where(*filters)
    return paginate(session, stmt, limit=limit, offset=offset)


def get_demand(session: Session, viewer: Viewer, demand_id: int) -> Demand:
    """Raises NotFound (also for a demand outside the viewer's scope)."""
    demand = session.scalar(scoped_demands(viewer).where(Demand.id == demand_id))
    if demand is None:
        raise NotFound()
    return demand


def _enterprise_for(session: Session, viewer: Viewer, enterprise_id: int | None) -> Enterprise:
    if enterprise_id is None:
        enterprise_id = policy.own_enterprise(viewer)
    if enterprise_id is None:
        raise FieldErrors.one("enterprise_id", "missing")
    enterprise = session.get(Enterprise, enterprise_id)
    if (
        enterprise is None
        or enterprise.archived_at is not None
        or not policy.may_use_enterprise(viewer, enterprise)
    ):
        raise FieldErrors.one("enterprise_id", "enterprise_unknown")
    return enterprise


def create_demand(session: Session, viewer: Viewer, data: DemandCreate) -> Demand:
    """Raises Forbidden, FieldErrors."""
    policy.require(viewer, DemandAction.create)
    enterprise = _enterprise_for(session, viewer, data.enterprise_id)
    check_occupation(data.occupation_code)
    demand = Demand(
        **data.model_dump(exclude={"enterprise_id"}),
        enterprise_id=enterprise.id,
        created_by_id=viewer.id,
    )
    demand.enterprise = enterprise
    session.add(demand)
    session.flush()
    return demand


def update_demand(session: Session, viewer: Viewer, demand_id: int, data: DemandUpdate) -> Demand:
    """Raises NotFound, Forbidden, FieldErrors (also for a salary range broken by the merge)."""
    demand = get_demand(session, viewer, demand_id)
    policy.require(viewer, DemandAction.update, demand)
    if demand.status == DemandStatus.archived.value:
        raise NotFound()  # deleted, kept only as history
    changes = data.model_dump(exclude_unset=True)
    required = {"kind", "title", "headcount", "overseas_required", "status", "description"}
    changes = {k: v for k, v in changes.items() if v is not None or k not in required}
    for key in ("majors", "required_skills", "preferred_skills", "languages"):
        if key in changes and changes[key] is None:
            changes[key] = []
    check_occupation(changes.get("occupation_code"))
    low = changes.get("salary_min", demand.salary_min)
    high = changes.get("salary_max", demand.salary_max)
    if low is not None and high is not None and low > high:
        raise FieldErrors.one("salary_max", "salary_range")
    for key, value in changes.items():
        setattr(demand, key, value)
    session.flush()
    return demand


def delete_demand(session: Session, viewer: Viewer, demand_id: int) -> None:
    """Delete a demand, or archive it when introductions point to it: they, their outcomes
    and the contact-reveal log stay. Raises NotFound, Forbidden."""
    demand = get_demand(session, viewer, demand_id)
    policy.require(viewer, DemandAction.delete, demand)
    if demand.status == DemandStatus.archived.value:
        raise NotFound()
    if session.scalar(select(exists().where(Introduction.demand_id == demand.id))):
        demand.status = DemandStatus.archived.value
    else:
        session.delete(demand)
    session.flush()
