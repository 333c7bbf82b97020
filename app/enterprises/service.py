"""Enterprise services, scoped: a chamber sees its members, an enterprise user its own."""

from __future__ import annotations

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.policies import enterprises as policy
from app.access.policies.enterprises import EnterpriseAction
from app.db import paginate, utcnow
from app.enterprises.schemas import EnterpriseCreate, EnterpriseUpdate
from app.errors import AppError, FieldErrors, NotFound
from app.models import Demand, Enterprise, Organization, User
from app.models.enums import DemandStatus, Side


class EnterpriseInUse(AppError):
    status, code = 409, "enterprise_in_use"


def scoped_enterprises(viewer: Viewer) -> Select[Enterprise]:
    """Every enterprise the viewer may read (archived ones too: history points to them)."""
    return policy.readable(viewer)


def list_enterprises(
    session: Session,
    viewer: Viewer,
    *,
    q: str | None = None,
    industry: str | None = None,
    district: str | None = None,
    chamber_id: int | None = None,
    size: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[Enterprise], int]:
    stmt = policy.listed(viewer).order_by(Enterprise.id.desc())
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Enterprise.name.ilike(like), Enterprise.credit_code.ilike(like)))
    if industry:
        stmt = stmt.where(Enterprise.industry == industry)
    if district:
        stmt = stmt.where(Enterprise.district == district)
    if chamber_id is not None:
        stmt = stmt.where(Enterprise.chamber_id == chamber_id)
    if size:
        stmt = stmt.where(Enterprise.size == size)
    return paginate(session, stmt, limit=limit, offset=offset)


def get_enterprise(session: Session, viewer: Viewer, enterprise_id: int) -> Enterprise:
    """Raises NotFound (also for an enterprise outside the viewer's scope)."""
    enterprise = session.scalar(scoped_enterprises(viewer).where(Enterprise.id == enterprise_id))
    if enterprise is None:
        raise NotFound()
    return enterprise


def _chamber_for(session: Session, viewer: Viewer, chamber_id: int | None) -> int:
    own = policy.own_chamber(viewer)
    if own is not None:
        if chamber_id not in (None, own):
            raise FieldErrors.one("chamber_id", "not_a_chamber")
        return own
    org = session.get(Organization, chamber_id) if chamber_id is not None else None
    if org is None or org.side != Side.demand.value:
        code = "missing" if chamber_id is None else "not_a_chamber"
        raise FieldErrors.one("chamber_id", code)
    return org.id


def _check_credit_code_free(session: Session, code: str, own_id: int | None = None) -> None:
    stmt = select(Enterprise.id).where(Enterprise.credit_code == code)
    if own_id is not None:
        stmt = stmt.where(Enterprise.id != own_id)
    if session.scalar(stmt) is not None:
        raise FieldErrors.one("credit_code", "credit_code_taken")


def create_enterprise(session: Session, viewer: Viewer, data: EnterpriseCreate) -> Enterprise:
    """Raises Forbidden, FieldErrors (also for a credit code already registered)."""
    policy.require(viewer, EnterpriseAction.create)
    chamber_id = _chamber_for(session, viewer, data.chamber_id)
    _check_credit_code_free(session, data.credit_code)
    enterprise = Enterprise(**data.model_dump(exclude={"chamber_id"}), chamber_id=chamber_id)
    session.add(enterprise)
    session.flush()
    return enterprise


def update_enterprise(
    session: Session, viewer: Viewer, enterprise_id: int, data: EnterpriseUpdate
) -> Enterprise:
    """Raises NotFound, Forbidden, FieldErrors."""
    enterprise = get_enterprise(session, viewer, enterprise_id)
    policy.require(viewer, EnterpriseAction.update, enterprise)
    changes = data.model_dump(exclude_unset=True)
    if "chamber_id" in changes:
        chamber = changes.pop("chamber_id")
        if chamber not in (None, enterprise.chamber_id):
            policy.require(viewer, EnterpriseAction.move_chamber, enterprise)
            enterprise.chamber_id = _chamber_for(session, viewer, chamber)
    if changes.get("credit_code"):
        _check_credit_code_free(session, changes["credit_code"], enterprise.id)
    for key, value in changes.items():
        if value is not None:
            setattr(enterprise, key, value)
    session.flush()
    return enterprise


def delete_enterprise(session: Session, viewer: Viewer, enterprise_id: int) -> None:
    """Delete an enterprise, or archive it when user accounts or archived demands (history)
    point to it: accounts are never deleted with it (they stay for the office to manage).
    Raises NotFound, Forbidden, EnterpriseInUse (live demands: delete them first)."""
    enterprise = get_enterprise(session, viewer, enterprise_id)
    policy.require(viewer, EnterpriseAction.delete, enterprise)
    if enterprise.archived_at is not None:
        raise NotFound()
    demands = select(Demand.status).where(Demand.enterprise_id == enterprise.id)
    archived = DemandStatus.archived.value
    if session.scalar(select(exists(demands.where(Demand.status != archived)))):
        raise EnterpriseInUse()
    has_history = session.scalar(select(exists(demands))) or session.scalar(
        select(exists().where(User.enterprise_id == enterprise.id))
    )
    if has_history:
        enterprise.archived_at = utcnow()  # out of every list; readable where history points
    else:
        session.delete(enterprise)
    session.flush()
