"""Organisation services: everyone signed in reads them; only the office admin changes them."""

from __future__ import annotations

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.policies import organizations as policy
from app.access.policies.organizations import OrganizationAction
from app.db import paginate
from app.errors import AppError, FieldErrors, NotFound
from app.models import Enterprise, Organization, Talent, User
from app.models.enums import ORG_KIND_SIDE, OrgKind, Side
from app.orgs.schemas import OrganizationCreate, OrganizationUpdate


class OrganizationInUse(AppError):
    status, code = 409, "organization_in_use"


def list_organizations(
    session: Session,
    viewer: Viewer,
    *,
    side: Side | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Organization], int]:
    stmt = select(Organization).order_by(Organization.id)
    if side is not None:
        stmt = stmt.where(Organization.side == side.value)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Organization.name_zh.ilike(like), Organization.name_en.ilike(like)))
    return paginate(session, stmt, limit=limit, offset=offset)


def get_organization(session: Session, viewer: Viewer, organization_id: int) -> Organization:
    """Raises NotFound."""
    org = session.get(Organization, organization_id)
    if org is None:
        raise NotFound()
    return org


def create_organization(session: Session, viewer: Viewer, data: OrganizationCreate) -> Organization:
    """Raises Forbidden, FieldErrors (kind already present)."""
    policy.require(viewer, OrganizationAction.create)
    if session.scalar(select(Organization.id).where(Organization.kind == data.kind.value)):
        raise FieldErrors.one("kind", "org_kind_taken")
    org = Organization(
        name_zh=data.name_zh,
        name_en=data.name_en,
        kind=data.kind.value,
        side=ORG_KIND_SIDE[OrgKind(data.kind)].value,
    )
    session.add(org)
    session.flush()
    return org


def update_organization(
    session: Session, viewer: Viewer, organization_id: int, data: OrganizationUpdate
) -> Organization:
    """Raises NotFound, Forbidden."""
    org = get_organization(session, viewer, organization_id)
    policy.require(viewer, OrganizationAction.update, org)
    for key, value in data.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(org, key, value)
    session.flush()
    return org


def delete_organization(session: Session, viewer: Viewer, organization_id: int) -> None:
    """Raises NotFound, Forbidden, OrganizationInUse."""
    org = get_organization(session, viewer, organization_id)
    policy.require(viewer, OrganizationAction.delete, org)
    in_use = session.scalar(
        select(
            exists().where(User.organization_id == org.id)
            | exists().where(Enterprise.chamber_id == org.id)
            | exists().where(Talent.organization_id == org.id)
        )
    )
    if in_use:
        raise OrganizationInUse()
    session.delete(org)
    session.flush()
