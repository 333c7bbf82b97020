"""Matching talents with demands: encoders, explained scores, exact candidates, assignments.

Plain data in, frozen dataclasses out; no web app, database or search index here (STYLE.md §2).

- `load_encoder`, `HashingEncoder`: texts → float32 unit vectors, cached by text hash.
- `score_pairs`, `explain_pair`: a score in [0, 1] per talent–demand pair from named
  components, with confidence and the reasons a pair is infeasible.
- `candidates`: exact top-k per demand or per talent by blocked matrix products.
- `propose_assignment`, `explain_assignment`: the best total score under headcounts.
- `stable_assignment`, `blocking_pairs`: deferred acceptance and its check.
- `load_occupations`, `suggest_occupations`: CSCO 2022 occupation coding.
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
from matching.occupations import load_occupations, suggest_occupations
from matching.scoring import (
    DEFAULT_CALIBRATION,
    explain_pair,
    hard_requirement_mask,
    score_pairs,
)
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
    "explain_assignment",
    "explain_pair",
    "forget_vectors",
    "hard_requirement_mask",
    "load_encoder",
    "load_occupations",
    "propose_assignment",
    "score_pairs",
    "stable_assignment",
    "suggest_occupations",
]
