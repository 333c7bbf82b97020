"""Occupation coding: the CSCO 2022 classification and `suggest_occupations` for a job text.

The table ships as ``data/csco22.csv`` (see ``data/README.md`` for its source and licence).
Detailed occupations (level 4) are ranked by a field-weighted BM25 over character bigrams and
Latin words of the name, the aliases (job titles mapped to the occupation), the definition and
the task list; with an encoder, the embedding similarity of the text and the occupation is
blended in.
"""

from __future__ import annotations

import csv
import functools
import math
import re
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from matching.encoders import Encoder
from matching.errors import MatchingInputError
from matching.text import char_bigrams
from matching.types import Occupation, OccupationSuggestion

__all__ = ["load_occupations", "suggest_occupations"]

_DATA = Path(__file__).parent / "data" / "csco22.csv"
# The edition marks green (L), digital (S) and both (L/S) occupations after the name.
_MARK_RE = re.compile(r"(?:L/S|L|S)$", re.IGNORECASE)
# Field weights of the BM25F-style term frequency: a word in the name says most.
_FIELD_WEIGHTS = {"name": 3.0, "aliases": 2.0, "definition": 1.0, "tasks": 0.5}
_K1 = 1.2
_B = 0.75
#: How much of the suggestion score comes from the encoder when one is given.
ENCODER_SHARE = 0.5


@functools.cache
def load_occupations() -> tuple[Occupation, ...]:
    """All 2,051 rows of CSCO 2022, in the order of their codes (read once per process).

    Returns
    -------
    tuple of Occupation
        Levels 1 (8 major groups) to 4 (1,634 detailed occupations).

    Examples
    --------
    >>> occupations = load_occupations()
    >>> [o.name for o in occupations if o.code == "2-02-10-03"]
    ['计算机软件工程技术人员']
    >>> sum(o.level == 4 for o in occupations)
    1634
    """
    out: list[Occupation] = []
    with _DATA.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            raw_name = row["name"].strip()
            mark = _MARK_RE.search(raw_name)
            name = raw_name[: mark.start()] if mark else raw_name
            mark_text = mark.group(0).upper() if mark else ""
            aliases = tuple(
                dict.fromkeys(
                    _MARK_RE.sub("", alias.strip())
                    for alias in row["alias"].split(",")
                    if alias.strip() and _MARK_RE.sub("", alias.strip()) != name
                )
            )
            out.append(
                Occupation(
                    code=row["code"],
                    name=name,
                    level=int(row["level"]),
                    definition=row["definition"].strip(),
                    tasks=row["tasks"].strip(),
                    aliases=aliases,
                    is_digital="S" in mark_text,
                )
            )
    return tuple(out)


class _Index:
    """BM25F weights of the detailed occupations, one sparse row each."""

    def __init__(self, occupations: Sequence[Occupation]) -> None:
        self.occupations = tuple(o for o in occupations if o.level == 4)
        vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        lengths = np.zeros(len(self.occupations))
        for i, occ in enumerate(self.occupations):
            fields = {
                "name": occ.name,
                "aliases": "，".join(occ.aliases),
                "definition": occ.definition,
                "tasks": occ.tasks,
            }
            tf: dict[int, float] = {}
            for field_name, text in fields.items():
                weight = _FIELD_WEIGHTS[field_name]
                for term in char_bigrams(text):
                    j = vocab.setdefault(term, len(vocab))
                    tf[j] = tf.get(j, 0.0) + weight
            lengths[i] = sum(tf.values())
            rows.extend([i] * len(tf))
            cols.extend(tf)
            vals.extend(tf.values())
        n = len(self.occupations)
        tf_matrix = sp.csr_matrix((vals, (rows, cols)), shape=(n, len(vocab)), dtype=np.float64)
        df = np.diff(tf_matrix.tocsc().indptr)
        self.idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        norm = _K1 * (1.0 - _B + _B * lengths / lengths.mean())
        tf_matrix = tf_matrix.tocoo()
        saturated = tf_matrix.data * (_K1 + 1.0) / (tf_matrix.data + norm[tf_matrix.row])
        weights = saturated * self.idf[tf_matrix.col]
        self.matrix = sp.csr_matrix(
            (weights, (tf_matrix.row, tf_matrix.col)), shape=tf_matrix.shape
        )
        self.vocab = vocab
        self.vectors: dict[str, np.ndarray] = {}

    def lexical(self, text: str) -> np.ndarray:
        terms = [self.vocab[t] for t in set(char_bigrams(text)) if t in self.vocab]
        if not terms:
            return np.zeros(len(self.occupations))
        query = np.zeros(len(self.vocab))
        query[terms] = 1.0
        raw = np.asarray(self.matrix @ query)
        # The best a document can reach is every query term saturated: scale into [0, 1].
        best = float(self.idf[terms].sum() * (_K1 + 1.0))
        return np.clip(raw / best, 0.0, 1.0)


_LOCK = threading.Lock()


@functools.cache
def _index() -> _Index:
    return _Index(load_occupations())


def _occupation_vectors(index: _Index, encoder: Encoder) -> np.ndarray:
    with _LOCK:
        vectors = index.vectors.get(encoder.name)
        if vectors is None:
            texts = [f"{o.name}：{o.definition}" for o in index.occupations]
            vectors = index.vectors[encoder.name] = encoder.encode(texts)
    return vectors


def suggest_occupations(
    text: str, k: int = 5, *, encoder: Encoder | None = None
) -> tuple[OccupationSuggestion, ...]:
    """Rank the detailed (level 4) CSCO 2022 occupations for a job title or description.

    Parameters
    ----------
    text : a job title or a description, Chinese or English.
    k : how many suggestions to return.
    encoder : optional; blends the calibrated embedding similarity of the text and each
        occupation's name and definition (half and half) into the lexical score.

    Returns
    -------
    tuple of OccupationSuggestion
        Best first, at most ``k``; empty if the text shares nothing with any occupation.
        Ties are broken by the code.

    Raises
    ------
    MatchingInputError
        ``k`` is not a positive integer.

    Examples
    --------
    >>> suggest_occupations("护士", k=1)[0].name
    '内科护士'
    >>> [s.code for s in suggest_occupations("Java后端开发工程师", k=3)][:1]
    ['2-02-10-03']
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise MatchingInputError(f"k must be a positive integer, not {k!r}")
    index = _index()
    scores = index.lexical(text)
    if encoder is not None and text.strip():
        occ_vectors = _occupation_vectors(index, encoder)
        query = encoder.encode([text])[0]
        lo, hi = encoder.calibration
        meaning = np.clip((occ_vectors @ query - lo) / (hi - lo), 0.0, 1.0)
        scores = (1.0 - ENCODER_SHARE) * scores + ENCODER_SHARE * meaning
    # Stable tie-break by code: lexsort on (code order, -score).
    order = np.lexsort((np.arange(len(scores)), -scores))
    out = []
    for i in order[:k]:
        if scores[i] <= 0.0 or math.isnan(scores[i]):
            break
        occ = index.occupations[int(i)]
        out.append(OccupationSuggestion(code=occ.code, name=occ.name, score=float(scores[i])))
    return tuple(out)
