"""Occupation coding: the CSCO 2022 classification and the coding of job titles.

The table ships as ``data/csco22.csv``, the labelled titles as ``data/csco_titles.csv`` (see
``data/README.md`` for sources and licences). `OccupationCoder` normalises a title
(`matching.titles.normalize_title`) and scores each level-3 group from three signals: its
labelled titles most similar to the title (character 1-3-gram TF-IDF), the best of its
occupations' names and aliases (same features), and a field-weighted BM25 over character
bigrams of the names, aliases, definitions and task lists (with an encoder, the embedding
similarity of the text and each occupation is added to it). Group scores become a calibrated
confidence (softmax, then Platt scaling, both fitted on cross-validated labelled titles);
below `UNKNOWN_BELOW` the coding is "unknown". `code_occupation` and `suggest_occupations` use
the coder of the shipped data.
"""

from __future__ import annotations

import csv
import functools
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from matching.encoders import Encoder
from matching.errors import MatchingInputError
from matching.text import char_bigrams
from matching.titles import normalize_title
from matching.types import Occupation, OccupationSuggestion

__all__ = [
    "OccupationCoder",
    "OccupationCoding",
    "code_occupation",
    "load_labelled_titles",
    "load_occupations",
    "suggest_occupations",
]

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


# ------------------------------------------------------------------------------ the coder

_TITLES = Path(__file__).parent / "data" / "csco_titles.csv"
_CJK_RUN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[a-z][a-z0-9+#.]*")
#: Weights of the three signals in a group's score (tuned by 5-fold cross-validation on the
#: labelled titles, ``bench/bench_meaning.py``): labelled neighbours, names and aliases, and
#: the BM25 over names, aliases, definitions and tasks.
NEIGHBOUR_WEIGHT, NAME_WEIGHT, TEXT_WEIGHT = 1.0, 0.3, 0.4
#: How many labelled neighbours vote, and the power of their similarity in the vote.
NEIGHBOURS, SHARPNESS = 20, 2.0
#: Group scores become probabilities by a softmax of this temperature, and a probability p
#: becomes a confidence by Platt scaling, sigmoid(SLOPE * logit(p) + BIAS), both fitted by
#: log-loss on the cross-validated titles: expected calibration error 0.015 (a confidence of
#: 0.7 is right about 70 % of the time).
TEMPERATURE, SLOPE, BIAS = 6.0, 0.2, 0.0
#: Below this confidence `code_occupation` answers "unknown" (code None); at 0.4, 85 % of the
#: development titles are coded and 68 % of those to the right group (62 % over all titles).
UNKNOWN_BELOW = 0.4
ENCODER_WEIGHT = 0.5


def _grams(text: str) -> list[str]:
    """Character 1-3-grams of each CJK run (with boundary marks) and whole Latin words."""
    out: list[str] = []
    for run in _CJK_RUN_RE.findall(text):
        if run.isascii():
            out.append(run)
            continue
        padded = f"^{run}$"
        out.extend(run)
        out.extend(padded[i : i + 2] for i in range(len(padded) - 1))
        out.extend(padded[i : i + 3] for i in range(len(padded) - 2))
    return out


class _Tfidf:
    """Sublinear TF-IDF of `_grams`, rows scaled to unit length (scipy.sparse CSR)."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.vocab: dict[str, int] = {}
        for text in texts:
            for gram in _grams(text):
                self.vocab.setdefault(gram, len(self.vocab))
        counts = self._counts(texts)
        df = np.bincount(counts.indices, minlength=len(self.vocab))
        self.idf = np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0

    def _counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        indptr = [0]
        indices: list[int] = []
        values: list[float] = []
        for text in texts:
            found: dict[int, float] = {}
            for gram in _grams(text):
                j = self.vocab.get(gram)
                if j is not None:
                    found[j] = found.get(j, 0.0) + 1.0
            indices.extend(found)
            values.extend(found.values())
            indptr.append(len(indices))
        return sp.csr_matrix(
            (
                np.asarray(values, dtype=np.float64),
                np.asarray(indices, dtype=np.int64),
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=(len(texts), len(self.vocab)),
        )

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        matrix = self._counts(texts)
        matrix.data = (1.0 + np.log(matrix.data)) * self.idf[matrix.indices]
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


@dataclass(frozen=True)
class OccupationCoding:
    """What `code_occupation` makes of a title.

    ``code``/``name`` are the best occupation, or None ("unknown") when ``confidence`` (the
    calibrated probability that its level-3 group is right) is below the threshold;
    ``suggestions`` are the best occupations of distinct groups, best first, whatever the
    confidence.
    """

    code: str | None
    name: str | None
    confidence: float
    suggestions: tuple[OccupationSuggestion, ...]


def _group_key(code: str) -> str:
    return code[:7]


def load_labelled_titles(path: str | Path | None = None) -> tuple[tuple[str, str], ...]:
    """(title, CSCO code) pairs of a CSV with ``job_name`` and ``expected_code`` columns;
    the shipped ``data/csco_titles.csv`` by default. Rows without a code are skipped."""
    with Path(path or _TITLES).open(encoding="utf-8", newline="") as fh:
        return tuple(
            (row["job_name"], row["expected_code"].strip())
            for row in csv.DictReader(fh)
            if row.get("expected_code", "").strip() and row.get("job_name", "").strip()
        )


class OccupationCoder:
    """Codes job titles to CSCO 2022 occupations from labelled neighbours, names and aliases,
    and definitions (see the module docstring); thread-safe once built.

    Parameters
    ----------
    labelled : (title, code) pairs to learn from; the shipped labelled titles by default
        (`load_labelled_titles`). Codes may be detailed occupations or groups.
    occupations : the classification; `load_occupations()` by default.
    """

    def __init__(
        self,
        labelled: Sequence[tuple[str, str]] | None = None,
        *,
        occupations: Sequence[Occupation] | None = None,
    ) -> None:
        occupations = tuple(load_occupations() if occupations is None else occupations)
        self._by_code = {o.code: o for o in occupations}
        labelled = load_labelled_titles() if labelled is None else tuple(labelled)
        # A label outside the classification (an older edition's code) cannot be suggested.
        labelled = tuple((t, c) for t, c in labelled if c in self._by_code)
        self._index = _Index(occupations) if occupations is not load_occupations() else _index()
        titles = [normalize_title(t) for t, _ in labelled]
        title_codes = [c for _, c in labelled]
        names: list[str] = []
        name_codes: list[str] = []
        for occ in occupations:
            if occ.level < 3:
                continue
            for text in (occ.name, *occ.aliases):
                normal = normalize_title(text)
                if normal:
                    names.append(normal)
                    name_codes.append(occ.code)
        self._tfidf = _Tfidf([*titles, *names])
        self._titles = self._tfidf.transform(titles)
        self._names = self._tfidf.transform(names)
        groups = sorted(
            {_group_key(c) for c in (*title_codes, *name_codes)}
            | {_group_key(o.code) for o in self._index.occupations}
        )
        self._groups = groups
        where = {g: i for i, g in enumerate(groups)}
        self._title_codes = np.asarray(title_codes, dtype=object)
        self._title_groups = np.asarray([where[_group_key(c)] for c in title_codes], dtype=np.int64)
        self._name_codes = np.asarray(name_codes, dtype=object)
        self._name_groups = np.asarray([where[_group_key(c)] for c in name_codes], dtype=np.int64)
        self._occ_groups = np.asarray(
            [where[_group_key(o.code)] for o in self._index.occupations], dtype=np.int64
        )
        # Suggestions are detailed occupations; a title labelled with a whole major or medium
        # group (工程师 → 2-02-00-00 工程技术人员) is suggested that group's code.
        self._members: dict[int, list[int]] = {}
        for j, g in enumerate(self._occ_groups.tolist()):
            self._members.setdefault(g, []).append(j)
        self._detailed = {o.code for o in self._index.occupations}

    def _evidence(
        self, text: str, encoder: Encoder | None
    ) -> tuple[np.ndarray, dict[int, dict[str, float]], np.ndarray]:
        """Each group's score, per group the evidence for each of its codes, and the text
        score of each detailed occupation."""
        n_groups = len(self._groups)
        scores = np.zeros(n_groups)
        codes: dict[int, dict[str, float]] = {}

        def credit(group: int, code: str, amount: float) -> None:
            per = codes.setdefault(group, {})
            per[code] = per.get(code, 0.0) + amount

        normal = normalize_title(text)
        query = self._tfidf.transform([normal])
        if query.nnz:
            sims = np.asarray((self._titles @ query.T).todense()).ravel()
            if sims.size:
                top = np.argsort(-sims, kind="stable")[:NEIGHBOURS]
                top = top[sims[top] > 0]
                votes = NEIGHBOUR_WEIGHT * sims[top] ** SHARPNESS
                for j, amount in zip(top.tolist(), votes.tolist(), strict=True):
                    scores[self._title_groups[j]] += amount
                    credit(int(self._title_groups[j]), str(self._title_codes[j]), amount)
            name_sims = np.asarray((self._names @ query.T).todense()).ravel()
            best = np.zeros(n_groups)
            np.maximum.at(best, self._name_groups, name_sims)
            scores += NAME_WEIGHT * best
            for j in np.argsort(-name_sims)[:NEIGHBOURS].tolist():
                if name_sims[j] > 0:
                    credit(
                        int(self._name_groups[j]),
                        str(self._name_codes[j]),
                        NAME_WEIGHT * float(name_sims[j]),
                    )
        lexical = self._index.lexical(normal or text)
        if encoder is not None and text.strip():
            vectors = _occupation_vectors(self._index, encoder)
            lo, hi = encoder.calibration
            meaning = np.clip((vectors @ encoder.encode([text])[0] - lo) / (hi - lo), 0.0, 1.0)
            lexical = lexical + ENCODER_WEIGHT * meaning
        best = np.zeros(n_groups)
        np.maximum.at(best, self._occ_groups, lexical)
        scores += TEXT_WEIGHT * best
        for j in np.argsort(-lexical)[:NEIGHBOURS].tolist():
            if lexical[j] > 0:
                credit(
                    int(self._occ_groups[j]),
                    self._index.occupations[j].code,
                    TEXT_WEIGHT * float(lexical[j]),
                )
        return scores, codes, lexical

    def code(self, text: str, k: int = 5, *, encoder: Encoder | None = None) -> OccupationCoding:
        """Code one title: the best occupation (or unknown) and suggestions of ``k`` groups.

        Raises
        ------
        MatchingInputError
            ``k`` is not a positive integer.
        """
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise MatchingInputError(f"k must be a positive integer, not {k!r}")
        scores, codes, lexical = self._evidence(text, encoder)
        live = np.asarray(
            [
                g
                for g in np.flatnonzero(scores > 0).tolist()
                if g in self._members or self._groups[g] + "-00" in self._by_code
            ],
            dtype=np.int64,
        )
        if not live.size:
            return OccupationCoding(None, None, 0.0, ())
        weights = np.exp(TEMPERATURE * (scores[live] - scores[live].max()))
        softmax = np.clip(weights / weights.sum(), 1e-9, 1.0 - 1e-9)
        probability = 1.0 / (1.0 + np.exp(-(SLOPE * np.log(softmax / (1.0 - softmax)) + BIAS)))
        order = np.lexsort((live, -probability))[:k]
        out = []
        for i in order.tolist():
            group = int(live[i])
            per = {c: v for c, v in codes.get(group, {}).items() if c in self._detailed}
            if per:  # the detailed occupation with the most evidence
                code = min(per, key=lambda c: (-per[c], c))
            elif group in self._members:  # only group labels: the member whose texts fit best
                members = self._members[group]
                code = self._index.occupations[max(members, key=lambda j: lexical[j])].code
            else:  # a major or medium group
                code = self._groups[group] + "-00"
            name = self._by_code[code].name
            out.append(OccupationSuggestion(code=code, name=name, score=float(probability[i])))
        best = out[0]
        if best.score < UNKNOWN_BELOW:
            return OccupationCoding(None, None, best.score, tuple(out))
        return OccupationCoding(best.code, best.name, best.score, tuple(out))

    def suggest(
        self, text: str, k: int = 5, *, encoder: Encoder | None = None
    ) -> tuple[OccupationSuggestion, ...]:
        """The ``k`` best occupations of distinct level-3 groups, best first."""
        return self.code(text, k, encoder=encoder).suggestions


@functools.cache
def default_coder() -> OccupationCoder:
    """The coder of the shipped labelled titles and classification (built once, ~1 s)."""
    return OccupationCoder()


def code_occupation(text: str, k: int = 5, *, encoder: Encoder | None = None) -> OccupationCoding:
    """Code a job title to a CSCO 2022 occupation with a calibrated confidence.

    Parameters
    ----------
    text : a job title as posted (Chinese or English; normalised with `normalize_title`).
    k : how many suggestions (of distinct level-3 groups) to return.
    encoder : optional; adds the encoder's similarity to each occupation's name and definition.

    Returns
    -------
    OccupationCoding
        ``code`` None means unknown: the best group's probability is below `UNKNOWN_BELOW`.

    Examples
    --------
    >>> coding = code_occupation("高级Java开发工程师（北京）")
    >>> coding.code[:7], coding.confidence > 0.5
    ('2-02-10', True)
    >>> code_occupation("！！！").code is None
    True
    """
    return default_coder().code(text, k, encoder=encoder)


def suggest_occupations(
    text: str, k: int = 5, *, encoder: Encoder | None = None
) -> tuple[OccupationSuggestion, ...]:
    """Rank CSCO 2022 occupations for a job title or description (see `code_occupation`).

    Parameters
    ----------
    text : a job title or a description, Chinese or English.
    k : how many suggestions to return.
    encoder : optional; blends the calibrated embedding similarity of the text and each
        occupation's name and definition into the text signal.

    Returns
    -------
    tuple of OccupationSuggestion
        Best first, at most ``k``, one per level-3 group; ``score`` is the calibrated
        probability that the suggestion's group is right. Empty if the text shares nothing
        with any occupation or labelled title.

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
    return default_coder().suggest(text, k, encoder=encoder)
