"""GET /audit: the office admin reads the audit trail, newest first: filtered by person, kind of
record, record number and date (Beijing time), paged, downloadable as CSV, and written out in
words (field labels, names of people and organisations, enumeration labels) instead of keys."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.access.deps import PageViewer
from app.access.policies import audit as policy
from app.context import app_context
from app.db import SessionDep, paginate
from app.i18n import locale_of, translate
from app.i18n.catalog import CATALOG
from app.models import AuditLog, Organization, User
from app.spreadsheets import csv_bytes
from app.web import Pager, render, whole_number

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
CSV_MOST = 100_000
# The kinds of record the trail names (app.audit.trail.AUDITED), in the order the filter shows.
ENTITIES = (
    "organizations",
    "users",
    "enterprises",
    "demands",
    "talents",
    "suggestion_reviews",
    "pair_decisions",
    "introductions",
    "dispatches",
    "nominations",
    "talent_erasures",
)
# Fields holding the id of a user or of an organisation: shown by name.
USER_FIELDS = frozenset({"created_by_id", "decided_by_id", "reviewer_id", "user_id", "actor_id"})
ORG_FIELDS = frozenset({"organization_id", "agency_id", "chamber_id"})


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class EntryView:
    at: dt.datetime
    actor: str
    action: str
    record: str
    changes: list[Change]


@dataclass(frozen=True)
class AuditFilters:
    actor_id: int | None
    entity: str | None
    entity_id: int | None
    since: dt.date | None
    until: dt.date | None


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw and len(raw) == 10 else None
    except ValueError:
        return None


def _statement(viewer: Any, f: AuditFilters, zone: dt.tzinfo) -> Select[AuditLog]:
    stmt = policy.readable(viewer).order_by(AuditLog.id.desc())
    if f.actor_id is not None:
        stmt = stmt.where(AuditLog.actor_id == f.actor_id)
    if f.entity:
        stmt = stmt.where(AuditLog.entity == f.entity)
    if f.entity_id is not None:
        stmt = stmt.where(AuditLog.entity_id == f.entity_id)
    if f.since:
        start = dt.datetime.combine(f.since, dt.time(), tzinfo=zone)
        stmt = stmt.where(AuditLog.at >= start)
    if f.until:
        end = dt.datetime.combine(f.until + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        stmt = stmt.where(AuditLog.at < end)
    return stmt


def _label(key: str, locale: str, fallback: str) -> str:
    return translate(key, locale) if key in CATALOG else fallback


def _entity_label(entity: str, locale: str) -> str:
    return _label(f"audit.entity.{entity}", locale, entity)


def _field_label(field: str, entity: str, locale: str) -> str:
    for key in (f"field.{field}", f"{entity}.{field}", f"audit.field.{field}"):
        if key in CATALOG:
            return translate(key, locale)
    return field.removesuffix("_id").replace("_", " ")


class _Names:
    """Names of the people and organisations that changes refer to by id, loaded once a page."""

    def __init__(self, session: Session, entries: list[AuditLog], locale: str) -> None:
        users: set[int] = set()
        orgs: set[int] = set()
        for e in entries:
            for key, pair in (e.changes or {}).items():
                ids = {v for v in pair if isinstance(v, int) and not isinstance(v, bool)}
                if key in USER_FIELDS:
                    users |= ids
                elif key in ORG_FIELDS:
                    orgs |= ids
            if e.entity == "organizations":
                orgs.add(e.entity_id)
        self.users = dict(
            session.execute(select(User.id, User.display_name).where(User.id.in_(users))).all()
        )
        self.orgs = {
            o.id: o.display_name(locale)
            for o in session.scalars(select(Organization).where(Organization.id.in_(orgs)))
        }
        self.locale = locale

    def value(self, entity: str, field: str, value: Any) -> str:
        locale = self.locale
        if value is None or value == "" or value == []:
            return "—"
        if isinstance(value, bool):
            return translate(f"enum.bool.{str(value).lower()}", locale)
        if field in USER_FIELDS and value in self.users:
            return f"{self.users[value]}"
        if field in ORG_FIELDS and value in self.orgs:
            return self.orgs[value]
        if isinstance(value, list):
            return "、".join(self.value(entity, field, v) for v in value)
        if isinstance(value, dict):
            return "；".join(f"{k}: {self.value(entity, field, v)}" for k, v in value.items())
        if isinstance(value, str):
            for key in (f"enum.{field}.{value}", f"{entity}.{field}.{value}"):
                if key in CATALOG:
                    return translate(key, locale)
            if value == "***":
                return translate("audit.hidden", locale)
        if isinstance(value, float):
            return f"{value:.2f}"
        return str(value)


def describe(
    session: Session, entries: list[AuditLog], locale: str, zone: dt.tzinfo
) -> list[EntryView]:
    """The entries as people read them: labels and names instead of keys and ids."""
    names = _Names(session, entries, locale)
    views = []
    for e in entries:
        record = f"{_entity_label(e.entity, locale)} #{e.entity_id}"
        if e.entity == "organizations" and e.entity_id in names.orgs:
            record = f"{record} {names.orgs[e.entity_id]}"
        changes = [
            Change(
                _field_label(field, e.entity, locale),
                names.value(e.entity, field, pair[0] if len(pair) > 0 else None),
                names.value(e.entity, field, pair[1] if len(pair) > 1 else None),
            )
            for field, pair in (e.changes or {}).items()
            if isinstance(pair, list | tuple)
        ]
        views.append(
            EntryView(
                at=e.at.astimezone(zone),
                actor=e.actor_name,
                action=_label(f"audit.action.{e.action}", locale, e.action),
                record=record,
                changes=changes,
            )
        )
    return views


@router.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    viewer: PageViewer,
    entity: Annotated[str | None, Query(max_length=40)] = None,
    actor_id: Annotated[str | None, Query(max_length=12)] = None,
    entity_id: Annotated[str | None, Query(max_length=12)] = None,
    since: Annotated[str | None, Query(max_length=10)] = None,
    until: Annotated[str | None, Query(max_length=10)] = None,
    format: Annotated[str | None, Query(max_length=10)] = None,
    offset: Annotated[str | None, Query(max_length=12)] = None,
) -> Response:
    locale = locale_of(request)
    zone = app_context(request).settings.zone
    filters = AuditFilters(
        actor_id=whole_number(actor_id),
        entity=entity if entity in ENTITIES else None,
        entity_id=whole_number(entity_id),
        since=_date(since),
        until=_date(until),
    )
    stmt = _statement(viewer, filters, zone)
    if format == "csv":
        entries = list(session.scalars(stmt.limit(CSV_MOST)))
        head = [translate(k, locale) for k in ("audit.at", "audit.actor", "audit.action")]
        head += [translate(k, locale) for k in ("audit.entity", "audit.changes")]
        rows = [
            [
                v.at.strftime("%Y-%m-%d %H:%M:%S"),
                v.actor,
                v.action,
                v.record,
                "；".join(f"{c.label}: {c.before} → {c.after}" for c in v.changes),
            ]
            for v in describe(session, entries, locale, zone)
        ]
        name = quote(f"{translate('title.audit', locale)}.csv")
        return Response(
            csv_bytes([head, *rows]),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
        )
    start = whole_number(offset) or 0
    entries, total = paginate(session, stmt, limit=PAGE_SIZE, offset=start)
    actors = session.execute(
        select(User.id, User.display_name, User.username).order_by(User.display_name)
    ).all()
    return render(
        request,
        "audit/list.html",
        {
            "entries": describe(session, entries, locale, zone),
            "pager": Pager(total, PAGE_SIZE, start),
            "filters": filters,
            "entities": [(e, _entity_label(e, locale)) for e in ENTITIES],
            "actors": actors,
            "csv_url": str(
                request.url.include_query_params(format="csv").remove_query_params("offset")
            ),
        },
    )
