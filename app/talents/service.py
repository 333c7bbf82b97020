"""Talent services, scoped: an agency its own submissions, the office everything.

The demand side never lists talent profiles here; it meets them through introductions.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from app.accounts.viewer import Viewer
from app.db import paginate
from app.demands.service import check_occupation
from app.errors import FieldErrors, Forbidden, NotFound
from app.models import Organization, Talent
from app.models.enums import Side
from app.security import hash_id_number
from app.talents.schemas import TalentCreate, TalentUpdate

LIST_FIELDS = ("skills", "languages", "preferred_locations")
REQUIRED_FIELDS = frozenset(
    {"name", "summary", "is_returnee", "is_foreign_national", "status", "consent_date"}
)


def scoped_talents(viewer: Viewer) -> Select[Talent]:
    """Every talent the viewer may read; raises Forbidden for the demand side."""
    if viewer.is_demand_side:
        raise Forbidden()
    stmt = select(Talent)
    if viewer.is_agency:
        stmt = stmt.where(Talent.organization_id == viewer.organization_id)
    return stmt


def can_write_talents(viewer: Viewer) -> bool:
    return viewer.is_admin or viewer.is_agency


def list_talents(
    session: Session,
    viewer: Viewer,
    *,
    q: str | None = None,
    organization_id: int | None = None,
    education: str | None = None,
    status: str | None = None,
    is_returnee: bool | None = None,
    major: str | None = None,
    min_years: int | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[Talent], int]:
    stmt = scoped_talents(viewer).order_by(Talent.id.desc())
    filters: list[Any] = []
    if q:
        like = f"%{q}%"
        filters.append(
            or_(
                Talent.name.ilike(like),
                Talent.major.ilike(like),
                Talent.position.ilike(like),
                Talent.school.ilike(like),
            )
        )
    if organization_id is not None:
        filters.append(Talent.organization_id == organization_id)
    if education:
        filters.append(Talent.education == education)
    if status:
        filters.append(Talent.status == status)
    if is_returnee is not None:
        filters.append(Talent.is_returnee == is_returnee)
    if major:
        filters.append(Talent.major.ilike(f"%{major}%"))
    if min_years is not None:
        filters.append(Talent.years_experience >= min_years)
    if filters:
        stmt = stmt.where(*filters)
    return paginate(session, stmt, limit=limit, offset=offset)


def get_talent(session: Session, viewer: Viewer, talent_id: int) -> Talent:
    """Raises NotFound (also outside the viewer's scope), Forbidden for the demand side."""
    if viewer.is_demand_side:
        raise NotFound()
    talent = session.scalar(scoped_talents(viewer).where(Talent.id == talent_id))
    if talent is None:
        raise NotFound()
    return talent


def _supply_org(session: Session, viewer: Viewer, organization_id: int | None) -> int:
    if viewer.is_agency:
        if organization_id not in (None, viewer.organization_id):
            raise FieldErrors.one("organization_id", "not_a_supply_org")
        return viewer.organization_id
    org = session.get(Organization, organization_id) if organization_id is not None else None
    if org is None or org.side != Side.supply.value:
        code = "missing" if organization_id is None else "not_a_supply_org"
        raise FieldErrors.one("organization_id", code)
    return org.id


def create_talent(session: Session, viewer: Viewer, data: TalentCreate, *, id_key: str) -> Talent:
    """Raises Forbidden, FieldErrors."""
    if not can_write_talents(viewer):
        raise Forbidden()
    organization_id = _supply_org(session, viewer, data.organization_id)
    check_occupation(data.occupation_code)
    values = data.model_dump(exclude={"organization_id", "id_number"})
    talent = Talent(**values, organization_id=organization_id, created_by_id=viewer.id)
    if data.id_number:
        talent.id_number_hash = hash_id_number(data.id_number, id_key)
    talent.organization = session.get_one(Organization, organization_id)
    session.add(talent)
    session.flush()
    from app.duplicates.service import check_new_talent  # (issue 7) here to avoid a cycle

    check_new_talent(session, talent)
    return talent


def update_talent(
    session: Session, viewer: Viewer, talent_id: int, data: TalentUpdate, *, id_key: str
) -> Talent:
    """Raises NotFound, Forbidden, FieldErrors."""
    talent = get_talent(session, viewer, talent_id)
    if not can_write_talents(viewer):
        raise Forbidden()
    changes = data.model_dump(exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None or k not in REQUIRED_FIELDS}
    for key in LIST_FIELDS:
        if key in changes and changes[key] is None:
            changes[key] = []
    check_occupation(changes.get("occupation_code"))
    if "id_number" in changes:
        number = changes.pop("id_number")
        if number:
            talent.id_number_hash = hash_id_number(number, id_key)
    for key, value in changes.items():
        setattr(talent, key, value)
    session.flush()
    return talent


def delete_talent(session: Session, viewer: Viewer, talent_id: int) -> None:
    """Raises NotFound, Forbidden."""
    talent = get_talent(session, viewer, talent_id)
    if not can_write_talents(viewer):
        raise Forbidden()
    session.delete(talent)
    session.flush()
