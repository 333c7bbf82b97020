"""/api/v1/imports (templates, preview, commit, error report) and the list exports
/api/v1/{talents,demands,enterprises}/export."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response

from app.access.deps import ApiViewer
from app.context import app_context
from app.db import SessionDep
from app.errors import FieldErrors
from app.i18n import locale_of
from app.imports import exports, service
from app.imports.columns import KINDS, SPECS
from app.imports.reader import Limits
from app.imports.schemas import ImportRead
from app.imports.sheets import template_workbook
from app.models.enums import (
    DemandKind,
    DemandStatus,
    Education,
    EnterpriseSize,
    TalentStatus,
)

router = APIRouter(tags=["imports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Format = Literal["xlsx", "csv"]
# What the file routes answer, for the OpenAPI document.
XLSX_FILE: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX: {}}, "description": "An .xlsx workbook"}
}
EXPORT_FILE: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX: {}, "text/csv": {}}, "description": "An .xlsx or CSV file"}
}


def _id_key(request: Request) -> str:
    return str(app_context(request).settings.id_hash_key.get_secret_value())


def attachment(content: bytes, filename: str, media_type: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


@router.get("/api/v1/imports/templates/{kind}", responses=XLSX_FILE)
def download_template(kind: str, request: Request, viewer: ApiViewer) -> Response:
    """The .xlsx template of `enterprises`, `demands` or `talents`."""
    if kind not in KINDS:
        raise FieldErrors.one("kind", "import_kind_unknown")
    locale = locale_of(request)
    return attachment(template_workbook(SPECS[kind], locale), f"template-{kind}.xlsx", XLSX)


@router.post("/api/v1/imports", status_code=201)
def upload(
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
    kind: Annotated[str, Form(max_length=20)],
    file: Annotated[UploadFile, File()],
    organization_id: Annotated[int | None, Form()] = None,
) -> ImportRead:
    """Preview: read and validate the file; nothing is written to the data until commit."""
    batch = service.preview_import(
        session,
        viewer,
        kind=kind,
        file=file.file,
        filename=file.filename or "upload",
        id_key=_id_key(request),
        organization_id=organization_id,
        limits=Limits.of(app_context(request).settings),
    )
    session.commit()
    return ImportRead.of(session, batch, locale_of(request))


@router.get("/api/v1/imports/{import_id}")
def get_import(
    import_id: int, request: Request, session: SessionDep, viewer: ApiViewer
) -> ImportRead:
    return ImportRead.of(
        session, service.get_import(session, viewer, import_id), locale_of(request)
    )


@router.post("/api/v1/imports/{import_id}/commit", status_code=202)
def commit(
    import_id: int, request: Request, response: Response, session: SessionDep, viewer: ApiViewer
) -> ImportRead:
    """Start writing every valid row: answers 202 with the import, `committing`; poll
    `GET /api/v1/imports/{id}` (its `progress`, 0-100) until it is `committed` (`result` holds
    the counts) or `failed` (`failure`, `failure_message`). 409 once committed or committing."""
    batch = service.commit_import(session, viewer, import_id)
    session.commit()
    app_context(request).jobs.submit_import(batch.id)
    response.headers["Location"] = f"/api/v1/imports/{batch.id}"
    return ImportRead.of(session, batch, locale_of(request))


@router.get("/api/v1/imports/{import_id}/errors.xlsx", responses=XLSX_FILE)
def error_report(
    import_id: int, request: Request, session: SessionDep, viewer: ApiViewer
) -> Response:
    """The rows with errors as uploaded, with a column saying what is wrong."""
    content = exports.error_report(session, viewer, import_id, locale_of(request))
    return attachment(content, f"import-{import_id}-errors.xlsx", XLSX)


def _export(content: Any, kind: str, fmt: Format) -> Response:
    if fmt == "csv":
        return attachment(content, f"{kind}.csv", "text/csv; charset=utf-8")
    return attachment(content, f"{kind}.xlsx", XLSX)


@router.get("/api/v1/talents/export", tags=["talents"], responses=EXPORT_FILE)
def export_talents(
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
    format: Format = "xlsx",
    q: Annotated[str | None, Query(max_length=100)] = None,
    organization_id: int | None = None,
    education: Education | None = None,
    status: TalentStatus | None = None,
    is_returnee: bool | None = None,
    major: Annotated[str | None, Query(max_length=100)] = None,
    min_years: Annotated[int | None, Query(ge=0, le=70)] = None,
) -> Response:
    """The talent list (same filters) as .xlsx or .csv, masked as the viewer sees it."""
    filters = {"q": q, "organization_id": organization_id, "education": education, "status": status,
                   "is_returnee": is_returnee, "major": major, "min_years": min_years}  # fmt: skip
    content = exports.export(session, viewer, "talents", filters, format, locale_of(request))
    return _export(content, "talents", format)


@router.get("/api/v1/demands/export", tags=["demands"], responses=EXPORT_FILE)
def export_demands(
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
    format: Format = "xlsx",
    q: Annotated[str | None, Query(max_length=100)] = None,
    status: DemandStatus | None = None,
    kind: DemandKind | None = None,
    enterprise_id: int | None = None,
    chamber_id: int | None = None,
    min_education: Education | None = None,
    occupation_code: Annotated[str | None, Query(max_length=12)] = None,
    industry: Annotated[str | None, Query(pattern="^[A-T]$")] = None,
) -> Response:
    """The demand list (same filters) as .xlsx or .csv."""
    filters = {"q": q, "status": status, "kind": kind, "enterprise_id": enterprise_id,
                   "chamber_id": chamber_id, "min_education": min_education,
                   "occupation_code": occupation_code, "industry": industry}  # fmt: skip
    content = exports.export(session, viewer, "demands", filters, format, locale_of(request))
    return _export(content, "demands", format)


@router.get("/api/v1/enterprises/export", tags=["enterprises"], responses=EXPORT_FILE)
def export_enterprises(
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
    format: Format = "xlsx",
    q: Annotated[str | None, Query(max_length=100)] = None,
    industry: Annotated[str | None, Query(pattern="^[A-T]$")] = None,
    district: Annotated[str | None, Query(max_length=100)] = None,
    chamber_id: int | None = None,
    size: EnterpriseSize | None = None,
) -> Response:
    """The enterprise list (same filters) as .xlsx or .csv, contacts masked as the viewer
    sees them."""
    filters = {
        "q": q,
        "industry": industry,
        "district": district,
        "chamber_id": chamber_id,
        "size": size,
    }
    content = exports.export(session, viewer, "enterprises", filters, format, locale_of(request))
    return _export(content, "enterprises", format)
