"""Import API shapes: the preview (errors and duplicates in the reader's language), counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import translate, translate_field_error
from app.imports.columns import SPECS
from app.models import ImportBatch, Organization


class RowErrorRead(BaseModel):
    row: int
    column: str
    code: str
    message: str


class DuplicateRead(BaseModel):
    row: int
    scope: str  # file | database | other_agency
    reason: str
    message: str
    other_row: int | None = None
    talent_id: int | None = None
    organization: str | None = None


class ImportRead(BaseModel):
    id: int
    kind: str
    status: str
    filename: str
    rows_read: int
    rows_valid: int
    rows_with_errors: int
    to_create: int
    to_update: int
    errors: list[RowErrorRead]
    errors_total: int
    duplicates: list[DuplicateRead]
    duplicates_total: int
    # The commit job: 0-100 while `committing`; `result` (the counts) once `committed`;
    # an error code and its message once `failed`.
    progress: int
    result: dict[str, int] | None
    failure: str | None
    failure_message: str | None
    created_at: dt.datetime
    committed_at: dt.datetime | None
    links: dict[str, str]

    @classmethod
    def of(cls, session: Session, batch: ImportBatch, locale: str) -> ImportRead:
        preview: dict[str, Any] = (batch.result or {}).get("preview", {})
        org_ids = {d["organization_id"] for d in batch.duplicates if d.get("organization_id")}
        orgs = {
            o.id: o.display_name(locale)
            for o in session.scalars(select(Organization).where(Organization.id.in_(org_ids)))
        } if org_ids else {}  # fmt: skip
        return cls(
            id=batch.id,
            kind=batch.kind,
            status=batch.status,
            filename=batch.filename,
            rows_read=batch.rows_read,
            rows_valid=batch.rows_valid,
            rows_with_errors=batch.rows_read - batch.rows_valid,
            to_create=int(preview.get("to_create", 0)),
            to_update=int(preview.get("to_update", 0)),
            errors=[render_error(batch.kind, e, locale) for e in batch.errors],
            errors_total=int(preview.get("errors", len(batch.errors))),
            duplicates=[render_duplicate(d, orgs, locale) for d in batch.duplicates],
            duplicates_total=int(preview.get("duplicates", len(batch.duplicates))),
            progress=batch.progress,
            result=(batch.result or {}).get("commit") if batch.status == "committed" else None,
            failure=batch.failure if batch.status == "failed" else None,
            failure_message=(
                translate(f"error.{batch.failure}", locale)
                if batch.status == "failed" and batch.failure
                else None
            ),
            created_at=batch.created_at,
            committed_at=batch.committed_at,
            links={
                "self": f"/api/v1/imports/{batch.id}",
                "commit": f"/api/v1/imports/{batch.id}/commit",
                "errors": f"/api/v1/imports/{batch.id}/errors.xlsx",
            },
        )


def render_error(kind: str, e: dict[str, Any], locale: str) -> RowErrorRead:
    column = e.get("column")
    if not column:
        col = SPECS[kind].by_name.get(e["field"]) if kind in SPECS else None
        column = col.header(locale) if col else translate(f"field.{e['field']}", locale)
    params = dict(e.get("params") or {})
    if locale == "en":  # some messages carry their English list beside the Chinese one
        params.update({k[:-3]: v for k, v in params.items() if k.endswith("_en")})
    return RowErrorRead(
        row=e["row"],
        column=column,
        code=e["code"],
        message=translate_field_error(e["code"], locale, params, None),
    )


def render_duplicate(d: dict[str, Any], orgs: dict[int, str], locale: str) -> DuplicateRead:
    reason = translate(f"import.dup_reason.{d['reason']}", locale)
    org = orgs.get(d.get("organization_id") or 0)
    message = translate(
        f"import.dup.{d['scope']}",
        locale,
        reason=reason,
        other_row=d.get("other_row"),
        talent_id=d.get("talent_id"),
        organization=org,
    )
    return DuplicateRead(
        row=d["row"],
        scope=d["scope"],
        reason=d["reason"],
        message=message,
        other_row=d.get("other_row"),
        talent_id=d.get("talent_id"),
        organization=org if d["scope"] == "other_agency" else None,
    )
