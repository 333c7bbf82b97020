"""Candidate pairs of "same person" with a confidence and reasons, by blocking on keys.

Pairs come from equal keys only (no all-pairs comparison), so 100,000 talents take seconds:
ID-number hash, phone, e-mail, and (name in simplified characters or in sorted pinyin) plus
birth year, confirmed by the same school or employer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from app.duplicates.keys import Profile, email_key, name_key, org_key, phone_key, pinyin_key

# Each reason's own confidence; several reasons combine as independent evidence.
WEIGHTS = {
    "id_number": 0.99,
    "phone": 0.9,
    "email": 0.85,
    "name_birth_year_school": 0.8,
    "name_birth_year_employer": 0.75,
    "pinyin_birth_year_school": 0.6,
    "pinyin_birth_year_employer": 0.55,
}
MAX_BLOCK = 50  # a key shared by more profiles (a switchboard number) says nothing


@dataclass(frozen=True)
class Candidate:
    a: int
    b: int
    confidence: float
    reasons: tuple[str, ...]


def combine(reasons: Iterable[str]) -> float:
    miss = 1.0
    for r in reasons:
        miss *= 1.0 - WEIGHTS[r]
    return round(1.0 - miss, 4)


def profile_keys(p: Profile) -> list[tuple[str, str]]:
    """(reason family, key) pairs a profile is blocked on."""
    keys: list[tuple[str, str]] = []
    if p.id_number_hash:
        keys.append(("id_number", p.id_number_hash))
    if ph := phone_key(p.phone):
        keys.append(("phone", ph))
    if em := email_key(p.email):
        keys.append(("email", em))
    if p.birth_year and p.name:
        keys.append(("name", f"{name_key(p.name)}|{p.birth_year}"))
        keys.append(("pinyin", f"{pinyin_key(p.name)}|{p.birth_year}"))
    return keys


def pair_reasons(a: Profile, b: Profile, families: set[str]) -> list[str]:
    reasons: list[str] = [f for f in ("id_number", "phone", "email") if f in families]
    if "name" in families or "pinyin" in families:
        same_school = org_key(a.school) is not None and org_key(a.school) == org_key(b.school)
        same_employer = org_key(a.employer) is not None and org_key(a.employer) == org_key(
            b.employer
        )
        prefix = "name" if "name" in families else "pinyin"
        if same_school:
            reasons.append(f"{prefix}_birth_year_school")
        elif same_employer:
            reasons.append(f"{prefix}_birth_year_employer")
    return reasons


def find_candidates(
    profiles: Iterable[Profile],
    *,
    only_ids: set[int] | None = None,
    cross_org_only: bool = True,
) -> list[Candidate]:
    """Every candidate pair among `profiles` (pairs touching `only_ids` when given)."""
    by_id: dict[int, Profile] = {}
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for p in profiles:
        by_id[p.id] = p
        for key in profile_keys(p):
            blocks[key].append(p.id)
    families: dict[tuple[int, int], set[str]] = defaultdict(set)
    for (family, _key), ids in blocks.items():
        if len(ids) < 2 or len(ids) > MAX_BLOCK:
            continue
        for i, x in enumerate(ids):
            for y in ids[i + 1 :]:
                if only_ids is not None and x not in only_ids and y not in only_ids:
                    continue
                a, b = (x, y) if x < y else (y, x)
                if cross_org_only and by_id[a].organization_id == by_id[b].organization_id:
                    continue
                families[(a, b)].add(family)
    out: list[Candidate] = []
    for (a, b), fams in families.items():
        reasons = pair_reasons(by_id[a], by_id[b], fams)
        if reasons:
            out.append(Candidate(a, b, combine(reasons), tuple(reasons)))
    out.sort(key=lambda c: (-c.confidence, c.a, c.b))
    return out


def group_pairs(pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Connected groups of ids (union-find), each sorted, groups by their smallest id."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = defaultdict(list)
    for x in parent:
        groups[find(x)].append(x)
    return [sorted(g) for _, g in sorted(groups.items())]
