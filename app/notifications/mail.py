"""E-mail copies of notifications, when SMTP is configured (SMTP_HOST).

`notify` queues (address, subject, body) tuples on the session; after the commit a short-lived
thread sends them with the standard library's smtplib, so a slow or absent mail server never
delays or fails the request that caused the notification (a failure is logged).
"""

from __future__ import annotations

import logging
import smtplib
import threading
from email.message import EmailMessage
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

PENDING = "mail_pending"


def send_all(settings: Any, messages: list[tuple[str, str, str]]) -> None:
    """Send each (to, subject, body) over one SMTP connection; log and drop on failure."""
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user and settings.smtp_password:
                smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            for to, subject, body in messages:
                message = EmailMessage()
                message["From"] = settings.smtp_from
                message["To"] = to
                message["Subject"] = subject
                message.set_content(body)
                smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.warning("e-mail notifications not sent (%d)", len(messages), exc_info=True)


def queue_mail(session: Session, to: str, subject: str, body: str) -> None:
    settings = session.info.get("settings")
    if settings is not None and settings.smtp_host:
        session.info.setdefault(PENDING, []).append((to, subject, body))


def _after_commit(session: Session) -> None:
    messages = session.info.pop(PENDING, None)
    settings = session.info.get("settings")
    if messages and settings is not None:
        threading.Thread(
            target=send_all, args=(settings, messages), name="smtp", daemon=True
        ).start()


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def install_mail_hook() -> None:
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback_soft)


def _after_rollback_soft(session: Session, _previous: Any) -> None:
    _after_rollback(session)
