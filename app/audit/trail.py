"""The audit trail: a flush hook that logs every create, update and delete of audited models.

Whoever flushes, a request, the CLI or a job, the hook writes one `audit_log` row per changed
object inside the same transaction, so a rolled-back change leaves no audit row behind and a
committed one always has its row. The actor comes from `session.info` (`app.db.set_actor`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import (
    AuditLog,
    Demand,
    Dispatch,
    Enterprise,
    Introduction,
    Nomination,
    Organization,
    PairDecision,
    SuggestionReview,
    Talent,
    TalentErasure,
    User,
)

AUDITED: tuple[type[Any], ...] = (
    Organization,
    Enterprise,
    Demand,
    Talent,
    User,
    SuggestionReview,  # who decided a pairing, and what came of it
    Introduction,
    PairDecision,
    Dispatch,  # erasures are audited by counts only, never naming the person
    Nomination,
    TalentErasure,
)
# Recorded as "changed", never by value: the audit log must not become a second copy of them.
SENSITIVE = frozenset(
    {"password_hash", "auth_secret", "phone", "email", "contact_phone", "id_number_hash"}
)
IGNORED = frozenset({"created_at", "updated_at", "last_login_at"})


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _shown(key: str, value: Any) -> Any:
    if key in SENSITIVE and value not in (None, ""):
        return "***"
    return _plain(value)


def _changes(obj: Any, action: str) -> dict[str, list[Any]]:
    state = inspect(obj)
    out: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in IGNORED or key == "id":
            continue
        history = state.attrs[key].history
        if action == "create":
            value = getattr(obj, key)
            if value not in (None, "", []):
                out[key] = [None, _shown(key, value)]
        elif action == "delete":
            value = (
                history.unchanged[0]
                if history.unchanged
                else (history.deleted[0] if history.deleted else None)
            )
            if value not in (None, "", []):
                out[key] = [_shown(key, value), None]
        elif history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if _plain(before) != _plain(after):
                out[key] = [_shown(key, before), _shown(key, after)]
    return out


def _after_flush(session: Session, _context: Any) -> None:
    rows: list[dict[str, Any]] = []
    actor_id = session.info.get("actor_id")
    actor_name = session.info.get("actor_name", "system")
    now = utcnow()
    for action, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            if not isinstance(obj, AUDITED):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes = _changes(obj, action)
            if action == "update" and not changes:
                continue
            rows.append(
                {
                    "at": now,
                    "actor_id": actor_id,
                    "actor_name": actor_name,
                    "action": action,
                    "entity": obj.__tablename__,
                    "entity_id": obj.id,
                    "changes": changes,
                }
            )
    if rows:
        session.connection().execute(insert(AuditLog), rows)


def install_audit_hook() -> None:
    """Idempotent: registers the flush hook on every Session once per process."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
