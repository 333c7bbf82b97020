"""Duplicate services: detect candidate pairs (on create, on import, as a batch), list groups,
merge and undo. The office merges; an agency only learns that its talent was merged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.policies import duplicates as policy
from app.access.policies import talents as talents_policy
from app.access.policies.duplicates import DuplicateAction
from app.access.policies.talents import TalentAction
from app.db import utcnow
from app.duplicates.detect import Candidate, find_candidates, group_pairs
from app.duplicates.keys import Profile
from app.errors import AppError, NotFound
from app.models import (
    DuplicatePair,
    DuplicateScan,
    Organization,
    Talent,
    TalentMerge,
    TalentMergeMember,
)

# Fields of the merged profile, in display order; contact fields are the office's to see.
PROFILE_FIELDS = (
    "name", "gender", "birth_year", "education", "school", "major", "professional_title",
    "employer", "position", "years_experience", "skills", "languages", "summary",
    "preferred_locations", "expected_salary", "occupation_code", "is_returnee",
    "is_foreign_national", "nationality", "phone", "email",
)  # fmt: skip


class MergeInvalid(AppError):
    status, code = 422, "merge_invalid"


class TalentAlreadyMerged(AppError):
    status, code = 409, "talent_already_merged"


class MergeAlreadyUndone(AppError):
    status, code = 409, "merge_already_undone"


_PROFILE_COLUMNS = (
    Talent.id, Talent.organization_id, Talent.name, Talent.birth_year, Talent.school,
    Talent.employer, Talent.phone, Talent.email, Talent.id_number_hash,
)  # fmt: skip


def _profiles(session: Session, *where: Any) -> list[Profile]:
    stmt = select(*_PROFILE_COLUMNS)
    if where:
        stmt = stmt.where(*where)
    return [Profile(*row) for row in session.execute(stmt)]


def load_profiles(session: Session) -> list[Profile]:
    """Every talent, as much as duplicate detection reads."""
    return _profiles(session)


def upsert_pairs(session: Session, candidates: Iterable[Candidate]) -> int:
    """Store candidate pairs; known pairs get the new confidence. Returns the number new."""
    candidates = list(candidates)
    if not candidates:
        return 0
    existing: dict[tuple[int, int], DuplicatePair] = {}
    ids = sorted({c.a for c in candidates})
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for pair in session.scalars(
            select(DuplicatePair).where(DuplicatePair.talent_a_id.in_(chunk))
        ):
            existing[(pair.talent_a_id, pair.talent_b_id)] = pair
    new = 0
    for c in candidates:
        known = existing.get((c.a, c.b))
        if known is None:
            session.add(
                DuplicatePair(
                    talent_a_id=c.a,
                    talent_b_id=c.b,
                    confidence=c.confidence,
                    reasons=list(c.reasons),
                )
            )
            new += 1
        elif known.status == "open":
            known.confidence, known.reasons = c.confidence, list(c.reasons)
    session.flush()
    return new


def scan_all(session: Session) -> int:
    """The batch check over the whole pool; returns the number of new candidate pairs."""
    return upsert_pairs(session, find_candidates(load_profiles(session)))


class ScanRunning(AppError):
    status, code = 409, "duplicate_scan_running"


# A scan still `running` after this long belongs to a process that died: it is given up.
SCAN_STALE_AFTER = dt.timedelta(minutes=30)


def scan_once(session: Session, viewer: Viewer) -> DuplicateScan:
    """The batch check, single flight: one scan runs at a time, whoever starts it.

    A unit of work of its own, like a job, so it commits twice: the `running` row first (the
    partial unique index refuses a parallel one, which answers 409 with this scan's id), then
    the pairs found with the row marked `done` (or, on an error, `failed`). Raises Forbidden,
    ScanRunning."""
    policy.require(viewer, DuplicateAction.scan)
    now = utcnow()
    session.execute(
        update(DuplicateScan)
        .where(DuplicateScan.status == "running", DuplicateScan.started_at < now - SCAN_STALE_AFTER)
        .values(status="failed", finished_at=now)
    )
    scan = DuplicateScan(status="running", started_by_id=viewer.id, started_at=now)
    try:
        with session.begin_nested():
            session.add(scan)
            session.flush()
    except IntegrityError as exc:
        running = session.scalar(select(DuplicateScan.id).where(DuplicateScan.status == "running"))
        raise ScanRunning(current_id=running) from exc
    session.commit()
    try:
        scan.new_pairs = scan_all(session)
        scan.status, scan.finished_at = "done", utcnow()
        session.commit()
    except BaseException:
        session.rollback()
        session.execute(
            update(DuplicateScan)
            .where(DuplicateScan.id == scan.id)
            .values(status="failed", finished_at=utcnow())
        )
        session.commit()
        raise
    return scan


def record_pairs_for(session: Session, talent_ids: Sequence[int]) -> int:
    """Check newly written talents against the whole pool (after an import's commit)."""
    if not talent_ids:
        return 0
    return upsert_pairs(session, find_candidates(load_profiles(session), only_ids=set(talent_ids)))


def check_new_talent(session: Session, talent: Talent) -> list[Candidate]:
    """The check on create: only talents sharing a key with this one are read."""
    ors: list[Any] = []
    if talent.id_number_hash:
        ors.append(Talent.id_number_hash == talent.id_number_hash)
    if talent.phone:
        ors.append(Talent.phone == talent.phone)
    if talent.email:
        ors.append(Talent.email == talent.email)
    if talent.birth_year:
        ors.append(Talent.birth_year == talent.birth_year)
    if not ors:
        return []
    others = _profiles(session, or_(*ors), Talent.organization_id != talent.organization_id)
    if not others:
        return []
    me = _profiles(session, Talent.id == talent.id)
    candidates = find_candidates([*me, *others], only_ids={talent.id})
    upsert_pairs(session, candidates)
    return candidates


# --- groups, merges ------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupMember:
    id: int
    name: str
    organization_id: int
    organization_name: str
    birth_year: int | None
    school: str | None
    employer: str | None


@dataclass(frozen=True)
class PairInfo:
    id: int
    a: int
    b: int
    confidence: float
    reasons: list[str]


@dataclass(frozen=True)
class Group:
    members: list[GroupMember]
    pairs: list[PairInfo]

    @property
    def confidence(self) -> float:
        return max(p.confidence for p in self.pairs)


def list_groups(session: Session, viewer: Viewer, locale: str = "zh") -> list[Group]:
    """Open candidate pairs joined into groups, most confident first. Office only."""
    policy.require(viewer, DuplicateAction.read)
    pairs = list(session.scalars(select(DuplicatePair).where(DuplicatePair.status == "open")))
    if not pairs:
        return []
    ids = {p.talent_a_id for p in pairs} | {p.talent_b_id for p in pairs}
    talents = {t.id: t for t in session.scalars(select(Talent).where(Talent.id.in_(sorted(ids))))}
    groups = []
    for member_ids in group_pairs((p.talent_a_id, p.talent_b_id) for p in pairs):
        members = set(member_ids)
        groups.append(
            Group(
                members=[_member(talents[i], locale) for i in member_ids],
                pairs=[
                    PairInfo(p.id, p.talent_a_id, p.talent_b_id, p.confidence, list(p.reasons))
                    for p in pairs
                    if p.talent_a_id in members
                ],
            )
        )
    groups.sort(key=lambda g: (-g.confidence, g.members[0].id))
    return groups


def _member(t: Talent, locale: str) -> GroupMember:
    return GroupMember(
        t.id, t.name, t.organization_id, t.organization.display_name(locale), t.birth_year,
        t.school, t.employer,
    )  # fmt: skip


def _active_merge_of(session: Session, talent_id: int) -> TalentMerge | None:
    return session.scalar(
        select(TalentMerge)
        .join(TalentMergeMember)
        .where(TalentMergeMember.talent_id == talent_id, TalentMerge.undone_at.is_(None))
    )


def _set_pair_status(session: Session, ids: Sequence[int], old: str, new: str) -> None:
    for pair in session.scalars(
        select(DuplicatePair).where(
            DuplicatePair.talent_a_id.in_(ids),
            DuplicatePair.talent_b_id.in_(ids),
            DuplicatePair.status == old,
        )
    ):
        pair.status = new


def _empty(value: Any) -> bool:
    return value in (None, "", [])


def merge_talents(
    session: Session, viewer: Viewer, talent_ids: Sequence[int], *, primary_talent_id: int
) -> TalentMerge:
    """Merge talents into one profile, keeping every version. Raises Forbidden, MergeInvalid,
    NotFound, TalentAlreadyMerged."""
    policy.require(viewer, DuplicateAction.merge)
    ids = sorted(set(talent_ids))
    if len(ids) < 2 or primary_talent_id not in ids:
        raise MergeInvalid()
    # The members' rows are locked (in id order, so two merges never wait on each other in a
    # circle): a parallel merge of one of them waits, then finds it merged.
    locked = (
        select(Talent)
        .where(Talent.id.in_(ids))
        .order_by(Talent.id)
        .with_for_update(of=Talent)
        .execution_options(populate_existing=True)
    )
    talents = {t.id: t for t in session.scalars(locked).unique()}
    if len(talents) != len(ids):
        raise NotFound()
    for talent_id in ids:
        if _active_merge_of(session, talent_id) is not None:
            raise TalentAlreadyMerged(id=talent_id)
    primary = talents[primary_talent_id]
    others = sorted(
        (t for t in talents.values() if t.id != primary.id),
        key=lambda t: t.updated_at,
        reverse=True,
    )
    provenance: dict[str, Any] = {}
    for name in PROFILE_FIELDS:
        source = next((t for t in (primary, *others) if not _empty(getattr(t, name))), primary)
        provenance[name] = source.id
    merge = TalentMerge(
        primary_talent_id=primary.id, provenance=provenance, created_by_id=viewer.id
    )
    merge.members = [
        TalentMergeMember(talent_id=t.id, organization_id=t.organization_id)
        for t in talents.values()
    ]
    session.add(merge)
    _set_pair_status(session, ids, "open", "merged")
    session.flush()
    return merge


def get_merge(session: Session, viewer: Viewer, merge_id: int) -> TalentMerge:
    """Raises Forbidden (not the office), NotFound."""
    policy.require(viewer, DuplicateAction.read)
    merge = session.get(TalentMerge, merge_id)
    if merge is None:
        raise NotFound()
    return merge


def list_merges(session: Session, viewer: Viewer) -> list[TalentMerge]:
    policy.require(viewer, DuplicateAction.read)
    return list(session.scalars(select(TalentMerge).order_by(TalentMerge.id.desc()).limit(200)))


def undo_merge(session: Session, viewer: Viewer, merge_id: int) -> TalentMerge:
    """Raises Forbidden, NotFound, MergeAlreadyUndone."""
    policy.require(viewer, DuplicateAction.undo)
    merge = get_merge(session, viewer, merge_id)
    # Compare-and-set: of parallel undos one finds the merge still active.
    undone = session.execute(
        update(TalentMerge)
        .where(TalentMerge.id == merge.id, TalentMerge.undone_at.is_(None))
        .values(undone_at=utcnow(), undone_by_id=viewer.id)
        .execution_options(synchronize_session=False)
    )
    session.refresh(merge)
    if getattr(undone, "rowcount", 0) != 1:
        raise MergeAlreadyUndone()
    _set_pair_status(session, [m.talent_id for m in merge.members], "merged", "open")
    session.flush()
    return merge


def dismiss_group(session: Session, viewer: Viewer, talent_ids: Sequence[int]) -> None:
    """ "Not the same person": the open pairs among these talents stop being proposed."""
    policy.require(viewer, DuplicateAction.dismiss)
    _set_pair_status(session, sorted(set(talent_ids)), "open", "dismissed")
    session.flush()


@dataclass(frozen=True)
class MergedField:
    field: str
    value: Any
    source_talent_id: int
    source_organization: str


def merged_profile(session: Session, merge: TalentMerge, locale: str) -> list[MergedField]:
    """The merged profile: each field from the version the provenance names."""
    talents = {
        t.id: t
        for t in session.scalars(
            select(Talent).where(Talent.id.in_([m.talent_id for m in merge.members]))
        )
    }
    out = []
    for name in PROFILE_FIELDS:
        source = talents.get(int(merge.provenance.get(name, merge.primary_talent_id)))
        if source is None:
            continue
        out.append(
            MergedField(
                name, getattr(source, name), source.id, source.organization.display_name(locale)
            )
        )
    return out


def member_talents(session: Session, merge: TalentMerge) -> list[Talent]:
    ids = [m.talent_id for m in merge.members]
    return list(session.scalars(select(Talent).where(Talent.id.in_(ids)).order_by(Talent.id)))


@dataclass(frozen=True)
class MergeStatus:
    talent_id: int
    is_merged: bool
    merge_id: int | None
    merged_at: str | None
    credited_organizations: list[str]


def merge_status(session: Session, viewer: Viewer, talent_id: int, locale: str) -> MergeStatus:
    """What a viewer may know of a talent's merge: that it happened, when, and which agencies
    share the credit; never another agency's fields. Raises NotFound outside the scope."""
    talent = session.get(Talent, talent_id)
    if talent is None or not talents_policy.can(viewer, TalentAction.read, talent):
        raise NotFound()
    merge = _active_merge_of(session, talent.id)
    if merge is None:
        return MergeStatus(talent.id, False, None, None, [talent.organization.display_name(locale)])
    org_ids = sorted({m.organization_id for m in merge.members})
    orgs = session.scalars(select(Organization).where(Organization.id.in_(org_ids)))
    return MergeStatus(
        talent.id,
        True,
        merge.id if policy.names_merge(viewer) else None,
        merge.created_at.isoformat(),
        [o.display_name(locale) for o in orgs],
    )


def credited_organizations(session: Session, talent_ids: Sequence[int]) -> dict[int, set[int]]:
    """Talent id -> every organisation credited for it (its own, plus its merge partners')."""
    out: dict[int, set[int]] = {}
    rows = session.execute(
        select(TalentMergeMember.talent_id, TalentMerge.id)
        .join(TalentMerge)
        .where(TalentMergeMember.talent_id.in_(talent_ids), TalentMerge.undone_at.is_(None))
    ).all()
    merge_of = dict(rows)
    for talent in session.scalars(select(Talent).where(Talent.id.in_(talent_ids))):
        out[talent.id] = {talent.organization_id}
    for talent_id, merge_id in merge_of.items():
        merge = session.get_one(TalentMerge, merge_id)
        out[talent_id] |= {m.organization_id for m in merge.members}
    return out
