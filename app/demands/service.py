"""Demand services, scoped: the chamber its members' demands, an enterprise its own.

Supply-side agencies read published demands (everything but drafts): they look for talent by
the demands.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from app.accounts.viewer import Viewer
from app.db import paginate
from app.demands.schemas import DemandCreate, DemandUpdate
from app.errors import FieldErrors, Forbidden, NotFound
from app.models import Demand, Enterprise
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
    """Every demand the viewer may read."""
    stmt = select(Demand).join(Demand.enterprise)
    if viewer.is_chamber:
        stmt = stmt.where(Enterprise.chamber_id == viewer.organization_id)
    elif viewer.is_enterprise:
        stmt = stmt.where(Demand.enterprise_id == viewer.enterprise_id)
    elif viewer.is_agency:
        stmt = stmt.where(Demand.status != DemandStatus.draft.value)
    return stmt


def can_write_demands(viewer: Viewer) -> bool:
    return viewer.is_admin or viewer.is_chamber or viewer.is_enterprise


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
    stmt = scoped_demands(viewer).order_by(Demand.id.desc())
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
    if viewer.is_enterprise:
        enterprise_id = viewer.enterprise_id if enterprise_id is None else enterprise_id
        if enterprise_id != viewer.enterprise_id:
            raise FieldErrors.one("enterprise_id", "enterprise_unknown")
    if enterprise_id is None:
        raise FieldErrors.one("enterprise_id", "missing")
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None or (
        viewer.is_chamber and enterprise.chamber_id != viewer.organization_id
    ):
        raise FieldErrors.one("enterprise_id", "enterprise_unknown")
    return enterprise


def create_demand(session: Session, viewer: Viewer, data: DemandCreate) -> Demand:
    """Raises Forbidden, FieldErrors."""
    if not can_write_demands(viewer):
        raise Forbidden()
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
    if not can_write_demands(viewer):
        raise Forbidden()
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
    """Raises NotFound, Forbidden."""
    demand = get_demand(session, viewer, demand_id)
    if not can_write_demands(viewer):
        raise Forbidden()
    session.delete(demand)
    session.flush()
