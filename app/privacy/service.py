"""Erase a talent's personal data on request, everywhere, keeping only anonymised counts.

What goes: the talent row and every row that names or points at the person (suggestions,
reviews, pair decisions, introductions and their contact reveals, notifications about those
introductions, duplicate pairs and merges, public-interest entries, staged import rows and
the rows of import error reports that name the person), the search document (removed through
the outbox, like any deletion), and the cached sentence vectors of the person's text. What
stays: a `TalentErasure` record (the agency and counts), one `AnonymousOutcome` per
introduction (agency credit, status, dates), nominations without their talent link, and audit
rows whose values are replaced by `{"erased": true}`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

import matching
from app.access import Viewer
from app.access.policies import talents as talent_policy
from app.access.policies.talents import TalentAction
from app.duplicates.keys import email_key, name_key, phone_key
from app.errors import Forbidden
from app.models import (
    AnonymousOutcome,
    AuditLog,
    ContactReveal,
    Demand,
    DuplicatePair,
    ImportBatch,
    ImportRow,
    Introduction,
    Nomination,
    Notification,
    PairDecision,
    PublicInterest,
    Suggestion,
    SuggestionReview,
    Talent,
    TalentErasure,
    TalentMerge,
    TalentMergeMember,
)
from app.searching.documents import demand_text, talent_text
from app.talents.service import get_talent, lock_talent

ERASED = {"erased": [None, True]}


def can_erase(viewer: Viewer, talent: Talent) -> bool:
    """The talent's own agency, or an office admin: the talents policy decides."""
    return talent_policy.can(viewer, TalentAction.erase, talent)


def _texts_of(t: Talent) -> list[str]:
    # What the match engine and the search indexer encode for a talent (see their modules).
    text = talent_text(t)
    return [x for x in (text, text or t.name) if x]


def _live_texts(session: Session, erased_id: int) -> list[str]:
    texts: list[str] = []
    for t in session.scalars(select(Talent).where(Talent.id != erased_id)):
        texts += _texts_of(t)
    for d in session.scalars(select(Demand)):
        text = demand_text(d)
        texts += [x for x in (text, text or d.title) if x]
    return texts


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _scrub_audit(session: Session, entity: str, ids: Iterable[int]) -> int:
    ids = list(ids)
    if not ids:
        return 0
    result = session.execute(
        update(AuditLog)
        .where(AuditLog.entity == entity, AuditLog.entity_id.in_(ids))
        .values(changes=ERASED)
    )
    return _rowcount(result)


def _staged_import_rows(session: Session, t: Talent) -> tuple[list[int], dict[int, set[int]]]:
    """Staged spreadsheet rows that carry this person (same name and a same contact), by
    import: the valid rows by their values, the rows with errors (kept as uploaded, for the
    error report) by their cells. Returns (row ids, import id -> numbers of such error rows)."""
    rows = session.execute(
        select(ImportRow.id, ImportRow.import_id, ImportRow.row_number, ImportRow.data,
               ImportRow.raw)
        .join(ImportBatch, ImportBatch.id == ImportRow.import_id)
        .where(ImportBatch.kind == "talents", ImportBatch.organization_id == t.organization_id)
    )  # fmt: skip
    contacts = {v for v in (t.phone, t.email, t.id_number_hash) if v}
    name = name_key(t.name or "")
    cell_contacts = {k for k in (phone_key(t.phone), email_key(t.email)) if k}
    out: list[int] = []
    reported: dict[int, set[int]] = {}
    for row_id, import_id, number, data, raw in rows:
        values = data or {}
        if values.get("name") == t.name and contacts & {
            values.get("phone"),
            values.get("email"),
            values.get("id_number_hash"),
        }:
            out.append(row_id)
        elif raw and name and _cells_name(raw, name, cell_contacts):
            out.append(row_id)
            reported.setdefault(import_id, set()).add(number)
    return out, reported


def _cells_name(cells: list[Any], name: str, contacts: set[str]) -> bool:
    """Whether uploaded cells hold this name and one of these contacts (as the duplicate
    check normalises them: digits of a phone, an e-mail in lower case)."""
    texts = [str(c) for c in cells if c]
    if not any(name_key(c) == name for c in texts):
        return False
    return any(phone_key(c) in contacts or email_key(c) in contacts for c in texts)


def _purge_import_rows(session: Session, row_ids: list[int], reported: dict[int, set[int]]) -> int:
    """Delete the staged rows and drop the erased rows' messages from their import's error
    list, so the error report names the person no more."""
    count = _rowcount(session.execute(delete(ImportRow).where(ImportRow.id.in_(row_ids))))
    for import_id, numbers in reported.items():
        batch = session.get_one(ImportBatch, import_id)
        batch.errors = [e for e in batch.errors if e.get("row") not in numbers]
    session.flush()
    return count


def erase_talent(
    session: Session,
    viewer: Viewer,
    talent_id: int,
    *,
    vector_cache_dir: Path | None = None,
    encoder: Any = None,
) -> TalentErasure:
    """Erase the talent's personal data everywhere (flushes; the caller commits).

    `encoder`, when it caches vectors (has `forget`), drops them from memory and disk;
    otherwise `vector_cache_dir` is pruned directly. Raises NotFound, Forbidden."""
    talent = get_talent(session, viewer, talent_id)
    if not can_erase(viewer, talent):
        raise Forbidden()
    lock_talent(session, talent.id)  # parallel erasures: one erases, the others find it gone
    tid = talent.id
    texts = _texts_of(talent)
    counts: dict[str, int] = {}

    intros = list(session.scalars(select(Introduction).where(Introduction.talent_id == tid)))
    intro_ids = [i.id for i in intros]
    erasure = TalentErasure(organization_id=talent.organization_id, erased_by_id=viewer.id)
    session.add(erasure)
    session.flush()
    for i in intros:
        session.add(
            AnonymousOutcome(
                erasure_id=erasure.id,
                agency_id=i.agency_id,
                demand_id=i.demand_id,
                enterprise_id=i.enterprise_id,
                status=i.status,
                outcome=i.outcome,
                score=i.score,
                introduced_at=i.created_at,
                outcome_at=i.outcome_at,
            )
        )
    links = [f"/introductions/{i}" for i in intro_ids]
    review_ids = list(
        session.scalars(select(SuggestionReview.id).where(SuggestionReview.talent_id == tid))
    )
    pair_ids = list(session.scalars(select(PairDecision.id).where(PairDecision.talent_id == tid)))
    merge_ids = list(
        session.scalars(select(TalentMerge.id).where(TalentMerge.primary_talent_id == tid))
    )
    import_rows, reported_rows = _staged_import_rows(session, talent)

    if links:
        counts["notifications"] = _rowcount(
            session.execute(delete(Notification).where(Notification.link.in_(links)))
        )
    if intro_ids:
        counts["contact_reveals"] = _rowcount(
            session.execute(
                delete(ContactReveal).where(ContactReveal.introduction_id.in_(intro_ids))
            )
        )
    counts["introductions"] = _rowcount(
        session.execute(delete(Introduction).where(Introduction.talent_id == tid))
    )
    counts["reviews"] = _rowcount(
        session.execute(delete(SuggestionReview).where(SuggestionReview.talent_id == tid))
    )
    counts["suggestions"] = _rowcount(
        session.execute(delete(Suggestion).where(Suggestion.talent_id == tid))
    )
    counts["pair_decisions"] = _rowcount(
        session.execute(delete(PairDecision).where(PairDecision.talent_id == tid))
    )
    counts["duplicate_pairs"] = _rowcount(
        session.execute(
            delete(DuplicatePair).where(
                or_(DuplicatePair.talent_a_id == tid, DuplicatePair.talent_b_id == tid)
            )
        )
    )
    session.execute(delete(TalentMergeMember).where(TalentMergeMember.talent_id == tid))
    if merge_ids:
        session.execute(delete(TalentMergeMember).where(TalentMergeMember.merge_id.in_(merge_ids)))
        session.execute(delete(TalentMerge).where(TalentMerge.id.in_(merge_ids)))
    counts["public_interests"] = _rowcount(
        session.execute(delete(PublicInterest).where(PublicInterest.talent_id == tid))
    )
    counts["nominations_kept_anonymous"] = _rowcount(
        session.execute(
            update(Nomination).where(Nomination.talent_id == tid).values(talent_id=None)
        )
    )
    if import_rows:
        counts["import_rows"] = _purge_import_rows(session, import_rows, reported_rows)
    session.expire_all()  # the rows above went by SQL: forget any loaded copies
    talent = session.get_one(Talent, tid)
    session.delete(talent)  # the outbox hook queues the search document's removal
    session.flush()
    counts["audit_rows_scrubbed"] = (
        _scrub_audit(session, "talents", [tid])
        + _scrub_audit(session, "introductions", intro_ids)
        + _scrub_audit(session, "suggestion_reviews", review_ids)
        + _scrub_audit(session, "pair_decisions", pair_ids)
    )
    counts["vectors"] = _forget_vectors(
        session, tid, texts, encoder=encoder, cache_dir=vector_cache_dir
    )
    counts["anonymous_outcomes"] = len(intros)
    erasure.counts = {k: v for k, v in counts.items() if v}
    session.flush()
    return erasure


def _forget_vectors(
    session: Session, tid: int, texts: list[str], *, encoder: Any, cache_dir: Path | None
) -> int:
    # Earlier versions of the person's text may be cached too, and their wording is gone:
    # keep only the vectors of texts still in use (the rest is re-encoded when needed).
    keep = _live_texts(session, tid)
    if encoder is not None and hasattr(encoder, "forget"):
        return int(encoder.forget(texts, keep_only=keep))
    if cache_dir is not None:
        return matching.forget_vectors(cache_dir, texts, keep_only=keep)
    return 0
