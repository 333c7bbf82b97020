"""The plain data `matching` takes and returns: profiles, weights and frozen result records."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from matching.errors import MatchingInputError

__all__ = [
    "COMPONENTS",
    "EDUCATION_LEVELS",
    "Assignment",
    "AssignmentExplanation",
    "BoolArray",
    "Candidates",
    "ComponentExplanation",
    "DemandProfile",
    "Education",
    "FloatArray",
    "GroupMask",
    "IntArray",
    "Occupation",
    "OccupationSuggestion",
    "PairExplanation",
    "PairRationale",
    "PairScores",
    "PhraseMatch",
    "StableAssignment",
    "TalentProfile",
    "Weights",
]

FloatArray: TypeAlias = npt.NDArray[np.float32]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

Education = Literal["high_school", "associate", "bachelor", "master", "doctor"]
#: Education levels in increasing order; a demand's ``education`` is a minimum.
EDUCATION_LEVELS: tuple[Education, ...] = (
    "high_school",
    "associate",
    "bachelor",
    "master",
    "doctor",
)

#: The score components, in the order explanations list them.
COMPONENTS: tuple[str, ...] = (
    "meaning",
    "required_skills",
    "preferred_skills",
    "education",
    "major",
    "experience",
    "location",
    "salary",
    "languages",
    "overseas",
)


# ------------------------------------------------------------------------------ occupations


@dataclass(frozen=True)
class Occupation:
    """One row of the CSCO 2022 classification (职业分类大典 2022年版).

    ``level`` is 1 (major group) to 4 (detailed occupation); ``is_digital`` marks the edition's
    digital occupations (数字职业, an ``S`` after the name in the source, removed from ``name``).
    """

    code: str
    name: str
    level: int
    definition: str
    tasks: str = ""
    aliases: tuple[str, ...] = ()
    is_digital: bool = False


@dataclass(frozen=True)
class OccupationSuggestion:
    """A suggested occupation for a text; ``score`` in [0, 1], larger is closer."""

    code: str
    name: str
    score: float


# ------------------------------------------------------------------------------ profiles


def _tuple_of_str(owner: str, name: str, value: object) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise MatchingInputError(f"{owner}.{name} must be a sequence of strings, not {value!r}")
    items = tuple(value)
    if not all(isinstance(item, str) for item in items):
        raise MatchingInputError(f"{owner}.{name} must hold strings only, got {items!r}")
    return items


def _check_number(owner: str, name: str, value: float | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise MatchingInputError(f"{owner}.{name} must be a finite number or None, not {value!r}")
    if value < 0:
        raise MatchingInputError(f"{owner}.{name} must not be negative, got {value!r}")


def _check_education(owner: str, value: str | None) -> None:
    if value is not None and value not in EDUCATION_LEVELS:
        raise MatchingInputError(
            f"{owner}.education must be one of {', '.join(EDUCATION_LEVELS)} or None, not {value!r}"
        )


@dataclass(frozen=True)
class TalentProfile:
    """What is known about a talent; every field but ``id`` may be None, meaning unknown.

    An empty tuple is known and empty (the talent has no skills), None is unknown.
    ``salary_expected`` is the lowest monthly salary in yuan the talent accepts; ``overseas``
    says whether the talent studied or worked abroad (a returnee, 海归).
    """

    id: int | str
    text: str | None = None
    education: Education | None = None
    major: str | None = None
    years_experience: float | None = None
    skills: tuple[str, ...] | None = None
    languages: tuple[str, ...] | None = None
    locations: tuple[str, ...] | None = None
    salary_expected: float | None = None
    overseas: bool | None = None
    occupation_code: str | None = None

    def __post_init__(self) -> None:
        for name in ("skills", "languages", "locations"):
            object.__setattr__(
                self, name, _tuple_of_str("TalentProfile", name, getattr(self, name))
            )
        _check_education("TalentProfile", self.education)
        _check_number("TalentProfile", "years_experience", self.years_experience)
        _check_number("TalentProfile", "salary_expected", self.salary_expected)


@dataclass(frozen=True)
class DemandProfile:
    """An enterprise's need; every field but ``id`` may be None, meaning "not stated".

    ``education`` is the minimum level (a hard requirement), ``min_years`` the wanted years of
    experience, ``salary_min``/``salary_max`` the offered monthly range in yuan,
    ``overseas_required`` a hard requirement that the talent is a returnee, ``headcount`` the
    number of people wanted.
    """

    id: int | str
    text: str | None = None
    education: Education | None = None
    majors: tuple[str, ...] | None = None
    min_years: float | None = None
    required_skills: tuple[str, ...] | None = None
    preferred_skills: tuple[str, ...] | None = None
    languages: tuple[str, ...] | None = None
    location: str | None = None
    salary_min: float | None = None
    salary_max: float | None = None
    overseas_required: bool = False
    occupation_code: str | None = None
    headcount: int = 1

    def __post_init__(self) -> None:
        for name in ("majors", "required_skills", "preferred_skills", "languages"):
            object.__setattr__(
                self, name, _tuple_of_str("DemandProfile", name, getattr(self, name))
            )
        _check_education("DemandProfile", self.education)
        for name in ("min_years", "salary_min", "salary_max"):
            _check_number("DemandProfile", name, getattr(self, name))
        if (
            self.salary_min is not None
            and self.salary_max is not None
            and self.salary_min > self.salary_max
        ):
            raise MatchingInputError(
                f"DemandProfile.salary_min ({self.salary_min}) exceeds salary_max "
                f"({self.salary_max})"
            )
        if isinstance(self.headcount, bool) or not isinstance(self.headcount, int):
            raise MatchingInputError(
                f"DemandProfile.headcount must be an int, not {self.headcount!r}"
            )
        if self.headcount < 0:
            raise MatchingInputError(f"DemandProfile.headcount must be >= 0, got {self.headcount}")


# ------------------------------------------------------------------------------ weights


@dataclass(frozen=True)
class Weights:
    """The weight of each score component in the weighted mean; zero switches a component off.

    Defaults: what a job is about (``meaning``) and the required skills count most, then
    experience and location, then the rest; languages and the overseas bonus least. Hard
    requirements (minimum education, overseas required) also exclude a pair whatever the weight.

    Examples
    --------
    >>> Weights.from_mapping({"meaning": 2, "salary": 0}).salary
    0.0
    """

    meaning: float = 3.0
    required_skills: float = 3.0
    preferred_skills: float = 1.0
    education: float = 1.0
    major: float = 1.0
    experience: float = 1.5
    location: float = 1.5
    salary: float = 1.0
    languages: float = 0.5
    overseas: float = 0.5

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value < 0
            ):
                raise MatchingInputError(
                    f"weights.{f.name} must be a finite number >= 0, not {value!r}"
                )
            object.__setattr__(self, f.name, float(value))
        if sum(self.as_dict().values()) <= 0:
            raise MatchingInputError("weights must not all be zero")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, float]) -> Weights:
        """Build weights from a mapping (e.g. the admin's settings); missing keys keep defaults.

        Raises
        ------
        MatchingInputError
            A key is not a component name, or a value is negative or not finite.
        """
        unknown = sorted(set(mapping) - set(COMPONENTS))
        if unknown:
            raise MatchingInputError(
                f"weights: unknown component(s) {', '.join(unknown)}; "
                f"known: {', '.join(COMPONENTS)}"
            )
        return cls(**{key: float(value) for key, value in mapping.items()})

    def as_dict(self) -> dict[str, float]:
        """The weights by component name, in `COMPONENTS` order."""
        return {name: float(getattr(self, name)) for name in COMPONENTS}


# ------------------------------------------------------------------------------ scores


@dataclass(frozen=True)
class PairScores:
    """Scores of talent–demand pairs, one entry per pair, with their parts.

    Attributes
    ----------
    talent_index, demand_index : (m,) int64 rows of the talent and demand sequences.
    score : (m,) float32 weighted mean of the known components, in [0, 1]; NaN if infeasible.
    confidence : (m,) float32 in [0, 1]: the weight of the known components over the weight of
        all components that apply (the demand states the requirement). 1 = nothing unknown.
    lower, upper : (m,) float32 bounds on the score if every unknown component had turned out
        a failure (0) or a full match (1). ``lower <= score <= upper``; NaN if infeasible.
    components : name -> (m,) float32 in [0, 1]; NaN where unknown or not applicable.
    applies : name -> (m,) bool, the demand states what the component checks.
    known : name -> (m,) bool, the component applies and both sides are known.
    feasible : (m,) bool, no hard requirement fails.
    reasons : reason code -> (m,) bool, the pairs a hard requirement excludes
        (``education_below_minimum``, ``overseas_required``).
    """

    talent_index: IntArray
    demand_index: IntArray
    score: FloatArray
    confidence: FloatArray
    lower: FloatArray
    upper: FloatArray
    components: Mapping[str, FloatArray]
    applies: Mapping[str, BoolArray]
    known: Mapping[str, BoolArray]
    feasible: BoolArray
    reasons: Mapping[str, BoolArray]

    def __len__(self) -> int:
        return int(self.score.shape[0])

    def reasons_for(self, i: int) -> tuple[str, ...]:
        """The codes of the hard requirements pair ``i`` fails, empty if it is feasible."""
        return tuple(code for code, mask in self.reasons.items() if bool(mask[i]))

    def to_matrix(self, n_talents: int, n_demands: int) -> npt.NDArray[np.float64]:
        """A dense (n_talents, n_demands) score matrix, NaN where no (feasible) pair was scored."""
        out = np.full((n_talents, n_demands), np.nan)
        out[self.talent_index, self.demand_index] = self.score
        return out


@dataclass(frozen=True)
class ComponentExplanation:
    """One component of one pair: its value, weight and share of the score.

    ``status`` is ``met`` (value 1), ``partial`` (between), ``missing`` (0), ``unknown`` (the
    talent's side is not known) or ``not_applicable`` (the demand states nothing, or it is off).
    ``contribution`` is weight × value over the total known weight: the contributions of a
    feasible pair add up to its score.
    """

    name: str
    status: Literal["met", "partial", "missing", "unknown", "not_applicable"]
    value: float | None
    weight: float
    contribution: float
    detail: str


@dataclass(frozen=True)
class PhraseMatch:
    """A demand phrase and the talent phrase closest in meaning to it."""

    demand_phrase: str
    talent_phrase: str
    similarity: float


@dataclass(frozen=True)
class PairExplanation:
    """Why a talent fits a demand: the parts of the score in words and numbers."""

    talent_id: int | str
    demand_id: int | str
    score: float
    confidence: float
    feasible: bool
    reasons: tuple[str, ...]
    components: tuple[ComponentExplanation, ...]
    met: tuple[str, ...]
    missing: tuple[str, ...]
    unknown: tuple[str, ...]
    matched_skills: tuple[str, ...]
    missing_skills: tuple[str, ...]
    best_phrases: tuple[PhraseMatch, ...]


# ------------------------------------------------------------------------------ candidates


@dataclass(frozen=True)
class GroupMask:
    """Which talent–demand pairs are allowed, decided by groups of profiles.

    Pair ``(t, d)`` is allowed when ``allowed[talent_group[t], demand_group[d]]``. Hard
    requirements depend on a few coded fields (education level, overseas experience), so a
    city's 2·10⁹ pairs fall into a handful of groups; `candidates` then scores each demand
    only against the talents its group allows, instead of masking a dense block.
    Called with query rows, it returns the dense mask in the ``per`` orientation
    (``(len(rows), n_items)``), which is what a callable mask does.

    Examples
    --------
    Two talent groups (0: any, 1: no degree) and two demand groups (0: open, 1: needs a degree):

    >>> mask = GroupMask(
    ...     talent_group=np.array([0, 1, 0]),
    ...     demand_group=np.array([1, 0]),
    ...     allowed=np.array([[True, True], [True, False]]),
    ... )
    >>> mask.dense().tolist()
    [[True, True], [False, True], [True, True]]
    >>> mask(np.array([0])).tolist()  # demand 0 (needs a degree) against the three talents
    [[True, False, True]]
    """

    talent_group: IntArray
    demand_group: IntArray
    allowed: BoolArray
    per: Literal["demand", "talent"] = "demand"

    def __post_init__(self) -> None:
        for name in ("talent_group", "demand_group", "allowed"):
            value = np.asarray(getattr(self, name))
            want = np.bool_ if name == "allowed" else np.integer
            if value.size and not np.issubdtype(value.dtype, want):
                kind = "bools" if name == "allowed" else "integer labels"
                raise MatchingInputError(f"{name} must hold {kind}, got {value.dtype}")
            object.__setattr__(self, name, value.astype(bool if name == "allowed" else np.int64))
        if self.allowed.ndim != 2:
            raise MatchingInputError(
                f"allowed must be a 2-d (talent groups, demand groups) array, "
                f"got shape {self.allowed.shape}"
            )
        n_tg, n_dg = self.allowed.shape
        for name, groups, n in (
            ("talent_group", self.talent_group, n_tg),
            ("demand_group", self.demand_group, n_dg),
        ):
            if groups.ndim != 1 or (groups.size and (groups.min() < 0 or groups.max() >= n)):
                raise MatchingInputError(f"{name} must be a 1-d array of labels in [0, {n})")
        if self.per not in ("demand", "talent"):
            raise MatchingInputError(f"per must be 'demand' or 'talent', not {self.per!r}")

    def dense(
        self,
        talent_rows: IntArray | slice = slice(None),
        demand_rows: IntArray | slice = slice(None),
    ) -> BoolArray:
        """The (talents, demands) bool mask of the given rows."""
        out: BoolArray = self.allowed[
            np.ix_(self.talent_group[talent_rows], self.demand_group[demand_rows])
        ]
        return out

    def __call__(self, rows: IntArray) -> BoolArray:
        rows = np.asarray(rows, dtype=np.int64)
        if self.per == "demand":
            out: BoolArray = self.allowed.T[np.ix_(self.demand_group[rows], self.talent_group)]
        else:
            out = self.allowed[np.ix_(self.talent_group[rows], self.demand_group)]
        return out


@dataclass(frozen=True)
class Candidates:
    """The exact top-k of each query row by inner product.

    ``per="demand"``: row i lists talents for demand i; ``per="talent"``: demands for talent i.
    ``indices`` (n_queries, k) int64, best first, -1 where fewer than k are allowed;
    ``scores`` (n_queries, k) float32 inner products (cosines for unit rows), NaN with -1.
    Ties are broken by the smaller index.
    """

    indices: IntArray
    scores: FloatArray
    per: Literal["demand", "talent"]

    def pairs(self) -> tuple[IntArray, IntArray]:
        """The candidate pairs as ``(talent_index, demand_index)`` arrays, query by query."""
        rows, cols = np.nonzero(self.indices >= 0)
        query = rows.astype(np.int64)
        item = self.indices[rows, cols]
        return (item, query) if self.per == "demand" else (query, item)


# ------------------------------------------------------------------------------ assignment


@dataclass(frozen=True)
class Assignment:
    """Proposed talent–demand pairs with the largest total score.

    ``pairs`` are (talent row, demand column) of the score matrix, sorted; ``pair_scores``
    their scores; ``status`` is ``optimal`` (every demand filled to its headcount), ``partial``
    (optimal, but some headcount stays open: no feasible talent is left for it) or ``empty``.
    """

    pairs: tuple[tuple[int, int], ...]
    pair_scores: tuple[float, ...]
    total_score: float
    status: Literal["optimal", "partial", "empty"]
    message: str
    unfilled: int = 0


@dataclass(frozen=True)
class PairRationale:
    """Why one proposed pair beat its closest alternatives.

    ``runner_up_talent``: the best other talent for this demand that was not proposed to it,
    ``runner_up_talent_score`` its score, and ``runner_up_talent_reason`` why it lost (its
    score is lower, or it was proposed to another demand, named in ``runner_up_talent_taken_by``).
    ``runner_up_demand`` likewise: the best other demand for this talent, and whose proposals
    fill it (``runner_up_demand_filled_by``).
    """

    talent: int
    demand: int
    score: float
    runner_up_talent: int | None
    runner_up_talent_score: float | None
    runner_up_talent_taken_by: int | None
    runner_up_talent_reason: str
    runner_up_demand: int | None
    runner_up_demand_score: float | None
    runner_up_demand_filled_by: tuple[int, ...]
    runner_up_demand_reason: str


@dataclass(frozen=True)
class AssignmentExplanation:
    """One `PairRationale` per proposed pair, in the assignment's order."""

    pairs: tuple[PairRationale, ...] = field(default=())


@dataclass(frozen=True)
class StableAssignment:
    """A stable hospital–residents matching and how it compares with the optimum.

    No talent and demand both prefer each other to what they got (``blocking_pairs`` is
    empty). ``total_score`` is its total, ``optimal_total_score`` that of `propose_assignment`
    under the same capacities: stability usually costs some total score.
    """

    pairs: tuple[tuple[int, int], ...]
    pair_scores: tuple[float, ...]
    total_score: float
    optimal_total_score: float
    proposing: Literal["talent", "demand"]
    status: Literal["optimal", "partial", "empty"]
    message: str
