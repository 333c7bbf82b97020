"""/api/v1/dashboards (JSON or one table as CSV) and /api/v1/dashboards/monthly.xlsx."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from app.access.deps import ApiViewer
from app.context import app_context
from app.dashboards import service
from app.db import SessionDep
from app.errors import FieldErrors
from app.i18n import locale_of

router = APIRouter(tags=["dashboards"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Table = Literal["gap_group", "gap_industry", "demands", "agencies", "chambers"]


class DashboardRead(BaseModel):
    generated_at: dt.datetime
    latest_run_id: int | None
    tables: dict[str, list[dict[str, Any]]]


def attachment(content: bytes, filename: str, media_type: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


def csv_response(
    board: service.Dashboard, table: str | None, locale: str, zone: dt.tzinfo
) -> Response:
    if table is None:
        raise FieldErrors.one("table", "missing")
    return attachment(
        service.table_csv(board, table, locale, zone), f"{table}.csv", "text/csv; charset=utf-8"
    )


@router.get(
    "/api/v1/dashboards",
    response_model=DashboardRead,
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
)
def get_dashboards(
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
    format: Literal["json", "csv"] = "json",
    table: Table | None = None,
) -> Any:
    """The office's figures (office staff only); `?format=csv&table=…` gives one table as CSV."""
    locale = locale_of(request)
    board = service.dashboard(session, viewer, locale)
    if format == "csv":
        return csv_response(board, table, locale, app_context(request).settings.zone)
    return DashboardRead(
        generated_at=board.generated_at,
        latest_run_id=service.latest_run_id(session),
        tables=board.tables,
    )


@router.get(
    "/api/v1/dashboards/monthly.xlsx",
    responses={200: {"content": {XLSX: {}}, "description": "An .xlsx workbook"}},
)
def monthly_report(
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
    month: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$")],
) -> Response:
    """The monthly report as an Excel workbook (`month=YYYY-MM`, office staff only)."""
    content = service.monthly_report(
        session, viewer, locale_of(request), month, app_context(request).settings.zone
    )
    return attachment(content, f"report-{month}.xlsx", XLSX)
