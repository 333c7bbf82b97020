"""Open demands for everyone, and interest registered by the public as a draft talent.

A registration creates a `Talent` with status `inactive` (the draft marker: it is in no match
run until 人社局 checks and activates it) owned by 人社局 (`OrgKind.hrss_bureau`), and a
`PublicInterest` row (status `new`) with the consent text shown and its time.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from pydantic_core import PydanticCustomError
from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.policies import public_interests as policy
from app.access.policies.public_interests import PublicInterestAction
from app.db import paginate, utcnow
from app.errors import AppError, Conflict, FieldErrors, NotFound
from app.fieldtypes import check_text, normalize_phone
from app.models import Demand, Enterprise, Organization, PublicInterest, Talent
from app.models.enums import DemandStatus, Education, OrgKind, TalentStatus

_TEXT_FIELDS = ("name", "phone", "email", "education", "major", "summary")
#: A form submitted sooner than this after it was shown is treated as a bot.
MIN_SECONDS = 3
#: A form older than this has expired.
MAX_AGE_S = 24 * 3600
#: The consent the person ticks, in the language of the page they saw; the registration keeps
#: the very text shown.
CONSENT_TEXTS = {
    "zh": "本人同意人才超市及人社局使用所填信息与我联系并用于岗位匹配",
    "en": (
        "I agree that the talent supermarket and the HRSS bureau use these details to contact "
        "me and to match me with jobs"
    ),
}


def consent_text(locale: str) -> str:
    return CONSENT_TEXTS.get(locale, CONSENT_TEXTS["zh"])


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class NoIntakeAgency(AppError):
    status, code = 409, "public_intake_missing"


def open_demands(
    session: Session,
    q: str | None,
    *,
    today: dt.date,
    kind: str | None = None,
    industry: str | None = None,
    limit: int,
    offset: int,
) -> tuple[list[Demand], int]:
    """Open demands the public may see: not past their deadline (`today` in the office's time
    zone), filtered by words in the title or description, kind and industry."""
    stmt = (
        select(Demand)
        .join(Demand.enterprise)
        .where(
            Demand.status == DemandStatus.open.value,
            or_(Demand.deadline.is_(None), Demand.deadline >= today),
        )
    )
    if q:
        like = "%" + q.replace("\\", "").replace("%", "").replace("_", "") + "%"
        stmt = stmt.where(or_(Demand.title.ilike(like), Demand.description.ilike(like)))
    if kind:
        stmt = stmt.where(Demand.kind == kind)
    if industry:
        stmt = stmt.where(Enterprise.industry == industry)
    return paginate(session, stmt.order_by(Demand.id.desc()), limit=limit, offset=offset)


def _signer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="public-form")


def form_stamp(secret: str, at: float | None = None) -> str:
    """A signed timestamp put in the form when it is shown."""
    return str(_signer(secret).dumps(int(at if at is not None else time.time())))


def stamp_ok(secret: str, stamp: str) -> bool:
    """True when the form was shown between MIN_SECONDS and MAX_AGE_S ago."""
    try:
        shown = _signer(secret).loads(stamp, max_age=MAX_AGE_S)
    except (BadSignature, SignatureExpired):
        return False
    return isinstance(shown, int) and time.time() - shown >= MIN_SECONDS


def register_interest(
    session: Session, demand_id: int, form: dict[str, str], *, locale: str = "zh"
) -> PublicInterest:
    """Validate the form and create the draft talent and the interest row (keeping the consent
    text shown in `locale`); FieldErrors."""
    demand = session.get(Demand, demand_id)
    if demand is None or demand.status != DemandStatus.open.value:
        raise NotFound()
    errors: list[dict[str, Any]] = []
    form = dict(form)
    for key in _TEXT_FIELDS:  # the one text rule, as every other form and the API apply it
        try:
            form[key] = check_text(form.get(key, ""), multiline=key == "summary")
        except PydanticCustomError as exc:
            errors.append({"field": key, "code": exc.type, "params": dict(exc.context or {})})
            form[key] = ""

    def need(name: str, max_len: int) -> str:
        value = form.get(name, "").strip()
        if any(e["field"] == name for e in errors):
            return value
        if not value:
            errors.append({"field": name, "code": "missing", "params": {}})
        elif len(value) > max_len:
            errors.append(
                {"field": name, "code": "string_too_long", "params": {"max_length": max_len}}
            )
        return value

    name = need("name", 100)
    phone = need("phone", 30)
    if phone:
        try:  # the same rule and normal form as every other phone field
            phone = normalize_phone(phone)
        except PydanticCustomError:
            errors.append({"field": "phone", "code": "phone_invalid", "params": {}})
    email = form.get("email", "").strip()
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        errors.append({"field": "email", "code": "email_invalid", "params": {}})
    education = form.get("education", "").strip() or None
    if education is not None and education not in {e.value for e in Education}:
        errors.append({"field": "education", "code": "enum", "params": {}})
    major = form.get("major", "").strip()[:100] or None
    summary = form.get("summary", "").strip()
    if len(summary) > 2000:
        errors.append(
            {"field": "summary", "code": "string_too_long", "params": {"max_length": 2000}}
        )
    if form.get("consent") != "yes":
        errors.append({"field": "consent", "code": "public_consent_required", "params": {}})
    if errors:
        raise FieldErrors(errors)
    hrss = session.scalar(
        select(Organization).where(Organization.kind == OrgKind.hrss_bureau.value)
    )
    if hrss is None:
        raise NoIntakeAgency()
    now = utcnow()
    talent = Talent(
        organization_id=hrss.id,
        name=name,
        phone=phone,
        email=email or None,
        education=education,
        major=major,
        summary=summary,
        consent_date=now.date(),
        consent_scope="public_interest",
        status=TalentStatus.inactive.value,
    )
    session.add(talent)
    session.flush()
    interest = PublicInterest(
        demand_id=demand.id,
        talent_id=talent.id,
        organization_id=hrss.id,
        consent_text=consent_text(locale),
        consent_at=now,
    )
    session.add(interest)
    session.flush()
    return interest


def today() -> dt.date:
    return utcnow().date()


# ------------------------------------------------------------------------------ the queue

#: What happens to a registration in the intake agency's queue.
INTEREST_STATES = ("new", "accepted", "declined")


def has_interest_queue(viewer: Viewer) -> bool:
    """Office staff see every registration; the intake agency (人社局) its own queue."""
    return policy.can(viewer, PublicInterestAction.read)


def can_decide_interests(viewer: Viewer) -> bool:
    """Activating a draft changes a talent: the intake agency and office admins, not reviewers
    (read-only)."""
    return policy.can(viewer, PublicInterestAction.decide)


def _scoped_interests(viewer: Viewer) -> Select[PublicInterest]:
    return policy.readable(viewer)


def interest_queue(
    session: Session, viewer: Viewer, status: str, *, limit: int, offset: int
) -> tuple[list[tuple[PublicInterest, Talent, Demand | None]], int]:
    """Registrations in one state, newest first, with the draft talent and the demand."""
    stmt = _scoped_interests(viewer).where(PublicInterest.status == status)
    total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    rows = session.execute(
        select(PublicInterest, Talent, Demand)
        .join(Talent, Talent.id == PublicInterest.talent_id)
        .outerjoin(Demand, Demand.id == PublicInterest.demand_id)
        .where(PublicInterest.id.in_(stmt.with_only_columns(PublicInterest.id)))
        .order_by(PublicInterest.created_at.desc(), PublicInterest.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [(i, t, d) for i, t, d in rows], total


def decide_interest(
    session: Session, viewer: Viewer, interest_id: int, decision: str
) -> PublicInterest:
    """Accept (the draft talent becomes active and joins the next match run) or decline a new
    registration. Raises Forbidden (a reviewer), NotFound (out of scope), Conflict (already
    decided, also by someone else at the same moment)."""
    if decision not in ("accept", "decline"):
        raise FieldErrors([{"field": "decision", "code": "enum", "params": {}}])
    interest = session.scalar(_scoped_interests(viewer).where(PublicInterest.id == interest_id))
    if interest is None:
        raise NotFound()
    policy.require(viewer, PublicInterestAction.decide)
    new_status = "accepted" if decision == "accept" else "declined"
    # Compare-and-set: of two decisions at the same moment, exactly one finds it still new.
    changed = session.execute(
        update(PublicInterest)
        .where(PublicInterest.id == interest.id, PublicInterest.status == "new")
        .values(status=new_status)
    )  # the ORM also sets `interest.status` in the session
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict()
    if decision == "accept":
        talent = session.get(Talent, interest.talent_id)
        assert talent is not None  # the foreign key cascades
        talent.status = TalentStatus.active.value
    session.flush()
    return interest


def queue_size(session: Session, viewer: Viewer) -> int:
    """New registrations waiting in the viewer's queue (0 for those without one)."""
    if not has_interest_queue(viewer):
        return 0
    stmt = _scoped_interests(viewer).where(PublicInterest.status == "new")
    return int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
