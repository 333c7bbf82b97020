"""The review queue page (office reviewers): filter, read the score breakdown, decide in bulk."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from app.access.deps import CheckedForm, PageViewer
from app.access.policies import suggestions as policy
from app.access.policies.suggestions import SuggestionAction
from app.db import SessionDep
from app.errors import FieldErrors
from app.forms import checked_text
from app.matchruns.pages import COMPONENTS
from app.models import Organization
from app.models.enums import INDUSTRY_SECTIONS, RejectReason, Side
from app.review import service
from app.web import Pager, flash, offset_param, redirect, render, whole_number

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 10
STATUSES = ("open", "pending", "locked", "approved", "rejected", "forbidden", "all")


def _score(raw: str | None) -> float | None:
    try:
        value = float(raw) if raw else None
    except ValueError:
        return None
    return value if value is not None and 0 <= value <= 1 else None


@router.get("/review")
def queue_page(request: Request, session: SessionDep, viewer: PageViewer) -> Response:
    policy.require(viewer, SuggestionAction.review)
    q = request.query_params
    status = q.get("status", "open")
    filters = service.QueueFilters(
        agency_id=whole_number(q.get("agency_id")),
        chamber_id=whole_number(q.get("chamber_id")),
        industry=q.get("industry") if q.get("industry") in INDUSTRY_SECTIONS else None,
        min_score=_score(q.get("min_score")),
        status=status if status in STATUSES else "open",
        proposed_only=q.get("proposed") == "1",
    )
    offset = offset_param(request)
    run, groups, total = service.review_queue(
        session, viewer, filters, limit=PAGE_SIZE, offset=offset
    )
    orgs = list(session.scalars(select(Organization).order_by(Organization.id)))
    return render(
        request,
        "review/queue.html",
        {
            "run": run,
            "groups": groups,
            "filters": filters,
            "pager": Pager(total, PAGE_SIZE, offset),
            "agencies": [o for o in orgs if o.side == Side.supply.value],
            "chambers": [o for o in orgs if o.side == Side.demand.value],
            "industries": INDUSTRY_SECTIONS,
            "statuses": STATUSES,
            "reasons": list(RejectReason),
            "components": COMPONENTS,
            "back": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        },
    )


@router.post("/review")
def bulk_review_page(
    request: Request, session: SessionDep, viewer: PageViewer, form: CheckedForm
) -> Response:
    policy.require(viewer, SuggestionAction.review)
    items: list[tuple[int, int | None]] = []
    for raw in form.getlist("item"):
        sid, _, version = str(raw).partition(":")
        suggestion_id = whole_number(sid)
        if suggestion_id is not None:
            items.append((suggestion_id, whole_number(version)))
    action = str(form.get("action", ""))
    raw_reason = str(form.get("reason", ""))
    back = str(form.get("back", "/review"))
    if not back.startswith("/review"):
        back = "/review"
    if not items:
        flash(request, "review.nothing_selected")
        return redirect(back)
    if action not in ("approve", "reject"):
        flash(request, "review.choose_action")
        return redirect(back)
    if action == "reject" and raw_reason not in RejectReason.__members__:
        flash(request, "review.reason_required")
        return redirect(back)
    try:
        note = checked_text("note", str(form.get("note", ""))[:1000], multiline=True)
    except FieldErrors:
        flash(request, "review.note_invalid")
        return redirect(back)
    results = service.review_many(
        session,
        viewer,
        items,
        action=action,
        reason=RejectReason(raw_reason) if action == "reject" else None,
        note=note,
    )
    session.commit()
    if any(r.ok for r in results):
        flash(request, "review.approved" if action == "approve" else "review.rejected")
    if not all(r.ok for r in results):
        flash(request, "review.some_failed")
    return redirect(back)
