"""Exports of the scoped, masked lists, and the error report of an import."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import Viewer
from app.demands.schemas import DemandRead
from app.demands.service import list_demands
from app.enterprises.schemas import EnterpriseRead
from app.enterprises.service import list_enterprises
from app.i18n import translate
from app.imports.columns import SPECS
from app.imports.schemas import render_error
from app.imports.service import get_import
from app.imports.sheets import cell_value, export_columns, export_csv, export_xlsx, header_text
from app.imports.sheets import error_report as report_workbook
from app.models import ImportRow
from app.talents.schemas import TalentRead
from app.talents.service import list_talents

MAX_EXPORT_ROWS = 100_000
CHUNK = 1000


def _read(kind: str, obj: Any, viewer: Viewer, locale: str) -> dict[str, Any]:
    """The API's output schema (which masks) as a dict, plus what an import needs back."""
    if kind == "talents":
        return TalentRead.of(obj, viewer, locale).model_dump()
    if kind == "enterprises":
        return EnterpriseRead.of(obj, viewer, locale).model_dump()
    out = DemandRead.of(obj).model_dump()
    out["enterprise_credit_code"] = obj.enterprise.credit_code
    return out


_LISTS: dict[str, Callable[..., tuple[list[Any], int]]] = {
    "talents": list_talents,
    "demands": list_demands,
    "enterprises": list_enterprises,
}


def _objects(session: Session, viewer: Viewer, kind: str, filters: dict[str, Any]) -> Iterator[Any]:
    clean = {k: v for k, v in filters.items() if v is not None}
    offset = 0
    while offset < MAX_EXPORT_ROWS:
        items, _total = _LISTS[kind](session, viewer, limit=CHUNK, offset=offset, **clean)
        yield from items
        if len(items) < CHUNK:
            return
        offset += CHUNK


def export(
    session: Session, viewer: Viewer, kind: str, filters: dict[str, Any], fmt: str, locale: str
) -> bytes:
    """The scoped list (the list endpoint's filters) as .xlsx or .csv bytes."""
    # Read before writing: a scope error (Forbidden) must come before any output exists.
    return export_objects(kind, list(_objects(session, viewer, kind, filters)), viewer, fmt, locale)


def export_objects(kind: str, objects: list[Any], viewer: Viewer, fmt: str, locale: str) -> bytes:
    """These objects (already scoped) as .xlsx or .csv bytes, masked as the viewer sees them."""
    spec = SPECS[kind]
    columns = export_columns(spec)
    header = [header_text(c, locale).rstrip("*") for c in columns]
    rows = [
        [cell_value(c, data.get(c.name), locale) for c in columns]
        for data in (_read(kind, o, viewer, locale) for o in objects)
    ]
    if fmt == "csv":
        return b"".join(export_csv(header, rows))
    return export_xlsx(translate(spec.sheet_key, locale), header, rows)


def error_report(session: Session, viewer: Viewer, import_id: int, locale: str) -> bytes:
    """Raises NotFound."""
    batch = get_import(session, viewer, import_id)
    messages: dict[int, list[str]] = {}
    for e in batch.errors:
        r = render_error(batch.kind, e, locale)
        messages.setdefault(r.row, []).append(f"{r.column}: {r.message}")
    rows = (
        (number, list(raw or []), "；".join(messages.get(number, [])))
        for number, raw in session.execute(
            select(ImportRow.row_number, ImportRow.raw)
            .where(ImportRow.import_id == batch.id, ImportRow.has_errors.is_(True))
            .order_by(ImportRow.row_number)
        )
    )
    return report_workbook(batch.header, rows, locale)
