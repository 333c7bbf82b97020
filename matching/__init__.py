"""Matching talents with demands: encoders, explained scores, exact candidates, assignments.

Plain data in, frozen dataclasses out; no web app, database or search index here (STYLE.md §2).

- `load_encoder`, `HashingEncoder`: texts → float32 unit vectors, cached by text hash.
- `score_pairs`: a score in [0, 1] per talent–demand pair from named components, with
  confidence and the reasons a pair is infeasible; `explain_scores` explains any scored pair
  (the one explanation, whatever the pair's rank), `explain_pair` scores and explains one.
- `candidates`: exact top-k per demand or per talent by blocked matrix products.
- `propose_assignment`, `explain_assignment`: the best total score under headcounts.
- `stable_assignment`, `blocking_pairs`: deferred acceptance and its check.
- `load_occupations`, `code_occupation`, `suggest_occupations`, `OccupationCoder`: CSCO 2022
  occupation coding of job titles (`normalize_title` cleans a title first).
"""

from __future__ import annotations

from matching.assignment import (
    blocking_pairs,
    explain_assignment,
    propose_assignment,
    stable_assignment,
)
from matching.candidates import candidates
from matching.encoders import (
    DEFAULT_MODEL,
    Encoder,
    HashingEncoder,
    SentenceTransformerEncoder,
    forget_vectors,
    load_encoder,
)
from matching.errors import EncoderUnavailable, MatchingError, MatchingInputError
from matching.occupations import (
    OccupationCoder,
    OccupationCoding,
    code_occupation,
    load_labelled_titles,
    load_occupations,
    suggest_occupations,
)
from matching.scoring import (
    DEFAULT_CALIBRATION,
    explain_pair,
    explain_scores,
    hard_requirement_mask,
    score_pairs,
)
from matching.titles import normalize_title
from matching.types import (
    COMPONENTS,
    EDUCATION_LEVELS,
    Assignment,
    AssignmentExplanation,
    Candidates,
    ComponentExplanation,
    DemandProfile,
    GroupMask,
    Occupation,
    OccupationSuggestion,
    PairExplanation,
    PairRationale,
    PairScores,
    PhraseMatch,
    StableAssignment,
    TalentProfile,
    Weights,
)

__all__ = [
    "COMPONENTS",
    "DEFAULT_CALIBRATION",
    "DEFAULT_MODEL",
    "EDUCATION_LEVELS",
    "Assignment",
    "AssignmentExplanation",
    "Candidates",
    "ComponentExplanation",
    "DemandProfile",
    "Encoder",
    "EncoderUnavailable",
    "GroupMask",
    "HashingEncoder",
    "MatchingError",
    "MatchingInputError",
    "Occupation",
    "OccupationCoder",
    "OccupationCoding",
    "OccupationSuggestion",
    "PairExplanation",
    "PairRationale",
    "PairScores",
    "PhraseMatch",
    "SentenceTransformerEncoder",
    "StableAssignment",
    "TalentProfile",
    "Weights",
    "blocking_pairs",
    "candidates",
    "code_occupation",
    "explain_assignment",
    "explain_pair",
    "explain_scores",
    "forget_vectors",
    "hard_requirement_mask",
    "load_encoder",
    "load_labelled_titles",
    "load_occupations",
    "normalize_title",
    "propose_assignment",
    "score_pairs",
    "stable_assignment",
    "suggest_occupations",
]
