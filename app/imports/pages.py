"""Import pages: upload with template links, the preview with row errors and duplicates,
commit; export links live on the same page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from app.access import Viewer
from app.access.deps import CheckedForm, PageViewer
from app.access.policies import imports as policy
from app.access.policies.imports import ImportAction
from app.context import app_context
from app.db import SessionDep
from app.enterprises.pages import org_choices
from app.errors import AppError, FieldErrors, Forbidden, error_body
from app.i18n import locale_of
from app.imports import service
from app.imports.columns import KINDS
from app.imports.reader import Limits
from app.imports.schemas import ImportRead
from app.models.enums import Side
from app.web import flash, redirect, render, whole_number

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class UploadPage:
    kinds: list[str]
    org_choices: dict[str, list[tuple[str, str]]]
    recent: list[ImportRead]
    exports: list[str]
    error: dict[str, Any] | None = None
    kind: str = ""


def _kinds(viewer: Viewer) -> list[str]:
    return [k for k in KINDS if service.can_import(viewer, k)]


def _exports(viewer: Viewer) -> list[str]:
    return policy.exports(viewer)


def _upload_page(
    request: Request,
    session: SessionDep,
    viewer: Viewer,
    error: dict[str, Any] | None = None,
    kind: str = "",
) -> Response:
    locale = locale_of(request)
    choices: dict[str, list[tuple[str, str]]] = {}
    if policy.can(viewer, ImportAction.choose_organization):
        choices = {
            "talents": list(org_choices(session, Side.supply)(locale)),
            "enterprises": list(org_choices(session, Side.demand)(locale)),
        }
    page = UploadPage(
        kinds=_kinds(viewer),
        org_choices=choices,
        recent=[ImportRead.of(session, b, locale) for b in service.list_imports(session, viewer)],
        exports=_exports(viewer),
        error=error,
        kind=kind,
    )
    return render(request, "imports/upload.html", {"page": page}, status_code=422 if error else 200)


@router.get("/imports")
def upload_page(request: Request, session: SessionDep, viewer: PageViewer) -> Response:
    return _upload_page(request, session, viewer)


@router.post("/imports")
def upload_submit(
    request: Request, session: SessionDep, viewer: PageViewer, form: CheckedForm
) -> Response:
    kind = str(form.get("kind") or "")
    file = form.get("file")
    org_raw = str(form.get("organization_id") or "")
    try:
        if not isinstance(file, UploadFile) or not file.filename:
            raise FieldErrors.one("file", "missing")
        batch = service.preview_import(
            session,
            viewer,
            kind=kind,
            file=file.file,
            filename=file.filename,
            id_key=str(app_context(request).settings.id_hash_key.get_secret_value()),
            organization_id=whole_number(org_raw),
            limits=Limits.of(app_context(request).settings),
        )
        session.commit()
    except Forbidden:
        raise
    except AppError as exc:
        if isinstance(file, UploadFile):
            file.file.close()
        session.rollback()
        errors = exc.errors if isinstance(exc, FieldErrors) else None
        body = error_body(request, exc.status, exc.code, exc.params, errors)
        return _upload_page(request, session, viewer, body, kind)
    if isinstance(file, UploadFile):
        file.file.close()  # the form's spooled file; FastAPI closes only the files it parsed
    return redirect(f"/imports/{batch.id}")


@router.get("/imports/{import_id}")
def preview_page(
    import_id: int, request: Request, session: SessionDep, viewer: PageViewer
) -> Response:
    batch = service.get_import(session, viewer, import_id)
    page = ImportRead.of(session, batch, locale_of(request))
    return render(request, "imports/preview.html", {"page": page})


@router.post("/imports/{import_id}/commit")
def commit_submit(
    import_id: int, request: Request, session: SessionDep, viewer: PageViewer, form: CheckedForm
) -> Response:
    service.commit_import(session, viewer, import_id)
    session.commit()
    app_context(request).jobs.submit_import(import_id)
    flash(request, "import.flash.committing")
    return redirect(f"/imports/{import_id}")
