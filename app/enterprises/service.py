"""Enterprise services, scoped: a chamber sees its members, an enterprise user its own."""

from __future__ import annotations

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session

from app.accounts.viewer import Viewer
from app.db import paginate
from app.enterprises.schemas import EnterpriseCreate, EnterpriseUpdate
from app.errors import AppError, FieldErrors, Forbidden, NotFound
from app.models import Demand, Enterprise, Organization
from app.models.enums import Side


class EnterpriseInUse(AppError):
    status, code = 409, "enterprise_in_use"


def scoped_enterprises(viewer: Viewer) -> Select[Enterprise]:
    """Every enterprise the viewer may read."""
    stmt = select(Enterprise)
    if viewer.is_chamber:
        stmt = stmt.where(Enterprise.chamber_id == viewer.organization_id)
    elif viewer.is_enterprise:
        stmt = stmt.where(Enterprise.id == viewer.enterprise_id)
    return stmt


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
    stmt = scoped_enterprises(viewer).order_by(Enterprise.id.desc())
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


def _can_write(viewer: Viewer) -> bool:
    return viewer.is_admin or viewer.is_chamber or viewer.is_enterprise


def _chamber_for(session: Session, viewer: Viewer, chamber_id: int | None) -> int:
    if viewer.is_chamber:
        if chamber_id not in (None, viewer.organization_id):
            raise FieldErrors.one("chamber_id", "not_a_chamber")
        return viewer.organization_id
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
    if not (viewer.is_admin or viewer.is_chamber):
        raise Forbidden()
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
    if not _can_write(viewer):
        raise Forbidden()
    changes = data.model_dump(exclude_unset=True)
    if "chamber_id" in changes:
        if viewer.is_enterprise and changes["chamber_id"] not in (None, enterprise.chamber_id):
            raise Forbidden()
        chamber = changes.pop("chamber_id")
        if chamber is not None and not viewer.is_enterprise:
            enterprise.chamber_id = _chamber_for(session, viewer, chamber)
    if changes.get("credit_code"):
        _check_credit_code_free(session, changes["credit_code"], enterprise.id)
    for key, value in changes.items():
        if value is not None:
            setattr(enterprise, key, value)
    session.flush()
    return enterprise


def delete_enterprise(session: Session, viewer: Viewer, enterprise_id: int) -> None:
    """Raises NotFound, Forbidden, EnterpriseInUse."""
    enterprise = get_enterprise(session, viewer, enterprise_id)
    if not (viewer.is_admin or viewer.is_chamber):
        raise Forbidden()
    if session.scalar(select(exists().where(Demand.enterprise_id == enterprise.id))):
        raise EnterpriseInUse()
    session.delete(enterprise)
    session.flush()
