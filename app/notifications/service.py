"""Notifications: sent by the review and introduction services, read by their recipients."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.policies import notifications as policy
from app.access.policies.notifications import NotificationAction
from app.context import session_context
from app.db import paginate, utcnow
from app.errors import NotFound
from app.models import Enterprise, Notification, User

KINDS = (
    "introduction_new",
    "consent_needed",
    "interest_received",
    "consent_recorded",
    "outcome_recorded",
    "dispatch_new",  # a demand was dispatched to the agency
    "dispatch_overdue",
    "dispatch_reverted",
)


def enterprise_side_users(session: Session, enterprise_id: int) -> list[int]:
    """The enterprise's own users and the staff of its chamber."""
    chamber_id = session.scalar(select(Enterprise.chamber_id).where(Enterprise.id == enterprise_id))
    return list(
        session.scalars(
            select(User.id).where(
                User.is_active.is_(True), policy.enterprise_side(enterprise_id, chamber_id)
            )
        )
    )


def organization_users(session: Session, organization_id: int) -> list[int]:
    return list(
        session.scalars(
            select(User.id).where(
                User.is_active.is_(True),
                User.organization_id == organization_id,
                User.enterprise_id.is_(None),
            )
        )
    )


def notify(
    session: Session,
    user_ids: Iterable[int],
    kind: str,
    *,
    link: str = "",
    exclude: int | None = None,
    **params: Any,
) -> None:
    """Queue one notification per recipient (the actor does not notify themselves), and an
    e-mail copy to recipients with an address when SMTP is configured."""
    recipients = [u for u in sorted(set(user_ids)) if u != exclude]
    for user_id in recipients:
        session.add(Notification(user_id=user_id, kind=kind, params=params, link=link))
    context = session_context(session)
    settings = context.settings if context is not None else None
    if recipients and settings is not None and settings.smtp_host:
        from app.i18n import translate
        from app.notifications.mail import queue_mail

        rows = session.execute(
            select(User.email).where(User.id.in_(recipients), User.email.is_not(None))
        ).all()
        subject = translate(f"notify.{kind}", "zh", **params)
        body = "\n\n".join(
            [
                subject,
                translate(f"notify.{kind}", "en", **params),
                f"{settings.public_url.rstrip('/')}{link}" if link else settings.public_url,
            ]
        )
        for (email,) in rows:
            if email:
                queue_mail(session, email, f"人才超市 Talent Supermarket: {subject}", body)


def unread_count(session: Session, viewer: Viewer) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == viewer.id, Notification.read_at.is_(None))
        )
        or 0
    )


def list_notifications(
    session: Session, viewer: Viewer, *, unread_only: bool, limit: int, offset: int
) -> tuple[list[Notification], int]:
    stmt = policy.readable(viewer)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return paginate(session, stmt.order_by(Notification.id.desc()), limit=limit, offset=offset)


def mark_read(session: Session, viewer: Viewer, notification_id: int | None) -> int:
    """Mark one notification (or, with None, all of them) read; raises NotFound."""
    stmt = update(Notification).where(
        Notification.user_id == viewer.id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        row = session.get(Notification, notification_id)
        if row is None:
            raise NotFound()
        policy.require(viewer, NotificationAction.mark_read, row)
        stmt = stmt.where(Notification.id == notification_id)
    result = session.execute(stmt.values(read_at=utcnow()))
    session.flush()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def mark_handled(session: Session, viewer: Viewer, link: str) -> int:
    """The viewer acted on what notifications linking to `link` asked for: they are read now,
    for the viewer and for colleagues of its organisation who were told the same."""
    colleagues = select(User.id).where(User.organization_id == viewer.organization_id)
    result = session.execute(
        update(Notification)
        .where(
            Notification.link == link,
            Notification.read_at.is_(None),
            Notification.user_id.in_(colleagues),
        )
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
