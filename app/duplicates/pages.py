"""Office pages: duplicate groups (merge, dismiss, batch scan), merges with provenance, undo."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.access.deps import CheckedForm, PageViewer
from app.access.policies import duplicates as policy
from app.access.policies.duplicates import DuplicateAction
from app.db import SessionDep
from app.duplicates import service
from app.i18n import locale_of
from app.web import flash, redirect, render, whole_number

router = APIRouter(include_in_schema=False)


def _ids(values: Sequence[object]) -> list[int]:
    return [n for v in values if isinstance(v, str) and (n := whole_number(v)) is not None]


@router.get("/duplicates")
def groups_page(request: Request, session: SessionDep, viewer: PageViewer) -> Response:
    groups = service.list_groups(session, viewer, locale_of(request))
    return render(
        request,
        "duplicates/groups.html",
        {
            "groups": groups,
            "can_scan": policy.can(viewer, DuplicateAction.scan),
            "can_merge": policy.can(viewer, DuplicateAction.merge),
            "can_dismiss": policy.can(viewer, DuplicateAction.dismiss),
        },
    )


@router.post("/duplicates/scan")
def scan_submit(
    request: Request, session: SessionDep, viewer: PageViewer, form: CheckedForm
) -> Response:
    service.scan_once(session, viewer)
    flash(request, "duplicates.flash.scanned")
    return redirect("/duplicates")


@router.post("/duplicates/merge")
def merge_submit(
    request: Request, session: SessionDep, viewer: PageViewer, form: CheckedForm
) -> Response:
    ids = _ids(form.getlist("talent_ids"))
    primary = _ids([form.get("primary_talent_id")])
    merge = service.merge_talents(
        session, viewer, ids, primary_talent_id=primary[0] if primary else -1
    )
    session.commit()
    flash(request, "duplicates.flash.merged")
    return redirect(f"/duplicates/merges/{merge.id}")


@router.post("/duplicates/dismiss")
def dismiss_submit(
    request: Request, session: SessionDep, viewer: PageViewer, form: CheckedForm
) -> Response:
    service.dismiss_group(session, viewer, _ids(form.getlist("talent_ids")))
    session.commit()
    flash(request, "duplicates.flash.dismissed")
    return redirect("/duplicates")


@router.get("/duplicates/merges")
def merges_page(request: Request, session: SessionDep, viewer: PageViewer) -> Response:
    merges = service.list_merges(session, viewer)
    return render(request, "duplicates/merges.html", {"merges": merges})


@router.get("/duplicates/merges/{merge_id}")
def merge_page(
    merge_id: int, request: Request, session: SessionDep, viewer: PageViewer
) -> Response:
    locale = locale_of(request)
    merge = service.get_merge(session, viewer, merge_id)
    return render(
        request,
        "duplicates/merge.html",
        {
            "merge": merge,
            "can_undo": policy.can(viewer, DuplicateAction.undo, merge),
            "profile": service.merged_profile(session, merge, locale),
            "versions": service.member_talents(session, merge),
        },
    )


@router.post("/duplicates/merges/{merge_id}/undo")
def undo_submit(
    merge_id: int, request: Request, session: SessionDep, viewer: PageViewer, form: CheckedForm
) -> Response:
    service.undo_merge(session, viewer, merge_id)
    session.commit()
    flash(request, "duplicates.flash.undone")
    return redirect(f"/duplicates/merges/{merge_id}")
