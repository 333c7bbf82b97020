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

from app.config import Settings
from app.context import session_context
from app.text import scrub_text

log = logging.getLogger(__name__)

PENDING = "mail_pending"


def send_all(settings: Settings, messages: list[tuple[str, str, str]]) -> None:
    """Send each (to, subject, body) over one SMTP connection; log and drop on failure."""
    if not settings.smtp_host:  # mail is off: nothing was queued
        return
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user and settings.smtp_password:
                smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            for to, subject, body in messages:
                try:
                    smtp.send_message(compose(settings.smtp_from, to, subject, body))
                except (ValueError, smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError):
                    # one bad message (an odd address the server refuses) never stops the rest
                    log.warning("e-mail notification to %r not sent", to, exc_info=True)
    except (OSError, smtplib.SMTPException):
        log.warning("e-mail notifications not sent (%d)", len(messages), exc_info=True)


def compose(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """One message. Header values lose line breaks and control characters (a stored title with
    a newline would otherwise raise, or inject a header); the body keeps its line breaks."""
    message = EmailMessage()
    message["From"] = _header(sender)
    message["To"] = _header(to)
    message["Subject"] = _header(subject)
    message.set_content(scrub_text(body, multiline=True))
    return message


def _header(value: str) -> str:
    return " ".join(scrub_text(value, multiline=False, replacement=" ").split())


def queue_mail(session: Session, to: str, subject: str, body: str) -> None:
    context = session_context(session)
    if context is not None and context.settings.smtp_host:
        session.info.setdefault(PENDING, []).append((to, subject, body))


def _after_commit(session: Session) -> None:
    messages = session.info.pop(PENDING, None)
    context = session_context(session)
    if messages and context is not None:
        threading.Thread(
            target=send_all, args=(context.settings, messages), name="smtp", daemon=True
        ).start()


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def install_mail_hook() -> None:
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback_soft)


def _after_rollback_soft(session: Session, _previous: Any) -> None:
    _after_rollback(session)
