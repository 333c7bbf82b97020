"""/dashboards: the office's dashboards with server-drawn SVG charts and CSV/Excel links."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.access.deps import PageViewer
from app.context import app_context
from app.dashboards import service
from app.dashboards.api import csv_response
from app.db import SessionDep, utcnow
from app.errors import FieldErrors
from app.i18n import locale_of
from app.web import render

router = APIRouter(include_in_schema=False)
SERIES = ("open_headcount", "fit_talents")


@router.get("/dashboards")
def dashboards_page(request: Request, session: SessionDep, viewer: PageViewer) -> Response:
    locale = locale_of(request)
    board = service.dashboard(session, viewer, locale)
    q = request.query_params
    if q.get("format") == "csv":
        table = q.get("table")
        if table is not None and table not in service.TABLES:
            raise FieldErrors.one("table", "dash_table_unknown", tables=", ".join(service.TABLES))
        return csv_response(board, table, locale, app_context(request).settings.zone)
    charts = {
        name: service.bars(board.tables[name], SERIES) for name in ("gap_group", "gap_industry")
    }
    return render(
        request,
        "dashboards/index.html",
        {
            "board": board,
            "charts": charts,
            "series": SERIES,
            "columns": service.COLUMNS,
            "tables": service.TABLES,
            "this_month": utcnow().strftime("%Y-%m"),
            "cell": service.cell,
        },
    )
