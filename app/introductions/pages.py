"""Introduction pages: the list (the agency's dashboard of what became of its talents) and one
introduction with the form each side answers."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.deps import CheckedForm, PageViewer
from app.access.policies import introductions as policy
from app.access.policies.introductions import IntroductionAction
from app.db import SessionDep
from app.errors import AppError, FieldErrors
from app.forms import checked_text, errors_by_field
from app.i18n import locale_of
from app.introductions import service
from app.models import User
from app.models.enums import ConsentMethod, IntroductionOutcome
from app.models.states import IntroductionStatus, Machine, next_states
from app.web import Pager, flash, offset_param, redirect, render, whole_number

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
STATUSES = tuple(s.value for s in IntroductionStatus)


@router.get("/introductions")
def list_page(request: Request, session: SessionDep, viewer: PageViewer) -> Response:
    q = request.query_params
    status = q.get("status") if q.get("status") in STATUSES else None
    offset = offset_param(request)
    items, total = service.list_introductions(
        session, viewer, status=status, limit=PAGE_SIZE, offset=offset
    )
    return render(
        request,
        "introductions/list.html",
        {
            "views": service.views(session, viewer, items, locale_of(request)),
            "audience": policy.audience(viewer),
            "counts": service.status_counts(session, viewer),
            "statuses": STATUSES,
            "status": status,
            "pager": Pager(total, PAGE_SIZE, offset),
        },
    )


def _text_refused(
    request: Request, session: Session, viewer: Viewer, introduction_id: int, exc: FieldErrors
) -> Response:
    """The page again, with the text rule's message beside the field (nothing saved)."""
    errors = errors_by_field(exc, locale_of(request))
    return _detail(request, session, viewer, introduction_id, errors=errors, status_code=422)


def _detail(
    request: Request,
    session: Session,
    viewer: Viewer,
    introduction_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    contact: service.Contact | None = None,
    status_code: int = 200,
) -> Response:
    intro = service.get_introduction(session, viewer, introduction_id)
    (view,) = service.views(session, viewer, [intro], locale_of(request))
    reveals = (
        service.list_reveals(session, viewer, intro.id)
        if policy.can(viewer, IntroductionAction.read_reveals, intro)
        else []
    )
    nxt = next_states(Machine.introduction, intro.status)
    # the reveal log names the person and their organisation, not a login name
    locale = locale_of(request)
    who = {
        user.id: f"{user.display_name}（{user.organization.display_name(locale)}）"
        for user in session.scalars(
            select(User).where(User.id.in_({r.user_id for r in reveals if r.user_id}))
        )
    }
    return render(
        request,
        "introductions/detail.html",
        {
            "v": view,
            "i": intro,
            "reveals": [(who.get(r.user_id or 0, r.username), r.at) for r in reveals],
            "contact": contact,
            "errors": errors or {},
            "values": values or {},
            "can_interest": policy.can(viewer, IntroductionAction.answer_interest, intro)
            and intro.status == "pending"
            and intro.interested is None,
            "can_consent": policy.can(viewer, IntroductionAction.record_consent, intro)
            and intro.status == "pending"
            and intro.consent is None,
            "can_keep_active": policy.can(viewer, IntroductionAction.keep_talent_active, intro),
            "can_read_reveals": policy.can(viewer, IntroductionAction.read_reveals, intro),
            "can_reveal": policy.can(viewer, IntroductionAction.reveal_contact, intro),
            "outcomes": [o for o in IntroductionOutcome if o.value in nxt]
            if policy.can(viewer, IntroductionAction.record_outcome, intro)
            else [],
            "methods": list(ConsentMethod),
        },
        status_code=status_code,
    )


@router.get("/introductions/{introduction_id}")
def detail_page(
    introduction_id: int, request: Request, session: SessionDep, viewer: PageViewer
) -> Response:
    return _detail(request, session, viewer, introduction_id)


def _done(request: Request, introduction_id: int, key: str) -> Response:
    flash(request, key)
    return redirect(f"/introductions/{introduction_id}")


def _refused(request: Request, introduction_id: int, exc: AppError) -> Response:
    # a 409 (someone answered first, the state moved on) reads as a message on the page
    if exc.status != 409:
        raise exc
    flash(request, f"error.{exc.code}")
    return redirect(f"/introductions/{introduction_id}")


@router.post("/introductions/{introduction_id}/interest")
def interest_page(
    introduction_id: int,
    request: Request,
    session: SessionDep,
    viewer: PageViewer,
    form: CheckedForm,
) -> Response:
    answer = form.get("interested")
    try:
        reason = checked_text("reason", str(form.get("reason", ""))[:1000], multiline=True)
    except FieldErrors as exc:
        return _text_refused(request, session, viewer, introduction_id, exc)
    if answer not in ("yes", "no"):
        # nothing is pre-selected: the enterprise must say yes or no itself
        return _detail(
            request,
            session,
            viewer,
            introduction_id,
            errors={"interested": "introductions.answer_required"},
            values={"reason": reason},
            status_code=422,
        )
    interested = answer == "yes"
    try:
        service.answer_interest(
            session,
            viewer,
            introduction_id,
            interested=interested,
            reason=reason,
            version=whole_number(form.get("version")),
        )
    except FieldErrors:
        return _detail(
            request,
            session,
            viewer,
            introduction_id,
            errors={"reason": "introductions.reason_required"},
            values={"reason": reason},
            status_code=422,
        )
    except AppError as exc:
        return _refused(request, introduction_id, exc)
    session.commit()
    return _done(request, introduction_id, "introductions.answered")


@router.post("/introductions/{introduction_id}/consent")
def consent_page(
    introduction_id: int,
    request: Request,
    session: SessionDep,
    viewer: PageViewer,
    form: CheckedForm,
) -> Response:
    method = str(form.get("method", ""))
    if method not in ConsentMethod.__members__:
        return _detail(
            request,
            session,
            viewer,
            introduction_id,
            errors={"method": "introductions.method_required"},
            status_code=422,
        )
    try:
        service.record_consent(
            session,
            viewer,
            introduction_id,
            consent=form.get("consent") == "yes",
            method=ConsentMethod(method),
            version=whole_number(form.get("version")),
        )
    except AppError as exc:
        return _refused(request, introduction_id, exc)
    session.commit()
    return _done(request, introduction_id, "introductions.answered")


@router.post("/introductions/{introduction_id}/contact")
def contact_page(
    introduction_id: int,
    request: Request,
    session: SessionDep,
    viewer: PageViewer,
    form: CheckedForm,
) -> Response:
    contact = service.reveal_contact(session, viewer, introduction_id)
    session.commit()
    return _detail(request, session, viewer, introduction_id, contact=contact)


@router.post("/introductions/{introduction_id}/outcome")
def outcome_page(
    introduction_id: int,
    request: Request,
    session: SessionDep,
    viewer: PageViewer,
    form: CheckedForm,
) -> Response:
    outcome = str(form.get("outcome", ""))
    try:
        reason = checked_text("reason", str(form.get("reason", ""))[:1000], multiline=True)
    except FieldErrors as exc:
        return _text_refused(request, session, viewer, introduction_id, exc)
    if outcome not in IntroductionOutcome.__members__:
        return _detail(
            request,
            session,
            viewer,
            introduction_id,
            errors={"outcome": "introductions.outcome_required"},
            values={"reason": reason},
            status_code=422,
        )
    try:
        service.record_outcome(
            session,
            viewer,
            introduction_id,
            outcome=IntroductionOutcome(outcome),
            reason=reason,
            keep_talent_active=form.get("keep_talent_active") == "on",
            version=whole_number(form.get("version")),
        )
    except AppError as exc:
        return _refused(request, introduction_id, exc)
    session.commit()
    return _done(request, introduction_id, "introductions.outcome_saved")
