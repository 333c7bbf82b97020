"""Dispatch services: tasking agencies with demands (by hand or by the routing rules), their
task board and nominations, overdue flags and the automatic reversion of unfilled demands.

Scope: the office sees and dispatches everything; an agency sees and answers its own
dispatches; the demand side has no dispatch views.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.policies import dispatches as policy
from app.access.policies import notifications as notification_policy
from app.access.policies.dispatches import DispatchAction
from app.db import lock_row, paginate, utcnow
from app.errors import AppError, FieldErrors, NotFound
from app.models import (
    AppSetting,
    Demand,
    Dispatch,
    DispatchReversion,
    Nomination,
    Organization,
    Talent,
    User,
)
from app.models.enums import (
    ORG_KIND_SIDE,
    DemandKind,
    DemandStatus,
    OrgKind,
    Side,
    TalentStatus,
)
from app.models.states import DispatchStatus, Machine, check_transition
from app.notifications.service import notify, organization_users

RULES_KEY = "dispatch_rules"
CATEGORIES = ("overseas", "research", "other")
DEFAULT_RULES: dict[str, list[str]] = {
    # overseas or foreign-language demands → 侨联, 侨办, 外事办
    "overseas": [
        OrgKind.overseas_federation.value,
        OrgKind.overseas_affairs_office.value,
        OrgKind.foreign_affairs_office.value,
    ],
    # R&D projects and leading talent → 科技局, 科协
    "research": [OrgKind.science_bureau.value, OrgKind.science_association.value],
    # other jobs → 人社局
    "other": [OrgKind.hrss_bureau.value],
}
CHINESE = frozenset({"中文", "汉语", "普通话", "粤语", "chinese", "mandarin", "cantonese"})
REVERSION_DUE_DAYS = 14


class DispatchExists(AppError):
    status, code = 409, "dispatch_exists"


class DemandNotOpen(AppError):
    status, code = 409, "demand_not_open"


def today() -> dt.date:
    return utcnow().date()


def is_overdue(d: Dispatch, on: dt.date | None = None) -> bool:
    return d.status == DispatchStatus.open and d.due_date < (on or today())


# ------------------------------------------------------------------------------ routing rules


def get_rules(session: Session) -> dict[str, list[str]]:
    row = session.get(AppSetting, RULES_KEY)
    value = dict(row.value) if row is not None else {}
    return {c: list(value.get(c) or DEFAULT_RULES[c]) for c in CATEGORIES}


def set_rules(
    session: Session, viewer: Viewer, rules: dict[str, list[str]]
) -> dict[str, list[str]]:
    """Office admin only. Raises Forbidden, FieldErrors (unknown or non-agency kinds, empty)."""
    policy.require(viewer, DispatchAction.set_rules)
    supply = {k.value for k, side in ORG_KIND_SIDE.items() if side is Side.supply}
    errors: list[dict[str, Any]] = []
    clean: dict[str, list[str]] = {}
    for category in CATEGORIES:
        kinds = list(dict.fromkeys(rules.get(category) or []))
        if not kinds:
            errors.append({"field": category, "code": "missing", "params": {}})
        elif any(k not in supply for k in kinds):
            errors.append({"field": category, "code": "not_a_supply_org", "params": {}})
        clean[category] = kinds
    if errors:
        raise FieldErrors(errors)
    row = session.get(AppSetting, RULES_KEY)
    if row is None:
        row = AppSetting(key=RULES_KEY, value={})
        session.add(row)
    row.value = clean
    session.flush()
    return clean


def classify(demand: Demand) -> str:
    """Which routing rule a demand falls under: overseas, research or other."""
    foreign = [x for x in demand.languages or [] if x.strip().lower() not in CHINESE]
    if demand.overseas_required or foreign:
        return "overseas"
    if demand.kind in (DemandKind.project.value, DemandKind.leading_talent.value):
        return "research"
    return "other"


# ------------------------------------------------------------------------------ dispatching


def _open_demand(session: Session, demand_id: int) -> Demand:
    # Under a row lock (SELECT ... FOR UPDATE; SQLite's single writer needs none): parallel
    # dispatches and nominations of one demand take turns, each sees what the one before it
    # wrote, and the demand stays open until they commit.
    demand = lock_row(session, Demand, demand_id)
    if demand is None:
        raise NotFound()
    if demand.status != DemandStatus.open.value:
        raise DemandNotOpen()
    return demand


def _agency(session: Session, organization_id: int | None) -> Organization:
    org = session.get(Organization, organization_id) if organization_id is not None else None
    if org is None or org.side != Side.supply.value:
        raise FieldErrors.one("organization_id", "not_a_supply_org")
    return org


def _check_due(due_date: dt.date) -> None:
    if due_date < today():
        raise FieldErrors.one("due_date", "due_date_past")


def _add(
    session: Session,
    demand: Demand,
    org: Organization,
    due_date: dt.date,
    *,
    source: str,
    by: int | None,
) -> Dispatch:
    d = Dispatch(
        demand_id=demand.id,
        organization_id=org.id,
        due_date=due_date,
        source=source,
        created_by_id=by,
    )
    session.add(d)
    session.flush()
    notify(
        session,
        organization_users(session, org.id),
        "dispatch_new",
        link="/dispatches",
        title=demand.title,
        due=due_date.isoformat(),
    )
    return d


def _existing(session: Session, demand_id: int) -> set[int]:
    return set(
        session.scalars(select(Dispatch.organization_id).where(Dispatch.demand_id == demand_id))
    )


def create_dispatch(
    session: Session, viewer: Viewer, demand_id: int, *, organization_id: int, due_date: dt.date
) -> Dispatch:
    """The office tasks one agency. Raises Forbidden, NotFound, DemandNotOpen, FieldErrors,
    DispatchExists."""
    policy.require(viewer, DispatchAction.dispatch)
    demand = _open_demand(session, demand_id)
    org = _agency(session, organization_id)
    _check_due(due_date)
    if org.id in _existing(session, demand.id):
        raise DispatchExists()
    return _add(session, demand, org, due_date, source="manual", by=viewer.id)


def dispatch_by_rules(
    session: Session, viewer: Viewer, demand_id: int, *, due_date: dt.date
) -> list[Dispatch]:
    """Task the agencies the routing rules name for this demand (skipping those already
    tasked). Raises Forbidden, NotFound, DemandNotOpen, FieldErrors."""
    policy.require(viewer, DispatchAction.dispatch)
    demand = _open_demand(session, demand_id)
    _check_due(due_date)
    kinds = get_rules(session)[classify(demand)]
    orgs = session.scalars(
        select(Organization).where(Organization.kind.in_(kinds)).order_by(Organization.id)
    )
    have = _existing(session, demand.id)
    return [
        _add(session, demand, org, due_date, source="rules", by=viewer.id)
        for org in orgs
        if org.id not in have and org.side == Side.supply.value
    ]


# ------------------------------------------------------------------------------ task board


def scoped_dispatches(viewer: Viewer) -> Select[Any]:
    return policy.readable(viewer)


@dataclass(frozen=True)
class DispatchView:
    dispatch: Dispatch
    demand_title: str
    demand_status: str
    enterprise_name: str
    organization_name: str
    nominated: int
    is_overdue: bool


def list_dispatches(
    session: Session,
    viewer: Viewer,
    *,
    status: str | None = None,
    overdue: bool | None = None,
    demand_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Dispatch], int]:
    stmt = scoped_dispatches(viewer)
    if status:
        stmt = stmt.where(Dispatch.status == status)
    if demand_id is not None:
        stmt = stmt.where(Dispatch.demand_id == demand_id)
    if overdue is True:
        stmt = stmt.where(Dispatch.status == DispatchStatus.open.value, Dispatch.due_date < today())
    elif overdue is False:
        stmt = stmt.where(
            (Dispatch.status != DispatchStatus.open.value) | (Dispatch.due_date >= today())
        )
    stmt = stmt.order_by(Dispatch.due_date, Dispatch.id)
    return paginate(session, stmt, limit=limit, offset=offset)


def views(session: Session, dispatches: list[Dispatch], locale: str) -> list[DispatchView]:
    if not dispatches:
        return []
    demands = {
        d.id: d
        for d in session.scalars(
            select(Demand).where(Demand.id.in_({x.demand_id for x in dispatches}))
        )
    }
    orgs = {
        o.id: o
        for o in session.scalars(
            select(Organization).where(Organization.id.in_({x.organization_id for x in dispatches}))
        )
    }
    counts: dict[int, int] = dict(
        list(
            session.execute(
                select(Nomination.dispatch_id, func.count())
                .where(Nomination.dispatch_id.in_([x.id for x in dispatches]))
                .group_by(Nomination.dispatch_id)
            )
        )
    )
    return [
        DispatchView(
            dispatch=x,
            demand_title=demands[x.demand_id].title,
            demand_status=demands[x.demand_id].status,
            enterprise_name=demands[x.demand_id].enterprise.name,
            organization_name=orgs[x.organization_id].display_name(locale),
            nominated=int(counts.get(x.id, 0)),
            is_overdue=is_overdue(x),
        )
        for x in dispatches
    ]


def get_dispatch(session: Session, viewer: Viewer, dispatch_id: int) -> Dispatch:
    """Raises NotFound (also outside the viewer's scope), Forbidden for the demand side."""
    d: Dispatch | None = session.scalar(scoped_dispatches(viewer).where(Dispatch.id == dispatch_id))
    if d is None:
        raise NotFound()
    return d


def nominate(
    session: Session, viewer: Viewer, dispatch_id: int, talent_ids: list[int]
) -> list[Nomination]:
    """The tasked agency puts forward its own active talents; they enter the next match run.
    Already nominated talents are skipped. Raises Forbidden, NotFound, DemandNotOpen,
    FieldErrors."""
    policy.require(viewer, DispatchAction.nominate)
    d = get_dispatch(session, viewer, dispatch_id)
    _open_demand(session, d.demand_id)
    session.refresh(d)  # as a nomination that held the demand's lock before us left it
    ids = sorted(set(talent_ids))
    own = set(
        session.scalars(
            select(Talent.id).where(
                Talent.id.in_(ids),
                Talent.organization_id == viewer.organization_id,
                Talent.status == TalentStatus.active.value,
            )
        )
    )
    bad = [i for i in ids if i not in own]
    if bad:
        raise FieldErrors.one("talent_ids", "not_own_active_talent", ids=", ".join(map(str, bad)))
    have = set(session.scalars(select(Nomination.talent_id).where(Nomination.dispatch_id == d.id)))
    rows = [
        Nomination(
            dispatch_id=d.id,
            demand_id=d.demand_id,
            organization_id=d.organization_id,
            talent_id=tid,
            nominated_by_id=viewer.id,
        )
        for tid in ids
        if tid not in have
    ]
    session.add_all(rows)
    if rows:
        check_transition(Machine.dispatch, d.status, DispatchStatus.answered)
        d.status = DispatchStatus.answered.value
        d.first_nomination_at = d.first_nomination_at or utcnow()
    session.flush()
    return rows


def nominated_pairs(session: Session) -> set[tuple[int, int]]:
    """(demand_id, talent_id) of every nomination still linked to a talent: the match engine
    adds them to the candidates of their demand."""
    return {
        (int(did), int(tid))
        for did, tid in session.execute(
            select(Nomination.demand_id, Nomination.talent_id).where(
                Nomination.talent_id.is_not(None)
            )
        )
        if tid is not None
    }


# ------------------------------------------------------------------------------ sweeps


def office_users(session: Session) -> list[int]:
    return list(
        session.scalars(
            select(User.id).where(
                User.is_active.is_(True),
                notification_policy.office_staff(),
            )
        )
    )


def flag_overdue(session: Session, *, on: dt.date | None = None) -> int:
    """Notify the office once of every dispatch past its due date without a nomination."""
    on = on or today()
    rows = list(
        session.scalars(
            select(Dispatch).where(
                Dispatch.status == DispatchStatus.open.value,
                Dispatch.due_date < on,
                Dispatch.overdue_notified_at.is_(None),
            )
        )
    )
    office = office_users(session)
    for d in rows:
        demand = session.get_one(Demand, d.demand_id)
        org = session.get_one(Organization, d.organization_id)
        notify(
            session,
            office,
            "dispatch_overdue",
            link="/dispatches?overdue=1",
            title=demand.title,
            agency=org.name_zh,
            agency_en=org.name_en,
            due=d.due_date.isoformat(),
        )
        d.overdue_notified_at = utcnow()
    session.flush()
    return len(rows)


def revert_dispatches(
    session: Session, *, days: int, now: dt.datetime | None = None
) -> list[DispatchReversion]:
    """Offer every open demand still unfilled `days` after it was first dispatched (or
    created, if never dispatched) to every agency not yet tasked with it, at most once per
    `days`; each reversion is recorded."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=days)
    agencies = list(
        session.scalars(
            select(Organization)
            .where(Organization.side == Side.supply.value)
            .order_by(Organization.id)
        )
    )
    first: dict[int, dt.datetime] = dict(
        list(
            session.execute(
                select(Dispatch.demand_id, func.min(Dispatch.created_at)).group_by(
                    Dispatch.demand_id
                )
            )
        )
    )
    last: dict[int, dt.datetime] = dict(
        list(
            session.execute(
                select(DispatchReversion.demand_id, func.max(DispatchReversion.at)).group_by(
                    DispatchReversion.demand_id
                )
            )
        )
    )
    out = []
    demands = session.scalars(
        select(Demand).where(Demand.status == DemandStatus.open.value).order_by(Demand.id)
    )
    for demand in demands:
        if demand.open_headcount <= 0:
            continue
        since = first.get(demand.id) or demand.created_at
        if since > cutoff or (demand.id in last and last[demand.id] > cutoff):
            continue
        # Locked as an office dispatch locks it: one waits for the other's agencies.
        locked = lock_row(session, Demand, demand.id)
        if locked is None or locked.status != DemandStatus.open.value:
            continue
        have = _existing(session, demand.id)
        new = [org for org in agencies if org.id not in have]
        if not new:
            continue
        due = now.date() + dt.timedelta(days=REVERSION_DUE_DAYS)
        for org in new:
            _add(session, demand, org, due, source="reversion", by=None)
        record = DispatchReversion(
            demand_id=demand.id,
            days_open=(now - since).days,
            organization_ids=[o.id for o in new],
            at=now,
            details={"due_date": due.isoformat(), "open_headcount": demand.open_headcount},
        )
        session.add(record)
        notify(
            session,
            office_users(session),
            "dispatch_reverted",
            link=f"/dispatches?demand_id={demand.id}",
            title=demand.title,
            n=len(new),
        )
        out.append(record)
    session.flush()
    return out
