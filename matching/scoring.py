"""Pair scores: `score_pairs`, `explain_scores`, `explain_pair`, `hard_requirement_mask`.

A pair's score is the weighted mean of the components that are *known*: the demand states the
requirement and the talent's side is known. Each component is in [0, 1]:

============== ==================================================================
meaning        cosine of the demand and talent text vectors, mapped through the
               encoder's calibration ``(lo, hi)``: ``clip((cos - lo) / (hi - lo), 0, 1)``
required_skills share of the required skills the talent has (synonyms and case folded)
preferred_skills share of the preferred skills the talent has
education      1 if the talent's level reaches the minimum (below it: infeasible)
major          1 if a demand major equals or contains the talent's (or the reverse),
               else the Dice overlap of their character bigrams; best demand major
experience     ``years / min_years``, capped at 1
location       1 if the demand's place is among the talent's (or the talent says
               不限/any), else 0
salary         1 if the talent's expected salary is within the offer's top, falling
               linearly to 0 when the offer is half of the expectation
languages      share of the demand's languages the talent has
overseas       1 if the talent is a returnee when the demand requires one (a known
               non-returnee is infeasible)
============== ==================================================================

Unknown data
------------
A talent field that is None is unknown: its component leaves the mean (it counts neither as
a match nor as a failure) and ``confidence`` (known weight / applicable weight) drops. The
guarantees, tested with hypothesis: making a talent field unknown

- never raises ``lower`` (the score if every unknown were a failure) nor ``confidence``;
- never lowers ``upper`` (the score if every unknown were a match);
- leaves ``score`` between the scores the field's worst and best known values would give,
  an infeasible pair counting lowest: an unknown is never rewarded as a match.

A pair with no known component scores 0.5 (no evidence either way) with confidence 0. A demand
field that is None is "not stated": the requirement does not apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matching.encoders import Encoder, HashingEncoder
from matching.errors import MatchingInputError
from matching.text import canonical_item, char_bigrams, normalize, split_phrases
from matching.types import (
    COMPONENTS,
    EDUCATION_LEVELS,
    BoolArray,
    Candidates,
    ComponentExplanation,
    DemandProfile,
    FloatArray,
    GroupMask,
    IntArray,
    PairExplanation,
    PairScores,
    PhraseMatch,
    TalentProfile,
    Weights,
)

__all__ = [
    "DEFAULT_CALIBRATION",
    "REASONS",
    "explain_pair",
    "explain_scores",
    "hard_requirement_mask",
    "score_pairs",
]

#: The calibration used when none is given: cosines of the default model, measured on the
#: encoder's reference pairs (unrelated ≈ 0.27, close ≈ 0.65).
DEFAULT_CALIBRATION = (0.27, 0.65)
#: Codes of the hard requirements that make a pair infeasible.
REASONS = ("education_below_minimum", "overseas_required")
_ANYWHERE = frozenset({"不限", "全国", "any", "anywhere", "remote", "远程"})
_CHUNK = 65_536  # pairs per chunk when gathering vectors and skill rows
_EDU_RANK = {level: i for i, level in enumerate(EDUCATION_LEVELS)}

PairsArg = tuple[Sequence[int] | IntArray, Sequence[int] | IntArray] | Candidates | None


# ------------------------------------------------------------------------------ features


class _Vocab:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self._raw: dict[str, int] = {}  # items repeat: fold each distinct spelling once

    def id(self, item: str) -> int:
        found = self._raw.get(item)
        if found is None:
            found = self._raw[item] = self.ids.setdefault(canonical_item(item), len(self.ids))
        return found

    def matrix(self, rows: Sequence[tuple[str, ...] | None]) -> sp.csr_matrix:
        indptr = [0]
        indices: list[int] = []
        for items in rows:
            ids = sorted({self.id(item) for item in items or () if item.strip()})
            indices.extend(ids)
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float32)
        return sp.csr_matrix(
            (data, np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
            shape=(len(rows), max(len(self.ids), 1)),
        )


@dataclass
class _Features:
    """Per-profile arrays both sides are turned into once, then indexed by the pairs."""

    t_edu: npt.NDArray[np.int8]
    t_years: npt.NDArray[np.float64]
    t_salary: npt.NDArray[np.float64]
    t_overseas: npt.NDArray[np.int8]
    t_major: npt.NDArray[np.int64]
    t_skills: sp.csr_matrix
    t_skills_known: BoolArray
    t_langs: sp.csr_matrix
    t_langs_known: BoolArray
    t_loc_keys: npt.NDArray[np.int64]
    t_loc_known: BoolArray
    t_anywhere: BoolArray
    d_edu: npt.NDArray[np.int8]
    d_years: npt.NDArray[np.float64]
    d_salary_top: npt.NDArray[np.float64]
    d_overseas: BoolArray
    d_majors: npt.NDArray[np.int64]
    d_required: sp.csr_matrix
    d_n_required: npt.NDArray[np.float64]
    d_preferred: sp.csr_matrix
    d_n_preferred: npt.NDArray[np.float64]
    d_langs: sp.csr_matrix
    d_n_langs: npt.NDArray[np.float64]
    d_loc: npt.NDArray[np.int64]
    major_names: list[str]
    major_sets: list[tuple[str, ...]]
    n_places: int


def _opt(values: Iterable[float | None]) -> npt.NDArray[np.float64]:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def _features(talents: Sequence[TalentProfile], demands: Sequence[DemandProfile]) -> _Features:
    vocab = _Vocab()
    places = _Vocab()
    majors: dict[str, int] = {}
    major_sets: dict[tuple[str, ...], int] = {}

    t_skills = vocab.matrix([t.skills for t in talents])
    t_langs = vocab.matrix([t.languages for t in talents])
    d_required = vocab.matrix([d.required_skills for d in demands])
    d_preferred = vocab.matrix([d.preferred_skills for d in demands])
    d_langs = vocab.matrix([d.languages for d in demands])
    width = max(len(vocab.ids), 1)
    for name in ("t_skills", "t_langs", "d_required", "d_preferred", "d_langs"):
        m = locals()[name]
        m.resize((m.shape[0], width))

    d_loc = np.array(
        [
            -1 if d.location is None or not d.location.strip() else places.id(d.location)
            for d in demands
        ],
        dtype=np.int64,
    )
    loc_pairs: list[tuple[int, int]] = []
    anywhere_of: dict[str, bool] = {}
    anywhere = np.zeros(len(talents), dtype=bool)
    for i, t in enumerate(talents):
        for place in t.locations or ():
            if not place.strip():
                continue
            is_anywhere = anywhere_of.get(place)
            if is_anywhere is None:
                is_anywhere = anywhere_of[place] = canonical_item(place) in _ANYWHERE
            anywhere[i] |= is_anywhere
            loc_pairs.append((i, places.id(place)))
    n_places = max(len(places.ids), 1)
    loc_keys = np.unique(np.array([i * n_places + p for i, p in loc_pairs], dtype=np.int64))

    major_of: dict[str, int] = {}

    def major_id(major: str | None) -> int:
        if major is None or not major.strip():
            return -1
        found = major_of.get(major)
        if found is None:
            found = major_of[major] = majors.setdefault(normalize(major), len(majors))
        return found

    t_major = np.array([major_id(t.major) for t in talents], dtype=np.int64)
    d_majors = np.full(len(demands), -1, dtype=np.int64)
    for j, d in enumerate(demands):
        names = tuple(sorted({normalize(m) for m in d.majors or () if m.strip()}))
        if names:
            d_majors[j] = major_sets.setdefault(names, len(major_sets))

    def edu(level: str | None) -> int:
        return -1 if level is None else _EDU_RANK[level]  # type: ignore[index]

    salary_top = _opt(d.salary_max if d.salary_max is not None else d.salary_min for d in demands)
    return _Features(
        t_edu=np.array([edu(t.education) for t in talents], dtype=np.int8),
        t_years=_opt(t.years_experience for t in talents),
        t_salary=_opt(t.salary_expected for t in talents),
        t_overseas=np.array(
            [-1 if t.overseas is None else int(t.overseas) for t in talents], dtype=np.int8
        ),
        t_major=t_major,
        t_skills=t_skills,
        t_skills_known=np.array([t.skills is not None for t in talents], dtype=bool),
        t_langs=t_langs,
        t_langs_known=np.array([t.languages is not None for t in talents], dtype=bool),
        t_loc_keys=loc_keys,
        t_loc_known=np.array([t.locations is not None for t in talents], dtype=bool),
        t_anywhere=anywhere,
        d_edu=np.array([edu(d.education) for d in demands], dtype=np.int8),
        d_years=_opt(d.min_years for d in demands),
        d_salary_top=salary_top,
        d_overseas=np.array([bool(d.overseas_required) for d in demands], dtype=bool),
        d_majors=d_majors,
        d_required=d_required,
        d_n_required=np.asarray(d_required.sum(axis=1), dtype=np.float64).ravel(),
        d_preferred=d_preferred,
        d_n_preferred=np.asarray(d_preferred.sum(axis=1), dtype=np.float64).ravel(),
        d_langs=d_langs,
        d_n_langs=np.asarray(d_langs.sum(axis=1), dtype=np.float64).ravel(),
        d_loc=d_loc,
        major_names=list(majors),
        major_sets=list(major_sets),
        n_places=n_places,
    )


def major_similarity(a: str, b: str) -> float:
    """How well two majors agree, in [0, 1]: 1 if equal or one contains the other, else the
    Dice overlap of their character bigrams.

    Examples
    --------
    >>> major_similarity("计算机", "计算机科学与技术")
    1.0
    >>> round(major_similarity("软件工程", "计算机软件"), 2)
    0.29
    """
    a, b = normalize(a), normalize(b)
    if a == b or a in b or b in a:
        return 1.0
    ga, gb = set(char_bigrams(a)), set(char_bigrams(b))
    if not ga or not gb:
        return 0.0
    return 2.0 * len(ga & gb) / (len(ga) + len(gb))


# ------------------------------------------------------------------------------ checks


def _check_profiles(talents: object, demands: object) -> None:
    for arg, kind in (("talents", TalentProfile), ("demands", DemandProfile)):
        seq = talents if arg == "talents" else demands
        if not isinstance(seq, Sequence) or isinstance(seq, str):
            raise MatchingInputError(f"{arg} must be a sequence of {kind.__name__}")
        for i, item in enumerate(seq):
            if not isinstance(item, kind):
                raise MatchingInputError(
                    f"{arg}[{i}] must be a {kind.__name__}, not {type(item).__name__}"
                )


def _check_vectors(
    arg: str, vectors: npt.ArrayLike | None, n: int
) -> npt.NDArray[np.float32] | None:
    if vectors is None:
        return None
    out = np.asarray(vectors, dtype=np.float32)
    if out.ndim != 2 or out.shape[0] != n:
        raise MatchingInputError(f"{arg} must have shape ({n}, dim), got {out.shape}")
    if not np.all(np.isfinite(out)):
        raise MatchingInputError(f"{arg} must be finite")
    return out


def _check_pairs(pairs: PairsArg, n_t: int, n_d: int) -> tuple[IntArray, IntArray]:
    if pairs is None:
        grid_t, grid_d = np.meshgrid(np.arange(n_t), np.arange(n_d), indexing="ij")
        return grid_t.ravel().astype(np.int64), grid_d.ravel().astype(np.int64)
    if isinstance(pairs, Candidates):
        ti, di = pairs.pairs()
    else:
        if len(pairs) != 2:
            raise MatchingInputError("pairs must be (talent_index, demand_index) or Candidates")
        ti = np.asarray(pairs[0], dtype=np.int64).ravel()
        di = np.asarray(pairs[1], dtype=np.int64).ravel()
    if ti.shape != di.shape:
        raise MatchingInputError(
            f"pairs: talent_index and demand_index differ in length ({ti.size} != {di.size})"
        )
    if ti.size and (ti.min() < 0 or ti.max() >= n_t):
        raise MatchingInputError(f"pairs: talent_index must be in [0, {n_t})")
    if di.size and (di.min() < 0 or di.max() >= n_d):
        raise MatchingInputError(f"pairs: demand_index must be in [0, {n_d})")
    return ti, di


def _check_calibration(calibration: tuple[float, float]) -> tuple[float, float]:
    lo, hi = (float(x) for x in calibration)
    if not (np.isfinite(lo) and np.isfinite(hi) and hi > lo):
        raise MatchingInputError(f"calibration must be (lo, hi) with lo < hi, not {calibration!r}")
    return lo, hi


# ------------------------------------------------------------------------------ scoring


def _rowwise_dot(
    a: npt.NDArray[np.float32], b: npt.NDArray[np.float32], ia: IntArray, ib: IntArray
) -> npt.NDArray[np.float32]:
    out = np.empty(ia.size, dtype=np.float32)
    for start in range(0, ia.size, _CHUNK):
        stop = start + _CHUNK
        out[start:stop] = np.einsum("ij,ij->i", a[ia[start:stop]], b[ib[start:stop]])
    return out


def _overlap(a: sp.csr_matrix, b: sp.csr_matrix, ia: IntArray, ib: IntArray) -> FloatArray:
    out = np.empty(ia.size, dtype=np.float32)
    for start in range(0, ia.size, _CHUNK):
        stop = start + _CHUNK
        prod = a[ia[start:stop]].multiply(b[ib[start:stop]])
        out[start:stop] = np.asarray(prod.sum(axis=1)).ravel()
    return out


def score_pairs(
    talents: Sequence[TalentProfile],
    demands: Sequence[DemandProfile],
    *,
    talent_vectors: npt.ArrayLike | None = None,
    demand_vectors: npt.ArrayLike | None = None,
    pairs: PairsArg = None,
    weights: Weights | None = None,
    calibration: tuple[float, float] = DEFAULT_CALIBRATION,
) -> PairScores:
    """Score talent–demand pairs from named components; see the module docstring.

    Parameters
    ----------
    talents, demands : the profiles.
    talent_vectors, demand_vectors : optional (n, dim) unit rows of the profiles' texts (a
        zero row: no text); without them the ``meaning`` component does not apply.
    pairs : which pairs to score: ``(talent_index, demand_index)`` arrays, a `Candidates`
        (its inner products are reused as the meaning cosines; it must come from the same
        vectors), or None for all ``len(talents) * len(demands)`` pairs (talent-major order).
    weights : component weights, `Weights()` by default.
    calibration : ``(lo, hi)`` cosines mapped to meaning 0 and 1; pass the encoder's
        ``calibration`` so that different models give comparable scores.

    Returns
    -------
    PairScores

    Raises
    ------
    MatchingInputError
        A profile is of the wrong type, vectors have the wrong shape, an index is out of range.

    Examples
    --------
    >>> t = [TalentProfile(1, education="master", skills=("Golang", "k8s"), years_experience=2)]
    >>> d = [DemandProfile(7, education="bachelor", required_skills=("Go", "Kubernetes", "SQL"),
    ...                    min_years=4)]
    >>> s = score_pairs(t, d)
    >>> round(float(s.components["required_skills"][0]), 3), float(s.components["experience"][0])
    (0.667, 0.5)
    >>> round(float(s.score[0]), 3), float(s.confidence[0])
    (0.682, 1.0)
    """
    _check_profiles(talents, demands)
    n_t, n_d = len(talents), len(demands)
    tv = _check_vectors("talent_vectors", talent_vectors, n_t)
    dv = _check_vectors("demand_vectors", demand_vectors, n_d)
    if (tv is None) != (dv is None):
        raise MatchingInputError("give both talent_vectors and demand_vectors, or neither")
    if tv is not None and dv is not None and tv.shape[1] != dv.shape[1]:
        raise MatchingInputError(
            f"talent_vectors and demand_vectors differ in dim ({tv.shape[1]} != {dv.shape[1]})"
        )
    weights = Weights() if weights is None else weights
    if not isinstance(weights, Weights):
        raise MatchingInputError("weights must be a Weights (see Weights.from_mapping)")
    lo, hi = _check_calibration(calibration)
    ti, di = _check_pairs(pairs, n_t, n_d)
    m = ti.size
    f = _features(talents, demands)

    values: dict[str, FloatArray] = {}
    applies: dict[str, BoolArray] = {}
    known: dict[str, BoolArray] = {}

    def put(name: str, value: npt.ArrayLike, applicable: BoolArray, is_known: BoolArray) -> None:
        is_known = is_known & applicable
        v = np.asarray(value, dtype=np.float32)
        values[name] = np.where(is_known, v, np.float32(np.nan)).astype(np.float32)
        applies[name] = applicable
        known[name] = is_known

    everywhere = np.ones(m, dtype=bool)
    nowhere = np.zeros(m, dtype=bool)

    # meaning
    if tv is not None and dv is not None:
        t_has = np.einsum("ij,ij->i", tv, tv) > 0
        d_has = np.einsum("ij,ij->i", dv, dv) > 0
        if isinstance(pairs, Candidates):  # it holds these very inner products
            cos = pairs.scores[pairs.indices >= 0]
            probe = np.linspace(0, m - 1, min(m, 64)).astype(np.int64)
            if not np.allclose(cos[probe], _rowwise_dot(tv, dv, ti[probe], di[probe]), atol=1e-4):
                raise MatchingInputError(
                    "pairs: the Candidates were computed from other vectors than "
                    "talent_vectors and demand_vectors"
                )
        else:
            cos = _rowwise_dot(tv, dv, ti, di)
        put("meaning", np.clip((cos - lo) / (hi - lo), 0.0, 1.0), everywhere, t_has[ti] & d_has[di])
    else:
        put("meaning", np.zeros(m), nowhere, nowhere)

    # skills and languages: shares of the demand's items the talent has
    for name, mat, counts, t_mat, t_known in (
        ("required_skills", f.d_required, f.d_n_required, f.t_skills, f.t_skills_known),
        ("preferred_skills", f.d_preferred, f.d_n_preferred, f.t_skills, f.t_skills_known),
        ("languages", f.d_langs, f.d_n_langs, f.t_langs, f.t_langs_known),
    ):
        applicable = counts[di] > 0
        hits = _overlap(t_mat, mat, ti, di)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(applicable, hits / np.maximum(counts[di], 1.0), 0.0)
        put(name, share, applicable, t_known[ti])

    # education (hard)
    d_edu, t_edu = f.d_edu[di], f.t_edu[ti]
    applicable = d_edu >= 0
    edu_known = applicable & (t_edu >= 0)
    below = edu_known & (t_edu < d_edu)
    put("education", ~below, applicable, edu_known)

    # major
    applicable = f.d_majors[di] >= 0
    m_known = applicable & (f.t_major[ti] >= 0)
    major_value = np.zeros(m, dtype=np.float32)
    if m_known.any():
        n_sets = max(len(f.major_sets), 1)
        keys = f.t_major[ti[m_known]] * n_sets + f.d_majors[di[m_known]]
        uniq, inverse = np.unique(keys, return_inverse=True)
        sims = np.array(
            [
                max(
                    major_similarity(f.major_names[int(k) // n_sets], dm)
                    for dm in f.major_sets[int(k) % n_sets]
                )
                for k in uniq
            ],
            dtype=np.float32,
        )
        major_value[m_known] = sims[inverse.ravel()]
    put("major", major_value, applicable, m_known)

    # experience
    need = f.d_years[di]
    have = f.t_years[ti]
    applicable = ~np.isnan(need)
    with np.errstate(invalid="ignore", divide="ignore"):
        exp = np.where(need > 0, np.clip(have / need, 0.0, 1.0), 1.0)
    put("experience", exp, applicable, ~np.isnan(have))

    # location
    place = f.d_loc[di]
    applicable = place >= 0
    keys = ti * f.n_places + np.maximum(place, 0)
    pos = np.searchsorted(f.t_loc_keys, keys)
    pos = np.minimum(pos, max(f.t_loc_keys.size - 1, 0))
    found = f.t_loc_keys[pos] == keys if f.t_loc_keys.size else np.zeros(m, dtype=bool)
    put("location", found | f.t_anywhere[ti], applicable, f.t_loc_known[ti])

    # salary
    top = f.d_salary_top[di]
    expected = f.t_salary[ti]
    applicable = ~np.isnan(top)
    with np.errstate(invalid="ignore", divide="ignore"):
        shortfall = np.where(expected > top, (expected - top) / np.maximum(expected, 1e-9), 0.0)
    put("salary", np.clip(1.0 - 2.0 * shortfall, 0.0, 1.0), applicable, ~np.isnan(expected))

    # overseas (hard)
    applicable = f.d_overseas[di]
    t_over = f.t_overseas[ti]
    not_returnee = applicable & (t_over == 0)
    put("overseas", t_over == 1, applicable, t_over >= 0)

    # weighted means and bounds
    w = weights.as_dict()
    total = np.zeros(m, dtype=np.float64)
    known_w = np.zeros(m, dtype=np.float64)
    appl_w = np.zeros(m, dtype=np.float64)
    for name in COMPONENTS:
        if w[name] == 0.0:
            continue
        total += w[name] * np.nan_to_num(values[name], nan=0.0)
        known_w += w[name] * known[name]
        appl_w += w[name] * applies[name]
    has_known = known_w > 0
    score = np.where(has_known, total / np.where(has_known, known_w, 1.0), 0.5)
    has_appl = appl_w > 0
    safe_appl = np.where(has_appl, appl_w, 1.0)
    confidence = np.where(has_appl, known_w / safe_appl, 0.0)
    lower = np.where(has_appl, total / safe_appl, 0.5)
    upper = np.where(has_appl, (total + appl_w - known_w) / safe_appl, 0.5)

    reasons = {"education_below_minimum": below, "overseas_required": not_returnee}
    feasible = ~(below | not_returnee)
    nan = np.float32(np.nan)

    def final(x: npt.NDArray[np.float64]) -> FloatArray:
        return np.where(feasible, np.clip(x, 0.0, 1.0), nan).astype(np.float32)

    return PairScores(
        talent_index=ti,
        demand_index=di,
        score=final(score),
        confidence=confidence.astype(np.float32),
        lower=final(lower),
        upper=final(upper),
        components=values,
        applies=applies,
        known=known,
        feasible=feasible,
        reasons=reasons,
    )


# ------------------------------------------------------------------------------ masks


def hard_requirement_mask(
    talents: Sequence[TalentProfile],
    demands: Sequence[DemandProfile],
    *,
    per: Literal["demand", "talent"] = "demand",
) -> GroupMask:
    """Which pairs pass the hard requirements, as a `GroupMask` for `candidates`.

    Talents are grouped by (education level, known to have no overseas experience), demands
    by (minimum education, overseas experience required): at most 12 groups each, whatever
    the number of profiles.

    Parameters
    ----------
    talents, demands : the profiles, in the rows of the vectors given to `candidates`.
    per : the orientation the mask answers in when called with query rows.

    Returns
    -------
    GroupMask
        Called with query rows: ``(len(rows), n_items)`` bool, True where the pair is
        feasible (unknown data never excludes a pair).

    Examples
    --------
    >>> t = [TalentProfile(1, education="associate"), TalentProfile(2)]
    >>> d = [DemandProfile(1, education="bachelor")]
    >>> hard_requirement_mask(t, d)(np.array([0])).tolist()
    [[False, True]]
    """
    _check_profiles(talents, demands)
    if per not in ("demand", "talent"):
        raise MatchingInputError(f"per must be 'demand' or 'talent', not {per!r}")
    n_levels = len(_EDU_RANK) + 1  # -1 (unknown) .. highest
    t_edu = np.array(
        [-1 if t.education is None else _EDU_RANK[t.education] for t in talents], dtype=np.int64
    )
    t_not_returnee = np.array([t.overseas is False for t in talents], dtype=np.int64)
    d_edu = np.array(
        [-1 if d.education is None else _EDU_RANK[d.education] for d in demands], dtype=np.int64
    )
    d_overseas = np.array([bool(d.overseas_required) for d in demands], dtype=np.int64)
    # every (level, flag) combination is a group: labels are (level + 1) * 2 + flag
    level = np.arange(n_levels) - 1
    g_level, g_flag = np.repeat(level, 2), np.tile([0, 1], n_levels)
    below = (g_level[:, None] >= 0) & (g_level[:, None] < g_level[None, :])
    abroad = (g_flag[:, None] == 1) & (g_flag[None, :] == 1)
    return GroupMask(
        talent_group=(t_edu + 1) * 2 + t_not_returnee,
        demand_group=(d_edu + 1) * 2 + d_overseas,
        allowed=~(below | abroad),
        per=per,
    )


# ------------------------------------------------------------------------------ explain


def _status(value: float | None, applies: bool, weight: float) -> str:
    if not applies or weight == 0.0:
        return "not_applicable"
    if value is None:
        return "unknown"
    if value >= 1.0 - 1e-6:
        return "met"
    if value <= 1e-6:
        return "missing"
    return "partial"


def _best_phrases(
    demand_text: str | None, talent_text: str | None, encoder: Encoder, top: int
) -> tuple[PhraseMatch, ...]:
    if not demand_text or not talent_text:
        return ()
    dp, tp = split_phrases(demand_text), split_phrases(talent_text)
    if not dp or not tp:
        return ()
    sim = encoder.encode(dp) @ encoder.encode(tp).T
    best = np.argmax(sim, axis=1)
    best_sim = sim[np.arange(len(dp)), best]
    order = np.lexsort((np.arange(len(dp)), -best_sim))[:top]
    return tuple(PhraseMatch(dp[i], tp[int(best[i])], round(float(best_sim[i]), 4)) for i in order)


def explain_pair(
    talent: TalentProfile,
    demand: DemandProfile,
    *,
    encoder: Encoder | None = None,
    talent_vector: npt.ArrayLike | None = None,
    demand_vector: npt.ArrayLike | None = None,
    weights: Weights | None = None,
    calibration: tuple[float, float] | None = None,
    top_phrases: int = 3,
) -> PairExplanation:
    """Score and explain one pair: `score_pairs` on it, then `explain_scores`.

    Parameters
    ----------
    talent, demand : the profiles.
    encoder : encodes the texts (when no vectors are given) and their phrases; without it,
        ``meaning`` does not apply (unless vectors are given) and phrases are compared by
        character bigrams (`HashingEncoder`).
    talent_vector, demand_vector : the texts' vectors, if already encoded.
    weights : as in `score_pairs`.
    calibration : as in `score_pairs`; the encoder's by default.
    top_phrases : how many best-matching phrase pairs to return.

    Returns
    -------
    PairExplanation
        As `explain_scores` gives it.

    Examples
    --------
    >>> e = explain_pair(TalentProfile(1, skills=("python", "JS")),
    ...                  DemandProfile(2, required_skills=("Python", "JavaScript", "SQL"),
    ...                                location="郑州"))
    >>> e.matched_skills, e.missing_skills, e.unknown
    (('Python', 'JavaScript'), ('SQL',), ('location',))
    """
    weights = Weights() if weights is None else weights
    tv = dv = None
    if talent_vector is not None and demand_vector is not None:
        tv = np.asarray(talent_vector, dtype=np.float32).reshape(1, -1)
        dv = np.asarray(demand_vector, dtype=np.float32).reshape(1, -1)
    elif encoder is not None:
        tv = encoder.encode([talent.text or ""])
        dv = encoder.encode([demand.text or ""])
    if calibration is None:
        calibration = encoder.calibration if encoder is not None else DEFAULT_CALIBRATION
    s = score_pairs(
        [talent],
        [demand],
        talent_vectors=tv,
        demand_vectors=dv,
        weights=weights,
        calibration=calibration,
    )
    return explain_scores(
        s, 0, talent, demand, weights=weights, encoder=encoder, top_phrases=top_phrases
    )


def explain_scores(
    scores: PairScores,
    index: int,
    talent: TalentProfile,
    demand: DemandProfile,
    *,
    weights: Weights | None = None,
    encoder: Encoder | None = None,
    top_phrases: int = 3,
) -> PairExplanation:
    """Explain pair ``index`` of `score_pairs`' result: each component's value and share.

    The one explanation of a pair: whatever its rank, a pair is explained by these rules,
    read off the arrays `score_pairs` computed (nothing is rescored, nothing rounded).

    Parameters
    ----------
    scores : the result of `score_pairs`.
    index : the pair's position in ``scores``.
    talent, demand : the pair's profiles (``talents[scores.talent_index[index]]`` and
        ``demands[scores.demand_index[index]]`` of the call to `score_pairs`).
    weights : the weights given to `score_pairs`.
    encoder : compares the texts' phrases; `HashingEncoder` (character bigrams) without it.
    top_phrases : how many best-matching phrase pairs to return; 0 skips the phrases (the
        slow part: it encodes every phrase of both texts).

    Returns
    -------
    PairExplanation
        ``components`` in `COMPONENTS` order. A component is ``not_applicable`` when the
        demand does not state it (``scores.applies``) or its weight is 0, ``unknown`` when the
        talent's side is not known, else ``met`` (1), ``missing`` (0) or ``partial``.
        ``contribution`` is weight × value over the known weight, 0 for an infeasible pair:
        the contributions of a feasible pair add up to its score. ``met``/``missing``/
        ``unknown`` name components and skills (``skill:<name>``) by status; a partial
        component counts as met from 0.5.

    Raises
    ------
    MatchingInputError
        ``index`` is not a pair of ``scores``, or an argument has the wrong type.

    Examples
    --------
    >>> t = [TalentProfile(1, skills=("python",)), TalentProfile(2, skills=("SQL",))]
    >>> d = [DemandProfile(7, required_skills=("Python", "SQL"), min_years=3)]
    >>> s = score_pairs(t, d)
    >>> e = explain_scores(s, 1, t[1], d[0], top_phrases=0)
    >>> e.talent_id, e.matched_skills, e.unknown
    (2, ('SQL',), ('experience',))
    >>> [(c.name, c.status, c.value) for c in e.components if c.status != "not_applicable"]
    [('required_skills', 'partial', 0.5), ('experience', 'unknown', None)]
    """
    if not isinstance(scores, PairScores):
        raise MatchingInputError("scores must be the PairScores of score_pairs")
    if not 0 <= index < len(scores):
        raise MatchingInputError(f"index must be in [0, {len(scores)}), not {index}")
    if not isinstance(talent, TalentProfile) or not isinstance(demand, DemandProfile):
        raise MatchingInputError("talent and demand must be a TalentProfile and a DemandProfile")
    if top_phrases < 0:
        raise MatchingInputError(f"top_phrases must be >= 0, not {top_phrases}")
    weights = Weights() if weights is None else weights
    w = weights.as_dict()
    feasible = bool(scores.feasible[index])
    raw_score = float(scores.score[index])
    known_weight = sum(w[c] for c in COMPONENTS if bool(scores.known[c][index]))

    talent_skills = {canonical_item(x) for x in talent.skills or ()}
    required = demand.required_skills or ()
    preferred = demand.preferred_skills or ()
    matched = tuple(x for x in (*required, *preferred) if canonical_item(x) in talent_skills)
    missing_skills = tuple(
        x for x in (*required, *preferred) if canonical_item(x) not in talent_skills
    )
    details = {
        "meaning": "text similarity (calibrated)",
        "required_skills": f"{len([x for x in required if canonical_item(x) in talent_skills])}"
        f"/{len(required)} required skills",
        "preferred_skills": f"{len([x for x in preferred if canonical_item(x) in talent_skills])}"
        f"/{len(preferred)} preferred skills",
        "education": f"{talent.education} vs minimum {demand.education}",
        "major": f"{talent.major} vs {', '.join(demand.majors or ())}",
        "experience": f"{talent.years_experience} years vs {demand.min_years} wanted",
        "location": f"{demand.location} in {', '.join(talent.locations or ())}",
        "salary": f"expects {talent.salary_expected}, offer up to "
        f"{demand.salary_max if demand.salary_max is not None else demand.salary_min}",
        "languages": f"{', '.join(talent.languages or ())} vs {', '.join(demand.languages or ())}",
        "overseas": f"returnee {talent.overseas}, required {demand.overseas_required}",
    }
    parts = []
    met: list[str] = []
    missing: list[str] = []
    unknown: list[str] = []
    for name in COMPONENTS:
        raw = float(scores.components[name][index])
        value = None if np.isnan(raw) else raw
        status = _status(value, bool(scores.applies[name][index]), w[name])
        contribution = (
            w[name] * value / known_weight
            if feasible and value is not None and known_weight > 0
            else 0.0
        )
        {"met": met, "missing": missing, "unknown": unknown}.get(status, []).append(name)
        if status == "partial":
            (met if value is not None and value >= 0.5 else missing).append(name)
        parts.append(
            ComponentExplanation(
                name=name,
                status=status,  # type: ignore[arg-type]
                value=value,
                weight=w[name],
                contribution=contribution,
                detail=details[name],
            )
        )
    met.extend(f"skill:{x}" for x in matched)
    missing.extend(f"skill:{x}" for x in missing_skills)
    phrases: tuple[PhraseMatch, ...] = ()
    if top_phrases:
        phrase_encoder: Encoder = encoder if encoder is not None else HashingEncoder()
        phrases = _best_phrases(demand.text, talent.text, phrase_encoder, top_phrases)
    return PairExplanation(
        talent_id=talent.id,
        demand_id=demand.id,
        score=raw_score,
        confidence=float(scores.confidence[index]),
        feasible=feasible,
        reasons=scores.reasons_for(index),
        components=tuple(parts),
        met=tuple(met),
        missing=tuple(missing),
        unknown=tuple(unknown),
        matched_skills=matched,
        missing_skills=missing_skills,
        best_phrases=phrases,
    )
