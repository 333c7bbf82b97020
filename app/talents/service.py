"""Talent services, scoped: an agency its own submissions, the office everything.

The demand side never lists talent profiles here; it meets them through introductions.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.policies import talents as policy
from app.access.policies.talents import TalentAction
from app.db import lock_row, paginate
from app.demands.service import check_occupation
from app.duplicates.service import check_new_talent
from app.errors import FieldErrors, NotFound, constraint_checked
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
    return policy.readable(viewer)


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
    """Raises NotFound (also outside the viewer's scope, and for roles that read no talents:
    the demand side)."""
    if not policy.can(viewer, TalentAction.read):
        raise NotFound()
    talent = session.scalar(scoped_talents(viewer).where(Talent.id == talent_id))
    if talent is None:
        raise NotFound()
    return talent


def _supply_org(session: Session, viewer: Viewer, organization_id: int | None) -> int:
    own = policy.own_agency(viewer)
    if own is not None:
        if organization_id not in (None, own):
            raise FieldErrors.one("organization_id", "not_a_supply_org")
        return own
    org = session.get(Organization, organization_id) if organization_id is not None else None
    if org is None or org.side != Side.supply.value:
        code = "missing" if organization_id is None else "not_a_supply_org"
        raise FieldErrors.one("organization_id", code)
    return org.id


def create_talent(session: Session, viewer: Viewer, data: TalentCreate, *, id_key: str) -> Talent:
    """Raises Forbidden, FieldErrors."""
    policy.require(viewer, TalentAction.create)
    organization_id = _supply_org(session, viewer, data.organization_id)
    check_occupation(data.occupation_code)
    _check_external_key(session, organization_id, data.external_key)
    values = data.model_dump(exclude={"organization_id", "id_number"})
    talent = Talent(**values, organization_id=organization_id, created_by_id=viewer.id)
    if data.id_number:
        talent.id_number_hash = hash_id_number(data.id_number, id_key)
    talent.organization = session.get_one(Organization, organization_id)
    with constraint_checked(session):  # a parallel create took the key: the same field error
        session.add(talent)
    check_new_talent(session, talent)
    return talent


def update_talent(
    session: Session, viewer: Viewer, talent_id: int, data: TalentUpdate, *, id_key: str
) -> Talent:
    """Raises NotFound, Forbidden, FieldErrors."""
    talent = get_talent(session, viewer, talent_id)
    policy.require(viewer, TalentAction.update, talent)
    changes = data.model_dump(exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None or k not in REQUIRED_FIELDS}
    for key in LIST_FIELDS:
        if key in changes and changes[key] is None:
            changes[key] = []
    check_occupation(changes.get("occupation_code"))
    if "external_key" in changes:
        _check_external_key(
            session, talent.organization_id, changes["external_key"], talent_id=talent.id
        )
    with constraint_checked(session):
        if "id_number" in changes:
            number = changes.pop("id_number")
            if number:
                talent.id_number_hash = hash_id_number(number, id_key)
        for key, value in changes.items():
            setattr(talent, key, value)
    return talent


def _check_external_key(
    session: Session, organization_id: int, key: str | None, *, talent_id: int | None = None
) -> None:
    """Raises FieldErrors when another talent of the agency has this 本单位编号."""
    if not key:
        return
    stmt = select(Talent.id).where(
        Talent.organization_id == organization_id, Talent.external_key == key
    )
    if talent_id is not None:
        stmt = stmt.where(Talent.id != talent_id)
    if session.scalar(stmt.limit(1)) is not None:
        raise FieldErrors.one("external_key", "external_key_taken")


def delete_talent(session: Session, viewer: Viewer, talent_id: int) -> None:
    """Raises NotFound, Forbidden."""
    talent = get_talent(session, viewer, talent_id)
    policy.require(viewer, TalentAction.delete, talent)
    lock_talent(session, talent.id)
    session.delete(talent)
    session.flush()


def lock_talent(session: Session, talent_id: int) -> Talent:
    """Hold the talent's row (SELECT ... FOR UPDATE; SQLite's single writer needs none) for
    a delete or an erasure: of parallel requests one goes on, the others find it gone (404).
    Raises NotFound."""
    talent = lock_row(session, Talent, talent_id)
    if talent is None:
        raise NotFound()
    return talent
